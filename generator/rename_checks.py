"""Semantic checks of `renamed_from:`, which only `ciogen diff` reads.

`renamed_from: old` tells the diff to pair an item with the base revision's
`old` and report a rename instead of a removal plus an addition. A note that
cannot mean that is a mistake the diff would otherwise hide (it falls back to
matching names as they are), so it is refused at load, located: a note naming
the item itself, naming a sibling that still exists (a rename removes the old
name), two siblings claiming the same old name, or a note where nothing is
ever paired by name (a definition, array items). Its type is the meta-schema's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .reporting import Reporter
from .source import JsonPath


def check_renames(report: Reporter, items: Mapping[str, Any], path: JsonPath, noun: str) -> None:
    """Check the `renamed_from` of each entry of `items` (the mapping at `path`) against its siblings."""
    claimed: dict[str, str] = {}
    for name, spec in items.items():
        old = spec.get("renamed_from") if isinstance(spec, Mapping) else None
        if not isinstance(old, str):
            continue
        where = (*path, name, "renamed_from")
        if old == name:
            report.error(
                where,
                f"{noun} {name!r} is renamed from its own name",
                "write the name it had in the previous revision, or remove renamed_from",
            )
        elif old in items:
            report.error(
                where,
                f"{noun} {name!r} is renamed from {old!r}, which still exists "
                f"({report.where((*path, old))})",
                f"a rename removes the old name: delete {old!r}, or remove renamed_from",
            )
        elif old in claimed:
            report.error(
                where,
                f"{noun} {name!r} is renamed from {old!r}, as {noun} {claimed[old]!r} "
                f"({report.where((*path, claimed[old]))}) already is",
                "only one item can take over the old name: remove one renamed_from",
            )
        else:
            claimed[old] = name


def refuse_renamed_from(report: Reporter, spec: Any, path: JsonPath, what: str) -> None:
    """`renamed_from` where the diff never pairs by name (`what`: "a definition", ...)."""
    if isinstance(spec, Mapping) and "renamed_from" in spec:
        report.error(
            (*path, "renamed_from"),
            f"renamed_from has no effect on {what}",
            "put it on the event, attribute or property that was renamed",
            key=True,
        )
