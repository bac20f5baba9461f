"""The example calls documentation shows: the package docstring's, the App client's.

An example uses the plan's own values (an `examples:` entry, a default, an enum's
first value) and `...` where the plan gives none: never an invented value, which a
reader would copy and the generated checks might reject.
"""

from __future__ import annotations

from typing import assert_never

from .model import (
    ArrayType,
    BooleanType,
    EnumType,
    Field,
    MapType,
    NumericType,
    ObjectType,
    StringType,
    Taxonomy,
    TimestampType,
    UnionType,
)
from .pycode import literal

_DATE_NODES = (StringType(format="date"), StringType(format="date-time"))


def example_value(field: Field) -> str:
    """A value to show for `field` in documentation: the plan's own example, an enum's
    first value, or `...` where the plan gives none (never an invented value)."""
    if field.type in _DATE_NODES:
        return "..."  # the plan's examples are ISO strings; the argument is a date object
    if field.examples:
        return literal(field.examples[0])
    if field.has_default:
        return literal(field.default)
    match field.type:
        case EnumType():
            return literal(field.type.values[0])
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
            return "..."
        case _:
            assert_never(field.type)


def example_call(taxonomy: Taxonomy) -> str:
    """The client call the package docstring shows: the plan's first event, its required
    properties as keywords; `flush()` for a plan without events."""
    if not taxonomy.events:
        return "flush()"
    event = taxonomy.events[0]
    args = ['"42"']
    args += [f"{f.name}={example_value(f)}" for f in event.model.fields if f.required]
    return f"{event.method_name}({', '.join(args)})"
