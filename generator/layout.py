"""Lay out generated statements at 100 columns, without a formatter.

The generated package must be byte-identical across runs, hash seeds and the
formatter versions a user has installed (issue #11), so ciogen writes finished
layout itself instead of running ruff over its output. Templates emit one
statement per line; the few statements whose length depends on the plan (checks,
long literals, calls with many arguments) pass through `wrap`, which splits
them the way common formatters do: the right-most bracket first, its contents
on one indented line if they fit, else one element per line with a trailing
comma. Docstrings and comments never pass through here.

`sort_all` / `sort_imported` give the member orders ruff's own lint rules
(RUF022, I001) expect, so the output is lint-clean under a stock configuration.
"""

from __future__ import annotations

import functools
import re

WIDTH = 100
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = set(_OPEN.values())
_DIGITS = re.compile(r"(\d+)")


# The tokens that matter for splitting: brackets, commas, ` for `, and whole string
# literals (skipped, so brackets inside strings do not count).
_TOKENS = re.compile(r"""[()\[\]{},]| for |"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'""")


def _scan(code: str) -> tuple[int, int, list[int], bool]:
    """The right-most top-level bracket pair holding something (open, close; -1 if none),
    the commas directly inside it, and whether a ` for ` directly inside it makes its
    body a comprehension. One pass over the statement (written by ciogen: no
    triple-quoted strings, no comments).
    """
    best: tuple[int, int, list[int], bool] = (-1, -1, [], False)
    depth = 0
    start = -1
    commas: list[int] = []
    comprehension = False
    for match in _TOKENS.finditer(code):
        token = match.group()
        if token in "([{":
            if depth == 0:
                start = match.start()
                commas, comprehension = [], False
            depth += 1
        elif token in ")]}":
            depth -= 1
            if depth == 0 and match.start() > start + 1:
                best = (start, match.start(), commas, comprehension)
        elif depth == 1:
            if token == ",":
                commas.append(match.start() - start - 1)
            elif token == " for ":
                comprehension = True
    return best


def _split_commas(body: str, commas: list[int]) -> list[str]:
    parts: list[str] = []
    last = 0
    for at in commas:
        parts.append(body[last:at].strip())
        last = at + 1
    parts.append(body[last:].strip())
    return [p for p in parts if p]


def wrap(code: str, indent: int) -> str:
    """`code` (one statement) as it should stand at `indent` columns: the first line
    without its indentation (the template supplies it), further lines with theirs."""
    if indent + len(code) <= WIDTH:
        return code  # fits: what `_wrap` would give back, without the work
    stripped = code.lstrip(" ")
    lead = len(code) - len(stripped)
    return "\n".join(_wrap(stripped, indent + lead))[indent:]


def _wrap(code: str, indent: int) -> list[str]:
    pad = " " * indent
    if indent + len(code) <= WIDTH:
        return [pad + code]
    start, end, commas, comprehension = _scan(code)
    if start < 0:
        return [pad + code]  # a long literal: nothing to split
    raw = code[start + 1 : end]
    head, body, tail = code[: start + 1], raw.strip(), code[end:]
    inner = " " * (indent + 4)
    parts = _split_commas(raw, commas)
    grouping = code[start] == "(" and (
        start == 0 or not (code[start - 1].isalnum() or code[start - 1] in "_)]")
    )
    one_line = indent + 4 + len(body) <= WIDTH
    if comprehension or (grouping and len(parts) == 1) or (one_line and not body.endswith(",")):
        lines = _wrap(body, indent + 4) if not one_line else [inner + body]
    else:
        lines = []
        for part in parts:
            lines += _wrap(part + ",", indent + 4)
    return [pad + head, *lines, pad + tail]


@functools.cache
def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Natural order: digit runs compare as numbers, other characters by code point.

    Cached: sorting a big plan's names asks for the same keys many times over.
    """
    key: list[tuple[int, int | str]] = []
    for i, part in enumerate(_DIGITS.split(name)):
        if i % 2:
            key.append((0, int(part)))
        else:
            key += [(1, ch) for ch in part]
    return tuple(key)


def _category(name: str) -> int:
    """isort's member types: CONSTANTS, then Classes, then everything else."""
    if len(name) > 1 and name.upper() == name and name.lower() != name:
        return 0
    if name[:1].isupper():
        return 1
    return 2


def sort_all(names: list[str]) -> list[str]:
    """The order ruff's RUF022 wants for `__all__` (isort-style, case-sensitive)."""
    return sorted(set(names), key=lambda n: (_category(n), natural_key(n)))


def sort_imported(names: list[str]) -> list[str]:
    """The order ruff's isort (I001) wants for the names of one `from x import (...)`."""
    return sorted(set(names), key=lambda n: (_category(n), natural_key(n.lower()), natural_key(n)))
