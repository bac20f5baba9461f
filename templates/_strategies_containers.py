"""Hypothesis building blocks for containers: lists (`type: array`) and open maps
(`additionalProperties: <schema>`), valid ones and ones with one bad item.

Copied verbatim into every generated package beside `_strategies.py`, which
re-exports these names: the generated strategies and tests call them as `_s.lists`,
`_s.maps`, `_s.in_list`, `_s.in_map`, ... Test-time only, like `_strategies.py`.
Clearable attributes' values (`CLEAR` besides `None` and a value) live here too.
"""

from __future__ import annotations

from typing import Any, TypeVar

from hypothesis import strategies as st

from . import _checks as _c

T = TypeVar("T")

Bad = tuple[Any, str]
"""An invalid value and where the error is reported, relative to the field (`_strategies.Bad`)."""


def lists(
    items: st.SearchStrategy[T],
    *,
    min_size: int = 0,
    max_size: int | None = None,
    unique: bool = False,
) -> st.SearchStrategy[list[T]]:
    """Lists whose items are unique the way `uniqueItems` means it (1 == 1.0, 1 != True)."""
    return st.lists(
        items, min_size=min_size, max_size=max_size, unique_by=_c.unique_key if unique else None
    )


MAP_KEYS = st.text(max_size=12)
"""Keys of open maps: any string, kept short so a map's data fits its budget."""


def maps(
    values: st.SearchStrategy[T], *, min_size: int = 0, max_size: int = 4
) -> st.SearchStrategy[dict[str, T]]:
    """Open maps (`additionalProperties: <schema>`): string keys, valid values."""
    return st.dictionaries(MAP_KEYS, values, min_size=min_size, max_size=max_size)


def with_bad_key(valid: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[Bad]:
    """A valid, non-empty map with one of its values put under a key that is not a string."""

    def put(items: dict[str, Any]) -> Bad:
        value = next(iter(items.values()))
        return {**items, 7: value}, "[7]"

    return valid.map(put)


def in_map(
    valid: st.SearchStrategy[dict[str, Any]], bad: st.SearchStrategy[Bad]
) -> st.SearchStrategy[Bad]:
    """A valid, non-empty map with one value replaced by an invalid one."""

    def replace(items: dict[str, Any]) -> st.SearchStrategy[Bad]:
        keys = sorted(items)

        def put(choice: tuple[int, Bad]) -> Bad:
            index, (value, where) = choice
            key = keys[index]
            return {**items, key: value}, f"[{key!r}]{where}"

        return st.tuples(st.integers(0, len(keys) - 1), bad).map(put)

    return valid.flatmap(replace)


# -- invalid values, for the generated mutation tests --------------------------
def with_duplicate(valid: st.SearchStrategy[list[Any]]) -> st.SearchStrategy[list[Any]]:
    """A valid, non-empty list with one of its items appended again."""
    return valid.flatmap(
        lambda items: st.integers(0, len(items) - 1).map(lambda i: [*items, items[i]])
    )


def in_list(
    valid: st.SearchStrategy[list[Any]], bad: st.SearchStrategy[Bad]
) -> st.SearchStrategy[Bad]:
    """A valid, non-empty list with one item replaced by an invalid one."""

    def replace(items: list[Any]) -> st.SearchStrategy[Bad]:
        def put(choice: tuple[int, Bad]) -> Bad:
            index, (value, where) = choice
            return [*items[:index], value, *items[index + 1 :]], f"[{index}]{where}"

        return st.tuples(st.integers(0, len(items) - 1), bad).map(put)

    return valid.flatmap(replace)


def clearable(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | _c.ClearType | None]:
    """A clearable attribute: `None` (not sent), `CLEAR` (sent as null) or a value."""
    return st.none() | st.just(_c.CLEAR) | strategy


def clear() -> st.SearchStrategy[Bad]:
    """`CLEAR` for a field the plan does not mark clearable (rule `clearable`)."""
    return st.just((_c.CLEAR, ""))
