"""Which of the plan's `examples:` a Hypothesis strategy can draw, and how.

The plan writes examples as JSON. Where that JSON is the model's value too (scalars,
unions of scalars) the strategy samples them as written; a `format: date` or
`date-time` example is ISO text that the strategy turns into the date or aware
datetime the model takes; objects, arrays, maps and timestamps are built by the
strategy itself, so their examples are shown in docstrings only.
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
    TimestampType,
    TypeNode,
    UnionType,
)


def _written_as_python(node: TypeNode) -> bool:
    """Whether the plan's JSON examples of `node` are its Python values too: true of
    scalars and of unions of them (`company.id: [string, number]`), not of objects,
    arrays, maps, timestamps or dates (written as JSON in the plan, built otherwise)."""
    match node:
        case StringType(format="date" | "date-time"):
            return False
        case StringType() | NumericType() | BooleanType() | EnumType():
            return True
        case UnionType(members=members):
            return all(_written_as_python(member) for member in members)
        case TimestampType() | ArrayType() | ObjectType() | MapType():
            return False
        case _:
            assert_never(node)


def examples_strategy(field: Field, values: str) -> str | None:
    """A strategy of the plan's own examples: drawn as they are where the plan writes
    their Python values (see `_written_as_python`), built from their ISO text for dates
    and date-times; None where the plan's JSON is not the model's value. `values` is
    the examples as a Python tuple literal."""
    if not field.examples:
        return None
    match field.type:
        case StringType(format="date"):
            return f"_s.date_examples({values})"
        case StringType(format="date-time"):
            return f"_s.date_time_examples({values})"
        case StringType() | NumericType() | BooleanType() | EnumType() | UnionType():
            if _written_as_python(field.type):
                return f"_st.sampled_from({values})"
            return None
        case TimestampType() | ArrayType() | ObjectType() | MapType():
            return None
        case _:
            assert_never(field.type)
