"""From a loaded, meta-schema-valid taxonomy to the typed model, with semantic checks.

The meta-schema catches shape errors (unknown keys, wrong JSON types). What it
cannot express is checked here, while the model is built, so that every check
sees resolved `$ref`s and final Python names: unresolved and cyclic refs, name
collisions after sanitising (naming both sources), keywords that do not apply
to a type, contradictory bounds, bad regexes, enum duplicates, defaults and
examples that break their own schema, and Customer.io's limits and reserved
names. Problems are collected, never raised one by one.
"""

from __future__ import annotations

import ast
import difflib
import functools
import math
import re
from collections.abc import Mapping
from typing import Any, Literal, cast

from . import schema_export
from .errors import Problem, Severity, format_path
from .model import (
    NO_DEFAULT,
    ArrayType,
    BooleanType,
    EnumType,
    Event,
    Field,
    NumericType,
    ObjectModel,
    ObjectType,
    StringType,
    Taxonomy,
    TimestampType,
    TypeNode,
)
from .names import NameRegistry, pascal_case, snake_case
from .source import JsonPath, Source, bool_hint

EVENT_NAME_MAX_BYTES = 100
ATTRIBUTE_NAME_MAX_BYTES = 150
MAX_ATTRIBUTES = 300

RESERVED_EVENT_KEYS = {
    "recipient": "overrides the To address of messages this event triggers",
    "from_address": "overrides the From address of messages this event triggers",
    "reply_to": "overrides the Reply-To address of messages this event triggers",
}
ATTRIBUTE_ERRORS = {
    "id": "the person's id is the identifier the client sends, not an attribute",
    "cio_id": "cio_id is assigned by Customer.io and cannot be set",
    "_timestamp": "_timestamp is a Customer.io control field",
    "_update": "_update is a Customer.io control field (update_person() sets it)",
}
ATTRIBUTE_WARNINGS = {
    "anonymous_id": "setting anonymous_id merges that anonymous visitor's events into the person",
}

# Python names the generated code itself uses in each namespace.
# Names the generated methods use (parameters, locals, methods) and the builtin
# types field annotations refer to: a field named `list` would shadow `list[...]`.
FIELD_RESERVED = frozenset(
    {
        "self",
        "cls",
        "to_payload",
        "from_payload",
        "person",
        "timestamp",
        "anonymous_id",
        "payload",
        "data",
        "value",
    }
    | {"str", "int", "float", "bool", "list", "dict", "object"}
)
# The generated Client's own methods; BaseClient's public names are added from
# templates/_runtime.py itself (see `client_reserved`), so the two cannot drift.
CLIENT_METHODS = frozenset({"identify", "update_person", "track", "track_anonymous"})
MODULE_RESERVED = {
    "ValidationError": "the validation error class",
    "EVENT_TYPES": "the event registry",
    "AnyEvent": "the union of all event classes",
    "Client": "the client class",
    "Person": "the person identifier type",
    # Runtime names re-exported by the generated package's __init__.py.
    **{
        name: "a name the generated package exports from its runtime"
        for name in (
            "ClientConfig",
            "RecordingTransport",
            "Response",
            "Stats",
            "FailedOperation",
            "CustomerIOError",
            "ConfigurationError",
            "IdentifierError",
            "PayloadTooLargeError",
            "QueueFullError",
            "ClientClosedError",
            "TransportError",
            "DeliveryError",
        )
    },
}

_KEYWORDS_BY_TYPE = {
    "string": {"minLength", "maxLength", "pattern", "format"},
    "integer": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"},
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"},
    "array": {"items", "minItems", "maxItems", "uniqueItems"},
    "object": {"properties", "required"},
}
_ALL_TYPED_KEYWORDS = set().union(*_KEYWORDS_BY_TYPE.values())
_REF_SIBLINGS = {"$ref", "description", "deprecated", "title", "examples"}
_REF_PATTERN = re.compile(r"#/definitions/(?P<name>.+)")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _close(name: str, options: Any) -> str:
    match = difflib.get_close_matches(name, list(options), n=1)
    return f"did you mean {match[0]!r}?" if match else ""


