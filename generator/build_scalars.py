"""Scalar types from property schemas: strings, numbers, enums and const, and their bounds.

Each builder takes one property schema whose shape the meta-schema already
guarantees, reports what the meta-schema cannot express (contradictory
bounds, a pattern that does not compile, enum values that clash with their
type or with each other) and returns the model's node. Sizes that YAML wrote
as integral floats (`minLength: 3.0`) become ints here, and so do an
integer's bounds (`minimum: 1.0`), so the rest of the compiler, the messages
and the exported schema only ever see `3`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Literal, assert_never, cast

from . import regex_portable, regex_safety
from .model import (
    DATE_CLASSES,
    ArrayType,
    BooleanType,
    EnumType,
    MapType,
    NumericType,
    ObjectType,
    StringType,
    TimestampType,
    TypeNode,
    UnionType,
)
from .reporting import Reporter
from .source import JsonPath, bool_hint

KEYWORDS_BY_TYPE = {
    "string": {"minLength", "maxLength", "pattern", "format"},
    "integer": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"},
    "number": {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"},
    "array": {"items", "minItems", "maxItems", "uniqueItems"},
    "object": {"properties", "required", "additionalProperties"},
}
ALL_TYPED_KEYWORDS = set().union(*KEYWORDS_BY_TYPE.values())


def json_type(value: Any) -> str:
    """The JSON Schema type name of a decoded YAML scalar or container."""
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


def size(value: Any) -> int | None:
    """A length or count keyword as an int (`3.0` → `3`); the meta-schema admits only integers."""
    return None if value is None else int(value)


def _checked_pattern(
    report: Reporter, pattern: str, max_length: int | None, path: JsonPath
) -> str | None:
    """`pattern` if it compiles, means the same in ECMA-262 (regex_portable.py) and is
    safe to run (regex_safety.py), else None, reported.

    A refused pattern is dropped from the node, so ciogen never evaluates it
    against a default or an example either.
    """
    try:
        re.compile(pattern)
    except re.error as exc:
        report.error(
            path, f"pattern does not compile: {exc}", "patterns are Python regular expressions"
        )
        return None
    why = regex_portable.problem(pattern)
    if why is not None:
        report.error(
            path,
            f"pattern is not portable to ECMA-262: {why}",
            "exported JSON Schemas are read by validators in other languages; "
            "see docs/taxonomy.md, Patterns",
        )
        return None
    unsafe = regex_safety.problem(pattern, max_length)
    if unsafe is not None:
        report.error(path, *unsafe)
        return None
    return pattern


def build_string(report: Reporter, spec: Mapping[str, Any], path: JsonPath) -> StringType:
    if spec.get("format") in DATE_CLASSES:
        # A date or datetime object has no length or pattern; its ISO text is ciogen's.
        for keyword in ("minLength", "maxLength", "pattern"):
            if keyword in spec:
                report.error(
                    (*path, keyword),
                    f"{keyword!r} does not apply to format {spec['format']!r}"
                    " (a datetime.date / datetime in Python)",
                    key=True,
                )
        return StringType(format=spec["format"])
    low, high = size(spec.get("minLength")), size(spec.get("maxLength"))
    if low is not None and high is not None and low > high:
        report.error((*path, "minLength"), f"minLength {low} is greater than maxLength {high}")
    pattern = spec.get("pattern")
    if pattern is not None:
        pattern = _checked_pattern(report, pattern, high, (*path, "pattern"))
    return StringType(low, high, pattern, spec.get("format"))


def first_integer(key: str, bound: float) -> int:
    """The smallest integer a lower bound (`minimum` or `exclusiveMinimum`) admits."""
    return math.floor(bound) + 1 if key == "exclusiveMinimum" else math.ceil(bound)


def last_integer(key: str, bound: float) -> int:
    """The largest integer an upper bound (`maximum` or `exclusiveMaximum`) admits."""
    return math.ceil(bound) - 1 if key == "exclusiveMaximum" else math.floor(bound)


def bound(value: Any, integer: bool) -> int | float:
    """A numeric bound as written, except that an integer's `3.0` becomes `3`.

    An integer property's messages and exported schema then say `>= 3`, as the
    author meant; a `number`'s bounds keep the spelling the author chose.
    """
    if integer and isinstance(value, float) and value.is_integer():
        return int(value)
    return cast(int | float, value)


def build_numeric(
    report: Reporter, spec: Mapping[str, Any], path: JsonPath, integer: bool
) -> NumericType:
    keys = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
    bounds = {k: bound(spec[k], integer) for k in keys if k in spec}
    lows = [(k, bounds[k]) for k in ("minimum", "exclusiveMinimum") if k in bounds]
    highs = [(k, bounds[k]) for k in ("maximum", "exclusiveMaximum") if k in bounds]
    for low_key, low in lows:
        for high_key, high in highs:
            strict = low_key.startswith("exclusive") or high_key.startswith("exclusive")
            if low > high or (strict and low >= high):
                report.error(
                    (*path, low_key), f"{low_key} {low} leaves no room below {high_key} {high}"
                )
            elif (
                integer
                and math.isfinite(low)
                and math.isfinite(high)
                and first_integer(low_key, low) > last_integer(high_key, high)
            ):
                report.error(
                    (*path, low_key),
                    f"no integer lies between {low_key} {low} and {high_key} {high}",
                )
    return NumericType(
        integer,
        bounds.get("minimum"),
        bounds.get("maximum"),
        bounds.get("exclusiveMinimum"),
        bounds.get("exclusiveMaximum"),
    )


def _finite_bounds(node: NumericType, inclusive: str, exclusive: str) -> list[tuple[str, float]]:
    values = {
        "minimum": node.minimum,
        "maximum": node.maximum,
        "exclusiveMinimum": node.exclusive_minimum,
        "exclusiveMaximum": node.exclusive_maximum,
    }
    return [
        (k, v) for k in (inclusive, exclusive) if (v := values[k]) is not None and math.isfinite(v)
    ]


def distinct_values(node: TypeNode) -> int | None:
    """How many different values an item of this type can take, when that is known and finite."""
    match node:
        case BooleanType():
            return 2
        case EnumType():
            return len(node.values)
        case NumericType(integer=True):
            lows = [
                first_integer(k, v) for k, v in _finite_bounds(node, "minimum", "exclusiveMinimum")
            ]
            highs = [
                last_integer(k, v) for k, v in _finite_bounds(node, "maximum", "exclusiveMaximum")
            ]
            if lows and highs:  # (non-finite bounds are left out: they are reported on their own)
                return max(0, min(highs) - max(lows) + 1)
            return None
        case StringType():
            return 1 if node.max_length == 0 else None
        case NumericType() | TimestampType() | ArrayType() | ObjectType() | MapType() | UnionType():
            return None
        case _:
            assert_never(node)


EnumBase = Literal["string", "integer", "number", "boolean"]


def build_enum(
    report: Reporter,
    spec: Mapping[str, Any],
    path: JsonPath,
    kind: str | None,
    nullable: bool,
    alias: str,
) -> tuple[EnumType, bool] | None:
    """`enum` or `const` (with an optional `type`), or None after reporting why not."""
    key = "enum" if "enum" in spec else "const"
    if "enum" in spec and "const" in spec:
        report.error((*path, "const"), "use either enum or const, not both", key=True)
    raw: list[Any] = list(spec["enum"]) if key == "enum" else [spec["const"]]
    if None in raw:
        nullable = True
    values = [v for v in raw if v is not None]
    ok = True
    if not values:
        report.error((*path, key), "needs at least one value other than null")
        return None
    for index, value in enumerate(raw):
        if isinstance(value, list | dict):
            report.error(
                (*path, key, index) if key == "enum" else (*path, key),
                "enum values must be strings, numbers or booleans",
            )
            ok = False
    if not ok:
        return None
    kinds = {json_type(v) for v in values}
    if kinds == {"integer", "number"}:
        kinds = {"number"}
    if kind is None:
        if len(kinds) != 1:
            report.error(
                (*path, key),
                f"enum mixes {', '.join(sorted(kinds))}",
                "add `type:` and make every value that type",
            )
            return None
        base = kinds.pop()
    else:
        base = kind
        if base not in ("string", "integer", "number", "boolean"):
            report.error((*path, "type"), f"enum/const is not supported for type {base!r}")
            return None
        for index, value in enumerate(raw):
            if value is None:
                continue
            fits = json_type(value) == base or (base == "number" and json_type(value) == "integer")
            if not fits:
                where = (*path, key, index) if key == "enum" else (*path, key)
                report.error(where, f"value {value!r} is not of type {base!r}", bool_hint(value))
                ok = False
    seen: dict[tuple[str, Any], int] = {}
    for index, value in enumerate(raw):
        marker = (
            json_type(value) if isinstance(value, bool) or value is None else "scalar",
            value,
        )
        if marker in seen:
            report.error(
                (*path, key, index),
                f"duplicate enum value {value!r}",
                f"same as item {seen[marker]}",
            )
            ok = False
        else:
            seen[marker] = index
    for keyword in sorted(set(spec) & ALL_TYPED_KEYWORDS):
        report.error((*path, keyword), f"{keyword!r} has no effect next to {key}", key=True)
    if not ok:
        return None
    enum = EnumType(alias, cast(EnumBase, base), tuple(values), spec.get("description", ""))
    return enum, nullable
