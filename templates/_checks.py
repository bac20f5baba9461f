"""Run-time helpers shared by the generated models: the `Model` base, errors, formats.

This file is copied verbatim into every generated package (ciogen adds the
"@generated" header). It is a real module so ruff and mypy check it like any
other; it uses only the standard library. The per-field checks themselves are
generated inline in each model's `__init__` (fast, readable); what lives here is
what is the same for every taxonomy.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import enum
import importlib
import math
import re
import sys
import warnings
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, ClassVar, Final, Self, TypeVar, dataclass_transform

__all__ = [
    "CLEAR",
    "ClearType",
    "Model",
    "ValidationError",
    "all_unique",
    "check_payload_keys",
    "cleared",
    "deprecated",
    "fail",
    "from_payload",
    "from_unix",
    "is_date",
    "is_date_time",
    "is_email",
    "is_uri",
    "is_uuid",
    "load_int",
    "load_list",
    "load_object",
    "to_payload",
    "unique_key",
    "unix",
]

_T = TypeVar("_T")

# Deprecated event classes are marked for type checkers and editors only
# (`category=None`): the client method that builds the event is what warns at run
# time, once, with the caller's line. A run-time warning from the class too would
# warn twice on Python 3.13 and once on 3.11 for the same call.
if sys.version_info >= (3, 13):
    from warnings import deprecated
else:

    def deprecated(
        message: str, /, *, category: type[Warning] | None = DeprecationWarning
    ) -> Callable[[_T], _T]:
        """Before Python 3.13 there is no `warnings.deprecated`: mark nothing."""

        def mark(obj: _T) -> _T:
            return obj

        return mark


def _lazy(name: str) -> ModuleType:
    """A stdlib module loaded on first use, not at import: `dataclasses` (it imports
    `inspect`, ~5 ms) is only needed by code that introspects or copies a model, which
    has imported it already; `ipaddress` only by a URI with an IPv6 host (issue #10)."""
    return importlib.import_module(name)  # waits for another thread's import of it


class _DataclassFields:
    """`__dataclass_fields__`, built on first use, so `dataclasses.fields`, `replace`,
    `asdict` and `is_dataclass` work on models without `@dataclass` running at import."""

    def __get__(self, obj: object, cls: type[Model]) -> dict[str, Any]:
        dataclasses = _lazy("dataclasses")
        init = cls.__init__
        defaults: dict[str, Any] = getattr(init, "__kwdefaults__", None) or {}
        hints: dict[str, Any] = getattr(cls, "__annotations__", {})
        fields: dict[str, Any] = {}
        for name in cls.__slots__:
            field = dataclasses.field(default=defaults.get(name, dataclasses.MISSING), kw_only=True)
            field.name = name
            field.type = hints.get(name, Any)
            field._field_type = dataclasses._FIELD  # the marker of an ordinary field
            fields[name] = field
        type.__setattr__(cls, "__dataclass_fields__", fields)  # cached on the class
        return fields


@dataclass_transform(kw_only_default=True, frozen_default=True)
class Model:
    """Base of every generated model: frozen, slotted, compared and shown by its fields.

    The generator writes each model's `__slots__`, checking `__init__`,
    `_to_payload` and `_from_payload`; what is the same for all of them lives here,
    written once, instead of being generated and `exec`ed by `@dataclass` at import
    (which cost ~4 ms per class). Type checkers see a frozen, keyword-only
    dataclass (`dataclass_transform`).
    """

    __slots__: ClassVar[tuple[str, ...]] = ()
    __dataclass_fields__: ClassVar[Any] = _DataclassFields()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self.__slots__])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise _lazy("dataclasses").FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise _lazy("dataclasses").FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self) -> tuple[Any, ...]:
        return self._values()

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self.__slots__, state, strict=True):
            object.__setattr__(self, name, value)

    def __replace__(self, **changes: Any) -> Self:
        """`copy.replace` (Python 3.13): a new, checked instance with `changes` applied."""
        replaced: Self = _lazy("dataclasses").replace(self, **changes)
        return replaced

    # Written for each model by the generator. Underscored, as a field's name never is
    # (ciogen makes field names from the plan's words), so no plan property can hide them.
    def _to_payload(self) -> dict[str, Any]:
        raise NotImplementedError  # pragma: no cover - every generated model defines it

    @classmethod
    def _from_payload(cls, payload: Any) -> Self:
        raise NotImplementedError  # pragma: no cover - every generated model defines it


