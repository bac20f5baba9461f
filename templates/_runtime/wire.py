"""Validation and JSON encoding of operations in the caller's thread (the hot path)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from json.encoder import encode_basestring as _json_str
from typing import Any, Final

# Import the submodules by name, never names from the top-level package: the
# customerio-cdp-analytics wheel overwrites ``customerio/__init__.py``. The package
# ships no type information, hence the ignores.
from .limits import MAX_ATTRIBUTE_NAME_BYTES, MAX_ATTRIBUTE_VALUE_BYTES
from .values import _BATCH_PATH, _EVENTS_PATH, Person, _check_identifier

_BATCH_OPEN: Final = b'{"batch":['
_BATCH_CLOSE: Final = b"]}"
_BATCH_OVERHEAD: Final = len(_BATCH_OPEN) + len(_BATCH_CLOSE)


# One prebuilt encoder: ``json.dumps`` with non-default options builds a new encoder
# on every call, which costs more than the encoding itself for small payloads.
# ``allow_nan=False`` because NaN is not JSON and would make the API reject the whole
# batch; ``ensure_ascii=False`` keeps non-ASCII text at its UTF-8 size.
_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_encode = _encoder.encode


def _encode_chunks(value: object, _level: int) -> tuple[str]:
    return (_encode(value),)


# The hot path goes further: ``JSONEncoder.encode`` still builds CPython's C encoder
# anew on every call, through two Python frames that cost more than the encoding of
# a small event. Built once, without the circular-reference table (markers=None), it
# holds no state, so every thread shares it; a circular structure then ends in
# RecursionError, which ``_json_object`` reports like any other invalid data.
_encode_json: Any
try:
    from _json import make_encoder as _make_encoder
except ImportError:  # not CPython: JSONEncoder.encode is that interpreter's fast path
    _encode_json = _encode_chunks
else:
    _encode_json = _make_encoder(
        None, _encoder.default, _json_str, None, ":", ",", False, False, False
    )
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND: Final = timedelta(seconds=1)


def _identifiers_json(person: object, what: str = "person") -> str:
    """JSON of the ``identifiers`` object: ``{"id":"42"}``."""
    if type(person) is str:  # the hot path: a plain person id
        return '{"id":' + _json_str(_check_identifier(person, what)) + "}"
    if isinstance(person, Person):
        return '{"' + person.kind + '":' + _json_str(person.value) + "}"
    if isinstance(person, str):  # str subclasses, e.g. a StrEnum or a NewType'd id
        return '{"id":' + _json_str(_check_identifier(str(person), what)) + "}"
    raise TypeError(f"{what} must be a str (a person id) or a Person, got {type(person).__name__}")


def _identifiers(person: object, what: str = "person") -> dict[str, str]:
    if isinstance(person, Person):
        return person.identifiers()
    if isinstance(person, str):
        return {"id": _check_identifier(str(person), what)}
    raise TypeError(f"{what} must be a str (a person id) or a Person, got {type(person).__name__}")


def _name_json(name: object, what: str, limit: int | None) -> str:
    if not isinstance(name, str) or not name:
        raise ValueError(f"{what} must be a non-empty str, got {name!r}")
    if limit is not None and len(name) > limit // 4:
        size = len(name.encode("utf-8", "surrogatepass"))
        if size > limit:
            raise ValueError(
                f"{what} {name[:40]!r}... is {size} bytes; Customer.io accepts at most {limit}"
            )
    return _json_str(name)


def _unix_seconds(value: object, param: str) -> int:
    """Aware datetime -> integer Unix seconds, floored exactly (no float rounding)."""
    if not isinstance(value, datetime):
        raise TypeError(f"{param} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{param} must be timezone-aware (got naive {value.isoformat()}); "
            "use e.g. datetime.now(timezone.utc)"
        )
    return (value - _EPOCH) // _SECOND


def _exact(value: Any) -> str:
    """JSON of a value that holds `Decimal`s, each written as its own digits.

    `json` cannot write a Decimal as a number, and going through float would
    change money amounts (`Decimal("0.10")` is not the float 0.1). Only values
    the fast encoder refuses come here, so the common path costs nothing extra.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"Decimal {value} is not a JSON number")
        return str(value)  # always a JSON number: "9.50", "-0", "1E+2"
    if isinstance(value, Mapping):
        return "{" + ",".join(_json_str(k) + ":" + _exact(v) for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_exact(v) for v in value) + "]"
    return _encode(value)


