"""Builders of the compound constructs: open maps (`additionalProperties`) and unions.

`TypeBuilder` (build_types.py) dispatches here for an object whose keys are
not known in advance, for `type: [string, number]` and for `oneOf`. Value and
member schemas are built by the same `TypeBuilder` (passed in as `Builds`), so
they may be anything a property may be. A union is accepted only when it is
decidable: one member per JSON type, and several objects only with a
discriminator or a required key each that the others lack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, assert_never

from .build_scalars import ALL_TYPED_KEYWORDS, KEYWORDS_BY_TYPE
from .model import (
    ArrayType,
    BooleanType,
    EnumType,
    MapType,
    NumericType,
    ObjectModel,
    ObjectType,
    Scalar,
    StringType,
    TimestampType,
    TypeNode,
    UnionType,
    as_enum,
    as_object,
)
from .names import pascal_case
from .rename_checks import refuse_renamed_from
from .reporting import Reporter
from .source import JsonPath


class Builds(Protocol):
    """What these builders need of `TypeBuilder`: its reporter and `build_type`."""

    report: Reporter
    objects: dict[str, ObjectModel]

    def build_type(
        self, spec: Any, path: JsonPath, name_hint: str, label: str
    ) -> tuple[TypeNode, bool, str] | None: ...

    def build_inline_type(
        self, spec: Mapping[str, Any], path: JsonPath, name_hint: str, label: str
    ) -> tuple[TypeNode, bool] | None: ...


def is_open_map(spec: Mapping[str, Any]) -> bool:
    """Whether an object property declares a value schema for keys it does not list."""
    extra = spec.get("additionalProperties", False)
    return extra is not False


def build_map(
    builder: Builds, spec: Mapping[str, Any], path: JsonPath, name_hint: str, label: str
) -> MapType | None:
    """`additionalProperties: <schema>` without `properties`: a `Mapping[str, V]`."""
    report = builder.report
    extra = spec["additionalProperties"]
    extra_path = (*path, "additionalProperties")
    if extra is True:
        report.error(
            extra_path,
            "additionalProperties: true leaves the values untyped",
            "give the values' schema, e.g. `additionalProperties: {type: string}`",
        )
        return None
    if spec.get("properties"):
        report.error(
            extra_path,
            "an object has either listed properties or additionalProperties, not both",
            "move the open part into a property of its own (a map)",
        )
        return None
    if "required" in spec:
        report.error((*path, "required"), "a map has no required keys", key=True)
        return None
    refuse_renamed_from(report, extra, extra_path, "map values")
    built = builder.build_type(extra, extra_path, name_hint + "Value", label + "[*]")
    if built is None:
        return None
    values, nullable, _ = built
    if nullable:
        report.error(extra_path, "map values cannot be nullable", "drop null from the value type")
        return None
    return MapType(values)


# -- unions -----------------------------------------------------------------------
_UNION_SIBLINGS = {
    "oneOf",
    "description",
    "title",
    "examples",
    "deprecated",
    "renamed_from",
    "default",
}


def _group(node: TypeNode) -> str:
    """The JSON kind a member is told apart by: two members of one kind are ambiguous
    (an int is also a number; a timestamp is an integer on the wire; a map takes any object)."""
    match node:
        case StringType():
            return "string"
        case NumericType() | TimestampType():
            return "number"
        case EnumType():
            return "number" if node.base == "integer" else node.base
        case BooleanType():
            return "boolean"
        case ArrayType():
            return "array"
        case ObjectType() | MapType():
            return "object"
        case UnionType():
            return "union"
        case _:
            assert_never(node)


def _kind_word(node: TypeNode) -> str:
    match node:
        case ObjectType():
            return f"object {node.class_name}"
        case MapType():
            return "map"
        case NumericType():
            return "integer" if node.integer else "number"
        case TimestampType():
            return "timestamp"
        case EnumType():
            return f"{node.base} enum"
        case StringType() | BooleanType() | ArrayType() | UnionType():
            return _group(node)
        case _:
            assert_never(node)


def _discriminator(models: list[ObjectModel]) -> tuple[str, tuple[Scalar, ...]] | None:
    """A property every object requires, with one `const` value each, all different."""
    candidates = sorted(f.wire_name for f in models[0].fields)
    for key in candidates:
        values: list[Scalar] = []
        for model in models:
            field = next((f for f in model.fields if f.wire_name == key), None)
            enum = None if field is None else as_enum(field.type)
            if field is None or not field.required or field.nullable:
                break
            if enum is None or len(enum.values) != 1:
                break
            values.append(enum.values[0])
        else:
            if len({(type(v), v) for v in values}) == len(values):
                return key, tuple(values)
    return None


def _markers(models: list[ObjectModel]) -> tuple[str, ...] | None:
    """For each object, a key it requires that no other object of the union has at all."""
    markers: list[str] = []
    for index, model in enumerate(models):
        others = {f.wire_name for i, m in enumerate(models) if i != index for f in m.fields}
        own = sorted(f.wire_name for f in model.fields if f.required and f.wire_name not in others)
        if not own:
            return None
        markers.append(own[0])
    return tuple(markers)


def decide_union(
    builder: Builds, members: list[tuple[TypeNode, JsonPath]], path: JsonPath
) -> UnionType | None:
    """The union of `members`, when a value (and a JSON payload) always says which it is."""
    report = builder.report
    seen: dict[str, TypeNode] = {}
    objects: list[ObjectType] = []
    ok = True
    for node, member_path in members:
        group = _group(node)
        if group == "union":
            report.error(
                member_path, "a union member cannot itself be a union", "list its members here"
            )
            ok = False
            continue
        obj = as_object(node)
        if obj is not None and as_object(seen.get(group, node)) is not None:
            objects.append(obj)
            seen.setdefault(group, node)
            continue
        if group in seen:
            report.error(
                member_path,
                f"this {_kind_word(node)} cannot be told apart from the {_kind_word(seen[group])}"
                " before it in the same union",
                "a union has one member per JSON type; objects need a discriminator",
            )
            ok = False
            continue
        seen[group] = node
    if not ok:
        return None
    nodes = tuple(node for node, _ in members)
    if len(objects) < 2:
        return UnionType(nodes)
    models = [builder.objects[o.class_name] for o in objects]
    found = _discriminator(models)
    if found is not None:
        return UnionType(nodes, found[0], found[1])
    markers = _markers(models)
    if markers is not None:
        return UnionType(nodes, None, markers)
    report.error(
        path,
        "the objects of this union cannot be told apart: "
        + ", ".join(o.class_name for o in objects),
        "give each a required `const` property with its own value (a discriminator such as"
        " `kind: {const: search}`), or a required property only it has",
    )
    return None


def build_one_of(
    builder: Builds, spec: Mapping[str, Any], path: JsonPath, name_hint: str, label: str
) -> tuple[UnionType, bool] | None:
    """`oneOf: [...]`: each member a property schema; `{type: "null"}` makes it nullable."""
    report = builder.report
    for extra in sorted(set(spec) - _UNION_SIBLINGS):
        report.error(
            (*path, extra),
            f"{extra!r} cannot be combined with oneOf",
            "put it in a member",
            key=True,
        )
    if set(spec) - _UNION_SIBLINGS:
        return None
    nullable = False
    members: list[tuple[TypeNode, JsonPath]] = []
    for index, member in enumerate(spec["oneOf"]):
        member_path: JsonPath = (*path, "oneOf", index)
        if member.get("type") == "null" and len(member) == 1:
            nullable = True
            continue
        refuse_renamed_from(report, member, member_path, "a union member")
        hint = (
            pascal_case(member["title"], prefix="Model")
            if "title" in member
            else f"{name_hint}Option{index + 1}"
        )
        built = builder.build_type(member, member_path, hint, f"{label}|{index}")
        if built is None:
            continue
        node, member_nullable, _ = built
        if member_nullable:
            report.error(
                member_path,
                "a union member cannot be nullable",
                "add `{type: 'null'}` as a member of its own",
            )
            continue
        members.append((node, member_path))
    if len(members) + nullable != len(spec["oneOf"]):
        return None
    if len(members) < 2:
        report.error(
            (*path, "oneOf"),
            "a union needs at least two members besides null",
            "write the one type directly",
        )
        return None
    union = decide_union(builder, members, path)
    return None if union is None else (union, nullable)


def type_union_spec(spec: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """The schema of one member of `type: [a, b]`: that type and the keywords that apply to it."""
    return {
        key: value for key, value in spec.items() if key in KEYWORDS_BY_TYPE.get(kind, set())
    } | {"type": kind}


def build_type_list(
    builder: Builds,
    spec: Mapping[str, Any],
    types: list[str],
    path: JsonPath,
    name_hint: str,
    label: str,
) -> UnionType | None:
    """`type: [string, number]`: one member per type, each with the keywords of its type."""
    report = builder.report
    if "enum" in spec or "const" in spec:
        report.error(
            (*path, "type"),
            "an enum has one type (plus null)",
            "write a oneOf with one enum per type",
        )
        return None
    allowed = set().union(*(KEYWORDS_BY_TYPE.get(t, set()) for t in types))
    ok = True
    for keyword in sorted(set(spec) & (ALL_TYPED_KEYWORDS - allowed)):
        report.error(
            (*path, keyword), f"{keyword!r} applies to none of {', '.join(types)}", key=True
        )
        ok = False
    if not ok:
        return None
    members: list[tuple[TypeNode, JsonPath]] = []
    for kind in types:
        built = builder.build_inline_type(type_union_spec(spec, kind), path, name_hint, label)
        if built is None:
            return None
        members.append((built[0], (*path, "type")))
    return decide_union(builder, members, path)