_M = TypeVar("_M", bound=Model)


def to_payload(model: Model) -> dict[str, Any]:
    """The JSON-safe dict sent to Customer.io for `model`, keyed by the plan's wire names.

    A function, not a method: a model's attributes are the plan's field names, and a
    plan may have a property called `to_payload`."""
    return model._to_payload()


def from_payload(cls: type[_M], payload: Any) -> _M:
    """A `cls` rebuilt from a decoded payload (`from_payload(SignedUp, data)`); unknown
    keys and broken rules raise `ValidationError`. The inverse of `to_payload`."""
    return cls._from_payload(payload)


class ValidationError(ValueError):
    """A value breaks a rule of the tracking plan.

    `field` names where (`signed_up.method`, `checkout_completed.items[2].sku`),
    `rule` names which rule (`type`, `enum`, `minimum`, `pattern`, ...).
    """

    def __init__(self, field: str, rule: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.rule = rule
        self.message = message


class ClearType(enum.Enum):
    """The type of `CLEAR`, its one value (an enum, so type checkers know there is one).

    Only attributes the plan marks `clearable: true` are typed `X | ClearType | None`,
    so mypy rejects `CLEAR` anywhere else; at run time it is rejected there too.
    """

    CLEAR = "CLEAR"

    def __repr__(self) -> str:
        return "CLEAR"


CLEAR: Final = ClearType.CLEAR
"""Pass as a clearable attribute (`update_person(person, trial_ends_at=CLEAR)`) to remove
it from the profile: it is sent as `null`, which Customer.io reads as "remove this
attribute". `None` still means "not sent": the stored value stays."""


def cleared(payload: Mapping[str, Any], key: str) -> bool:
    """Whether a payload read back sends `key` as null: a clearable attribute's `CLEAR`."""
    return key in payload and payload[key] is None


_REPR_LIMIT = 60


def fail(field: str, rule: str, message: str, value: Any) -> ValidationError:
    """Build (not raise) the error, so call sites read `raise fail(...)` and type-check.

    `CLEAR` where it does not belong fails every type check; it is reported as what it
    is, under its own rule, whichever check met it first."""
    if value is CLEAR:
        return ValidationError(
            field, "clearable", "cannot be CLEAR: the plan does not mark it `clearable: true`"
        )
    shown = repr(value)
    if len(shown) > _REPR_LIMIT:
        shown = shown[: _REPR_LIMIT - 3] + "..."
    return ValidationError(field, rule, f"{message} (got {shown})")


def field_at(label: str, index: int) -> str:
    return f"{label}[{index}]"


def field_key(label: str, key: object) -> str:
    """Where a value of an open map is reported: `context['ip']`."""
    return f"{label}[{key!r}]"


def warn_deprecated(message: str, stacklevel: int) -> None:
    warnings.warn(message, DeprecationWarning, stacklevel=stacklevel + 1)


# -- formats ---------------------------------------------------------------
# Each accepts what the format's RFC allows and what Hypothesis' strategies for
# it produce; the generated property tests hold both sides to that.

_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})"
)
_URI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
# What `str(uuid.UUID(value)) == value.lower()` accepts (the canonical 8-4-4-4-12 hex
# form, either case), without importing `uuid`: it pulls in `platform` and costs
# every importing process a few milliseconds (issue #10).
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_email(value: str) -> bool:
    return _EMAIL.fullmatch(value) is not None


def is_uuid(value: str) -> bool:
    return _UUID.fullmatch(value) is not None


def is_date(value: str) -> bool:
    if _DATE.fullmatch(value) is None:
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_date_time(value: str) -> bool:
    """RFC 3339 `date-time`: a full date, a time with seconds, and an offset."""
    if _DATE_TIME.fullmatch(value) is None:
        return False
    normalized = value.replace("t", "T").replace("z", "Z").replace(" ", "T")
    try:
        _dt.datetime.fromisoformat(normalized.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_uri(value: str) -> bool:
    """An absolute URI: a scheme, `:`, and no spaces or control characters."""
    scheme, sep, rest = value.partition(":")
    if not sep or _URI_SCHEME.fullmatch(scheme) is None:
        return False
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in rest):
        return False
    if rest.startswith("//"):
        host = rest[2:].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
        if host.startswith("["):
            try:
                _lazy("ipaddress").IPv6Address(host[1 : host.index("]")])
            except ValueError:
                return False
    return True


