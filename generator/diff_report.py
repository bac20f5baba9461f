"""`ciogen diff` reports: text, Markdown (for a PR comment), JSON and GitHub annotations.

All four read the same `DiffResult`. Names in a plan come from whoever opened
the pull request, so text lines go through `console.safe_line`, Markdown
escapes its special characters, JSON is ASCII, and annotations are built by
`Console` with the runner's escaping.
"""

from __future__ import annotations

import re
from typing import Any

from . import errors
from .console import safe_line
from .diff_model import Change, DiffResult, Location
from .diff_rules import CATEGORIES
from .errors import Problem, Severity
from .escape import terminal


def _where(location: Location | None) -> str:
    return location.format() if location else "-"


def summary(result: DiffResult) -> str:
    counts = result.counts()
    if not counts:
        return f"ciogen diff: no changes between {result.base_label} and {result.head_label}"
    parts = ", ".join(f"{counts[c]} {c}" for c in CATEGORIES if c in counts)
    verdict = (
        f"{len(result.breaking)} breaking (enforced: {', '.join(sorted(result.fail_categories)) or 'none'})"
        if result.breaking
        else "nothing breaking"
    )
    return f"ciogen diff: {parts}; {verdict}"


def text(result: DiffResult) -> list[str]:
    """One line per change: category, rule ID, message, base and head `file:line`."""
    lines = [f"comparing {result.base_label} -> {result.head_label}"]
    for change in result.reported:
        mark = "BREAKING " if result.is_breaking(change) else ""
        lines.append(
            f"{mark}{change.category}/{change.rule_id}: {change.subject}: {change.message}"
            f"  [base {_where(change.base)}, head {_where(change.head)}]"
        )
    lines.append(summary(result))
    return [safe_line(line) for line in lines]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>~&])")


def _md(value: str) -> str:
    """Plan text inside Markdown: escaped, so a name cannot become a link or a table break."""
    return _MD_SPECIAL.sub(r"\\\1", terminal(value))


def markdown(result: DiffResult) -> list[str]:
    """A PR comment: a verdict, then a table of changes, strictest first."""
    breaking = len(result.breaking)
    title = (
        f"### ciogen diff: {breaking} breaking change{'s' if breaking != 1 else ''}"
        if breaking
        else "### ciogen diff: nothing breaking"
    )
    lines = [
        title,
        "",
        f"Comparing `{_code(result.base_label)}` with `{_code(result.head_label)}`.",
    ]
    if not result.reported:
        return [*lines, "", "No changes to the tracking plan."]
    lines += [
        "",
        "| | category | rule | change | base | head |",
        "|---|---|---|---|---|---|",
    ]
    for change in result.reported:
        icon = (
            ":x:"
            if result.is_breaking(change)
            else (":warning:" if change.category != "safe" else ":white_check_mark:")
        )
        lines.append(
            f"| {icon} | {change.category} | `{change.rule_id}` | "
            f"`{_code(change.subject)}`: {_md(change.message)} | "
            f"`{_code(_where(change.base))}` | `{_code(_where(change.head))}` |"
        )
    lines += ["", summary(result).removeprefix("ciogen diff: ").capitalize() + "."]
    return lines


def _code(value: str) -> str:
    """Plan text inside a code span of a table cell: no backtick, no cell break."""
    return terminal(value).replace("`", "'").replace("|", "\\|")


def record(result: DiffResult) -> dict[str, Any]:
    """The JSON document's `diff` member."""

    def loc(location: Location | None) -> dict[str, Any] | None:
        if location is None:
            return None
        return {"file": location.file, "line": location.line, "column": location.column}

    return {
        "base": result.base_label,
        "head": result.head_label,
        "fail_categories": sorted(result.fail_categories),
        "ignored_rules": sorted(result.ignored),
        "breaking": len(result.breaking),
        "counts": result.counts(),
        "changes": [
            {
                "rule": c.rule_id,
                "category": c.category,
                "breaking": result.is_breaking(c),
                "subject": c.subject,
                "message": c.message,
                "purpose": c.rule.purpose,
                "base": loc(c.base),
                "head": loc(c.head),
            }
            for c in result.reported
        ],
    }


def github_problems(result: DiffResult) -> list[Problem]:
    """One annotation per change in the head revision (base-only changes: at the base line).

    Breaking (per the enforced categories) is an error; a change in a category the user
    does not enforce is a warning; a safe change is a notice, so a reviewer's attention
    goes to what can break."""
    problems = []
    for change in result.reported:
        where = change.head or change.base
        if where is None:
            continue
        if result.is_breaking(change):
            severity = Severity.ERROR
        elif change.category == "safe":
            severity = Severity.NOTICE
        else:
            severity = Severity.WARNING
        problems.append(_problem(change, where, severity))
    return problems


def _problem(change: Change, where: Location, severity: Severity) -> Problem:
    base = f"; was at {change.base.format()}" if change.base and change.head else ""
    # Not a taxonomy problem (tests/test_error_coverage.py counts those): a Problem is
    # only the shape Console turns into an annotation, with the runner's escaping.
    return errors.Problem(
        where.file,
        where.line,
        where.column,
        f"{change.rule_id} {change.subject}",
        f"{change.category}: {change.message}",
        change.rule.purpose + base,
        severity=severity,
    )
