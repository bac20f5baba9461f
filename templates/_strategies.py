"""Hypothesis building blocks for the generated `strategies.py` and property tests.

This file is copied verbatim into every generated package (ciogen adds the
"@generated" header), like `_checks.py`. It is for tests only: it imports
hypothesis, which the models, the client and the runtime never do, so
hypothesis stays a test-time dependency of the generated package.

Every helper here produces values that satisfy the rules `_checks.py` and the
generated `__post_init__` enforce, and the exported JSON Schemas describe; the
generated property tests, and ciogen's differential tests against
hypothesis-jsonschema, hold all three to that.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
import string
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

from . import _checks as _c
from . import _strategies_containers as _sc
from ._runtime import MAX_EVENT_DATA_BYTES, MAX_OPERATION_BYTES
from ._runtime.wire import _encode_any
from ._strategies_containers import in_list, in_map, lists, maps, with_bad_key, with_duplicate
from ._test_tables import Bad, EventCase, Group, Model, Mutation, Required, arguments, grouped

__all__ = [
    "DATA_BUDGET",
    "Bad",
    "EventCase",
    "Group",
    "Model",
    "Mutation",
    "Required",
    "arguments",
    "as_json",
    "aware_datetimes",
    "date_times",
    "dates",
    "emails",
    "finite_floats",
    "fits",
    "grouped",
    "here",
    "in_list",
    "in_map",
    "integers",
    "lists",
    "maps",
    "naive_datetimes",
    "numbers",
    "optional",
    "outside",
    "required",
    "rules",
    "strings",
    "timestamps",
    "uris",
    "uuids",
    "wire_json",
    "with_bad_key",
    "with_duplicate",
    "wrong_type",
]

T = TypeVar("T")
clear, clearable = _sc.clear, _sc.clearable  # a clearable attribute's values (`CLEAR`)


# -- Customer.io's size limits ------------------------------------------------
OPERATION_HEADROOM = 2048
"""Bytes of a Track API operation that are not event data or attributes: the
identifiers (up to 150 bytes, more once JSON-escaped), the event name, id, type,
action and timestamp."""
DATA_BUDGET = min(MAX_EVENT_DATA_BYTES, MAX_OPERATION_BYTES - OPERATION_HEADROOM)
"""The most JSON an event's data or a person's attributes may take so that the
whole operation fits Customer.io's 32 KB per-operation limit."""


def wire_json(payload: Any) -> str:
    """JSON the way the runtime sends it: compact, UTF-8, no NaN, Decimals exact."""
    return _encode_any(payload)


def as_json(payload: Any) -> Any:
    """`payload` as a JSON reader sees it: Decimals become floats, the rest is unchanged."""
    if isinstance(payload, decimal.Decimal):
        return float(payload)
    if isinstance(payload, dict):
        return {k: as_json(v) for k, v in payload.items()}
    if isinstance(payload, list):
        return [as_json(v) for v in payload]
    return payload


def fits(value: Any) -> bool:
    """Whether `to_payload(value)` fits in one Track API operation."""
    return len(wire_json(_c.to_payload(value)).encode("utf-8")) <= DATA_BUDGET


# -- scalars -----------------------------------------------------------------
# Python's aware datetimes, one day in from each end so that any UTC offset
# keeps the instant inside datetime's range (and inside the exported schema's
# timestamp bounds).
_FIRST = _dt.datetime(1, 1, 2)
_LAST = _dt.datetime(9999, 12, 30, 23, 59, 59)


def optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """`None` (the field is not sent) or a value."""
    return st.none() | strategy


def _offsets() -> st.SearchStrategy[_dt.tzinfo]:
    minutes = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59)
    return st.just(_dt.UTC) | minutes.map(lambda m: _dt.timezone(_dt.timedelta(minutes=m)))


def timestamps() -> st.SearchStrategy[_dt.datetime]:
    """Aware datetimes in whole seconds (the wire carries integer seconds), any UTC offset."""
    return st.datetimes(min_value=_FIRST, max_value=_LAST, timezones=_offsets()).map(
        lambda d: d.replace(microsecond=0)
    )