# -- timestamps ------------------------------------------------------------
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_SECOND = _dt.timedelta(seconds=1)


def unix(value: _dt.datetime) -> int:
    """Whole Unix seconds (floor), exact for every aware datetime."""
    return (value - _EPOCH) // _SECOND


def load_int(value: Any) -> Any:
    """A JSON integer as an int: JSON Schema counts `1.0` as the integer 1, and `json`
    reads it as a float; anything else passes through to the type check."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def from_unix(value: Any, field: str) -> Any:
    """Wire seconds back to an aware UTC datetime; other values pass through to be rejected."""
    value = load_int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return _EPOCH + _dt.timedelta(seconds=value)
        except OverflowError:
            message = "must be a Unix timestamp in datetime's range"
            raise fail(field, "type", message, value) from None
    return value


# -- collections -----------------------------------------------------------
def _canonical(value: Any) -> Any:
    """A hashable key under which two values are equal exactly when JSON Schema says so."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float | decimal.Decimal):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("z",)
    if isinstance(value, list | tuple):
        return ("l", tuple(_canonical(v) for v in value))
    if isinstance(value, dict):
        return ("d", frozenset((k, _canonical(v)) for k, v in value.items()))
    if isinstance(value, _dt.datetime):
        # Naive datetimes have no Unix time; they are rejected by the item check
        # that runs after the uniqueness check, which must not crash on them.
        return ("n", unix(value)) if value.utcoffset() is not None else ("o", id(value))
    if isinstance(value, _dt.date):
        return ("s", value.isoformat())
    if isinstance(value, Model):
        return _canonical(value._to_payload())
    return ("o", id(value))


def unique_key(value: Any) -> Any:
    """The key `uniqueItems` compares: equal exactly when the wire values are equal."""
    return _canonical(value)


def all_unique(items: list[Any]) -> bool:
    seen: set[Any] = set()
    for item in items:
        key = _canonical(item)
        if key in seen:
            return False
        seen.add(key)
    return True


def is_finite(value: float | decimal.Decimal) -> bool:
    """Not NaN or infinite, for floats and Decimals alike (a Decimal NaN is not a float's)."""
    if isinstance(value, decimal.Decimal):
        return value.is_finite()
    return math.isfinite(value)


# -- from_payload ------------------------------------------------------------
def check_payload_keys(
    payload: Any, label: str, allowed: frozenset[str], required: tuple[str, ...]
) -> Mapping[str, Any]:
    if not isinstance(payload, dict):
        raise fail(label, "type", "must be a JSON object", payload)
    for key in payload:
        if key not in allowed:
            raise fail(f"{label}.{key}", "unknown", "is not a property of this object", key)
    for key in required:
        if key not in payload:
            raise ValidationError(f"{label}.{key}", "required", "is required")
    return payload


def load_object(loader: Callable[[Any], _T], value: Any) -> Any:
    """Build a nested dataclass from a JSON object; anything else is left for the type check."""
    return loader(value) if isinstance(value, dict) else value


def load_list(value: Any, item: Callable[[Any], Any]) -> Any:
    return [item(v) for v in value] if isinstance(value, list) else value


def load_date(value: Any) -> Any:
    """An ISO 8601 date read back as a `date`; anything else is left for the type check."""
    if isinstance(value, str) and is_date(value):
        return _dt.date.fromisoformat(value)
    return value


def load_date_time(value: Any) -> Any:
    """An RFC 3339 date-time read back as an aware `datetime`; anything else is left for
    the type check."""
    if isinstance(value, str) and is_date_time(value):
        normalized = value.replace("t", "T").replace("z", "Z").replace(" ", "T")
        return _dt.datetime.fromisoformat(normalized.replace("Z", "+00:00"))
    return value


def load_choice(
    value: Any, discriminator: str | None, choices: tuple[tuple[Any, Callable[[Any], Any]], ...]
) -> Any:
    """An object member of a union read back: the one whose discriminator has its value, or
    (without a discriminator) whose own key is present; anything else is left for the type
    check."""
    if isinstance(value, dict):
        for mark, loader in choices:
            if (value.get(discriminator) == mark) if discriminator is not None else mark in value:
                return loader(value)
    return value


def load_map(value: Any, item: Callable[[Any], Any]) -> Any:
    """The values of a JSON object read back for an open map; anything else is left for the
    type check."""
    return {k: item(v) for k, v in value.items()} if isinstance(value, dict) else value
