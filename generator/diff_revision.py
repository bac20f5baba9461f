"""One side of `ciogen diff`, and how two sides' named items are paired.

A `Revision` is what the diff keeps of a loaded taxonomy (the model, and the
source for locations; `diff_cache` pickles it); `pair_by_name` matches events,
attributes and properties by wire name, or through `renamed_from:`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .diff_model import Location
from .model import ObjectModel, Taxonomy
from .source import JsonPath, Source
from .yaml_compose import unpack


@dataclasses.dataclass(frozen=True)
class Revision:
    """One side of the diff: the model, and the source it came from (for locations)."""

    taxonomy: Taxonomy
    source: Source

    @property
    def objects(self) -> dict[str, ObjectModel]:
        return {o.class_name: o for o in self.taxonomy.objects}

    def resolve(self, path: JsonPath) -> JsonPath:
        """`path`, or the definition it points to when the schema there is a `$ref`."""
        for _ in range(32):  # a chain of $refs is short; cycles are rejected at load
            node: Any = self.source.data
            for part in path:
                node = node.get(part) if isinstance(node, dict) else None
            ref = node.get("$ref") if isinstance(node, dict) else None
            if not isinstance(ref, str) or not ref.startswith("#/definitions/"):
                return path
            path = ("definitions", ref.removeprefix("#/definitions/"))
        return path

    def locate(self, path: JsonPath, keyword: str = "") -> Location:
        """The line of `keyword` in the schema at `path` if written there, else of its key."""
        src = self.source
        if keyword:
            inner = (*self.resolve(path), keyword)
            if inner in src.positions:
                line, column = unpack(src.positions[inner])
                return Location(src.file, line, column)
        line, column = src.locate(path, key=True)
        return Location(src.file, line, column)


def pair_by_name(
    base: Mapping[str, Any], head: Mapping[str, Any], renamed_from: Mapping[str, str | None]
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Matched (base, head) names, removed base names, added head names.

    A head item with `renamed_from: old` matches base `old` when `old` is no
    longer in the head; otherwise the note is history and the names match as they are.
    """
    pairs: list[tuple[str, str]] = []
    matched: set[str] = set()
    for name in head:
        old = renamed_from.get(name)
        if name in base:
            pairs.append((name, name))
            matched.add(name)
        elif old and old in base and old not in head and old not in matched:
            pairs.append((old, name))
            matched.add(old)
    paired = {h for _, h in pairs}
    added = [n for n in head if n not in paired]
    removed = [n for n in base if n not in matched]
    return pairs, removed, added