def aware_datetimes() -> st.SearchStrategy[_dt.datetime]:
    """Aware datetimes, microseconds too (`format: date-time` sends ISO 8601 text)."""
    return st.datetimes(min_value=_FIRST, max_value=_LAST, timezones=_offsets())


def naive_datetimes() -> st.SearchStrategy[_dt.datetime]:
    return st.datetimes(min_value=_FIRST, max_value=_LAST)


def date_examples(texts: Sequence[str]) -> st.SearchStrategy[_dt.date]:
    """The plan's `format: date` examples: ISO text in the plan, date objects in the model."""
    return st.sampled_from([_c.load_date(text) for text in texts])


def date_time_examples(texts: Sequence[str]) -> st.SearchStrategy[_dt.datetime]:
    """The plan's `format: date-time` examples: RFC 3339 text in the plan (checked at
    generate time), aware datetimes in the model, read the way `from_payload` reads them."""
    return st.sampled_from([_c.load_date_time(text) for text in texts])


def _rfc3339(value: _dt.datetime, zulu: bool) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if zulu and text.endswith("+00:00") else text


def date_times() -> st.SearchStrategy[str]:
    """RFC 3339 date-times: seconds always, fractions sometimes, `Z` or a numeric offset."""
    return st.builds(_rfc3339, st.datetimes(timezones=_offsets()), st.booleans())


def dates() -> st.SearchStrategy[str]:
    return st.dates().map(_dt.date.isoformat)


# Hosts, URIs and addresses are assembled from plain text strategies: an order
# of magnitude cheaper to draw than `st.emails()` or `provisional.urls()`, whose
# domain strategy dominates the run time of every test that needs one.
_LABELS = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)
_HOSTS = st.lists(_LABELS, min_size=1, max_size=3).map(".".join)
_PCHARS = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@"
_ATEXT = string.ascii_letters + string.digits + "!#$%&'*+-/=?^_`{|}~"


def _uri(
    scheme: str,
    host: str,
    port: int | None,
    path: list[str],
    query: str | None,
    fragment: str | None,
) -> str:
    text = f"{scheme}://{host}"
    if port is not None:
        text += f":{port}"
    text += "".join("/" + segment for segment in path)
    if query is not None:
        text += "?" + query
    if fragment is not None:
        text += "#" + fragment
    return text


def emails() -> st.SearchStrategy[str]:
    """Addresses `local@host.tld` with RFC 5322 `atext` local parts."""
    local = st.lists(st.text(alphabet=_ATEXT, min_size=1, max_size=10), min_size=1, max_size=3)
    tld = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=6)
    return st.builds("{}@{}.{}".format, local.map(".".join), _HOSTS, tld)


def uris() -> st.SearchStrategy[str]:
    """Absolute URIs (RFC 3986): a scheme, a host, maybe a port, path, query, fragment."""
    rest = st.text(alphabet=_PCHARS + "/?", max_size=12)
    return st.builds(
        _uri,
        st.sampled_from(("http", "https", "ftp", "wss")),
        _HOSTS,
        st.none() | st.integers(0, 65535),
        st.lists(st.text(alphabet=_PCHARS, max_size=10), max_size=4),
        st.none() | rest,
        st.none() | rest,
    )


def uuids() -> st.SearchStrategy[str]:
    """Canonical UUID strings, lower or upper case (both are valid `uuid`s)."""
    return st.builds(
        lambda u, upper: str(u).upper() if upper else str(u), st.uuids(), st.booleans()
    )


_FORMATS: Mapping[str, Callable[[], st.SearchStrategy[str]]] = {
    "email": emails,
    "uri": uris,
    "uuid": uuids,
    "date": dates,
    "date-time": date_times,
}
_FORMAT_CHECKS: Mapping[str, Callable[[str], bool]] = {
    "email": _c.is_email,
    "uri": _c.is_uri,
    "uuid": _c.is_uuid,
    "date": _c.is_date,
    "date-time": _c.is_date_time,
}


