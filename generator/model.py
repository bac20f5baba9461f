"""The typed model between YAML and templates.

A typed model before templates (a house rule, docs/architecture.md): templates
never see the raw YAML dict. `build_model` turns a validated taxonomy into these
frozen dataclasses: every identifier is already a safe Python name, every `$ref`
is resolved, every nested object has its class. Text fields hold the raw
(unescaped) text; templates reach it only through the escapers in `escape.py`,
via the views of `render.py`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, TypeAlias, assert_never

Scalar: TypeAlias = str | int | float | bool

FORMATS = {
    "email": "is_email",
    "uri": "is_uri",
    "uuid": "is_uuid",
    "date": "is_date",
    "date-time": "is_date_time",
}
"""Every string `format` a taxonomy may name, and the function of `templates/_checks.py`
that tests it. The meta-schema lists the same names (tests/test_formats.py checks)."""


DATE_CLASSES = {"date": "_dt.date", "date-time": "_dt.datetime"}
"""The formats whose values are `datetime` objects in Python (ISO 8601 strings on the wire)."""


@dataclasses.dataclass(frozen=True)
class StringType:
    """A string on the wire; `format: date` / `date-time` are `date` / aware `datetime`
    objects in Python (`date_class`), sent as their ISO 8601 text."""

    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    format: str | None = None

    @property
    def date_class(self) -> str | None:
        """`_dt.date` or `_dt.datetime` for the date formats, else None (a `str`)."""
        return DATE_CLASSES.get(self.format or "")


@dataclasses.dataclass(frozen=True)
class NumericType:
    """`integer` or `number`, with JSON Schema's four kinds of bound."""

    integer: bool
    minimum: int | float | None = None
    maximum: int | float | None = None
    exclusive_minimum: int | float | None = None
    exclusive_maximum: int | float | None = None


@dataclasses.dataclass(frozen=True)
class BooleanType:
    pass


@dataclasses.dataclass(frozen=True)
class TimestampType:
    """An aware `datetime` in Python, integer Unix seconds on the wire."""


@dataclasses.dataclass(frozen=True)
class EnumType:
    """`enum` or `const`: a `Literal[...]` alias plus a run-time membership check."""

    alias: str
    base: Literal["string", "integer", "number", "boolean"]
    values: tuple[Scalar, ...]
    description: str = ""


@dataclasses.dataclass(frozen=True)
class ArrayType:
    items: TypeNode
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False


@dataclasses.dataclass(frozen=True)
class ObjectType:
    """A nested object; its fields live in the `ObjectModel` named `class_name`."""

    class_name: str


@dataclasses.dataclass(frozen=True)
class MapType:
    """An open object (`additionalProperties: <schema>`): keys not known in advance,
    every value of one type. A `Mapping[str, V]` in Python, a JSON object on the wire."""

    values: TypeNode


@dataclasses.dataclass(frozen=True)
class UnionType:
    """One of `members` (`type: [string, number]` or `oneOf`), told apart by Python type at
    run time and by JSON type on the wire. Several object members are told apart on the
    wire by `discriminator`, the `const` property each requires (`markers`: each one's
    value, in member order), or without one by `markers` alone: for each object member,
    a key it requires that no other member has."""

    members: tuple[TypeNode, ...]
    discriminator: str | None = None
    markers: tuple[Scalar, ...] = ()


TypeNode: TypeAlias = (
    StringType
    | NumericType
    | BooleanType
    | TimestampType
    | EnumType
    | ArrayType
    | ObjectType
    | MapType
    | UnionType
)


def as_object(node: TypeNode) -> ObjectType | None:
    """`node` if it is an object, else None (for code that picks the objects of a union)."""
    match node:
        case ObjectType():
            return node
        case (
            StringType()
            | NumericType()
            | BooleanType()
            | TimestampType()
            | EnumType()
            | ArrayType()
            | MapType()
            | UnionType()
        ):
            return None
        case _:
            assert_never(node)


