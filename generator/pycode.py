"""Python source fragments for the model: annotations, checks, wire conversions.

The dataclass template stays thin: it lays out classes and methods, and takes
every statement and expression that depends on a property's type from here.
All untrusted text (labels, enum values, patterns, messages) passes through
`escape.py` in this module, once.
"""

from __future__ import annotations

import dataclasses
from typing import assert_never

from . import pycode_union
from .escape import py_string
from .model import (
    FORMATS,
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
from .names import upper_snake

_ENUM_MESSAGE_LIMIT = 10


def annotation(node: TypeNode, module: str = "") -> str:
    """The type annotation; `module` qualifies generated names (`_m.` in client.py)."""
    match node:
        case StringType():
            return node.date_class or "str"
        case NumericType():
            # Money columns come back from Django and SQLAlchemy as Decimal: a
            # number accepts it and sends its exact digits.
            return "int" if node.integer else "float | _dec.Decimal"
        case BooleanType():
            return "bool"
        case TimestampType():
            return "_dt.datetime"
        case EnumType():
            return module + node.alias
        case ArrayType():
            return f"list[{annotation(node.items, module)}]"
        case MapType():
            return f"_t.Mapping[str, {annotation(node.values, module)}]"
        case UnionType():
            return " | ".join(annotation(m, module) for m in node.members)
        case ObjectType():
            return module + node.class_name
        case _:
            assert_never(node)


def field_annotation(field: Field, module: str = "") -> str:
    """The field's annotation; a clearable attribute also takes `CLEAR` (both the models
    and client.py import `_checks` as `_c`)."""
    base = annotation(field.type, module)
    if field.clearable:
        return f"{base} | _c.ClearType | None"
    optional = field.nullable or not field.required
    return f"{base} | None" if optional else base


def default_source(field: Field) -> str | None:
    """The `= ...` part of a dataclass field, or None for a required field."""
    if field.required:
        return None
    if field.has_default:
        return literal(field.default)
    return "None"


def literal(value: object) -> str:
    if isinstance(value, str):
        return py_string(value)
    return repr(value)


def enum_literal(enum: EnumType) -> str:
    """The alias's type: `Literal[...]`, or `float` for values `Literal` cannot hold
    (floats); the membership check in `__post_init__` holds either way."""
    if any(isinstance(v, float) for v in enum.values):
        return "float"
    return f"_t.Literal[{', '.join(literal(v) for v in enum.values)}]"


def enum_constant(enum: EnumType) -> str:
    return upper_snake(enum.alias) + "_VALUES"


def enum_set(enum: EnumType) -> str:
    return "frozenset({" + ", ".join(literal(v) for v in enum.values) + "})"


@dataclasses.dataclass
class Constants:
    """Module-level constants the checks refer to (compiled patterns)."""

    patterns: dict[str, str] = dataclasses.field(default_factory=dict)

    def pattern(self, regex: str) -> str:
        for name, existing in self.patterns.items():
            if existing == regex:
                return name
        name = f"_PATTERN_{len(self.patterns)}"
        self.patterns[name] = regex
        return name


_ENUM_BASES: dict[str, TypeNode] = {
    "string": StringType(),
    "integer": NumericType(True),
    "number": NumericType(False),
    "boolean": BooleanType(),
}


def _raise(label: str, rule: str, message: str, var: str) -> str:
    return f"    raise _c.fail({label}, {py_string(rule)}, {py_string(message)}, {var})"


def _bound(value: int | float) -> str:
    return repr(value)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _type_test(node: TypeNode, var: str) -> tuple[str, str]:
    """(condition that is true when `var` has the wrong type, the expected type in words)."""
    match node:
        case StringType(format="date"):
            # A datetime is a date too: a date property wants the day alone.
            return (
                f"not isinstance({var}, _dt.date) or isinstance({var}, _dt.datetime)",
                "must be a date",
            )
        case StringType(format="date-time"):
            return f"not isinstance({var}, _dt.datetime)", "must be a datetime"
        case StringType():
            return f"not isinstance({var}, str)", "must be a string"
        case NumericType(integer=True):
            return f"not isinstance({var}, int) or isinstance({var}, bool)", "must be an integer"
        case NumericType():
            return (
                f"not isinstance({var}, int | float | _dec.Decimal) or isinstance({var}, bool)",
                "must be a number",
            )
        case BooleanType():
            return f"not isinstance({var}, bool)", "must be a boolean"
        case TimestampType():
            return f"not isinstance({var}, _dt.datetime)", "must be a datetime"
        case ArrayType():
            return f"not isinstance({var}, list)", "must be a list"
        case MapType():
            return f"not isinstance({var}, _t.Mapping)", "must be a mapping of strings to values"
        case ObjectType():
            return f"not isinstance({var}, {node.class_name})", f"must be a {node.class_name}"
        case EnumType():
            return _type_test(_ENUM_BASES[node.base], var)
        case UnionType():
            words = pycode_union.expected(node, lambda m: _type_test(m, var)[1])
            return f"not ({pycode_union.instance_test(node, var)})", words
        case _:
            assert_never(node)


def check_lines(node: TypeNode, var: str, label: str, depth: int, consts: Constants) -> list[str]:
    """Statements that raise a ValidationError when `var` breaks any rule of `node`."""
    rules: list[str]
    match node:
        case EnumType():
            return _enum_lines(node, var, label)
        case UnionType():
            message = _type_test(node, var)[1]
            return pycode_union.union_lines(node, var, label, depth, consts, check_lines, message)
        case StringType(format="date"):
            rules = []
        case StringType(format="date-time") | TimestampType():
            rules = [
                f"if {var}.utcoffset() is None:",
                _raise(
                    label, "timezone", "must be timezone-aware (naive datetimes are ambiguous)", var
                ),
            ]
        case StringType():
            rules = _string_lines(node, var, label, consts)
        case NumericType():
            rules = _numeric_lines(node, var, label)
        case ArrayType():
            rules = _array_lines(node, var, label, depth, consts)
        case MapType():
            rules = _map_lines(node, var, label, depth, consts)
        case BooleanType() | ObjectType():
            rules = []
        case _:
            assert_never(node)
    wrong_type, expected = _type_test(node, var)
    return [f"if {wrong_type}:", _raise(label, "type", expected, var), *rules]


def _enum_lines(node: EnumType, var: str, label: str) -> list[str]:
    shown = ", ".join(literal(v) for v in node.values[:_ENUM_MESSAGE_LIMIT])
    if len(node.values) > _ENUM_MESSAGE_LIMIT:
        shown += f", ... ({len(node.values)} values)"
    wrong_type, _ = _type_test(node, var)
    return [
        f"if {wrong_type} or {var} not in {enum_constant(node)}:",
        _raise(label, "enum", f"must be one of {shown}", var),
    ]


def _string_lines(node: StringType, var: str, label: str, consts: Constants) -> list[str]:
    lines: list[str] = []
    if node.min_length is not None:
        lines += [
            f"if len({var}) < {node.min_length}:",
            _raise(
                label, "minLength", f"must be at least {_count(node.min_length, 'character')}", var
            ),
        ]
    if node.max_length is not None:
        lines += [
            f"if len({var}) > {node.max_length}:",
            _raise(
                label, "maxLength", f"must be at most {_count(node.max_length, 'character')}", var
            ),
        ]
    if node.pattern is not None:
        const = consts.pattern(node.pattern)
        lines += [
            f"if {const}.fullmatch({var}) is None:",
            _raise(label, "pattern", f"must match the pattern {node.pattern!r}", var),
        ]
    if node.format is not None:
        lines += [
            f"if not _c.{FORMATS[node.format]}({var}):",
            _raise(label, "format", f"must be a valid {node.format}", var),
        ]
    return lines


def _numeric_lines(node: NumericType, var: str, label: str) -> list[str]:
    lines: list[str] = []
    if not node.integer:
        lines += [
            f"if not isinstance({var}, int) and not _c.is_finite({var}):",
            _raise(label, "type", "must be a finite number", var),
        ]
    for bound, op, rule, words in (
        (node.minimum, "<", "minimum", ">="),
        (node.exclusive_minimum, "<=", "exclusiveMinimum", ">"),
        (node.maximum, ">", "maximum", "<="),
        (node.exclusive_maximum, ">=", "exclusiveMaximum", "<"),
    ):
        if bound is not None:
            lines += [
                f"if {var} {op} {_bound_for(node, bound, var)}:",
                _raise(label, rule, f"must be {words} {bound}", var),
            ]
    return lines


def _bound_for(node: NumericType, bound: int | float, var: str) -> str:
    """The bound a value is compared with. A Decimal compares exactly, so against
    the bound as written (`0.1`, not the float nearest to it, which is larger):
    `Decimal("0.10")` meets `minimum: 0.1`. Integral bounds are exact for both."""
    if node.integer or isinstance(bound, int):
        return _bound(bound)
    return f"(_dec.Decimal({py_string(repr(bound))}) if isinstance({var}, _dec.Decimal) else {_bound(bound)})"


def _array_lines(node: ArrayType, var: str, label: str, depth: int, consts: Constants) -> list[str]:
    lines: list[str] = []
    if node.min_items is not None:
        lines += [
            f"if len({var}) < {node.min_items}:",
            _raise(label, "minItems", f"must have at least {_count(node.min_items, 'item')}", var),
        ]
    if node.max_items is not None:
        lines += [
            f"if len({var}) > {node.max_items}:",
            _raise(label, "maxItems", f"must have at most {_count(node.max_items, 'item')}", var),
        ]
    if node.unique_items:
        lines += [
            f"if not _c.all_unique({var}):",
            _raise(label, "uniqueItems", "must not repeat items", var),
        ]
    item_var, index_var = f"item{depth}", f"i{depth}"
    inner = check_lines(
        node.items, item_var, f"_c.field_at({label}, {index_var})", depth + 1, consts
    )
    return [
        *lines,
        f"for {index_var}, {item_var} in enumerate({var}):",
        *("    " + line for line in inner),
    ]


def _map_lines(node: MapType, var: str, label: str, depth: int, consts: Constants) -> list[str]:
    key_var, value_var = f"key{depth}", f"value{depth}"
    where = f"_c.field_key({label}, {key_var})"
    inner = check_lines(node.values, value_var, where, depth + 1, consts)
    return [
        f"for {key_var}, {value_var} in {var}.items():",
        f"    if not isinstance({key_var}, str):",
        "    " + _raise(where, "type", "keys must be strings", key_var),
        *("    " + line for line in inner),
    ]


def to_wire(node: TypeNode, expr: str, depth: int = 0) -> str:
    """An expression turning the Python value `expr` into its JSON-safe wire form."""
    match node:
        case TimestampType():
            return f"_c.unix({expr})"
        case StringType(format="date" | "date-time"):
            return f"{expr}.isoformat()"
        case ObjectType():
            return f"{expr}._to_payload()"
        case ArrayType():
            item = f"x{depth}"
            return f"[{to_wire(node.items, item, depth + 1)} for {item} in {expr}]"
        case MapType():
            key, value = f"k{depth}", f"x{depth}"
            wire = to_wire(node.values, value, depth + 1)
            if wire == value:
                return f"dict({expr})"  # a plain dict of JSON values (any Mapping comes in)
            return f"{{{key}: {wire} for {key}, {value} in {expr}.items()}}"
        case UnionType():
            return pycode_union.union_to_wire(node, expr, depth, to_wire)
        case StringType() | NumericType() | BooleanType() | EnumType():
            return expr  # already JSON
        case _:
            assert_never(node)


def from_wire(node: TypeNode, expr: str, label: str, depth: int = 0) -> str:
    """An expression turning a decoded JSON value back into the Python value."""
    match node:
        case TimestampType():
            return f"_c.from_unix({expr}, {label})"
        case StringType(format="date"):
            return f"_c.load_date({expr})"
        case StringType(format="date-time"):
            return f"_c.load_date_time({expr})"
        case ObjectType():
            return f"_c.load_object({node.class_name}._from_payload, {expr})"
        case NumericType(integer=True) | EnumType(base="integer"):
            # JSON decoders may hand back 3.0 for 3: the checks want an int.
            return f"_c.load_int({expr})"
        case ArrayType():
            inner = from_wire(node.items, f"x{depth}", label, depth + 1)
            if inner == f"x{depth}":
                return f"_c.load_list({expr}, lambda x{depth}: x{depth})"
            return f"_c.load_list({expr}, lambda x{depth}: {inner})"
        case MapType():
            inner = from_wire(node.values, f"x{depth}", label, depth + 1)
            return f"_c.load_map({expr}, lambda x{depth}: {inner})"
        case UnionType():
            return pycode_union.union_from_wire(node, expr, label, depth, from_wire)
        case StringType() | NumericType() | BooleanType() | EnumType():
            return expr  # JSON already decodes to the Python value
        case _:
            assert_never(node)


def payload_lines(model: ObjectModel) -> list[str]:
    """The body of `_to_payload()`: required keys in one dict literal, optional ones added if set."""
    required = [f for f in model.fields if f.required]
    optional = [f for f in model.fields if not f.required]
    items = []
    for f in required:
        value = to_wire(f.type, f"self.{f.name}")
        if f.nullable and value != f"self.{f.name}":
            value = f"None if self.{f.name} is None else {value}"
        items.append(f"{py_string(f.wire_name)}: {value}")
    lines = ["_payload: dict[str, _t.Any] = {" + ", ".join(items) + "}"]
    for f in optional:
        value = to_wire(f.type, f"self.{f.name}")
        if f.clearable:  # `CLEAR` is sent as null: Customer.io removes the attribute
            value = f"None if self.{f.name} is _c.CLEAR else {value}"
        lines += [
            f"if self.{f.name} is not None:",
            f"    _payload[{py_string(f.wire_name)}] = {value}",
        ]
    lines.append("return _payload")
    return lines


def from_payload_args(model: ObjectModel) -> list[str]:
    """`name=expression` arguments for `cls(...)` in `_from_payload`."""
    args = []
    for f in model.fields:
        key = py_string(f.wire_name)
        # A missing optional key reads back as None, also when the field has a
        # default: None is how `_to_payload` leaves a field out, so this keeps
        # `from_payload(X, to_payload(x)) == x` for every x.
        raw = f"_data[{key}]" if f.required else f"_data.get({key})"
        value = from_wire(f.type, raw, py_string(f.label))
        if f.clearable:  # a null reads back as the `CLEAR` that sent it
            value = f"_c.CLEAR if _c.cleared(_data, {key}) else {value}"
        args.append(f"{f.name}={value}")
    return args


def modules_used(models: list[ObjectModel], *, checks: bool = True) -> frozenset[str]:
    """The standard modules the annotations (and, with `checks`, the run-time
    checks) of `models` refer to: `datetime` for timestamps, `decimal` for numbers."""

    def walk(node: TypeNode) -> set[str]:
        match node:
            case ArrayType():
                return walk(node.items)
            case MapType():
                return walk(node.values)
            case UnionType():
                return set().union(*(walk(m) for m in node.members))
            case TimestampType():
                return {"datetime"}
            case StringType(format="date" | "date-time"):
                return {"datetime"}
            case NumericType():
                return set() if node.integer else {"decimal"}
            case EnumType():
                return {"decimal"} if checks and node.base == "number" else set()
            case StringType() | BooleanType() | ObjectType():
                return set()
            case _:
                assert_never(node)

    return frozenset(m for model in models for f in model.fields for m in walk(f.type))
