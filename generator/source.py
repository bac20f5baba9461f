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
from .yaml_compose import Composer, JsonPath, Mark, Stop, unpack

__all__ = ["JsonPath", "Source", "bool_hint", "load_source"]


@dataclasses.dataclass
class Source:
    """A loaded YAML document plus the positions of its values and keys."""

    file: str
    data: Any
    positions: dict[JsonPath, Mark]
    key_positions: dict[JsonPath, Mark]
    """Where each value, and each mapping key, is written (`yaml_compose.unpack` reads a mark)."""
    problems: list[Problem]
    non_finite: bool = True
    """False when no `.inf`/`.nan` (or `1e999`) was read: the model need not look for one."""
    largest: int | None = None
    """The most entries of any mapping or list (None: not known), so the size limits
    (`load.count_problems`) need not walk a plan with no collection near them."""

    def locate(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """Position of `path`; for `key=True` the mapping key that names it.

        Falls back to the nearest enclosing node that has a position, so a
        problem about a missing field points at the object that lacks it.
        """
        table = self.key_positions if key else self.positions
        probe = path
        while True:
            if probe in table:
                return unpack(table[probe])
            if key and probe in self.positions:
                return unpack(self.positions[probe])
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


_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_source(text: str, file: str) -> Source:
    """Parse `text`; syntax errors and exceeded limits become located problems."""
    loader = _Loader(text)
    composer = Composer(file, loader)
    empty = Source(file, None, composer.positions, composer.key_positions, composer.problems)
    try:
        events = iter(loader.get_event, None)  # None: the stream has ended
        data = composer.compose(events)
    except Stop:
        return empty
    except yaml.MarkedYAMLError as exc:
        problem_mark = exc.problem_mark or exc.context_mark
        line, column = (problem_mark.line + 1, problem_mark.column + 1) if problem_mark else (1, 1)
        composer.problems.append(
            Problem(
                file, line, column, "", f"invalid YAML: {exc.problem or exc}", exc.context or ""
            )
        )
        return empty
    except yaml.YAMLError as exc:
        composer.problems.append(Problem(file, 1, 1, "", f"invalid YAML: {exc}"))
        return empty
    finally:
        loader.dispose()
    if composer.documents == 0 and not composer.problems:
        composer.problems.append(
            Problem(
                file,
                1,
                1,
                "",
                "the file is empty",
                "`ciogen init` writes a commented example plan; see the README's "
                '"In your own project" and docs/taxonomy.md',
            )
        )
        return empty
    return Source(
        file,
        data,
        composer.positions,
        composer.key_positions,
        composer.problems,
        composer.non_finite,
        composer.largest,
    )


def bool_hint(value: Any) -> str:
    """A hint for values YAML 1.1 turned into booleans (the "Norway problem")."""
    if isinstance(value, bool):
        return "YAML reads unquoted yes/no/on/off/true/false as booleans: quote it"
    return ""
