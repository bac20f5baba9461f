"""Load taxonomy YAML safely while remembering where every value came from.

PyYAML's safe loader throws line numbers away once it has built Python objects;
error messages that say "taxonomy.yaml:12:7" need them. So we compose the node
graph with the safe loader and convert it ourselves, recording the position of
every value and every mapping key by JSON path. Duplicate keys (which PyYAML
silently lets the last one win), non-string keys and recursive aliases become
located problems instead of surprises.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from .errors import Problem, format_path

JsonPath = tuple[str | int, ...]


@dataclasses.dataclass
class Source:
    """A loaded YAML document plus the positions of its values and keys."""

    file: str
    data: Any
    positions: dict[JsonPath, tuple[int, int]]
    key_positions: dict[JsonPath, tuple[int, int]]
    problems: list[Problem]

    def locate(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """Position of `path`; for `key=True` the mapping key that names it.

        Falls back to the nearest enclosing node that has a position, so a
        problem about a missing field points at the object that lacks it.
        """
        table = self.key_positions if key else self.positions
        probe = path
        while True:
            if probe in table:
                return table[probe]
            if key and probe in self.positions:
                return self.positions[probe]
            if not probe:
                return (1, 1)
            probe = probe[:-1]
            table = self.positions

    def problem(
        self,
        path: JsonPath,
        message: str,
        hint: str = "",
        *,
        key: bool = False,
        severity: Any = None,
    ) -> Problem:
        line, column = self.locate(path, key=key)
        extra = {} if severity is None else {"severity": severity}
        return Problem(self.file, line, column, format_path(path), message, hint, **extra)


_STR_TAG = "tag:yaml.org,2002:str"
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_source(text: str, file: str) -> Source:
    """Parse `text`; syntax errors become a single located problem."""
    positions: dict[JsonPath, tuple[int, int]] = {}
    key_positions: dict[JsonPath, tuple[int, int]] = {}
    problems: list[Problem] = []
    # libyaml's parser when PyYAML has it (several times faster on big plans);
    # both keep node positions and construct with the same safe constructor.
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            problems.append(
                Problem(
                    file, 1, 1, "", "the file is empty", "`ciogen init` writes a commented example"
                )
            )
            return Source(file, None, positions, key_positions, problems)

        def mark(node: yaml.Node) -> tuple[int, int]:
            return (node.start_mark.line + 1, node.start_mark.column + 1)

        def convert(node: yaml.Node, path: JsonPath, active: frozenset[int]) -> Any:
            if id(node) in active:
                problems.append(
                    Problem(
                        file,
                        *mark(node),
                        format_path(path),
                        "recursive YAML alias",
                        "an anchor may not contain itself",
                    )
                )
                return None
            positions.setdefault(path, mark(node))
            if isinstance(node, yaml.MappingNode):
                loader.flatten_mapping(node)
                result: dict[str, Any] = {}
                inner = active | {id(node)}
                for key_node, value_node in node.value:
                    key = loader.construct_object(key_node, deep=True)
                    if not isinstance(key, str):
                        hint = "quote it"
                        if isinstance(key, bool):
                            hint = "YAML reads yes/no/on/off/true/false as booleans: quote the key"
                        problems.append(
                            Problem(
                                file,
                                *mark(key_node),
                                format_path(path),
                                f"mapping key {key!r} is not a string",
                                hint,
                            )
                        )
                        key = str(key)
                    child = (*path, key)
                    if key in result:
                        first = key_positions.get(child, (0, 0))
                        problems.append(
                            Problem(
                                file,
                                *mark(key_node),
                                format_path(child),
                                f"duplicate key {key!r}",
                                f"first defined at line {first[0]}",
                            )
                        )
                        continue
                    key_positions[child] = mark(key_node)
                    result[key] = convert(value_node, child, inner)
                return result
            if isinstance(node, yaml.SequenceNode):
                inner = active | {id(node)}
                return [convert(item, (*path, i), inner) for i, item in enumerate(node.value)]
            if node.tag == _STR_TAG:
                return node.value  # most scalars: skip the constructor's dispatch
            return loader.construct_object(node, deep=True)

        data = convert(root, (), frozenset())
    except yaml.MarkedYAMLError as exc:
        problem_mark = exc.problem_mark or exc.context_mark
        line, column = (problem_mark.line + 1, problem_mark.column + 1) if problem_mark else (1, 1)
        problems.append(
            Problem(
                file, line, column, "", f"invalid YAML: {exc.problem or exc}", exc.context or ""
            )
        )
        return Source(file, None, positions, key_positions, problems)
    except yaml.YAMLError as exc:
        problems.append(Problem(file, 1, 1, "", f"invalid YAML: {exc}"))
        return Source(file, None, positions, key_positions, problems)
    finally:
        loader.dispose()
    return Source(file, data, positions, key_positions, problems)


def bool_hint(value: Any) -> str:
    """A hint for values YAML 1.1 turned into booleans (the "Norway problem")."""
    if isinstance(value, bool):
        return "YAML reads unquoted yes/no/on/off/true/false as booleans: quote it"
    return ""
