""" "Did you mean" hints for misspelt names, bounded in effort per run."""

from __future__ import annotations

import difflib
from typing import Any

from .limits import MAX_SUGGESTION_CANDIDATES, MAX_SUGGESTIONS_PER_RUN

__all__ = ["Suggester", "close_match"]


def close_match(name: str, options: Any) -> str:
    """A "did you mean" hint for a misspelt name, or "" when nothing is close.

    Bounded: among more than `MAX_SUGGESTION_CANDIDATES` names, or for a
    name longer than 100 characters, nothing is searched (difflib is
    quadratic in the names it compares).
    """
    candidates = list(options)
    if len(candidates) > MAX_SUGGESTION_CANDIDATES or len(name) > 100:
        return ""
    match = difflib.get_close_matches(name, candidates, n=1)
    return f"did you mean {match[0]!r}?" if match else ""


class Suggester:
    """`close_match` with a budget per run: `MAX_SUGGESTIONS_PER_RUN` searches, then none."""

    def __init__(self) -> None:
        self.left = MAX_SUGGESTIONS_PER_RUN

    def __call__(self, name: str, options: Any) -> str:
        if self.left <= 0:
            return ""
        self.left -= 1
        return close_match(name, options)