class ModelBuilder:
    """Builds the model for one taxonomy; `problems` holds everything found wrong."""

    def __init__(self, source: Source) -> None:
        self.src = source
        self.doc: dict[str, Any] = source.data
        self.problems: list[Problem] = []
        self.definitions: dict[str, Any] = self.doc.get("definitions") or {}
        self.objects: dict[str, ObjectModel] = {}
        self.enums: dict[str, EnumType] = {}
        self.module_names = NameRegistry()
        for ident, what in MODULE_RESERVED.items():
            self.module_names.claim(ident, what)
        # Definitions are built once; `None` marks one being built (cycle guard).
        self._definition_types: dict[str, TypeNode | None] = {}
        self._definition_stack: list[str] = []

    # -- reporting ---------------------------------------------------------
    def error(self, path: JsonPath, message: str, hint: str = "", *, key: bool = False) -> None:
        self.problems.append(self.src.problem(path, message, hint, key=key))

    def warn(self, path: JsonPath, message: str, hint: str = "", *, key: bool = False) -> None:
        self.problems.append(
            self.src.problem(path, message, hint, key=key, severity=Severity.WARNING)
        )

    def where(self, path: JsonPath) -> str:
        return f"line {self.src.locate(path, key=True)[0]}"

    def claim_module_name(self, ident: str, source: str, path: JsonPath) -> None:
        owner = self.module_names.claim(ident, f"{source} ({self.where(path)})")
        if owner is not None:
            self.error(
                path,
                f"{source} becomes the Python name {ident!r}, which {owner} already uses",
                "rename one of them",
                key=True,
            )

    # -- the whole document --------------------------------------------------
    def build(self) -> Taxonomy | None:
        for path in _non_finite_numbers(self.doc, ()):
            self.error(path, "not a finite number", "JSON has no infinity or NaN")
        attributes, attributes_update = self.build_attributes()
        events = self.build_events()
        for name in sorted(self.definitions):
            # Unused definitions are still checked, so mistakes surface early.
            self.definition_type(name, ("definitions", name))
        if any(p.severity is Severity.ERROR for p in self.problems):
            return None
        customerio = self.doc.get("customerio") or {}
        return Taxonomy(
            name=self.doc["name"],
            description=self.doc.get("description", ""),
            source_name=self.src.file.replace("\\", "/").rsplit("/", 1)[-1],
            region=customerio.get("region", "us"),
            events=tuple(events),
            attributes=attributes,
            attributes_update=attributes_update,
            objects=tuple(self.objects.values()),
            enums=tuple(self.enums.values()),
        )

    def build_attributes(self) -> tuple[ObjectModel, ObjectModel]:
        section = self.doc.get("attributes") or {}
        path: JsonPath = ("attributes",)
        props: dict[str, Any] = section.get("properties") or {}
        if len(props) > MAX_ATTRIBUTES:
            self.error(
                (*path, "properties"),
                f"{len(props)} attributes; Customer.io accepts at most {MAX_ATTRIBUTES} per identify call",
            )
        for name in props:
            where = (*path, "properties", name)
            if len(name.encode()) > ATTRIBUTE_NAME_MAX_BYTES:
                self.error(
                    where,
                    f"attribute name is {len(name.encode())} bytes; Customer.io's limit is {ATTRIBUTE_NAME_MAX_BYTES}",
                    key=True,
                )
            if name in ATTRIBUTE_ERRORS:
                self.error(where, f"{name!r} is reserved", ATTRIBUTE_ERRORS[name], key=True)
            elif name in ATTRIBUTE_WARNINGS:
                self.warn(
                    where, f"{name!r} is a special attribute", ATTRIBUTE_WARNINGS[name], key=True
                )
            elif name.startswith("cio_"):
                self.warn(
                    where,
                    f"{name!r} uses Customer.io's reserved cio_ prefix",
                    "only set cio_ attributes Customer.io documents",
                    key=True,
                )
        self.claim_module_name("PersonAttributes", "the person attributes class", path)
        self.claim_module_name(
            "PersonAttributesUpdate", "the partial person attributes class", path
        )
        fields = self.build_fields(
            section, path, owner_class="PersonAttributes", label="attributes"
        )
        description = section.get("description") or "Person attributes sent by `identify`."
        full = ObjectModel("PersonAttributes", "attributes", "attributes", description, fields)
        update_fields = tuple(
            Field(
                f.name,
                f.wire_name,
                f.type,
                False,
                f.nullable,
                f.label,
                f.description,
                NO_DEFAULT,
                f.deprecated,
                f.examples,
            )
            for f in fields
        )
        update = ObjectModel(
            "PersonAttributesUpdate",
            "attributes",
            "attributes_update",
            "A partial update of person attributes: only the fields you pass are sent.",
            update_fields,
        )
        return full, update

    def build_events(self) -> list[Event]:
        events: list[Event] = []
        methods = NameRegistry()
        reserved = client_reserved()
        for ident in sorted(reserved):
            methods.claim(ident, f"the client's own {ident!r}")
        # Names are claimed in file order, so a collision is reported at the
        # later of the two; the output is sorted by name regardless.
        for wire in self.doc.get("events") or {}:
            spec = self.doc["events"][wire]
            path: JsonPath = ("events", wire)
            if len(wire.encode()) > EVENT_NAME_MAX_BYTES:
                self.error(
                    path,
                    f"event name is {len(wire.encode())} bytes; Customer.io's limit is {EVENT_NAME_MAX_BYTES}",
                    key=True,
                )
            method = snake_case(wire, prefix="event")
            if method in reserved:
                method = f"{method}_event"
            owner = methods.claim(method, f"event {wire!r} ({self.where(path)})")
            if owner is not None:
                self.error(
                    path,
                    f"event {wire!r} becomes the method name {method!r}, which {owner} already uses",
                    "rename one of them",
                    key=True,
                )
                continue
            anonymous = bool(spec.get("anonymous", False))
            anonymous_method = None
            if anonymous:
                anonymous_method = f"{method}_anonymous"
                owner = methods.claim(
                    anonymous_method,
                    f"the anonymous variant of event {wire!r} ({self.where(path)})",
                )
                if owner is not None:
                    self.error(
                        path,
                        f"event {wire!r} needs the method name {anonymous_method!r}, which {owner} already uses",
                        "rename one of them",
                        key=True,
                    )
            class_name = pascal_case(wire, prefix="Event")
            self.claim_module_name(class_name, f"event {wire!r}", path)
            for key_name, why in RESERVED_EVENT_KEYS.items():
                if key_name in (spec.get("properties") or {}):
                    self.warn(
                        (*path, "properties", key_name),
                        f"{key_name!r} is a reserved event data key",
                        why,
                        key=True,
                    )
            fields = self.build_fields(spec, path, owner_class=class_name, label=wire)
            deprecated = self.deprecation(spec.get("deprecated"), f"event {wire!r} is deprecated")
            model = ObjectModel(class_name, wire, "event", spec.get("description", ""), fields)
            events.append(
                Event(
                    wire,
                    method,
                    model,
                    spec.get("description", ""),
                    deprecated,
                    anonymous,
                    anonymous_method,
                )
            )
        return sorted(events, key=lambda e: e.wire_name)

    @staticmethod
    def deprecation(value: Any, default_message: str) -> str | None:
        if value is True:
            return default_message
        if isinstance(value, str) and value:
            return value
        return None

    # -- objects and fields ---------------------------------------------------
    def build_fields(
        self, spec: Mapping[str, Any], path: JsonPath, *, owner_class: str, label: str
    ) -> tuple[Field, ...]:
        props: dict[str, Any] = spec.get("properties") or {}
        required: list[str] = spec.get("required") or []
        for index, name in enumerate(required):
            if name not in props:
                self.error(
                    (*path, "required", index),
                    f"required property {name!r} is not defined",
                    _close(name, props),
                )
        names = NameRegistry()
        fields: list[Field] = []
        for wire in props:
            prop_path = (*path, "properties", wire)
            ident = snake_case(wire, prefix="field", reserved=FIELD_RESERVED)
            owner = names.claim(ident, f"property {wire!r} ({self.where(prop_path)})")
            if owner is not None:
                self.error(
                    prop_path,
                    f"property {wire!r} becomes the Python name {ident!r}, which {owner} already uses",
                    "rename one of them",
                    key=True,
                )
            field = self.build_field(
                props[wire],
                prop_path,
                wire,
                ident,
                wire in required,
                owner_class,
                f"{label}.{wire}",
            )
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
        built = self.build_type(spec, path, owner_class + pascal_case(wire, prefix="Field"), label)
        if built is None:
            return None
        node, nullable, description = built
        deprecated = self.deprecation(spec.get("deprecated"), f"{label} is deprecated")
        default = NO_DEFAULT
        if "default" in spec:
            value = spec["default"]
            if required:
                self.warn(
                    (*path, "default"),
                    "a default on a required property is never used",
                    "drop it or make the property optional",
                )
            elif isinstance(node, ArrayType | ObjectType | TimestampType):
                self.error(
                    (*path, "default"),
                    "defaults are supported only for string, number, integer, boolean and enum properties",
                )
            else:
                why = schema_export.check_value(value, node, nullable, self.objects)
                if why is not None:
                    self.error(
                        (*path, "default"),
                        f"default does not fit its own schema: {why}",
                        bool_hint(value),
                    )
                else:
                    default = value
        examples = tuple(spec.get("examples") or ())
        for index, example in enumerate(examples):
            why = schema_export.check_value(example, node, nullable, self.objects)
            if why is not None:
                self.error(
                    (*path, "examples", index),
                    f"example does not fit its own schema: {why}",
                    bool_hint(example),
                )
        return Field(
            ident, wire, node, required, nullable, label, description, default, deprecated, examples
        )

    # -- types -------------------------------------------------------------
    def build_type(
        self, spec: Any, path: JsonPath, name_hint: str, label: str
    ) -> tuple[TypeNode, bool, str] | None:
        """The type of a property schema, whether it is nullable, and its description."""
        if "$ref" in spec:
            for extra in sorted(set(spec) - _REF_SIBLINGS):
                self.error(
                    (*path, extra),
                    f"{extra!r} cannot be combined with $ref",
                    "put it in the definition instead",
                    key=True,
                )
            match = _REF_PATTERN.fullmatch(spec["$ref"])
            if match is None:
                self.error(
                    (*path, "$ref"),
                    f"unsupported reference {spec['$ref']!r}",
                    "write '#/definitions/NAME'",
                )
                return None
            name = match["name"]
            if name not in self.definitions:
                self.error(
                    (*path, "$ref"),
                    f"unresolved reference: no definition named {name!r}",
                    _close(name, self.definitions),
                )
                return None
            resolved = self.definition_type(name, path)
            if resolved is None:
                return None
            node, nullable, description = resolved
            return node, nullable, spec.get("description", description)
        node_nullable = self.build_inline_type(spec, path, name_hint, label)
        if node_nullable is None:
            return None
        return node_nullable[0], node_nullable[1], spec.get("description", "")

    def definition_type(self, name: str, ref_path: JsonPath) -> tuple[TypeNode, bool, str] | None:
        spec = self.definitions[name]
        path: JsonPath = ("definitions", name)
        if name in self._definition_stack:
            cycle = " -> ".join(
                [*self._definition_stack[self._definition_stack.index(name) :], name]
            )
            self.error(
                ref_path, f"cyclic reference: {cycle}", "a definition may not contain itself"
            )
            return None
        if name in self._definition_types:
            done = self._definition_types[name]
            if done is None:
                return None
            return done, self._nullable(spec), spec.get("description", "")
        self._definition_stack.append(name)
        try:
            built = self.build_type(spec, path, pascal_case(name, prefix="Model"), name)
        finally:
            self._definition_stack.pop()
        self._definition_types[name] = None if built is None else built[0]
        return built

    @staticmethod
    def _nullable(spec: Mapping[str, Any]) -> bool:
        types = spec.get("type")
        if isinstance(types, list):
            return "null" in types
        return None in (spec.get("enum") or ())

    def build_inline_type(
        self, spec: Mapping[str, Any], path: JsonPath, name_hint: str, label: str
    ) -> tuple[TypeNode, bool] | None:
        declared = spec.get("type")
        types = (
            list(declared)
            if isinstance(declared, list)
            else ([] if declared is None else [declared])
        )
        nullable = "null" in types
        types = [t for t in types if t != "null"]
        if len(types) > 1:
            self.error(
                (*path, "type"), f"a property has one type (plus null), not {' and '.join(types)}"
            )
            return None
        if not types and declared is not None:
            self.error(
                (*path, "type"),
                "a property cannot be only null",
                "use a type list like [string, 'null']",
            )
            return None
        kind = types[0] if types else None

        if "enum" in spec or "const" in spec:
            return self.build_enum(spec, path, kind, nullable, name_hint)
        if kind is None:
            self.error(
                path,
                "property has no type",
                "add `type:` (string, integer, number, boolean, timestamp, array, object)",
            )
            return None

        allowed = _KEYWORDS_BY_TYPE.get(kind, set())
        for keyword in sorted(set(spec) & (_ALL_TYPED_KEYWORDS - allowed)):
            self.error((*path, keyword), f"{keyword!r} does not apply to type {kind!r}", key=True)

        node: TypeNode | None
        if kind == "string":
            node = self.build_string(spec, path)
        elif kind in ("integer", "number"):
            node = self.build_numeric(spec, path, kind == "integer")
        elif kind == "boolean":
            node = BooleanType()
        elif kind == "timestamp":
            node = TimestampType()
        elif kind == "array":
            node = self.build_array(spec, path, name_hint, label)
        else:
            node = self.build_object(spec, path, name_hint, label)
        return None if node is None else (node, nullable)

    def build_string(self, spec: Mapping[str, Any], path: JsonPath) -> StringType | None:
        low, high = spec.get("minLength"), spec.get("maxLength")
        if low is not None and high is not None and low > high:
            self.error((*path, "minLength"), f"minLength {low} is greater than maxLength {high}")
        pattern = spec.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.error(
                    (*path, "pattern"),
                    f"pattern does not compile: {exc}",
                    "patterns are Python regular expressions",
                )
        return StringType(low, high, pattern, spec.get("format"))

    def build_numeric(self, spec: Mapping[str, Any], path: JsonPath, integer: bool) -> NumericType:
        lows = [(k, spec[k]) for k in ("minimum", "exclusiveMinimum") if k in spec]
        highs = [(k, spec[k]) for k in ("maximum", "exclusiveMaximum") if k in spec]
        for low_key, low in lows:
            for high_key, high in highs:
                strict = low_key.startswith("exclusive") or high_key.startswith("exclusive")
                if low > high or (strict and low >= high):
                    self.error(
                        (*path, low_key), f"{low_key} {low} leaves no room below {high_key} {high}"
                    )
                elif (
                    integer
                    and math.isfinite(low)
                    and math.isfinite(high)
                    and _first_integer(low_key, low) > _last_integer(high_key, high)
                ):
                    self.error(
                        (*path, low_key),
                        f"no integer lies between {low_key} {low} and {high_key} {high}",
                    )
        return NumericType(
            integer,
            spec.get("minimum"),
            spec.get("maximum"),
            spec.get("exclusiveMinimum"),
            spec.get("exclusiveMaximum"),
        )

    def build_array(
        self, spec: Mapping[str, Any], path: JsonPath, name_hint: str, label: str
    ) -> ArrayType | None:
        if "items" not in spec:
            self.error(
                path, "array property has no items schema", "add `items:` with the element's schema"
            )
            return None
        low, high = spec.get("minItems"), spec.get("maxItems")
        if low is not None and high is not None and low > high:
            self.error((*path, "minItems"), f"minItems {low} is greater than maxItems {high}")
        built = self.build_type(spec["items"], (*path, "items"), name_hint + "Item", label + "[]")
        if built is None:
            return None
        item, item_nullable, _ = built
        if item_nullable:
            self.error(
                (*path, "items"), "array items cannot be nullable", "drop null from the item type"
            )
            return None
        unique = bool(spec.get("uniqueItems", False))
        distinct = _distinct_values(item)
        if unique and low is not None and distinct is not None and low > distinct:
            self.error(
                (*path, "minItems"),
                f"minItems {low} asks for more unique items than the "
                f"{distinct} value{'' if distinct == 1 else 's'} the items can take",
            )
        return ArrayType(item, low, high, unique)

    def build_object(
        self, spec: Mapping[str, Any], path: JsonPath, class_name: str, label: str
    ) -> ObjectType | None:
        if not spec.get("properties"):
            self.error(
                path,
                "object property has no properties",
                "ciogen generates a dataclass per object: list its properties",
            )
            return None
        self.claim_module_name(class_name, f"the object at {label!r}", path)
        fields = self.build_fields(spec, path, owner_class=class_name, label=label)
        self.objects[class_name] = ObjectModel(
            class_name, label, "object", spec.get("description", ""), fields
        )
        return ObjectType(class_name)

    def build_enum(
        self, spec: Mapping[str, Any], path: JsonPath, kind: str | None, nullable: bool, alias: str
    ) -> tuple[TypeNode, bool] | None:
        key = "enum" if "enum" in spec else "const"
        if "enum" in spec and "const" in spec:
            self.error((*path, "const"), "use either enum or const, not both", key=True)
        raw: list[Any] = list(spec["enum"]) if key == "enum" else [spec["const"]]
        if None in raw:
            nullable = True
        values = [v for v in raw if v is not None]
        ok = True
        if not values:
            self.error((*path, key), "needs at least one value other than null")
            return None
        for index, value in enumerate(raw):
            if isinstance(value, list | dict):
                self.error(
                    (*path, key, index) if key == "enum" else (*path, key),
                    "enum values must be strings, numbers or booleans",
                )
                ok = False
        if not ok:
            return None
        kinds = {_json_type(v) for v in values}
        if kinds == {"integer", "number"}:
            kinds = {"number"}
        if kind is None:
            if len(kinds) != 1:
                self.error(
                    (*path, key),
                    f"enum mixes {', '.join(sorted(kinds))}",
                    "add `type:` and make every value that type",
                )
                return None
            base = kinds.pop()
        else:
            base = kind
            if base not in ("string", "integer", "number", "boolean"):
                self.error((*path, "type"), f"enum/const is not supported for type {base!r}")
                return None
            for index, value in enumerate(raw):
                if value is None:
                    continue
                fits = _json_type(value) == base or (
                    base == "number" and _json_type(value) == "integer"
                )
                if not fits:
                    where = (*path, key, index) if key == "enum" else (*path, key)
                    self.error(where, f"value {value!r} is not of type {base!r}", bool_hint(value))
                    ok = False
        seen: dict[tuple[str, Any], int] = {}
        for index, value in enumerate(raw):
            marker = (
                _json_type(value) if isinstance(value, bool) or value is None else "scalar",
                value,
            )
            if marker in seen:
                self.error(
                    (*path, key, index),
                    f"duplicate enum value {value!r}",
                    f"same as item {seen[marker]}",
                )
                ok = False
            else:
                seen[marker] = index
        for keyword in sorted(set(spec) & _ALL_TYPED_KEYWORDS):
            self.error((*path, keyword), f"{keyword!r} has no effect next to {key}", key=True)
        if not ok:
            return None
        self.claim_module_name(alias, f"the enum at {format_path(path)}", path)
        enum = EnumType(
            alias,
            cast(Literal["string", "integer", "number", "boolean"], base),
            tuple(values),
            spec.get("description", ""),
        )
        self.enums[alias] = enum
        return enum, nullable


