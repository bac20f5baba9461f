"""The row types of the tables the generated property tests are parametrized with.

Copied verbatim into every generated package (ciogen adds the "@generated"
header), like `_strategies.py`, which re-exports them: `tests/plan_tables.py`
holds the plan's rows, `tests/test_properties.py` (the same for every plan)
groups and runs them. Test-time only, like every module that imports hypothesis.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, NamedTuple

from hypothesis import strategies as st

Bad = tuple[Any, str]
"""An invalid value and where the error is reported, relative to the field: `""`
for the field itself, `"[2]"` for its third item, `"[2][0]"` deeper down."""


class Model(NamedTuple):
    """A generated dataclass, its strategy, and the schema file its payloads follow."""

    cls: type[Any]
    strategy: Callable[[], st.SearchStrategy[Any]]
    schema: str | None
    partial: bool = False
    """The schema's `required` does not apply (`PersonAttributesUpdate`)."""


class EventCase(NamedTuple):
    cls: type[Any]
    strategy: Callable[[], st.SearchStrategy[Any]]
    method: str
    anonymous_method: str | None


class Mutation(NamedTuple):
    """Setting `field` of a valid `cls` to a value from `bad` breaks exactly `rule`."""

    cls: type[Any]
    strategy: Callable[[], st.SearchStrategy[Any]]
    field: str
    label: str
    rule: str
    bad: st.SearchStrategy[Bad]
    alone: bool = False
    """The field's bad values can be large: its rules get a test of their own."""


class Required(NamedTuple):
    cls: type[Any]
    strategy: Callable[[], st.SearchStrategy[Any]]
    field: str


def arguments(value: Any) -> dict[str, Any]:
    """The keyword arguments that rebuild a generated dataclass instance."""
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


_Key = tuple[type[Any], str]
"""A group's model class and its field ('' for the group of the model's small fields)."""


class Group(NamedTuple):
    """Rows of one model one test checks (its small fields, or one field whose bad values
    can be large) against one valid instance per example: every rule in every example, at
    a fraction of the cost of one test (and one valid draw) per rule."""

    cls: type[Any]
    strategy: Callable[[], st.SearchStrategy[Any]]
    name: str
    mutations: tuple[Mutation, ...]
    required: tuple[str, ...]
    """Fields whose omission must be a `TypeError` naming them."""


def grouped(mutations: list[Mutation], required: list[Required]) -> list[Group]:
    """The rows grouped by model: one group for its small fields, one for each field whose
    bad values can be large (`Mutation.alone`), in first-seen order.

    A field with large bad values is not grouped with others: one example holding a bad
    value for every rule of a whole model can outgrow what Hypothesis lets one example draw.
    """
    rows: dict[_Key, list[Mutation]] = {}
    needed: dict[_Key, list[str]] = {}
    strategies: dict[_Key, Callable[[], st.SearchStrategy[Any]]] = {}
    alone = {(m.cls, m.field) for m in mutations if m.alone}
    for mutation in mutations:
        key = (mutation.cls, mutation.field if mutation.alone else "")
        strategies.setdefault(key, mutation.strategy)
        rows.setdefault(key, []).append(mutation)
    for row in required:
        key = (row.cls, row.field if (row.cls, row.field) in alone else "")
        strategies.setdefault(key, row.strategy)
        rows.setdefault(key, [])
        needed.setdefault(key, []).append(row.field)
    return [
        Group(
            cls,
            strategies[(cls, field)],
            f"{cls.__name__}.{field}" if field else cls.__name__,
            tuple(items),
            tuple(needed.get((cls, field), ())),
        )
        for (cls, field), items in rows.items()
    ]
