"""Builders of the compound constructs: open maps, unions and shared property sets.

`TypeBuilder` (build_types.py) dispatches here for an object whose keys are
not known in advance, for `type: [string, number]` and for `oneOf`. Value and
member schemas are built by the same `TypeBuilder` (passed in as `Builds`), so
they may be anything a property may be. A union is accepted only when it is
decidable: one member per JSON type, and several objects only with a
discriminator or a required key each that the others lack. `allOf` merges the
properties of definitions used as property sets into an object's own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple, Protocol, assert_never

from .build_scalars import ALL_TYPED_KEYWORDS, KEYWORDS_BY_TYPE
from .limits import MAX_TYPE_DEPTH
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
    type_name,
)
from .names import pascal_case
from .rename_checks import refuse_renamed_from
from .reporting import Reporter
from .source import JsonPath


class Builds(Protocol):
    """What these builders need of `TypeBuilder`: its reporter and `build_type`."""

    report: Reporter
    objects: dict[str, ObjectModel]
    definitions: Mapping[str, Any]
    used_definitions: set[str]

    def suggest(self, name: str, options: Any) -> str: ...

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
    "clearable",
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
    """A member as a union's error names it: an object by its class, else its type."""
    match node:
        case ObjectType():
            return f"object {node.class_name}"
        case (
            StringType()
            | NumericType()
            | BooleanType()
            | TimestampType()
            | EnumType()
            | ArrayType()
            | MapType()
            | UnionType()
        ):
            return type_name(node)
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


# -- shared property sets (allOf) ------------------------------------------------
_REF = re.compile(r"#/definitions/(?P<name>.+)")


class PropertySet(NamedTuple):
    """The properties of an object once its `allOf` groups are merged in: each wire name's
    schema and where it is written (its own `properties`, or the group's definition)."""

    props: dict[str, tuple[Any, JsonPath]]
    required: list[str]


def is_property_set(spec: Mapping[str, Any]) -> bool:
    """Whether a definition is a set of properties (for `allOf`) rather than a type."""
    return not ({"type", "$ref", "enum", "const", "oneOf"} & set(spec)) and bool(
        spec.get("properties") or spec.get("allOf")
    )


def _set_definition(
    builder: Builds, part: Any, path: JsonPath, stack: tuple[str, ...]
) -> tuple[Mapping[str, Any], JsonPath, str] | None:
    """The definition an `allOf` entry names, when it is a set of properties."""
    report = builder.report
    # The meta-schema admits only `{$ref: ...}` entries.
    match = _REF.fullmatch(part["$ref"])
    if match is None or match["name"] not in builder.definitions:
        report.error(
            (*path, "$ref"),
            f"unresolved reference {part['$ref']!r}",
            "write '#/definitions/NAME' naming a definition",
        )
        return None
    name = match["name"]
    if name in stack:
        report.error(
            path, f"cyclic allOf: {' -> '.join([*stack, name])}", "a set may not include itself"
        )
        return None
    if len(stack) >= MAX_TYPE_DEPTH:
        report.error(path, f"allOf nested more than {MAX_TYPE_DEPTH} deep", "flatten the sets")
        return None
    spec = builder.definitions[name]
    builder.used_definitions.add(name)
    if (
        not isinstance(spec, Mapping)
        or spec.get("type", "object") != "object"
        or not (spec.get("properties") or spec.get("allOf"))
        or is_open_map(spec)
    ):
        report.error(
            path,
            f"definition {name!r} is not a set of properties",
            "allOf takes definitions with `properties` (and optionally `required`)",
        )
        return None
    return spec, ("definitions", name), name


def property_set(
    builder: Builds, spec: Mapping[str, Any], path: JsonPath, stack: tuple[str, ...] = ()
) -> PropertySet:
    """`properties` and `required` of an object, with those of its `allOf` sets merged in.

    A property defined twice (in two sets, or in a set and the object) is an error at
    the second place; `required` may name a property of any of the sets.
    """
    report = builder.report
    props: dict[str, tuple[Any, JsonPath]] = {}
    required: list[str] = []

    def add(wire: str, schema: Any, where: JsonPath) -> None:
        if wire in props:
            report.error(
                where,
                f"property {wire!r} is defined twice (also at {report.where(props[wire][1])})",
                "define it in one place: the set or the object",
                key=True,
            )
            return
        props[wire] = (schema, where)

    for index, part in enumerate(spec.get("allOf") or ()):
        group = _set_definition(builder, part, (*path, "allOf", index), stack)
        if group is None:
            continue
        group_spec, group_path, name = group
        merged = property_set(builder, group_spec, group_path, (*stack, name))
        for wire, (schema, where) in merged.props.items():
            add(wire, schema, where)
        required += [r for r in merged.required if r not in required]
    for wire, schema in (spec.get("properties") or {}).items():
        add(wire, schema, (*path, "properties", wire))
    for index, name in enumerate(spec.get("required") or ()):
        if name not in props:
            report.error(
                (*path, "required", index),
                f"required property {name!r} is not defined",
                builder.suggest(name, props),
            )
        elif name not in required:
            required.append(name)
    return PropertySet(props, required)
