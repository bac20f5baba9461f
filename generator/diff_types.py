"""Small pure helpers of the diff comparison: type names, effective bounds, enum keys."""

from __future__ import annotations

from typing import Any, assert_never

from .model import (
    ArrayType,
    BooleanType,
    EnumType,
    MapType,
    NumericType,
    ObjectType,
    Scalar,
    StringType,
    TimestampType,
    TypeNode,
    UnionType,
)


def enum_key(value: Scalar) -> tuple[str, Scalar]:
    return (type(value).__name__, value)  # True and 1 are different enum values


def type_name(node: TypeNode) -> str:
    match node:
        case StringType():
            return "string"
        case NumericType():
            return "integer" if node.integer else "number"
        case BooleanType():
            return "boolean"
        case TimestampType():
            return "timestamp"
        case EnumType():
            return f"{node.base} enum"
        case ArrayType():
            return f"array of {type_name(node.items)}"
        case MapType():
            return f"map of {type_name(node.values)}"
        case UnionType():
            return " | ".join(type_name(m) for m in node.members)
        case ObjectType():
            return "object"
        case _:
            assert_never(node)


def lower(node: NumericType) -> tuple[float, bool] | None:
    """The effective lower bound as (value, exclusive); higher means tighter."""
    bounds = []
    if node.minimum is not None:
        bounds.append((float(node.minimum), False))
    if node.exclusive_minimum is not None:
        bounds.append((float(node.exclusive_minimum), True))
    return max(bounds) if bounds else None


def upper(node: NumericType) -> tuple[float, bool] | None:
    """The effective upper bound as (-value, exclusive); higher means tighter."""
    bounds = []
    if node.maximum is not None:
        bounds.append((-float(node.maximum), False))
    if node.exclusive_maximum is not None:
        bounds.append((-float(node.exclusive_maximum), True))
    return max(bounds) if bounds else None


def tighter(base: Any, head: Any, *, higher_is_tighter: bool = True) -> int:
    """1 when head is tighter than base, -1 when looser, 0 when the same (None: no bound)."""
    if base == head:
        return 0
    if base is None:
        return 1
    if head is None:
        return -1
    return 1 if (head > base) == higher_is_tighter else -1


def show_bound(bound: tuple[float, bool] | None, name: str) -> str:
    if bound is None:
        return "none"
    value = bound[0] if name == "lower" else -bound[0]
    shown = int(value) if value.is_integer() else value
    sign = (">" if name == "lower" else "<") + ("" if bound[1] else "=")
    return f"{sign} {shown}"


def type_kind(node: TypeNode) -> str:
    """The family of a type: a change of family is a type change, within one a bound change."""
    match node:
        case StringType():
            return "string"
        case NumericType():
            return "numeric"
        case BooleanType():
            return "boolean"
        case TimestampType():
            return "timestamp"
        case EnumType():
            return "enum"
        case ArrayType():
            return "array"
        case MapType():
            return "map"
        case UnionType():
            return "union"
        case ObjectType():
            return "object"
        case _:
            assert_never(node)