def _non_finite_numbers(value: Any, path: JsonPath) -> list[JsonPath]:
    """Paths of YAML's `.inf` and `.nan` anywhere in the document: JSON cannot carry them."""
    if isinstance(value, float) and not math.isfinite(value):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _non_finite_numbers(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _non_finite_numbers(v, (*path, i))]
    return []


def _first_integer(key: str, bound: float) -> int:
    return math.floor(bound) + 1 if key == "exclusiveMinimum" else math.ceil(bound)


def _last_integer(key: str, bound: float) -> int:
    return math.ceil(bound) - 1 if key == "exclusiveMaximum" else math.floor(bound)


def _distinct_values(node: TypeNode) -> int | None:
    """How many different values an item of this type can take, when that is known and finite."""
    if isinstance(node, BooleanType):
        return 2
    if isinstance(node, EnumType):
        return len(node.values)
    if isinstance(node, NumericType) and node.integer:
        lows = [_first_integer(k, v) for k, v in _bounds(node, "minimum", "exclusiveMinimum")]
        highs = [_last_integer(k, v) for k, v in _bounds(node, "maximum", "exclusiveMaximum")]
        if lows and highs:  # (non-finite bounds are left out: they are reported on their own)
            return max(0, min(highs) - max(lows) + 1)
    if isinstance(node, StringType) and node.max_length == 0:
        return 1
    return None


def _bounds(node: NumericType, inclusive: str, exclusive: str) -> list[tuple[str, float]]:
    values = {
        "minimum": node.minimum,
        "maximum": node.maximum,
        "exclusiveMinimum": node.exclusive_minimum,
        "exclusiveMaximum": node.exclusive_maximum,
    }
    return [
        (k, v) for k in (inclusive, exclusive) if (v := values[k]) is not None and math.isfinite(v)
    ]


@functools.cache
def client_reserved() -> frozenset[str]:
    """Public attribute names of the generated Client: events may not shadow them."""
    from .render import templates_dir

    names = set(CLIENT_METHODS)
    runtime = templates_dir() / "_runtime.py"
    tree = ast.parse(runtime.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "BaseClient":
            for item in node.body:
                if isinstance(
                    item, ast.FunctionDef | ast.AsyncFunctionDef
                ) and not item.name.startswith("_"):
                    names.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
    return frozenset(n for n in names if not n.startswith("_"))
