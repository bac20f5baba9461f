"""Small pure helpers of the diff comparison: effective bounds, enum keys, type kinds."""

from __future__ import annotations

import dataclasses
from typing import Any, assert_never, cast

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


_LEAVES = (StringType, NumericType, BooleanType, TimestampType, EnumType)


def object_classes(node: object) -> tuple[str, ...]:
    """The class names of the nested objects a type uses directly (not through those objects).

    The common kinds are dispatched directly (this runs for every property of a big
    plan); any other type dataclass (or tuple of them) is walked generically, so a new
    kind of type that holds other types is followed without a change here.
    """
    kind = type(node)
    if kind is ObjectType:
        return (cast(ObjectType, node).class_name,)
    if kind is ArrayType:
        return object_classes(cast(ArrayType, node).items)
    if kind is MapType:
        return object_classes(cast(MapType, node).values)
    if kind in _LEAVES:
        return ()
    if kind is tuple:
        return tuple(
            name for item in cast(tuple[object, ...], node) for name in object_classes(item)
        )
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return tuple(
            name
            for field in dataclasses.fields(node)
            for name in object_classes(getattr(node, field.name))
        )
    return ()


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
