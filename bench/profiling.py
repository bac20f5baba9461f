"""cProfile tables shared by the client and the generator benchmarks.

BENCHMARKS.md shows where time goes next to how much there is, so a slower
figure comes with the functions to look at.
"""

from __future__ import annotations

import os
import pstats
from collections.abc import Callable
from typing import Any

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def repo_relative(text: str) -> str:
    """`text` with this checkout's absolute path removed: the results are committed, and
    a path of one machine says nothing on another."""
    return text.replace(REPO + os.sep, "")


def rows(
    stats: pstats.Stats, name: Callable[[str], str] = os.path.basename
) -> list[dict[str, Any]]:
    """One row per profiled function: ``function`` (``name(file):line(func)``), calls, own and cumulative s."""
    out = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        out.append(
            {
                "function": f"{name(file)}:{line}({func})" if line else func,
                "file": repo_relative(file),
                "calls": nc,
                "tottime_s": tt,
                "cumtime_s": ct,
            }
        )
    return out


def total_s(stats: pstats.Stats) -> float:
    """Total own time of the profile, in seconds."""
    total: float = stats.total_tt  # type: ignore[attr-defined]
    return total
