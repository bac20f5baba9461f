"""What of a taxonomy the semantic checks may still read after meta-schema errors.

One run reports every problem (docs/architecture.md, rule 3): a wrong type in
one property must not hide a duplicate enum value in the next. The semantic
checks (`build_model`) rely on the shape the meta-schema guarantees, so they get
a copy of the document with every node a schema error condemns cut out:

- an unknown field is dropped; nothing else depends on it;
- a bad keyword of an event, message or broadcast (`deprecated: 3`) is dropped,
  and only problems under that keyword are hidden;
- a bad keyword of a property (`type: strng`) is dropped, and the property's
  own semantic problems are hidden (its keywords constrain one another), while
  its nested properties and items are still checked;
- a bad `properties` / `items` / `required` drops that keyword, hiding problems
  of `required` too (it names the properties);
- a property that is not a mapping becomes `{}`, so `required` and `$ref` still
  find it; an event without a description gets a placeholder one; a message or
  broadcast whose shape is broken is left out;
- a broken `version`, `name` or `events` gets a neutral value.

Nodes are copied along each edited path, never changed in place, so a YAML
alias shared by two places is not edited through the other one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .errors import Problem, format_path
from .source import JsonPath

# What a mapping key leads to, by the kind of node that holds it.
_ROOT_KEYS = {
    "events": "events",
    "messages": "messages",
    "broadcasts": "broadcasts",
    "definitions": "properties",
    "attributes": "attributes",
}
_MAP_OF = {
    "events": "event",
    "messages": "message",
    "broadcasts": "broadcast",
    "properties": "property",
}
_UNITS = {"event", "message", "broadcast", "property", "attributes"}
_STRUCTURAL = ("properties", "items", "required")
_ROOT_PLACEHOLDERS: dict[str, Any] = {"version": 1, "name": "taxonomy", "events": {}}
_PLACEHOLDER_DESCRIPTION = "(description missing)"


def _kinds(path: JsonPath) -> list[str]:
    """The kind of node at each prefix of `path`: kinds[i] is the node at path[:i]."""
    kinds = ["root"]
    for part in path:
        here = kinds[-1]
        if here == "root":
            kinds.append(_ROOT_KEYS.get(str(part), "leaf"))
        elif here in _MAP_OF:
            kinds.append(_MAP_OF[here])
        elif here in _UNITS and part == "properties":
            kinds.append("properties")
        elif here == "property" and part == "items":
            kinds.append("property")
        else:
            kinds.append("leaf")
    return kinds


def _edited(
    doc: dict[str, Any], path: JsonPath, change: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    """A copy of `doc` in which the mapping at `path` went through `change`."""
    edited: dict[str, Any] = _copy_along(doc, path, change)
    return edited


def _copy_along(doc: Any, path: JsonPath, change: Callable[[dict[str, Any]], None]) -> Any:
    if not path:
        node = dict(doc)
        change(node)
        return node
    head, rest = path[0], path[1:]
    if isinstance(doc, dict) and head in doc:
        copy = dict(doc)
        copy[head] = _copy_along(doc[head], rest, change)
        return copy
    if isinstance(doc, list) and isinstance(head, int) and 0 <= head < len(doc):
        items = list(doc)
        items[head] = _copy_along(doc[head], rest, change)
        return items
    return doc


class Hidden:
    """The paths whose semantic problems a schema error already stands for."""

    def __init__(self) -> None:
        self._trees: set[str] = set()
        self._own: set[str] = set()

    def tree(self, path: JsonPath) -> None:
        """Hide every problem at or under `path`."""
        self._trees.add(format_path(path))

    def own(self, path: JsonPath) -> None:
        """Hide a property's own problems, not those of its nested properties or items."""
        self._own.add(format_path(path))

    def covers(self, problem: Problem) -> bool:
        where = problem.path
        for prefix in self._trees:
            if _under(where, prefix):
                return True
        for prefix in self._own:
            if _under(where, prefix) and not any(
                _under(where, f"{prefix}.{child}" if prefix else child) for child in _STRUCTURAL[:2]
            ):
                return True
        return False


def _under(where: str, prefix: str) -> bool:
    if not prefix:
        return True
    return where == prefix or (where.startswith(prefix) and where[len(prefix)] in ".[")


def prune(doc: dict[str, Any], paths: Iterable[JsonPath], hidden: Hidden) -> dict[str, Any]:
    """`doc` without what the schema errors at `paths` condemn; records what to hide."""
    for path in sorted(set(paths), key=len, reverse=True):
        doc = _prune_one(doc, path, hidden)
    return doc


def _drop(key: str | int) -> Callable[[dict[str, Any]], None]:
    return lambda node: node.pop(str(key), None)


def _set(key: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(node: dict[str, Any]) -> None:
        node[str(key)] = value

    return change


def _prune_one(doc: dict[str, Any], path: JsonPath, hidden: Hidden) -> dict[str, Any]:
    kinds = _kinds(path)
    # The innermost unit (event, message, broadcast, property, attributes) on the path.
    depth = max((i for i, kind in enumerate(kinds) if kind in _UNITS), default=0)
    unit, kind = path[:depth], kinds[depth]
    if depth == len(path):
        return _prune_unit(doc, unit, kind, hidden)
    keyword = path[depth]
    if depth == 0:
        hidden.tree((keyword,))
        if keyword in _ROOT_PLACEHOLDERS:
            return _edited(doc, (), _set(keyword, _ROOT_PLACEHOLDERS[str(keyword)]))
        return _edited(doc, (), _drop(keyword))
    if keyword in _STRUCTURAL:
        hidden.tree((*unit, keyword))
        hidden.tree((*unit, "required"))
    elif kind == "property":
        hidden.own(unit)
    else:
        hidden.tree((*unit, keyword))
    return _edited(doc, unit, _drop(keyword))


def _prune_unit(doc: dict[str, Any], unit: JsonPath, kind: str, hidden: Hidden) -> dict[str, Any]:
    """A schema error about a whole unit: its type, or a required field it lacks."""
    if not unit:
        for key, value in _ROOT_PLACEHOLDERS.items():
            if key not in doc:
                hidden.tree((key,))
                doc = _edited(doc, (), _set(key, value))
        return doc
    parent, name = unit[:-1], unit[-1]
    node = _at(doc, unit)
    if kind == "event" and isinstance(node, dict) and "description" not in node:
        hidden.own(unit)
        return _edited(doc, unit, _set("description", _PLACEHOLDER_DESCRIPTION))
    hidden.tree(unit)
    if kind == "property":
        return _edited(doc, parent, _set(name, {}))
    return _edited(doc, parent, _drop(name))


def _at(doc: Any, path: JsonPath) -> Any:
    for part in path:
        if isinstance(doc, dict):
            doc = doc.get(str(part))
        elif isinstance(doc, list) and isinstance(part, int) and 0 <= part < len(doc):
            doc = doc[part]
        else:
            return None
    return doc
