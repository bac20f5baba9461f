"""Python source fragments for the generated Hypothesis strategies and property tests.

What `pycode.py` is to the dataclass checks, this module is to `strategies.py`
and `tests/test_properties.py`: every expression that depends on a property's
type is built here, so the templates only lay out functions and tables.

Two kinds of expression come out of it:

* `value_expr`: a strategy for *valid* values of a type, honouring every rule
  the taxonomy can express (the helpers it calls live in `templates/_strategies.py`);
* `bad_exprs`: for each rule of a type, a strategy for values that break that
  rule and no rule checked before it, so that the generated `__post_init__`
  must report exactly that rule (`ValidationError.rule`) at exactly that place
  (`ValidationError.field`). The order mirrors `pycode.check_lines`.

All untrusted text (patterns, enum values, labels, wire names) passes through
`escape.py` here, once.
"""

from __future__ import annotations

import builtins
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, assert_never

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
    Taxonomy,
    TimestampType,
    TypeNode,
    UnionType,
    as_enum,
)
from .names import NameRegistry, snake_case
from .pycode import literal
from .runtime_facts import checks
from .strategy_examples import examples_strategy

ATTRIBUTES_STRATEGY = "person_attributes"
ATTRIBUTES_UPDATE_STRATEGY = "person_attributes_update"

# Characters tried, in order, to build strings that break a pattern or a format
# while keeping every rule checked before it.
_PROBE_CHARS = ("x", "0", "!", " ", "A", "-", ".", "@", "\n", "é", '"', "\\", "~", "\x00")
_MAX_CANDIDATES = 3
_LITERAL_LIMIT = 24


_BUILTINS = frozenset(dir(builtins))


def strategy_names(taxonomy: Taxonomy) -> dict[str, str]:
    """The public strategy function for each generated class, by class name.

    Events keep their client method name (`strategies.signed_up()`), the person
    attributes get `person_attributes` and `person_attributes_update` (no event
    method can: its class would be `PersonAttributes`, which the taxonomy
    check rejects), and nested objects the snake_case of their class, suffixed
    until unique.
    """
    registry = NameRegistry()
    names: dict[str, str] = {}
    for event in taxonomy.events:
        # Module-level functions named `dict`, `list`, ... would shadow the
        # builtins strategies.py itself uses: those get a `_` suffix.
        name = event.method_name
        while name in _BUILTINS or registry.claim(name, event.wire_name) is not None:
            name += "_"
        names[event.model.class_name] = name
    for model, name in (
        (taxonomy.attributes, ATTRIBUTES_STRATEGY),
        (taxonomy.attributes_update, ATTRIBUTES_UPDATE_STRATEGY),
    ):
        registry.claim(name, model.class_name)
        names[model.class_name] = name
    for model in taxonomy.objects:
        name = snake_case(model.class_name, prefix="model")
        while name in _BUILTINS or registry.claim(name, model.class_name) is not None:
            name += "_"
        names[model.class_name] = name
    return names


# -- valid values ----------------------------------------------------------------
def _number(value: float) -> str:
    return repr(value)


def _kwargs(pairs: list[tuple[str, str | None]]) -> str:
    return ", ".join(f"{key}={value}" for key, value in pairs if value is not None)


def _bounds(node: NumericType) -> str:
    return _kwargs(
        [
            ("minimum", None if node.minimum is None else _number(node.minimum)),
            ("maximum", None if node.maximum is None else _number(node.maximum)),
            (
                "exclusive_minimum",
                None if node.exclusive_minimum is None else _number(node.exclusive_minimum),
            ),
            (
                "exclusive_maximum",
                None if node.exclusive_maximum is None else _number(node.exclusive_maximum),
            ),
        ]
    )


def _tuple(items: list[str]) -> str:
    """A tuple literal without a trailing comma (which ruff would spread over many lines)."""
    return f"({items[0]},)" if len(items) == 1 else "(" + ", ".join(items) + ")"


def _values(values: tuple[Any, ...]) -> str:
    return _tuple([literal(v) for v in values])


