"""Problems found in a taxonomy, as values that carry their location.

Errors are values (a house rule, docs/architecture.md). Every check appends a
`Problem` instead of raising, so one run reports everything that is wrong, each
with the file, line, column and JSON path a user needs to find it.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable


class Severity(enum.Enum):
    """How loud a problem is. NOTICE is for reports that need no action (a safe plan
    change in `ciogen diff`): a GitHub `::notice`, not a `::warning` a reviewer must read."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the taxonomy, located in the source file."""

    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        label = "" if self.severity is Severity.ERROR else f"{self.severity.value}: "
        field = f"{self.path}: " if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}: {label}{field}{self.message}{hint}"

    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.line, self.column, self.path, self.message)


class TaxonomyError(Exception):
    """Raised when a taxonomy has errors; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__("\n".join(p.format() for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


def format_path(path: tuple[str | int, ...]) -> str:
    """Render a JSON path the way users write it: `events.signed_up.properties[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out
