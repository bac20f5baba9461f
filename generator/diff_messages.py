"""The App API half of `ciogen diff`: transactional messages and broadcast triggers.

In Customer.io a transactional message is addressed by its id (the number or
trigger name in `id:`), a broadcast by its campaign id; the plan's name only
makes the method (`send_*`, `trigger_*`) and the data class. So entries are
paired by name, then, among those left over, by id: the same id under a new
name is a rename (callers break, the workspace does not notice); the same
name with a new id sends something else (the workspace notices). Data keys are
read by the template as `{{trigger.KEY}}` and are compared like event
properties, under the DATA_FIELD rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .model import Broadcast, Field, Message
from .source import JsonPath

AppEntry = Message | Broadcast
_Where = tuple[JsonPath, str]


class Comparer(Protocol):
    """What this module needs of `diff_compare.Comparer` (which calls it, so no import)."""

    def unchanged(self, base: AppEntry, head: AppEntry) -> bool: ...

    def add(
        self, rule_id: str, subject: str, message: str, base: _Where | None, head: _Where | None
    ) -> None: ...

    def deprecation(
        self,
        rule_id: str,
        subject: str,
        base: str | None,
        head: str | None,
        where: tuple[_Where, _Where],
    ) -> None: ...

    def fields(
        self,
        kind: str,
        owner: str,
        base: Sequence[Field],
        head: Sequence[Field],
        bpath: JsonPath,
        hpath: JsonPath,
    ) -> None: ...


def _ident(entry: AppEntry) -> int | str:
    return entry.message_id if isinstance(entry, Message) else entry.campaign_id


def _pair(
    base: dict[str, AppEntry], head: dict[str, AppEntry]
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Matched (base, head) names, removed base names, added head names.

    A leftover head entry takes over a leftover base entry with the same id when
    exactly one base entry has it (two would make the pairing a guess).
    """
    pairs = [(name, name) for name in head if name in base]
    removed = [n for n in base if n not in head]
    added = [n for n in head if n not in base]
    by_id: dict[int | str, list[str]] = {}
    for name in removed:
        by_id.setdefault(_ident(base[name]), []).append(name)
    for name in list(added):
        olds = by_id.get(_ident(head[name]), [])
        if len(olds) == 1:
            pairs.append((olds.pop(), name))
            removed.remove(pairs[-1][0])
            added.remove(name)
    return pairs, removed, added


def compare_app(
    cmp: Comparer,
    section: str,
    base: Sequence[AppEntry],
    head: Sequence[AppEntry],
) -> None:
    """Changes of `messages:` or `broadcasts:` (`section`), added to `cmp`."""
    noun = "MESSAGE" if section == "messages" else "BROADCAST"
    word = noun.lower()
    bmap = {e.name: e for e in base}
    hmap = {e.name: e for e in head}
    pairs, removed, added = _pair(bmap, hmap)
    for name in removed:
        entry, path = bmap[name], (section, name)
        if entry.deprecated is not None:
            cmp.add(
                f"{noun}_DEPRECATION_ENDED",
                f"{word} {name}",
                f"{word} {name!r} removed after its deprecation",
                (path, ""),
                None,
            )
        else:
            cmp.add(
                f"{noun}_REMOVED",
                f"{word} {name}",
                f"{word} {name!r} removed without being deprecated first: "
                f"{entry.method_name}() is gone",
                (path, ""),
                None,
            )
    for name in added:
        cmp.add(
            f"{noun}_ADDED",
            f"{word} {name}",
            f"{word} {name!r} added: {hmap[name].method_name}()",
            None,
            ((section, name), ""),
        )
    for old, new in pairs:
        _entry(cmp, section, noun, bmap[old], hmap[new])


def _entry(cmp: Comparer, section: str, noun: str, b: AppEntry, h: AppEntry) -> None:
    if cmp.unchanged(b, h):
        return
    word = noun.lower()
    bpath: JsonPath = (section, b.name)
    hpath: JsonPath = (section, h.name)
    subject = f"{word} {h.name}"
    both = ((bpath, ""), (hpath, ""))
    if b.name != h.name:
        cmp.add(
            f"{noun}_RENAMED",
            subject,
            f"{word} {b.name!r} renamed to {h.name!r} (same id {_ident(h)!r}): "
            f"{b.method_name}() is now {h.method_name}(), "
            f"class {b.model.class_name} is now {h.model.class_name}",
            *both,
        )
    if _ident(b) != _ident(h):
        cmp.add(
            f"{noun}_ID_CHANGED",
            subject,
            f"id {_ident(b)!r} -> {_ident(h)!r}: {h.method_name}() now "
            + ("sends another template" if noun == "MESSAGE" else "triggers another broadcast"),
            (bpath, "id"),
            (hpath, "id"),
        )
    if isinstance(b, Message) and isinstance(h, Message) and b.channel != h.channel:
        cmp.add(
            "MESSAGE_CHANNEL_CHANGED",
            subject,
            f"channel {b.channel} -> {h.channel}",
            (bpath, "channel"),
            (hpath, "channel"),
        )
    cmp.deprecation(f"{noun}_DEPRECATED", subject, b.deprecated, h.deprecated, both)
    if b.description != h.description:
        cmp.add("DOCS_CHANGED", subject, "description changed", *both)
    cmp.fields("data", subject, b.model.fields, h.model.fields, bpath, hpath)