def value_expr(node: TypeNode, names: Mapping[str, str], module: str = "") -> str:
    """A strategy expression for valid values of `node`.

    `module` qualifies the strategy functions of nested objects (`strategies.`
    in the test module, nothing inside `strategies.py`).
    """
    match node:
        case StringType(format="date"):
            return "_st.dates()"
        case StringType(format="date-time"):
            return "_s.aware_datetimes()"
        case StringType():
            args = _kwargs(
                [
                    ("min_length", str(node.min_length) if node.min_length else None),
                    ("max_length", None if node.max_length is None else str(node.max_length)),
                    ("pattern", None if node.pattern is None else py_string(node.pattern)),
                    ("format", None if node.format is None else py_string(node.format)),
                ]
            )
            return f"_s.strings({args})" if args else "_st.text()"
        case NumericType():
            return f"_s.{'integers' if node.integer else 'numbers'}({_bounds(node)})"
        case BooleanType():
            return "_st.booleans()"
        case TimestampType():
            return "_s.timestamps()"
        case EnumType():
            return f"_st.sampled_from({_values(node.values)})"
        case ArrayType():
            return _list_expr(node, names, module, min_size=node.min_items or 0)
        case MapType():
            return f"_s.maps({value_expr(node.values, names, module)})"
        case UnionType():
            return f"_st.one_of({', '.join(value_expr(m, names, module) for m in node.members)})"
        case ObjectType():
            return f"{module}{names[node.class_name]}()"
        case _:
            assert_never(node)


def _list_expr(node: ArrayType, names: Mapping[str, str], module: str, *, min_size: int) -> str:
    args = _kwargs(
        [
            ("min_size", str(min_size) if min_size else None),
            ("max_size", None if node.max_items is None else str(node.max_items)),
            ("unique", "True" if node.unique_items else None),
        ]
    )
    items = value_expr(node.items, names, module)
    return f"_s.lists({items}, {args})" if args else f"_s.lists({items})"


def field_expr(field: Field, names: Mapping[str, str], module: str = "") -> str:
    """Valid values of a field: the plan's own examples first, then any valid value;
    `None` too when the field is optional or nullable."""
    inner = value_expr(field.type, names, module)
    examples = examples_strategy(field, _values(field.examples))
    if examples is not None:
        inner = f"_st.one_of({examples}, {inner})"
    if field.clearable:
        return f"_s.clearable({inner})"
    if field.required and not field.nullable:
        return inner
    return f"_s.optional({inner})"


# -- invalid values ----------------------------------------------------------------
def _probe_lengths(node: StringType) -> list[int]:
    low = node.min_length or 0
    high = node.max_length
    lengths = sorted({low, low + 1, low + 2, low + 5, max(low, 8)})
    return [n for n in lengths if high is None or n <= high]


def _probe(node: StringType, wanted: Callable[[str], bool]) -> list[tuple[str, int]]:
    """Up to three `(char, count)` pairs whose strings have an allowed length and are `wanted`."""
    found: list[tuple[str, int]] = []
    for length in _probe_lengths(node):
        for char in _PROBE_CHARS if length else ("",):
            if wanted(char * length):
                found.append((char, length))
                if len(found) == _MAX_CANDIDATES:
                    return found
    return found


def _string_literal(char: str, count: int) -> str:
    if count * len(char) <= _LITERAL_LIMIT:
        return py_string(char * count)
    return f"{py_string(char)} * {count}"


def _sampled(candidates: list[tuple[str, int]]) -> str:
    return f"_st.sampled_from({_tuple([_string_literal(c, n) for c, n in candidates])})"


def _string_bad(node: StringType) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    low, high = node.min_length or 0, node.max_length
    if low > 0:
        out.append(("minLength", f"_s.here(_st.text(max_size={low - 1}))"))
    if high is not None:
        out.append(("maxLength", f"_s.here(_st.text(min_size={high + 1}, max_size={high + 8}))"))
    compiled = re.compile(node.pattern) if node.pattern is not None else None
    if compiled is not None:
        misses = _probe(node, lambda s: compiled.fullmatch(s) is None)
        if misses:
            out.append(("pattern", f"_s.here({_sampled(misses)})"))
    if node.format is not None:
        check = getattr(checks(), FORMATS[node.format])

        def breaks_format_only(s: str) -> bool:
            return (compiled is None or compiled.fullmatch(s) is not None) and not check(s)

        misses = _probe(node, breaks_format_only)
        if misses:
            out.append(("format", f"_s.here({_sampled(misses)})"))
    return out