def strings(
    *,
    min_length: int = 0,
    max_length: int | None = None,
    pattern: str | None = None,
    format: str | None = None,
) -> st.SearchStrategy[str]:
    """Strings of `min_length` to `max_length` code points that fully match `pattern`
    and are a valid `format`.

    The most specific generator leads (a regex, else the format, else plain text)
    and the remaining rules are filters; each filter only rejects what that
    generator rarely produces when the taxonomy's rules are consistent.
    """
    if pattern is None and format is None:
        return st.text(min_size=min_length, max_size=max_length)
    if pattern is not None:
        base = st.from_regex(pattern, fullmatch=True)
        if format is not None:
            base = base.filter(_FORMAT_CHECKS[format])
    else:
        assert format is not None
        base = _FORMATS[format]()
    if min_length > 0 or max_length is not None:
        high = math.inf if max_length is None else max_length
        base = base.filter(lambda s: min_length <= len(s) <= high)
    return base


def _integer_range(
    minimum: float | None,
    maximum: float | None,
    exclusive_minimum: float | None,
    exclusive_maximum: float | None,
) -> tuple[int | None, int | None]:
    lows = [math.ceil(minimum)] if minimum is not None else []
    if exclusive_minimum is not None:
        lows.append(math.floor(exclusive_minimum) + 1)
    highs = [math.floor(maximum)] if maximum is not None else []
    if exclusive_maximum is not None:
        highs.append(math.ceil(exclusive_maximum) - 1)
    return (max(lows) if lows else None, min(highs) if highs else None)


def integers(
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: float | None = None,
    exclusive_maximum: float | None = None,
) -> st.SearchStrategy[int]:
    low, high = _integer_range(minimum, maximum, exclusive_minimum, exclusive_maximum)
    return st.integers(min_value=low, max_value=high)


def numbers(
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: float | None = None,
    exclusive_maximum: float | None = None,
) -> st.SearchStrategy[float | decimal.Decimal]:
    """Finite floats, integers and Decimals within the bounds (JSON numbers all)."""
    low, exclude_low = minimum, False
    if exclusive_minimum is not None and (low is None or exclusive_minimum >= low):
        low, exclude_low = exclusive_minimum, True
    high, exclude_high = maximum, False
    if exclusive_maximum is not None and (high is None or exclusive_maximum <= high):
        high, exclude_high = exclusive_maximum, True
    floats = st.floats(
        min_value=low,
        max_value=high,
        exclude_min=exclude_low,
        exclude_max=exclude_high,
        allow_nan=False,
        allow_infinity=False,
    )
    int_low, int_high = _integer_range(minimum, maximum, exclusive_minimum, exclusive_maximum)
    if int_low is not None and int_high is not None and int_low > int_high:
        return floats | _decimals(low, exclude_low, high, exclude_high)
    return (
        floats
        | st.integers(min_value=int_low, max_value=int_high)
        | _decimals(low, exclude_low, high, exclude_high)
    )


_CENT = decimal.Decimal("0.01")
_BAD_DECIMALS = (decimal.Decimal("NaN"), decimal.Decimal("-Infinity"))
_DECIMAL_SPAN = decimal.Decimal(10) ** 12


def _decimals(
    low: float | None, exclude_low: bool, high: float | None, exclude_high: bool
) -> st.SearchStrategy[decimal.Decimal]:
    """Money-like Decimals (two places, under 10**12: the float a JSON reader makes of
    them keeps within the bounds too) within the bounds as written; none if no cent fits."""
    lo = -_DECIMAL_SPAN if low is None else max(-_DECIMAL_SPAN, decimal.Decimal(repr(low)))
    hi = _DECIMAL_SPAN if high is None else min(_DECIMAL_SPAN, decimal.Decimal(repr(high)))
    first = lo.quantize(_CENT, rounding=decimal.ROUND_CEILING)
    last = hi.quantize(_CENT, rounding=decimal.ROUND_FLOOR)
    if exclude_low and first == lo:
        first += _CENT
    if exclude_high and last == hi:
        last -= _CENT
    if first > last:
        return st.nothing()
    return st.decimals(min_value=first, max_value=last, places=2)