def _encode_any(value: Any) -> str:
    """`_encode`, falling back to `_exact` for Decimals (and only for them)."""
    try:
        return _encode(value)
    except TypeError as first:
        try:
            return _exact(value)
        except TypeError:
            raise first from None


def _json_object(data: object, what: str) -> str:
    if type(data) is not dict:
        if not isinstance(data, Mapping):
            raise TypeError(f"{what} must be a dict, got {type(data).__name__}")
        data = dict(data)
    try:
        return "".join(_encode_json(data, 0))
    except TypeError:
        pass  # perhaps Decimals: encoded exactly below, or the error is raised there
    except ValueError as exc:
        raise ValueError(f"{what} is not valid JSON (NaN/Infinity or circular): {exc}") from None
    except RecursionError:
        raise ValueError(f"{what} is not valid JSON (circular, or nested too deeply)") from None
    try:
        return _exact(data)
    except ValueError as exc:
        raise ValueError(f"{what} is not valid JSON (NaN/Infinity or circular): {exc}") from None
    except RecursionError:
        raise ValueError(f"{what} is not valid JSON (circular, or nested too deeply)") from None
    except TypeError as exc:
        raise TypeError(f"{what} is not JSON-serializable: {exc}") from None


def _utf8(text: str, what: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{what} contains text that is not valid UTF-8 ({exc.reason})") from None


def _serialize(op: Mapping[str, Any], what: str) -> bytes:
    try:
        text = _encode_any(op)
    except ValueError as exc:
        raise ValueError(f"{what} is not valid JSON (NaN/Infinity or circular): {exc}") from None
    except TypeError as exc:
        raise TypeError(f"{what} is not JSON-serializable: {exc}") from None
    return _utf8(text, what)


class _AnonymousEvent(bytes):
    """Queue item marker: the body of one ``POST /api/v1/events`` request.

    Anonymous events cannot be expressed as v2 batch operations, so the sender must
    tell them apart; a ``bytes`` subclass keeps the queue homogeneous and compact.
    """

    __slots__ = ()


def _path_of(item: bytes) -> str:
    return _EVENTS_PATH if type(item) is _AnonymousEvent else _BATCH_PATH


def _chunks(ops: list[bytes], max_ops: int, max_body: int) -> list[list[bytes]]:
    """Split batch operations into request-sized groups (count and body bytes)."""
    chunks: list[list[bytes]] = []
    current: list[bytes] = []
    body = _BATCH_OVERHEAD
    for op in ops:
        if current and (len(current) >= max_ops or body + len(op) + 1 > max_body):
            chunks.append(current)
            current, body = [], _BATCH_OVERHEAD
        current.append(op)
        body += len(op) + 1
    if current:
        chunks.append(current)
    return chunks


def _check_attribute(key: str, value: object) -> None:
    """An attribute name or value longer than Customer.io accepts fails here: names and
    string values in UTF-8 bytes, nested values as JSON (the conservative reading of
    "Max length of attribute values"). Short strings are never measured: 37 code
    points fit in 150 UTF-8 bytes, 250 in 1,000."""
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > MAX_ATTRIBUTE_NAME_BYTES:
        raise ValueError(
            f"attribute name {key[:40]!r}... is {size} bytes in UTF-8; Customer.io accepts "
            f"at most {MAX_ATTRIBUTE_NAME_BYTES}"
        )
    if isinstance(value, str):
        size = len(value.encode("utf-8", "surrogatepass"))
    elif isinstance(value, dict | list):  # a nested value: its JSON is what is stored
        size = (
            len(_json_object({"v": value}, f"attribute {key!r}").encode("utf-8", "surrogatepass"))
            - 6
        )
    else:
        return
    if size > MAX_ATTRIBUTE_VALUE_BYTES:
        raise ValueError(
            f"attribute {key!r} is {size:,} bytes; Customer.io accepts at most "
            f"{MAX_ATTRIBUTE_VALUE_BYTES:,} bytes per attribute value"
        )
