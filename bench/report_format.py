"""What every BENCHMARKS.md section shares: the result and target types, the cell formats.

Kept apart from ``bench.report`` (the registry) so a section module can use
them without importing the registry that imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

Results = dict[str, Any]  # the JSON that ``python -m bench.run`` writes to bench/results/


class Target(TypedDict):
    """One row of the Targets table: met is None when the figure was not measured."""

    target: str
    measured: str
    met: bool | None


def _no_targets(results: Results) -> list[Target]:
    return []


@dataclass(frozen=True)
class Section:
    """One part of the generated block: its Markdown lines ([] when there is nothing to
    show) and the targets it checks (rows of the Targets table at the top)."""

    name: str
    render: Callable[[Results], list[str]]
    targets: Callable[[Results], list[Target]] = field(default=_no_targets)


def not_measured(text: str) -> Target:
    return {"target": text, "measured": "not measured", "met": None}


def fmt(v: float | None, digits: int = 1, thousands: bool = False) -> str:
    if v is None:
        return "—"
    if thousands:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def mr(d: dict[str, Any] | None, digits: int = 1, thousands: bool = False) -> str:
    """A median with its min-max spread ("—" when not measured)."""
    if not d:
        return "—"
    med = fmt(d["median"], digits, thousands)
    if d.get("n", 1) <= 1:
        return med
    return f"{med} ({fmt(d['min'], digits, thousands)}-{fmt(d['max'], digits, thousands)})"


def median(d: dict[str, Any] | None) -> float | None:
    return (d or {}).get("median")


def cell(text: str) -> str:
    """``text`` made safe for one table cell."""
    return " ".join(str(text).split()).replace("|", "/").replace("`", "'")


def last_line(text: str) -> str:
    """The line of a tool's output that says what went wrong, as inline code."""
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    useful = [ln for ln in lines if not ln.startswith("ciogen: this is a bug")]
    if not useful:
        return "`?`"
    first_err = next((ln for ln in useful if "error" in ln.lower()), useful[-1])
    text = first_err if first_err == useful[-1] else f"{first_err} … {useful[-1]}"
    return "`" + text[:240].replace("`", "'").replace("|", "/") + "`"


def mark(met: bool | None) -> str:
    return {True: "✅ met", False: "❌ missed", None: "⚪ not measured"}[met]
