"""Which generated module defines each class and enum: per-event modules, loaded on use.

Importing a package whose `models.py` defines every class of a 1,000-event plan
costs every process the whole plan (issue #10). So each event's class lives in
its own module, `_events/<method>.py`, with the nested objects and enums only
that event uses; `models.py` keeps what several events (or the person
attributes) share and loads an event's module on first access (module
`__getattr__`). A process pays for the events it uses, not the ones defined.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import assert_never

from .model import (
    ArrayType,
    BooleanType,
    EnumType,
    MapType,
    NumericType,
    ObjectModel,
    ObjectType,
    StringType,
    Taxonomy,
    TimestampType,
    TypeNode,
    UnionType,
)

SHARED = ""
"""The owner of what lives in `models.py` itself."""

APP = "<app>"
"""The owner of what only transactional messages and broadcasts use: `_app_models.py`,
loaded on first use like an event's module (no event method can have this name)."""


def _names(node: TypeNode) -> Iterator[str]:
    """Enum aliases and object class names `node` refers to directly."""
    match node:
        case EnumType():
            yield node.alias
        case ObjectType():
            yield node.class_name
        case ArrayType():
            yield from _names(node.items)
        case MapType():
            yield from _names(node.values)
        case UnionType():
            for member in node.members:
                yield from _names(member)
        case StringType() | NumericType() | BooleanType() | TimestampType():
            return
        case _:
            assert_never(node)


def refers_to(model: ObjectModel) -> list[str]:
    """The enum aliases and object classes `model`'s fields name, in field order, once each."""
    seen: dict[str, None] = {}
    for field in model.fields:
        for name in _names(field.type):
            seen.setdefault(name, None)
    return list(seen)


@dataclasses.dataclass(frozen=True)
class Placement:
    """`owner[name]`: the event method name whose module defines `name`, or SHARED."""

    owner: dict[str, str]
    reached: frozenset[str] = frozenset()
    """Every enum and object some event, the person attributes or App data use."""

    def module_of(self, name: str) -> str:
        return self.owner.get(name, SHARED)


def place(taxonomy: Taxonomy) -> Placement:
    """An object or enum reached from exactly one event, and from nothing else, goes to that
    event's module; one reached only from message and broadcast data, to `_app_models.py`;
    the rest (shared, or named by the person attributes) stays in `models.py`."""
    objects = {m.class_name: m for m in taxonomy.objects}
    reached: dict[str, set[str]] = {}

    def walk(model: ObjectModel, root: str, seen: set[str]) -> None:
        for name in refers_to(model):
            reached.setdefault(name, set()).add(root)
            if name in objects and name not in seen:
                seen.add(name)
                walk(objects[name], root, seen)

    for event in taxonomy.events:
        walk(event.model, event.method_name, set())
    for people in (taxonomy.attributes, taxonomy.attributes_update):
        walk(people, SHARED, set())
    # What App data (messages, broadcasts) and an event both name is shared: it lives in
    # models.py, which both lazy modules import from.
    app = [m.model for m in taxonomy.messages] + [b.model for b in taxonomy.broadcasts]
    for model in app:
        walk(model, APP, set())
    owner: dict[str, str] = {}
    for event in taxonomy.events:
        owner[event.model.class_name] = event.method_name
    for model in app:
        owner[model.class_name] = APP
    for name, roots in reached.items():
        if len(roots) == 1:
            (root,) = roots
            owner[name] = root
    return Placement({k: v for k, v in owner.items() if v != SHARED}, frozenset(reached))
