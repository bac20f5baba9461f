"""The source of the table-driven design that `bench.footprint_tables` measures.

`INTERPRETER` is the shared half (once per package); `table_module` writes one event of
the synthetic plan (`footprint_plan`'s rules for it) the way the generator would write it
in that design: each class's rules in one `_FIELDS` table, only the typed `__init__`
written out. Not shipped: see `bench/footprint_tables.py`.
"""

from __future__ import annotations

from bench import footprint_plan

EVENT = 0
"""The event of the synthetic plan written table-driven."""

INTERPRETER = """\
\"\"\"The shared half of the table-driven design: a model's checks and both payload methods,
read from its class's one table (`_FIELDS`, built by `fields` when the class is created).
Measured in its fastest form found: each field's check bound to its label and arguments
once, tuples unpacked in the loops.\"\"\"

import functools
from typing import Any, NamedTuple

from PACKAGE import _checks as _base

_set = object.__setattr__


class Fields(NamedTuple):
    label: str
    keys: frozenset[str]
    required: tuple[str, ...]
    each: tuple[tuple[str, bool, Any], ...]
    wire: tuple[tuple[str, Any], ...]
    load: tuple[tuple[str, Any], ...]


def _bound(check: Any, label: str, kwargs: dict[str, Any], extra: tuple[Any, ...]) -> Any:
    if not extra:
        return functools.partial(check, label=label, **kwargs)
    return lambda value: check(value, label, *extra, **kwargs)


def fields(label: str, *specs: tuple[Any, ...]) -> Fields:
    \"\"\"(name, required, check, check's keyword arguments[, extra arguments[, to wire[,
    from wire]]]) per field, in the constructor's order; labels made from the class's.\"\"\"
    each, wire, load = [], [], []
    for name, required, check, kwargs, *rest in specs:
        extra = rest[0] if len(rest) > 0 else ()
        each.append((name, bool(required), _bound(check, f"{label}.{name}", kwargs, extra)))
        wire.append((name, rest[1] if len(rest) > 1 else None))
        load.append((name, rest[2] if len(rest) > 2 else None))
    required = tuple(name for name, needed, _ in each if needed)
    keys = frozenset(name for name, _, _ in each)
    return Fields(label, keys, required, tuple(each), tuple(wire), tuple(load))


def check_enum(value: Any, label: str, values: frozenset[object], message: str) -> None:
    if not isinstance(value, str) or value not in values:
        raise _base.fail(label, "enum", message, value)


def check_bool(value: Any, label: str) -> None:
    if not isinstance(value, bool):
        raise _base.fail(label, "type", "must be a boolean", value)


def init(self: Any, values: tuple[Any, ...]) -> None:
    for (name, required, check), value in zip(self._FIELDS.each, values):
        if value is not None or required:
            check(value)
        _set(self, name, value)


def objects(value: Any) -> list[Any]:
    return [item._to_payload() for item in value]


def one(value: Any) -> Any:
    return value._to_payload()


class TableModel(_base.Model):
    __slots__ = ()
    _FIELDS: Fields

    def _to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, convert in self._FIELDS.wire:
            value = getattr(self, name)
            if value is not None:
                out[name] = value if convert is None else convert(value)
        return out

    @classmethod
    def _from_payload(cls, payload: Any) -> Any:
        t = cls._FIELDS
        data = _base.check_payload_keys(payload, t.label, t.keys, t.required)
        kwargs = {}
        for name, read in t.load:
            if name in data:
                kwargs[name] = data[name] if read is None else read(data[name])
        return cls(**kwargs)
"""


def _rules(label: str, *rows: str) -> str:
    """A class's `_FIELDS` table: one row (a tuple's source) per field."""
    body = "".join(f"        {row},\n" for row in rows)
    return f'    _FIELDS = _i.fields(\n        "{label}",\n{body}    )\n'