def finite_floats(
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    exclude_min: bool = False,
    exclude_max: bool = False,
) -> st.SearchStrategy[float]:
    return st.floats(
        min_value=min_value,
        max_value=max_value,
        exclude_min=exclude_min,
        exclude_max=exclude_max,
        allow_nan=False,
        allow_infinity=False,
    )


# -- invalid values, for the generated mutation tests --------------------------
_WRONG_OBJECT = object()
# Wrong-type values per kind. None of them is equal (as `uniqueItems` compares)
# to a valid value of the kind, so putting one into a list of valid items
# breaks the item's type rule and nothing else.
_WRONG_TYPES: Mapping[str, tuple[Any, ...]] = {
    "string": (1, 1.5, True, b"x", ["x"]),
    "integer": ("1", 1.5, True, [1]),
    "number": ("1.5", True, [1.5], math.nan, math.inf, -math.inf, *_BAD_DECIMALS),
    "boolean": (1, "true", 0.5),
    "timestamp": ("2024-01-01T00:00:00Z", 1.5, 1_700_000_000, _dt.date(2024, 1, 1)),
    "date": ("2024-01-01", 1, _dt.datetime(2024, 1, 1, tzinfo=_dt.UTC)),
    "array": ("x", 1, {"x": _WRONG_OBJECT}),
    "object": ({"\x00wrong": _WRONG_OBJECT}, "x", 1),
    "map": ("x", 1, ["x"], 1.5),
    # Of no JSON type at all: wrong for every member of any union.
    "union": (b"x", 1j, _WRONG_OBJECT),
}


def wrong_type(kind: str) -> st.SearchStrategy[Any]:
    """Values that are not of `kind` (`string`, `integer`, ..., `array`, `object`)."""
    return st.sampled_from(_WRONG_TYPES[kind])


def outside(values: Sequence[Any], base: str, *, same_type: bool = False) -> st.SearchStrategy[Any]:
    """Values an enum of `values` (of `base`) rejects; `same_type`: of that type only (union)."""
    members = frozenset(values)
    same: st.SearchStrategy[Any] | None = {
        "string": st.text(),
        "integer": st.integers(),
        "number": st.floats(allow_nan=False) | st.integers(),
        "boolean": None if {True, False} <= members else st.booleans(),
    }[base]
    wrong = st.nothing() if same_type else wrong_type(base)
    if same is None:
        return wrong
    return same.filter(lambda v: v not in members) | wrong


def here(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Bad]:
    """Invalid values reported at the field itself."""
    return strategy.map(lambda value: (value, ""))


# -- the rows of `tests/plan_tables.py`, written compactly -------------------------
def rules(
    cls: type[Any],
    strategy: Callable[[], st.SearchStrategy[Any]],
    label: str,
    *fields: tuple[Any, ...],
) -> list[Mutation]:
    """The mutations of one model's fields, one tuple per field:
    `(name, wire name or "" when it is the name, alone, *rules)`. A rule is
    `(rule, strategy of bad values)`, or for the type rule a shorthand the generator
    writes for the two most common ones: `None` (the value `None`) or a kind such as
    `"string"` (values of other types). The field's label is `label.wire name`."""
    out: list[Mutation] = []
    for name, wire, alone, *bad in fields:
        where = f"{label}.{wire or name}"
        for row in bad:
            if row is None:
                row = ("type", here(st.none()))
            elif isinstance(row, str):
                row = ("type", here(wrong_type(row)))
            out.append(Mutation(cls, strategy, name, where, row[0], row[1], alone))
    return out


def required(
    cls: type[Any], strategy: Callable[[], st.SearchStrategy[Any]], *fields: str
) -> list[Required]:
    """The required fields of one model."""
    return [Required(cls, strategy, field) for field in fields]
