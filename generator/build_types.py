"""Property schemas to typed nodes: fields, `$ref`s, arrays, nested objects.

`TypeBuilder` turns the properties of one object (an event's data, the person
attributes, a nested object) into `Field`s, resolving `$ref`s to the
document's `definitions` (each built once, cycles reported) and dispatching
on `type:` to the scalar builders in `build_scalars`. Nested objects and
enums get their own generated class or alias, whose module-level name is
claimed here. A property written in a definition (an object definition's, or a
shared `allOf` set's) is typed once, so every event sharing a set shares its
nested classes. Defaults and examples are checked in `build_values`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any, assert_never

from .build_compound import (
    PropertySet,
    build_map,
    build_one_of,
    build_type_list,
    is_open_map,
    is_property_set,
    property_set,
)
from .build_scalars import (
    ALL_TYPED_KEYWORDS,
    KEYWORDS_BY_TYPE,
    build_enum,
    build_numeric,
    build_string,
    distinct_values,
    size,
)
from .build_values import clearable, field_values
from .errors import format_path
from .limits import (
    MAX_ARRAY_DEPTH,
    MAX_INLINED_SIZE,
    MAX_TYPE_DEPTH,
)
from .model import (
    ArrayType,
    BooleanType,
    EnumType,
    Field,
    MapType,
    NumericType,
    ObjectModel,
    ObjectType,
    StringType,
    TimestampType,
    TypeNode,
    UnionType,
)
from .names import NameRegistry, pascal_case, snake_case_renamed
from .rename_checks import check_renames, refuse_renamed_from
from .reporting import Reporter
from .source import JsonPath
from .suggest import Suggester

_REF_SIBLINGS = {
    "$ref",
    "description",
    "deprecated",
    "title",
    "examples",
    "renamed_from",
    "clearable",
}
_REF_PATTERN = re.compile(r"#/definitions/(?P<name>.+)")


def deprecation(value: Any, default_message: str) -> str | None:
    """The deprecation message of `deprecated: true | "why"`, or None when not deprecated."""
    if value is True:
        return default_message
    if isinstance(value, str) and value:
        return value
    return None


def _nullable(spec: Mapping[str, Any]) -> bool:
    types = spec.get("type")
    if isinstance(types, list):
        return "null" in types
    return None in (spec.get("enum") or ())


class TypeBuilder:
    """Builds fields and types for one taxonomy, collecting nested classes and enums."""

    def __init__(
        self, report: Reporter, definitions: Mapping[str, Any], module_names: NameRegistry
    ) -> None:
        self.report = report
        self.definitions = definitions
        self.module_names = module_names
        self.objects: dict[str, ObjectModel] = {}
        self.enums: dict[str, EnumType] = {}
        # Definitions are built once; `None` marks one that failed.
        self._definition_types: dict[str, TypeNode | None] = {}
        self._definition_stack: list[str] = []
        self._depth = 0
        self._sizes: dict[str, int] = {}
        self.suggest = Suggester()
        self.used_definitions: set[str] = set()
        """Definitions named by a `$ref` or an `allOf` (the others are reported unused)."""
        self._scratch: TypeBuilder | None = None
        self._sets: dict[JsonPath, PropertySet] = {}
        self._definition_fields: dict[JsonPath, tuple[TypeNode, bool, str] | None] = {}

    def property_set(self, spec: Mapping[str, Any], path: JsonPath) -> PropertySet:
        """The properties of the object at `path`, its `allOf` sets merged in (once)."""
        if path not in self._sets:
            self._sets[path] = property_set(self, spec, path)
        return self._sets[path]

    def field_type(
        self, spec: Any, path: JsonPath, wire: str, owner_class: str, label: str
    ) -> tuple[TypeNode, bool, str] | None:
        """The type of a property. One written in a definition (a shared set's, or an
        object definition's own) is built once and named after the definition, so the
        events sharing a set share one class per nested object."""
        if len(path) != 4 or path[0] != "definitions" or path[2] != "properties":
            hint = owner_class + pascal_case(wire, prefix="Field")
            return self.build_type(spec, path, hint, label)
        if path not in self._definition_fields:
            name = str(path[1])
            hint = pascal_case(name, prefix="Model") + pascal_case(wire, prefix="Field")
            self._definition_fields[path] = self.build_type(spec, path, hint, f"{name}.{wire}")
        return self._definition_fields[path]

    def claim_module_name(self, ident: str, subject: str, path: JsonPath) -> bool:
        return self.report.claim(self.module_names, ident, path, subject)

    # -- objects and fields ---------------------------------------------------
    def build_fields(
        self,
        spec: Mapping[str, Any],
        path: JsonPath,
        *,
        owner_class: str,
        label: str,
        attributes: bool = False,
    ) -> tuple[Field, ...]:
        """The fields of an object; `attributes`: they are the person attributes (the only
        fields that may be `clearable`)."""
        merged = self.property_set(spec, path)
        check_renames(self.report, spec.get("properties") or {}, (*path, "properties"), "property")
        names = NameRegistry()
        fields: list[Field] = []
        for wire, (prop_spec, prop_path) in merged.props.items():
            # Only a keyword is renamed: builtins the model would hide are spelled
            # `_b.<name>` there (shadowed_builtins.py), the payload methods are
            # underscored, and a field `l` carries a noqa comment for E741 (issue #13).
            ident, why = snake_case_renamed(wire, prefix="field", ambiguous=True)
            if why is not None:
                self.report.warn(
                    prop_path,
                    f"property {wire!r} is {ident!r} in Python: {why}",
                    "the wire name stays as written",
                )
            self.report.claim(names, ident, prop_path, f"property {wire!r}")
            field = self.build_field(
                prop_spec,
                prop_path,
                wire,
                ident,
                wire in merged.required,
                owner_class,
                f"{label}.{wire}",
            )
            if field is not None and clearable(
                self.report, prop_spec, prop_path, attributes, field
            ):
                field = dataclasses.replace(field, clearable=True)
            if field is not None:
                fields.append(field)
        # Required fields first keeps the dataclass signature readable; both groups stay sorted.
        return tuple(sorted(fields, key=lambda f: (not f.required, f.name)))

    def build_field(
        self,
        spec: Any,
        path: JsonPath,
        wire: str,
        ident: str,
        required: bool,
        owner_class: str,
        label: str,
    ) -> Field | None:
        built = self.field_type(spec, path, wire, owner_class, label)
        if built is None:
            return None
        node, nullable, description = built
        deprecated = deprecation(spec.get("deprecated"), f"{label} is deprecated")
        default, examples = field_values(
            self.report, spec, path, node, nullable, required, self.objects
        )
        return Field(
            ident,
            wire,
            node,
            required,
            nullable,
            label,
            description,
            default,
            deprecated,
            examples,
            spec.get("renamed_from"),
        )

    # -- types -------------------------------------------------------------
    def build_type(
        self, spec: Any, path: JsonPath, name_hint: str, label: str
    ) -> tuple[TypeNode, bool, str] | None:
        """The type of a property schema, whether it is nullable, and its description."""
        if "$ref" not in spec:
            node_nullable = self.build_inline_type(spec, path, name_hint, label)
            if node_nullable is None:
                return None
            return node_nullable[0], node_nullable[1], spec.get("description", "")
        for extra in sorted(set(spec) - _REF_SIBLINGS):
            self.report.error(
                (*path, extra),
                f"{extra!r} cannot be combined with $ref",
                "put it in the definition instead",
                key=True,
            )
        match = _REF_PATTERN.fullmatch(spec["$ref"])
        if match is None:
            self.report.error(
                (*path, "$ref"),
                f"unsupported reference {spec['$ref']!r}",
                "write '#/definitions/NAME'",
            )
            return None
        name = match["name"]
        self.used_definitions.add(name)
        if name not in self.definitions:
            self.report.error(
                (*path, "$ref"),
                f"unresolved reference: no definition named {name!r}",
                self.suggest(name, self.definitions),
            )
            return None
        resolved = self.definition_type(name, path)
        if resolved is None:
            return None
        node, nullable, description = resolved
        return node, nullable, spec.get("description", description)

    def definition_type(self, name: str, ref_path: JsonPath) -> tuple[TypeNode, bool, str] | None:
        spec = self.definitions[name]
        path: JsonPath = ("definitions", name)
        if name in self._definition_stack:
            cycle = " -> ".join(
                [*self._definition_stack[self._definition_stack.index(name) :], name]
            )
            self.report.error(
                ref_path, f"cyclic reference: {cycle}", "a definition may not contain itself"
            )
            return None
        if name not in self._definition_types and len(self._definition_stack) >= MAX_TYPE_DEPTH:
            self.report.error(
                ref_path,
                f"$refs nested more than {MAX_TYPE_DEPTH} deep",
                "flatten the chain of definitions",
            )
            return None
        if name in self._definition_types:
            done = self._definition_types[name]
            if done is None:
                return None
            return done, _nullable(spec), spec.get("description", "")
        if isinstance(spec, Mapping) and "clearable" in spec:
            self.report.error(
                (*path, "clearable"),
                "clearable has no effect on a definition",
                "put it on the attribute that uses it: `{$ref: ..., clearable: true}`",
                key=True,
            )
        self._definition_stack.append(name)
        try:
            built = self.build_type(spec, path, pascal_case(name, prefix="Model"), name)
        finally:
            self._definition_stack.pop()
        self._definition_types[name] = None if built is None else built[0]
        return built

    def check_unused(self, name: str) -> None:
        """Check a definition nothing uses, generating nothing for it: a scratch builder
        (sharing the definitions built so far) builds it, and its classes are dropped."""
        if self._scratch is None:
            self._scratch = TypeBuilder(self.report, self.definitions, NameRegistry())
            self._scratch._definition_types = dict(self._definition_types)
        spec, path = self.definitions[name], ("definitions", name)
        if isinstance(spec, Mapping) and is_property_set(spec):
            # A set nothing uses could become the person attributes': clearable is allowed.
            self._scratch.build_fields(
                spec,
                path,
                owner_class=pascal_case(name, prefix="Model"),
                label=name,
                attributes=True,
            )
        else:
            self._scratch.definition_type(name, path)

    def build_inline_type(
        self, spec: Mapping[str, Any], path: JsonPath, name_hint: str, label: str
    ) -> tuple[TypeNode, bool] | None:
        if "oneOf" in spec:
            return build_one_of(self, spec, path, name_hint, label)
        declared = spec.get("type")
        types = (
            list(declared)
            if isinstance(declared, list)
            else ([] if declared is None else [declared])
        )
        nullable = "null" in types
        types = [t for t in types if t != "null"]
        if len(types) > 1:
            union = build_type_list(self, spec, types, path, name_hint, label)
            return None if union is None else (union, nullable)
        if not types and declared is not None:
            self.report.error(
                (*path, "type"),
                "a property cannot be only null",
                "use a type list like [string, 'null']",
            )
            return None
        kind = types[0] if types else None

        if "enum" in spec or "const" in spec:
            built = build_enum(self.report, spec, path, kind, nullable, name_hint)
            if built is None:
                return None
            enum = built[0]
            self.claim_module_name(enum.alias, f"the enum at {format_path(path)}", path)
            self.enums[enum.alias] = enum
            return built
        if kind is None:
            self.report.error(
                path,
                "property has no type",
                "add `type:` (string, integer, number, boolean, timestamp, array, object)",
            )
            return None

        allowed = KEYWORDS_BY_TYPE.get(kind, set())
        for keyword in sorted(set(spec) & (ALL_TYPED_KEYWORDS - allowed)):
            self.report.error(
                (*path, keyword), f"{keyword!r} does not apply to type {kind!r}", key=True
            )

        node: TypeNode | None
        match kind:
            case "string":
                node = build_string(self.report, spec, path)
            case "integer" | "number":
                node = build_numeric(self.report, spec, path, kind == "integer")
            case "boolean":
                node = BooleanType()
            case "timestamp":
                node = TimestampType()
            case "array" | "object" if self._depth >= MAX_TYPE_DEPTH:
                self.report.error(
                    path,
                    f"objects and arrays nested more than {MAX_TYPE_DEPTH} deep",
                    "flatten the structure",
                )
                node = None
            case "array":
                self._depth += 1
                try:
                    node = self.build_array(spec, path, name_hint, label)
                finally:
                    self._depth -= 1
            case "object":
                self._depth += 1
                try:
                    node = (
                        build_map(self, spec, path, name_hint, label)
                        if is_open_map(spec)
                        else self.build_object(spec, path, name_hint, label)
                    )
                finally:
                    self._depth -= 1
            case _:  # pragma: no cover - the meta-schema admits only the types above
                raise AssertionError(f"the meta-schema admitted type {kind!r}")
        return None if node is None else (node, nullable)

    def build_array(
        self, spec: Mapping[str, Any], path: JsonPath, name_hint: str, label: str
    ) -> ArrayType | None:
        if "items" not in spec:
            self.report.error(
                path, "array property has no items schema", "add `items:` with the element's schema"
            )
            return None
        low, high = size(spec.get("minItems")), size(spec.get("maxItems"))
        if low is not None and high is not None and low > high:
            self.report.error(
                (*path, "minItems"), f"minItems {low} is greater than maxItems {high}"
            )
        refuse_renamed_from(self.report, spec["items"], (*path, "items"), "array items")
        built = self.build_type(spec["items"], (*path, "items"), name_hint + "Item", label + "[]")
        if built is None:
            return None
        item, item_nullable, _ = built
        if item_nullable:
            self.report.error(
                (*path, "items"), "array items cannot be nullable", "drop null from the item type"
            )
            return None
        if array_depth(item) >= MAX_ARRAY_DEPTH:
            self.report.error(
                path,
                f"arrays of arrays nested more than {MAX_ARRAY_DEPTH} deep",
                "generated code nests one loop per level; wrap inner arrays in objects",
            )
            return None
        unique = bool(spec.get("uniqueItems", False))
        distinct = distinct_values(item)
        if unique and low is not None and distinct is not None and low > distinct:
            self.report.error(
                (*path, "minItems"),
                f"minItems {low} asks for more unique items than the "
                f"{distinct} value{'' if distinct == 1 else 's'} the items can take",
            )
        return ArrayType(item, low, high, unique)

    def build_object(
        self, spec: Mapping[str, Any], path: JsonPath, class_name: str, label: str
    ) -> ObjectType | None:
        if not spec.get("properties") and not spec.get("allOf"):
            self.report.error(
                path,
                "object property has no properties",
                "ciogen generates a dataclass per object: list its properties",
            )
            return None
        self.claim_module_name(class_name, f"the object at {label!r}", path)
        fields = self.build_fields(spec, path, owner_class=class_name, label=label)
        size = 1 + sum(self.inlined_size(f.type) for f in fields)
        if size > MAX_INLINED_SIZE:
            self.report.error(
                path,
                f"this object expands to over {MAX_INLINED_SIZE} types once its $refs are"
                " inlined (the exported JSON Schemas inline them)",
                "share fewer large definitions between the properties of one object",
            )
            return None
        self._sizes[class_name] = size
        self.objects[class_name] = ObjectModel(
            class_name, label, "object", spec.get("description", ""), fields
        )
        return ObjectType(class_name)

    def inlined_size(self, node: TypeNode) -> int:
        """How many type nodes `node` is once every object is written out in place."""
        match node:
            case ObjectType():
                return self._sizes.get(node.class_name, 1)
            case ArrayType():
                return 1 + self.inlined_size(node.items)
            case MapType():
                return 1 + self.inlined_size(node.values)
            case UnionType():
                return 1 + sum(self.inlined_size(m) for m in node.members)
            case StringType() | NumericType() | BooleanType() | EnumType() | TimestampType():
                return 1
            case _:
                assert_never(node)


def array_depth(node: TypeNode) -> int:
    """How many arrays are nested directly in one another at `node`."""
    match node:
        case ArrayType():
            return 1 + array_depth(node.items)
        case ObjectType() | StringType() | NumericType() | BooleanType() | EnumType() | MapType():
            return 0
        case UnionType():
            return 0
        case TimestampType():
            return 0
        case _:
            assert_never(node)
