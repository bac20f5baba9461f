"""The iterative composer behind `source.py`: libyaml's events to plain data and positions.

Kept apart from `Source` and `load_source` because it is the one hot loop of
the parse stage: a 1,000-event plan is about 110,000 events, and `ciogen diff`
in a pre-commit hook pays for every one of them.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import yaml

from .errors import Problem, format_path
from .limits import (
    MAX_ALIAS_EXPANSION,
    MAX_ALIASES,
    MAX_STRING_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_EVENTS,
)

JsonPath = tuple[str | int, ...]
Mark = int
"""A line and a column (both from 1) in one int, `line << 32 | column`: a big plan has
100,000 of them, and a cached revision (diff_cache.py) stores and reads ints faster
than pairs."""


def unpack(mark: Mark) -> tuple[int, int]:
    """The line and the column of `mark`."""
    return mark >> 32, mark & 0xFFFFFFFF


_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}


class Stop(Exception):
    """A limit was reached or the document cannot be composed: stop at once."""


class _Frame:
    """A mapping or sequence being built."""

    __slots__ = ("anchor", "is_list", "key", "key_mark", "log_start", "merges", "path", "value")

    def __init__(
        self, path: JsonPath, value: dict[str, Any] | list[Any], anchor: str | None, log_start: int
    ) -> None:
        self.path = path
        self.value = value
        self.is_list = isinstance(value, list)
        self.anchor = anchor
        self.log_start = log_start
        self.key: str | None = None
        self.key_mark: Mark = 0
        self.merges: list[tuple[Any, int, int]] = []


# Scalars whose constructed value is immutable, so one object may stand for every copy.
_SHARED_SCALARS = (int, float, bool, type(None))


class Composer:
    """Builds plain data from libyaml's event stream, without recursion.

    PyYAML's composers recurse once per nesting level (the C one overflows the
    C stack: a 60 KB flow sequence is a SIGSEGV) and expand an alias again at
    every use (a 378-byte "billion laughs" exhausts memory). This one keeps an
    explicit stack bounded by `MAX_YAML_DEPTH`, shares an anchored value between
    its uses while charging every use its full size against `MAX_ALIASES` and
    `MAX_ALIAS_EXPANSION`, and records the position of every value and key as
    it goes (a list, so an alias can replay its anchor's positions at its own
    path). It runs once per event of a file that may hold 10,000 events, so
    the loop dispatches on the event's class, resolved scalars are cached, and
    the common events (a plain scalar, or a collection's end, placed under a new
    key or in a list) take an inlined path that records the same things in the
    same order: a quarter less time on a 1,000-event plan.
    """

    fast = True
    """Take the inlined path for common events (tests/speed turns it off to compare)."""

    def __init__(self, file: str, loader: yaml.SafeLoader) -> None:
        self.file = file
        self.loader = loader
        self.problems: list[Problem] = []
        self.positions: dict[JsonPath, Mark] = {}
        self.key_positions: dict[JsonPath, Mark] = {}
        self.log: list[tuple[JsonPath, Mark, bool]] = []
        self.anchors: dict[str, tuple[Any, int, int, int]] = {}
        self.open_anchors: set[str] = set()
        self.aliases = 0
        self.expanded = 0
        self.documents = 0
        self.non_finite = False
        self.largest = 0
        self._tags: dict[tuple[str, Any], str] = {}
        self._constructed: dict[tuple[str, str], Any] = {}

    def fail(self, mark: Mark, path: JsonPath, message: str, hint: str = "") -> Stop:
        self.problems.append(Problem(self.file, *unpack(mark), format_path(path), message, hint))
        return Stop()

    def too_many(self, mark: Mark, path: JsonPath) -> Stop:
        return self.fail(
            mark, path, f"the document has over {MAX_YAML_EVENTS} values", "split the plan"
        )

    def record(self, path: JsonPath, mark: Mark, key: bool = False) -> None:
        self.log.append((path, mark, key))
        if len(self.log) > MAX_YAML_EVENTS:
            raise self.too_many(mark, path)
        table = self.key_positions if key else self.positions
        if path not in table:
            table[path] = mark

    def scalar(self, event: Any, path: JsonPath, mark: Mark) -> Any:
        value = event.value
        if len(value) > MAX_STRING_BYTES:
            raise self.fail(mark, path, f"a value longer than {MAX_STRING_BYTES} characters")
        tag = event.tag
        if tag is None or tag == "!":
            implicit = event.implicit
            tag = self._tags.get((value, implicit))
            if tag is None:
                tag = self.loader.resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
                self._tags[(value, implicit)] = tag
        if tag == _STR_TAG:
            return value
        if tag == _MERGE_TAG:
            return _MERGE
        if (tag, value) in self._constructed:
            return self._constructed[(tag, value)]
        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        try:
            constructed = self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise self.fail(mark, path, f"invalid YAML: {exc.problem}") from None
        except (ValueError, TypeError, KeyError, OverflowError):  # `!!int x`: its reader gave up
            short = tag.removeprefix("tag:yaml.org,2002:")
            shown = repr(value if len(value) <= 40 else value[:37] + "...")
            raise self.fail(mark, path, f"invalid YAML: {shown} is not a valid !!{short}") from None
        if type(constructed) is float and not math.isfinite(constructed):
            self.non_finite = True
        if type(constructed) in _SHARED_SCALARS:
            self._constructed[(tag, value)] = constructed
        return constructed

    def alias(self, event: Any, path: JsonPath, mark: Mark) -> Any:
        name = event.anchor
        if name in self.open_anchors:
            self.fail(mark, path, "recursive YAML alias", "an anchor may not contain itself")
            return None
        if name not in self.anchors:
            raise self.fail(
                mark, path, f"undefined YAML alias *{name}", "define &name before *name"
            )
        value, start, end, _ = self.anchors[name]
        self.aliases += 1
        self.expanded += end - start
        if self.aliases > MAX_ALIASES or self.expanded > MAX_ALIAS_EXPANSION:
            raise self.fail(
                mark,
                path,
                f"YAML aliases expand to over {MAX_ALIAS_EXPANSION} values"
                if self.expanded > MAX_ALIAS_EXPANSION
                else f"over {MAX_ALIASES} YAML aliases",
                "an alias bomb? write the values out, or share them with $ref definitions",
            )
        anchor_path = self.log[start][0] if start < end else ()
        depth = len(anchor_path)
        for old_path, old_mark, key in self.log[start:end]:
            self.record((*path, *old_path[depth:]), old_mark if key else mark, key)
        return value

    def compose(self, events: Any) -> Any:
        stack: list[_Frame] = []
        root: Any = None
        log = self.log
        positions = self.positions
        key_positions = self.key_positions
        tags = self._tags
        constructed = self._constructed
        intern = sys.intern
        fast = self.fast
        largest = self.largest
        event: Any
        start: Any
        path: JsonPath
        parent: _Frame | None
        for event in events:
            cls = type(event)
            # The fast path: a scalar in a collection with no anchor, no tag, a text already
            # resolved (and for a number or boolean, constructed) once, placed under a new key
            # or in a list -- nearly every event of a plan. It records what the general path
            # below records, in the same order; anything else takes the general path.
            if cls is _SCALAR and fast and stack and event.anchor is None and event.tag is None:
                parent = stack[-1]
                text = event.value
                implicit = event.implicit
                tag = tags.get((text, implicit)) if implicit[0] else _STR_TAG
                if tag == _STR_TAG:
                    value: Any = text
                elif tag is None or tag == _MERGE_TAG:
                    value = _MISSING
                else:
                    value = constructed.get((tag, text), _MISSING)
                if value is not _MISSING and len(text) <= MAX_STRING_BYTES:
                    start = event.start_mark
                    mark = (start.line + 1) << 32 | (start.column + 1)
                    if parent.is_list:
                        path = (*parent.path, len(parent.value))
                        log.append((path, mark, False))
                        if len(log) > MAX_YAML_EVENTS:
                            raise self.too_many(mark, path)
                        if path not in positions:
                            positions[path] = mark
                        parent.value.append(value)  # type: ignore[union-attr]
                        continue
                    key = parent.key
                    if key is None:
                        if type(value) is str:
                            parent.key, parent.key_mark = intern(value), mark
                            continue
                    elif key is not _MERGE_KEY and key not in parent.value:
                        path = (*parent.path, key)
                        log.append((path, mark, False))
                        if len(log) > MAX_YAML_EVENTS:
                            raise self.too_many(mark, path)
                        if path not in positions:
                            positions[path] = mark
                        parent.key = None
                        log.append((path, parent.key_mark, True))
                        if len(log) > MAX_YAML_EVENTS:
                            raise self.too_many(parent.key_mark, path)
                        if path not in key_positions:
                            key_positions[path] = parent.key_mark
                        parent.value[key] = value  # type: ignore[call-overload]
                        continue
            if cls in _SKIPPED:
                continue
            if cls is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    start = event.start_mark
                    mark = (start.line + 1) << 32 | (start.column + 1)
                    raise self.fail(mark, (), "more than one YAML document", "remove the ---")
                continue
            if cls is _MAPPING_END or cls is _SEQUENCE_END:
                frame = stack.pop()
                if frame.anchor or frame.merges:
                    self._close(frame)
                if len(frame.value) > largest:
                    largest = len(frame.value)
                    self.largest = largest
                if not stack:
                    root = frame.value
                    continue
                parent = stack[-1]
                key = parent.key
                if parent.is_list:
                    parent.value.append(frame.value)  # type: ignore[union-attr]
                    continue
                if fast and key is not None and key is not _MERGE_KEY and key not in parent.value:
                    # A collection under a new key: its own path is the key's (the fast path).
                    parent.key = None
                    log.append((frame.path, parent.key_mark, True))
                    if len(log) > MAX_YAML_EVENTS:
                        raise self.too_many(parent.key_mark, frame.path)
                    if frame.path not in key_positions:
                        key_positions[frame.path] = parent.key_mark
                    parent.value[key] = frame.value  # type: ignore[call-overload]
                    continue
                start = event.start_mark
                mark = (start.line + 1) << 32 | (start.column + 1)
                self._place(parent, frame.value, mark, frame.path)
                continue
            start = event.start_mark
            mark = (start.line + 1) << 32 | (start.column + 1)
            # The path of the node this event starts, and whether it is a mapping key.
            parent = stack[-1] if stack else None
            is_key = False
            if parent is None:
                path = ()
            elif parent.is_list:
                path = (*parent.path, len(parent.value))
            elif parent.key is None:
                path, is_key = (*parent.path, "<key>"), True
            else:
                path = (*parent.path, parent.key)
            if cls is yaml.ScalarEvent:
                value = self.scalar(event, path, mark)
                if not is_key:
                    log.append((path, mark, False))
                    if len(log) > MAX_YAML_EVENTS:
                        raise self.too_many(mark, path)
                    if path not in positions:
                        positions[path] = mark
                if event.anchor:
                    self.anchors[event.anchor] = (value, len(log) - 1, len(log), 1)
            elif cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
                if len(stack) >= MAX_YAML_DEPTH:
                    raise self.fail(mark, path, f"YAML nested deeper than {MAX_YAML_DEPTH} levels")
                if event.tag not in _COLLECTION_TAGS:
                    raise self.fail(mark, path, f"YAML tag {event.tag!r} is not allowed here")
                if not is_key:
                    self.record(path, mark)
                container: dict[str, Any] | list[Any] = {} if cls is yaml.MappingStartEvent else []
                if event.anchor:
                    self.open_anchors.add(event.anchor)
                stack.append(_Frame(path, container, event.anchor, len(log) - 1))
                continue
            else:
                value = self.alias(event, path, mark)
            if parent is None:
                root = value
            elif parent.is_list:
                parent.value.append(value)  # type: ignore[union-attr]
            else:
                self._place(parent, value, mark, path)
        return root

    def _close(self, frame: _Frame) -> None:
        if frame.anchor:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (frame.value, frame.log_start, len(self.log), 0)
        if isinstance(frame.value, dict) and frame.merges:
            self._merge(frame)

    def _merge(self, frame: _Frame) -> None:
        """`<<: *base` (or a list of them): keys not written out come from the merged maps."""
        assert isinstance(frame.value, dict)
        for merged, start, end in frame.merges:
            sources = merged if isinstance(merged, list) else [merged]
            for source in sources:
                if not isinstance(source, dict):
                    continue
                for key, value in source.items():
                    frame.value.setdefault(key, value)
            prefix = len(frame.path) + 1
            for old_path, old_mark, key in self.log[start:end]:
                rest = old_path[prefix:]
                if rest and isinstance(rest[0], int):
                    rest = rest[1:]
                if rest:
                    self.record((*frame.path, *rest), old_mark, key)

    def _place(self, parent: _Frame, value: Any, mark: Mark, path: JsonPath) -> None:
        if isinstance(parent.value, list):
            parent.value.append(value)
            return
        if parent.key is None:
            if value is _MERGE:
                parent.key, parent.key_mark = _MERGE_KEY, mark
                return
            if not isinstance(value, str):
                hint = "quote it"
                if isinstance(value, bool):
                    hint = "YAML reads yes/no/on/off/true/false as booleans: quote the key"
                shown = repr(value) if not isinstance(value, (dict, list)) else "a collection"
                self.problems.append(
                    Problem(
                        self.file,
                        *unpack(mark),
                        format_path(parent.path),
                        f"mapping key {shown} is not a string",
                        hint,
                    )
                )
                value = str(value) if not isinstance(value, (dict, list)) else f"<key {mark >> 32}>"
            # Interned: a plan spells a few hundred distinct keys tens of thousands of times,
            # and every path and mapping then shares one string per key (faster lookups, and
            # a cached revision pickles each key once: diff_cache.py).
            parent.key, parent.key_mark = sys.intern(value), mark
            return
        key = parent.key
        parent.key = None
        if key == _MERGE_KEY:
            start = next(
                (i for i in range(len(self.log) - 1, -1, -1) if self.log[i][0] == path),
                len(self.log),
            )
            parent.merges.append((value, start, len(self.log)))
            return
        child = (*parent.path, key)
        if key in parent.value:
            first = unpack(self.key_positions.get(child, 0))
            self.problems.append(
                Problem(
                    self.file,
                    *unpack(parent.key_mark),
                    format_path(child),
                    f"duplicate key {key!r}",
                    f"first defined at line {first[0]}",
                )
            )
            return
        self.record(child, parent.key_mark, key=True)
        parent.value[key] = value


_MERGE = object()
_MISSING = object()
_SCALAR = yaml.ScalarEvent
_MAPPING_END = yaml.MappingEndEvent
_SEQUENCE_END = yaml.SequenceEndEvent
_MERGE_KEY = "\x00<<merge>>"
_SKIPPED = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)