def _integer_bad(node: NumericType) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    low = None if node.minimum is None else math.ceil(node.minimum)
    high = None if node.maximum is None else math.floor(node.maximum)
    if low is not None:
        out.append(("minimum", f"_s.here(_st.integers(max_value={low - 1}))"))
    if node.exclusive_minimum is not None:
        top = math.floor(node.exclusive_minimum)
        if low is None or low <= top:
            args = _kwargs(
                [("min_value", None if low is None else str(low)), ("max_value", str(top))]
            )
            out.append(("exclusiveMinimum", f"_s.here(_st.integers({args}))"))
    if high is not None:
        out.append(("maximum", f"_s.here(_st.integers(min_value={high + 1}))"))
    if node.exclusive_maximum is not None:
        bottom = math.ceil(node.exclusive_maximum)
        if high is None or bottom <= high:
            args = _kwargs(
                [("min_value", str(bottom)), ("max_value", None if high is None else str(high))]
            )
            out.append(("exclusiveMaximum", f"_s.here(_st.integers({args}))"))
    return out


def _floats(**bounds: str | None) -> str:
    args = _kwargs(list(bounds.items()))
    return f"_s.here(_s.finite_floats({args}))"


def _number_bad(node: NumericType) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    low = None if node.minimum is None else _number(node.minimum)
    high = None if node.maximum is None else _number(node.maximum)
    exclusive_low, exclusive_high = node.exclusive_minimum, node.exclusive_maximum
    if low is not None:
        out.append(("minimum", _floats(max_value=low, exclude_max="True")))
    # Each bound is broken by values the bounds checked before it still accept.
    if exclusive_low is not None and (node.minimum is None or node.minimum <= exclusive_low):
        bad = _floats(min_value=low, max_value=_number(exclusive_low))
        out.append(("exclusiveMinimum", bad))
    if high is not None:
        out.append(("maximum", _floats(min_value=high, exclude_min="True")))
    if exclusive_high is not None and (node.maximum is None or exclusive_high <= node.maximum):
        bad = _floats(min_value=_number(exclusive_high), max_value=high)
        out.append(("exclusiveMaximum", bad))
    return out


def _kind(node: TypeNode) -> str:
    """The type's name for `_s.wrong_type`, which draws values of every other type."""
    match node:
        case StringType(format="date"):
            return "date"
        case StringType(format="date-time") | TimestampType():
            return "timestamp"
        case StringType():
            return "string"
        case NumericType():
            return "integer" if node.integer else "number"
        case BooleanType():
            return "boolean"
        case ArrayType():
            return "array"
        case MapType():
            return "map"
        case UnionType():
            return "union"
        case ObjectType():
            return "object"
        case EnumType():
            return node.base
        case _:
            assert_never(node)


def type_rule(node: TypeNode) -> str:
    """The rule a value of the wrong type breaks: `enum` checks type and membership at once."""
    match node:
        case EnumType():
            return "enum"
        case (
            StringType()
            | NumericType()
            | BooleanType()
            | TimestampType()
            | ArrayType()
            | ObjectType()
            | MapType()
            | UnionType()
        ):
            return "type"
        case _:
            assert_never(node)


def _wrong_type(node: TypeNode) -> str:
    match node:
        case EnumType():
            return f"_s.here(_s.outside({_values(node.values)}, {py_string(node.base)}))"
        case (
            StringType()
            | NumericType()
            | BooleanType()
            | TimestampType()
            | ArrayType()
            | ObjectType()
            | MapType()
            | UnionType()
        ):
            return f"_s.here(_s.wrong_type({py_string(_kind(node))}))"
        case _:
            assert_never(node)


