"""`Record`: the base of the runtime's frozen value types, written out instead of `@dataclass`.

``@dataclass`` generates each class's methods as source and ``exec``s them when the
module is imported, and importing ``dataclasses`` loads ``inspect`` (~5 ms together
for the runtime, issue #10). A record lists its fields in ``_FIELDS`` (declaration
order; they are also its ``__slots__``) and writes its own ``__init__``; comparison,
hashing, ``repr``, immutability and pickling are the same for all of them and live
here. ``dataclasses.fields``, ``replace``, ``asdict`` and ``is_dataclass`` still
work: ``__dataclass_fields__`` is built on first access, by which time the caller
has imported ``dataclasses`` anyway.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from .lazy import module


class _DataclassFields:
    """`__dataclass_fields__`, built on first use from `_FIELDS` and `__init__`'s defaults."""

    def __get__(self, obj: object, cls: type[Record]) -> dict[str, Any]:
        dataclasses = module("dataclasses")
        init = cls.__init__
        defaults: dict[str, Any] = dict(getattr(init, "__kwdefaults__", None) or {})
        positional = init.__code__.co_varnames[1 : init.__code__.co_argcount]
        for name, value in zip(
            reversed(positional), reversed(init.__defaults__ or ()), strict=False
        ):
            defaults[name] = value
        hints: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            hints.update(getattr(klass, "__annotations__", {}))
        fields: dict[str, Any] = {}
        for name in cls._FIELDS:
            field = dataclasses.field(
                default=defaults.get(name, dataclasses.MISSING), kw_only=name not in positional
            )
            field.name = name
            field.type = hints.get(name, Any)
            field._field_type = dataclasses._FIELD
            fields[name] = field
        type.__setattr__(cls, "__dataclass_fields__", fields)  # cached on the class
        return fields


class Record:
    """Frozen and slotted; equal, hashed and shown by its ``_FIELDS``."""

    __slots__: ClassVar[tuple[str, ...]] = ()
    _FIELDS: ClassVar[tuple[str, ...]] = ()
    """The fields in declaration order: ``repr``, comparison and positional arguments."""
    __dataclass_fields__: ClassVar[Any] = _DataclassFields()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._FIELDS])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise module("dataclasses").FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise module("dataclasses").FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self) -> tuple[Any, ...]:
        return self._values()

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self._FIELDS, state, strict=True):
            object.__setattr__(self, name, value)

    def __replace__(self, **changes: Any) -> Self:
        """`copy.replace` (Python 3.13): a new, checked instance with `changes` applied."""
        replaced: Self = module("dataclasses").replace(self, **changes)
        return replaced
