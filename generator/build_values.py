"""What a property may be set to besides its type's values, and its examples.

A `default` and `examples` are checked against the property's own schema; both are
checked with `schema_export.check_value`, the exported JSON Schema plus
the generated model's own string rules, so a default the plan accepts is one
every call that omits the argument can send, and an example shown in a
docstring or drawn by a strategy is one the model takes. `clearable: true` (the
value `CLEAR`, sent as null) is allowed on optional person attributes only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, assert_never

from . import schema_export
from .model import (
    NO_DEFAULT,
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
from .reporting import Reporter
from .source import JsonPath, bool_hint


def takes_default(node: TypeNode) -> bool:
    """Whether a property of this type may declare a `default` in the taxonomy."""
    match node:
        case StringType():
            return node.date_class is None  # a default would be a string, not a date
        case NumericType() | BooleanType() | EnumType():
            return True
        case ArrayType() | ObjectType() | TimestampType() | MapType():
            return False
        case UnionType():
            return all(takes_default(m) for m in node.members)
        case _:
            assert_never(node)


def field_values(
    report: Reporter,
    spec: Mapping[str, Any],
    path: JsonPath,
    node: TypeNode,
    nullable: bool,
    required: bool,
    objects: Mapping[str, ObjectModel],
) -> tuple[Any, tuple[Any, ...]]:
    """The property's default (`NO_DEFAULT` when none is usable) and its examples."""
    default = NO_DEFAULT
    if "default" in spec:
        value = spec["default"]
        if required:
            report.warn(
                (*path, "default"),
                "a default on a required property is never used",
                "drop it or make the property optional",
            )
        elif not takes_default(node):
            report.error(
                (*path, "default"),
                "defaults are supported only for string, number, integer, boolean and enum"
                " properties",
            )
        else:
            why = schema_export.check_value(value, node, nullable, objects)
            if why is not None:
                report.error(
                    (*path, "default"),
                    f"default does not fit its own schema: {why}",
                    bool_hint(value),
                )
            else:
                default = value
    examples = tuple(spec.get("examples") or ())
    for index, example in enumerate(examples):
        why = schema_export.check_value(example, node, nullable, objects)
        if why is not None:
            report.error(
                (*path, "examples", index),
                f"example does not fit its own schema: {why}",
                bool_hint(example),
            )
    return default, examples


def clearable(report: Reporter, spec: Any, path: JsonPath, attributes: bool, field: Field) -> bool:
    """Whether the property is marked `clearable: true`, where that can mean something."""
    if not isinstance(spec, Mapping) or spec.get("clearable") is not True:
        return False
    if not attributes:
        report.error(
            (*path, "clearable"),
            "only a person attribute can be clearable",
            "clearable lets update_person remove an attribute; an event or object"
            " property is simply not sent",
            key=True,
        )
        return False
    if field.required:
        report.error(
            (*path, "clearable"),
            f"attribute {field.wire_name!r} is required, so it cannot be clearable",
            "identify must always send it: make it optional, or drop clearable",
            key=True,
        )
        return False
    return True