def bad_exprs(node: TypeNode, names: Mapping[str, str], module: str) -> list[tuple[str, str]]:
    """`(rule, strategy of (bad value, where))` for every rule of `node` that can be broken alone."""
    out = [(type_rule(node), _wrong_type(node))]
    match node:
        case EnumType():
            pass  # a value outside the enum breaks membership and nothing else
        case StringType(format="date"):
            pass  # a date object has no rule beyond its type
        case StringType(format="date-time"):
            out.append(("timezone", "_s.here(_s.naive_datetimes())"))
        case StringType():
            out += _string_bad(node)
        case NumericType():
            out += _integer_bad(node) if node.integer else _number_bad(node)
        case TimestampType():
            out.append(("timezone", "_s.here(_s.naive_datetimes())"))
        case ArrayType():
            out += _array_bad(node, names, module)
        case MapType():
            holder = f"_s.maps({value_expr(node.values, names, module)}, min_size=1)"
            out.append(("type", f"_s.with_bad_key({holder})"))
            for rule, bad in bad_exprs(node.values, names, module):
                out.append((rule, f"_s.in_map({holder}, {bad})"))
        case UnionType():
            for member in node.members:
                # Each member's own rules, on values of its type (the check picks the
                # member by type). An enum member is broken by a value of its own type
                # outside it: a value of another type may be another member's.
                enum = as_enum(member)
                if enum is None:
                    out += bad_exprs(member, names, module)[1:]
                elif not (enum.base == "boolean" and {True, False} <= set(enum.values)):
                    values = _values(enum.values)
                    bad = f"_s.outside({values}, {py_string(enum.base)}, same_type=True)"
                    out.append(("enum", f"_s.here({bad})"))
        case BooleanType() | ObjectType():
            pass  # no rule beyond the type
        case _:
            assert_never(node)
    return out


def _array_bad(node: ArrayType, names: Mapping[str, str], module: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    low, high = node.min_items or 0, node.max_items
    items = value_expr(node.items, names, module)
    if low > 0:
        out.append(("minItems", f"_s.here(_s.lists({items}, max_size={low - 1}))"))
    if high is not None:
        out.append(
            ("maxItems", f"_s.here(_s.lists({items}, min_size={high + 1}, max_size={high + 3}))")
        )
    if node.unique_items and (high is None or high >= 2):
        # A valid list of at least one item, one short of the maximum, plus a repeat.
        base = _list_expr(
            ArrayType(node.items, None, None if high is None else high - 1, True),
            names,
            module,
            min_size=max(low - 1, 1),
        )
        out.append(("uniqueItems", f"_s.here(_s.with_duplicate({base}))"))
    if high is None or high >= 1:
        holder = _list_expr(node, names, module, min_size=max(low, 1))
        for rule, bad in bad_exprs(node.items, names, module):
            out.append((rule, f"_s.in_list({holder}, {bad})"))
    return out


_SMALL_LENGTH = 64
"""A string field whose length bounds are at most this shares its model's mutation test."""


def tested_alone(node: TypeNode) -> bool:
    """Whether a field's bad values can be large (lists, maps, long strings): such a field
    gets a mutation test of its own, so that no example draws bad values for every rule of
    a model at once (Hypothesis caps what one example may draw). Small fields share one
    test per model, and one valid value per example."""
    match node:
        case StringType():
            return max(node.min_length or 0, node.max_length or 0) > _SMALL_LENGTH
        case ArrayType() | MapType() | UnionType():
            return True
        case NumericType() | BooleanType() | TimestampType() | EnumType() | ObjectType():
            return False
        case _:
            assert_never(node)


def field_bad_exprs(
    field: Field, names: Mapping[str, str], module: str, *, person: bool = False
) -> list[tuple[str, str]]:
    """`bad_exprs` for a field, plus `None` when the field is required and not nullable,
    and `CLEAR` for a person attribute (`person`) the plan does not mark clearable."""
    out = bad_exprs(field.type, names, module)
    if field.required and not field.nullable:
        out.insert(0, (type_rule(field.type), "_s.here(_st.none())"))
    if person and not field.clearable:
        out.append(("clearable", "_s.clear()"))
    return out


def model_kwargs(
    model: ObjectModel, names: Mapping[str, str], module: str = ""
) -> list[tuple[str, str]]:
    """`(field name, strategy expression)` for `_st.builds` of one dataclass."""
    return [(f.name, field_expr(f, names, module)) for f in model.fields]
