"""One field's rules as data: what a model's `__init__` calls for a string, number,
nested object or list of nested objects at the top of a field.

This file is copied verbatim into every generated package (ciogen adds the
"@generated" header), beside `_checks.py`. A field's rules are the keyword arguments
of one call, `_r.check_string(sku, "order.sku", max_length=16, pattern=_PATTERN_0)`,
instead of an `if`/`raise` pair per rule spelled out in every model (issue #10: that
was most of each event's source); the messages are the ones those pairs raise, and
values inside lists, maps and unions keep the spelled-out checks.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable
from typing import Any

from . import _checks as _c

__all__ = ["check_instance", "check_list", "check_number", "check_string"]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def check_string(
    value: Any,
    label: str,
    *,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: re.Pattern[str] | None = None,
    format: tuple[Callable[[str], bool], str] | None = None,
) -> None:
    """A `str` within its lengths that fully matches `pattern` and is valid in `format`
    (the format's check and its name)."""
    if not isinstance(value, str):
        raise _c.fail(label, "type", "must be a string", value)
    if min_length is not None and len(value) < min_length:
        raise _c.fail(
            label, "minLength", f"must be at least {_count(min_length, 'character')}", value
        )
    if max_length is not None and len(value) > max_length:
        raise _c.fail(
            label, "maxLength", f"must be at most {_count(max_length, 'character')}", value
        )
    if pattern is not None and pattern.fullmatch(value) is None:
        raise _c.fail(label, "pattern", f"must match the pattern {pattern.pattern!r}", value)
    if format is not None and not format[0](value):
        raise _c.fail(label, "format", f"must be a valid {format[1]}", value)


def check_number(
    value: Any,
    label: str,
    *,
    integer: bool = False,
    minimum: int | float | None = None,
    exclusive_minimum: int | float | None = None,
    maximum: int | float | None = None,
    exclusive_maximum: int | float | None = None,
) -> None:
    """An `int` (if `integer`), else a finite `int`, `float` or `Decimal`; never a `bool`;
    within its bounds."""
    if integer:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _c.fail(label, "type", "must be an integer", value)
    elif not isinstance(value, int | float | decimal.Decimal) or isinstance(value, bool):
        raise _c.fail(label, "type", "must be a number", value)
    elif not isinstance(value, int) and not _c.is_finite(value):
        raise _c.fail(label, "type", "must be a finite number", value)
    _bounds(value, label, minimum, exclusive_minimum, maximum, exclusive_maximum)


def check_instance(value: Any, label: str, cls: type) -> None:
    """An instance of the nested object's class (it checked its own fields)."""
    if not isinstance(value, cls):
        raise _c.fail(label, "type", f"must be a {cls.__name__}", value)


def check_list(
    value: Any,
    label: str,
    *,
    min_items: int | None = None,
    max_items: int | None = None,
    unique_items: bool = False,
    of: type | None = None,
) -> None:
    """A `list` within its sizes, without repeats if `unique_items`, and (given `of`, a
    nested object's class) of instances of `of`; other items are checked by the caller."""
    if not isinstance(value, list):
        raise _c.fail(label, "type", "must be a list", value)
    if min_items is not None and len(value) < min_items:
        raise _c.fail(label, "minItems", f"must have at least {_count(min_items, 'item')}", value)
    if max_items is not None and len(value) > max_items:
        raise _c.fail(label, "maxItems", f"must have at most {_count(max_items, 'item')}", value)
    if unique_items and not _c.all_unique(value):
        raise _c.fail(label, "uniqueItems", "must not repeat items", value)
    if of is not None:
        for index, item in enumerate(value):
            if not isinstance(item, of):
                raise _c.fail(_c.field_at(label, index), "type", f"must be a {of.__name__}", item)


def _exact(bound: int | float) -> Any:
    """A bound as a Decimal compares with it: exactly as written (`0.1`, not the float
    nearest to it, which is larger), so `Decimal("0.10")` meets `minimum: 0.1`."""
    return decimal.Decimal(repr(bound)) if isinstance(bound, float) else bound


def _bounds(
    value: Any,
    label: str,
    minimum: int | float | None,
    exclusive_minimum: int | float | None,
    maximum: int | float | None,
    exclusive_maximum: int | float | None,
) -> None:
    exact = isinstance(value, decimal.Decimal)
    if minimum is not None and value < (_exact(minimum) if exact else minimum):
        raise _c.fail(label, "minimum", f"must be >= {minimum}", value)
    if exclusive_minimum is not None and value <= (
        _exact(exclusive_minimum) if exact else exclusive_minimum
    ):
        raise _c.fail(label, "exclusiveMinimum", f"must be > {exclusive_minimum}", value)
    if maximum is not None and value > (_exact(maximum) if exact else maximum):
        raise _c.fail(label, "maximum", f"must be <= {maximum}", value)
    if exclusive_maximum is not None and value >= (
        _exact(exclusive_maximum) if exact else exclusive_maximum
    ):
        raise _c.fail(label, "exclusiveMaximum", f"must be < {exclusive_maximum}", value)