def table_module(package: str, header: str, i: int = EVENT, *, rules: bool = True) -> str:
    """Event `i`'s module in the table-driven design: what the generator would write.

    Without `rules`, only what type checkers and editors read is left (the classes,
    slots, annotations and typed `__init__` signatures): not a working module, but the
    least any design that declares the event's types writes for them."""
    props = footprint_plan._properties(i)
    cls = f"Event{i:05d}Viewed"
    wire = footprint_plan.event_name(i)
    enum_text = ", ".join(f'"{v}"' for v in props["category"]["enum"])
    top = props["quantity"]["maximum"]
    doc = footprint_plan.plan(i + 1)["events"][wire]["description"]
    constants = f"_CATEGORY = frozenset({{{enum_text}}})\n"
    constants += f"_PATTERN_0 = _re.compile({props['sku']['pattern']!r})\n"
    readers = (
        "def _items(v: _t.Any) -> _t.Any:\n"
        f"    return _c.load_list(v, lambda x: _c.load_object({cls}ItemsItem._from_payload, x))\n"
        "\n\ndef _shipping(v: _t.Any) -> _t.Any:\n"
        f"    return _c.load_object({cls}Shipping._from_payload, v)\n\n\n"
    )
    items_rules = _rules(
        f"{wire}.items[]",
        '("name", 1, _r.check_string, {"max_length": 100})',
        '("count", 0, _r.check_number, {"integer": True, "minimum": 1}, (), None, _c.load_int)',
    )
    shipping_rules = _rules(
        f"{wire}.shipping",
        '("country", 1, _r.check_string, {"min_length": 2, "max_length": 2})',
        '("express", 0, _i.check_bool, {})',
    )
    event_rules = _rules(
        wire,
        '("quantity", 1, _r.check_number, {"integer": True, "minimum": 1, "maximum": '
        f"{top}}}, (), None, _c.load_int)",
        '("sku", 1, _r.check_string, {"max_length": 16, "pattern": _PATTERN_0})',
        f"(\"category\", 0, _i.check_enum, {{}}, (_CATEGORY, 'must be one of {enum_text}'))",
        f'("items", 0, _r.check_list, {{"max_items": 50, "of": {cls}ItemsItem}}, (), _i.objects,'
        " _items)",
        '("price", 0, _r.check_number, {"minimum": 0, "maximum": 10000})',
        f'("shipping", 0, _r.check_instance, {{}}, ({cls}Shipping,), _i.one, _shipping)',
    )
    if not rules:
        constants = readers = items_rules = shipping_rules = event_rules = ""
    return f"""{header}\"\"\"The `{wire}` event of the 'footprint' tracking plan: its model, nested objects and enums.\"\"\"

from __future__ import annotations

import decimal as _dec
import re as _re
import typing as _t

from {package} import _checks as _c
from {package} import _rules as _r
from {package}_tables import _interpreter as _i

__all__ = ["{cls}", "{cls}Category", "{cls}ItemsItem", "{cls}Shipping"]

{cls}Category: _t.TypeAlias = _t.Literal[{enum_text}]
{constants}

class {cls}ItemsItem(_i.TableModel):
    \"\"\"Data of {wire}.items[].\"\"\"

    __slots__ = ("count", "name")
{items_rules}    name: str
    count: int | None

    def __init__(self, *, name: str, count: int | None = None) -> None:
        _i.init(self, (name, count))


class {cls}Shipping(_i.TableModel):
    \"\"\"Data of {wire}.shipping.\"\"\"

    __slots__ = ("country", "express")
{shipping_rules}    country: str
    express: bool | None

    def __init__(self, *, country: str, express: bool | None = None) -> None:
        _i.init(self, (country, express))


{readers}class {cls}(_i.TableModel):
    \"\"\"{doc}\"\"\"

    __slots__ = ("category", "items", "price", "quantity", "shipping", "sku")
    EVENT_NAME: _t.ClassVar[str] = "{wire}"
    ANONYMOUS: _t.ClassVar[bool] = False
    DEPRECATION: _t.ClassVar[str | None] = None
{event_rules}    quantity: int
    sku: str
    category: {cls}Category | None
    items: list[{cls}ItemsItem] | None
    price: float | _dec.Decimal | None
    shipping: {cls}Shipping | None

    def __init__(
        self,
        *,
        quantity: int,
        sku: str,
        category: {cls}Category | None = None,
        items: list[{cls}ItemsItem] | None = None,
        price: float | _dec.Decimal | None = None,
        shipping: {cls}Shipping | None = None,
    ) -> None:
        _i.init(self, (quantity, sku, category, items, price, shipping))
"""
