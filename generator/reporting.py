"""Collecting located problems while the model is built, and claiming Python names.

Every builder appends to one `Reporter` instead of raising, so one run reports
everything wrong with a taxonomy. Name collisions have exactly one way to be
reported: `Reporter.claim`, which hands out an identifier in a `NameRegistry`
or reports the clash naming both sources and where the first one is.
"""

from __future__ import annotations

from .errors import Problem, Severity
from .names import NameRegistry
from .source import JsonPath, Source


class Reporter:
    """The problems found in one taxonomy, located in its source file."""

    def __init__(self, source: Source) -> None:
        self.src = source
        self.problems: list[Problem] = []
        self._seen: set[Problem] = set()

    def _add(self, problem: Problem) -> None:
        # A property set (`allOf`) is merged and typed once, but each event using it
        # still makes its own fields (a rename warning, a default on a property one
        # event requires): such a problem is reported once, where it is written.
        if problem not in self._seen:
            self._seen.add(problem)
            self.problems.append(problem)

    def error(self, path: JsonPath, message: str, hint: str = "", *, key: bool = False) -> None:
        self._add(self.src.problem(path, message, hint, key=key))

    def warn(self, path: JsonPath, message: str, hint: str = "", *, key: bool = False) -> None:
        self._add(self.src.problem(path, message, hint, key=key, severity=Severity.WARNING))

    def where(self, path: JsonPath) -> str:
        return f"line {self.src.locate(path, key=True)[0]}"

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)

    def claim(
        self,
        registry: NameRegistry,
        ident: str,
        path: JsonPath,
        subject: str,
        *,
        owner: str | None = None,
        relation: str = "becomes the Python name",
    ) -> bool:
        """Claim `ident` for `subject` (at `path`); on a clash report it and return False.

        `owner` is how the claimant is named to a later claimant (default:
        `subject`); `relation` says how the subject comes to want the name.
        """
        previous = registry.claim(ident, f"{owner or subject} ({self.where(path)})")
        if previous is None:
            return True
        self.error(
            path,
            f"{subject} {relation} {ident!r}, which {previous} already uses",
            "rename one of them",
            key=True,
        )
        return False