def as_enum(node: TypeNode) -> EnumType | None:
    """`node` if it is an enum (or const), else None."""
    match node:
        case EnumType():
            return node
        case (
            StringType()
            | NumericType()
            | BooleanType()
            | TimestampType()
            | ObjectType()
            | ArrayType()
            | MapType()
            | UnionType()
        ):
            return None
        case _:
            assert_never(node)


def type_name(node: TypeNode) -> str:
    """The type of `node` in words, as messages name it: `array of string`, `map of
    integer`, `string | number`."""
    match node:
        case StringType():
            return "string"
        case NumericType():
            return "integer" if node.integer else "number"
        case BooleanType():
            return "boolean"
        case TimestampType():
            return "timestamp"
        case EnumType():
            return f"{node.base} enum"
        case ArrayType():
            return f"array of {type_name(node.items)}"
        case MapType():
            return f"map of {type_name(node.values)}"
        case UnionType():
            return " | ".join(type_name(m) for m in node.members)
        case ObjectType():
            return "object"
        case _:
            assert_never(node)


class _NoDefault:
    """The one "no default" marker; pickles as itself (`ciogen diff` caches loaded models)."""

    def __reduce__(self) -> str:
        return "NO_DEFAULT"

    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


@dataclasses.dataclass(frozen=True)
class Field:
    """One property: its Python name, its Customer.io (wire) name, its type and rules."""

    name: str
    wire_name: str
    type: TypeNode
    required: bool
    nullable: bool
    label: str
    description: str = ""
    default: Any = NO_DEFAULT
    deprecated: str | None = None
    examples: tuple[Any, ...] = ()
    renamed_from: str | None = None
    """The wire name this property had before (`ciogen diff` reports a rename)."""
    clearable: bool = False
    """An optional person attribute `identify`/`update_person` may send as null (`CLEAR`),
    which Customer.io reads as "remove this attribute"; never set on other fields."""

    @property
    def has_default(self) -> bool:
        return self.default is not NO_DEFAULT


@dataclasses.dataclass(frozen=True)
class ObjectModel:
    """A generated dataclass: an event's data, the person attributes, or a nested object."""

    class_name: str
    label: str
    kind: Literal["event", "attributes", "attributes_update", "object"]
    description: str
    fields: tuple[Field, ...]


@dataclasses.dataclass(frozen=True)
class Event:
    wire_name: str
    method_name: str
    model: ObjectModel
    description: str
    deprecated: str | None
    anonymous: bool
    anonymous_method_name: str | None
    renamed_from: str | None = None
    """The wire name this event had before (`ciogen diff` reports a rename)."""


Channel: TypeAlias = Literal["email", "push", "sms", "in_app", "inbox", "whatsapp"]


@dataclasses.dataclass(frozen=True)
class Message:
    """A transactional message: its template id, channel and the model of its `message_data`."""

    name: str
    method_name: str
    message_id: int | str
    channel: Channel
    model: ObjectModel
    description: str
    deprecated: str | None


@dataclasses.dataclass(frozen=True)
class Broadcast:
    """An API-triggered broadcast: its campaign id and the model of its trigger `data`."""

    name: str
    method_name: str
    campaign_id: int
    model: ObjectModel
    description: str
    deprecated: str | None


@dataclasses.dataclass(frozen=True)
class Taxonomy:
    name: str
    description: str
    source_name: str
    region: Literal["us", "eu"]
    events: tuple[Event, ...]
    attributes: ObjectModel
    attributes_update: ObjectModel
    objects: tuple[ObjectModel, ...]
    """Nested object classes, dependencies first (a class is defined before its users)."""
    enums: tuple[EnumType, ...]
    messages: tuple[Message, ...] = ()
    """Transactional messages (App API), sorted by name; their data classes are in `objects`."""
    broadcasts: tuple[Broadcast, ...] = ()
    """API-triggered broadcasts, sorted by name; their data classes are in `objects`."""
