"""The typed result of `ciogen diff`: located changes, each classified by a rule.

The comparison (diff_compare.py) produces these; the reports (diff_report.py)
only read them, so text, Markdown, JSON and annotations cannot disagree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from .diff_rules import RULES, Category, Rule


class DiffInputError(Exception):
    """Invalid input other than a taxonomy problem (a file, a ref, a setting): says what to fix."""


@dataclasses.dataclass(frozen=True)
class Location:
    """Where something is in one revision: `file:line`, and which revision that is."""

    file: str
    line: int
    column: int

    def format(self) -> str:
        return f"{self.file}:{self.line}"


@dataclasses.dataclass(frozen=True)
class Change:
    """One semantic change, e.g. `signed_up.method` lost the enum value "fax"."""

    rule_id: str
    subject: str
    """What changed, in the plan's words: `event signed_up`, `checkout_completed.total`."""
    message: str
    base: Location | None
    head: Location | None

    @property
    def rule(self) -> Rule:
        return RULES[self.rule_id]

    @property
    def category(self) -> Category:
        return RULES[self.rule_id].category


@dataclasses.dataclass(frozen=True)
class DiffResult:
    """Every change between two revisions, and which of them fail the run."""

    base_label: str
    """How the base revision was named: `origin/main@3f2a1bc:taxonomy.yaml`, or a path."""
    head_label: str
    changes: tuple[Change, ...]
    fail_categories: frozenset[Category]
    ignored: frozenset[str]

    @property
    def reported(self) -> tuple[Change, ...]:
        """The changes not ignored by rule ID."""
        return tuple(c for c in self.changes if c.rule_id not in self.ignored)

    @property
    def breaking(self) -> tuple[Change, ...]:
        """The reported changes in an enforced category: any of them means exit 1."""
        return tuple(c for c in self.reported if c.category in self.fail_categories)

    def is_breaking(self, change: Change) -> bool:
        return change.rule_id not in self.ignored and change.category in self.fail_categories

    def counts(self) -> dict[Category, int]:
        counts: dict[Category, int] = {}
        for change in self.reported:
            counts[change.category] = counts.get(change.category, 0) + 1
        return counts


def sort_changes(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Stable order: by category (strict first), then where the change is, then rule."""
    order = {"workspace": 0, "code": 1, "deprecation": 2, "safe": 3}

    def key(change: Change) -> tuple[int, int, str, str]:
        where = change.head or change.base
        return (order[change.category], where.line if where else 0, change.subject, change.rule_id)

    return tuple(sorted(changes, key=key))
