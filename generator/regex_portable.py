"""Patterns that mean the same in Python and in ECMA-262, the dialect JSON Schema names.

The generated model checks a pattern with Python's `re` (full match); the
exported JSON Schema is read by validators in any language, and JSON Schema
says its patterns are ECMA-262 regular expressions (JavaScript's, `u` flag).
A pattern is accepted only when both dialects give it one meaning, so the
model and every validator of the exported schema agree on every value:

* no inline flags (`(?i)`, `(?m)`, `(?x)`, `(?s)`, `(?a)`, scoped `(?i:...)`):
  ECMA-262 has none;
* no `\\A`, `\\Z`, possessive quantifiers, atomic groups, named groups or
  conditionals: Python-only syntax;
* no `\\d`, `\\w`, `\\s`, `\\b` and their negations: Unicode classes in
  Python, (mostly) ASCII in ECMA-262; write `[0-9]`, `[A-Za-z0-9_]`, `[ \\t]`;
* no escapes ECMA-262's `u` mode refuses (`\\:`, `\\U0001F600`, `\\N{...}`, ...)
  and no lone `{`, `}` or `]` (literals in Python, errors in `u` mode).

`.` is accepted: it is exported as `[^\\n]`, Python's meaning (ECMA-262's `.`
also refuses `\\r`, U+2028 and U+2029). `portable` is what the schema gets.
"""

from __future__ import annotations

import functools
import re
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

_FLAG_MASK = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII | re.LOCALE
_PYTHON_ONLY = {
    sre_c.POSSESSIVE_REPEAT: "possessive quantifiers (`*+`, `++`, `?+`) are Python-only",
    sre_c.POSSESSIVE_REPEAT_ONE: "possessive quantifiers (`*+`, `++`, `?+`) are Python-only",
    sre_c.ATOMIC_GROUP: "atomic groups `(?>...)` are Python-only",
    sre_c.GROUPREF_EXISTS: "conditional groups `(?(1)...)` are Python-only",
}
_AT = {
    sre_c.AT_BEGINNING_STRING: "`\\A` is Python-only: patterns match the whole value already",
    sre_c.AT_END_STRING: "`\\Z` is Python-only: patterns match the whole value already",
    sre_c.AT_BOUNDARY: "`\\b` is Unicode-aware in Python, ASCII in ECMA-262",
    sre_c.AT_NON_BOUNDARY: "`\\B` is Unicode-aware in Python, ASCII in ECMA-262",
}
_CATEGORIES = "`\\d`, `\\w` and `\\s` are Unicode classes in Python and ASCII in ECMA-262"
# Escapes ECMA-262's `u` mode accepts (outside and inside a class), besides digits.
_SYNTAX = set("^$\\.*+?()[]{}|/")
_LETTERS = set("dDwWsSbBfnrtvxuc0")
_QUANTIFIER = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")


@functools.cache
def problem(pattern: str) -> str | None:
    """Why `pattern` (which compiles in Python) cannot mean the same in ECMA-262, or None.

    Cached, as `regex_safety.analyse` is: the answer depends on the text alone.
    """
    parsed = sre_parse.parse(pattern)
    if parsed.state.flags & _FLAG_MASK:
        return "inline flags like `(?i)` are Python-only (ECMA-262 has none)"
    if parsed.state.groupdict:
        return "named groups `(?P<name>...)` are Python-only: use `(?:...)`"
    found = _walk(list(parsed))
    return found if found is not None else _text_problem(pattern)


def _walk(items: list[tuple[Any, Any]]) -> str | None:
    for op, arg in items:
        if op in _PYTHON_ONLY:
            return _PYTHON_ONLY[op]
        if op is sre_c.AT and arg in _AT:
            return _AT[arg]
        if op is sre_c.CATEGORY:
            return _CATEGORIES
        if op is sre_c.SUBPATTERN and (arg[1] or arg[2]):
            return "inline flags like `(?i:...)` are Python-only (ECMA-262 has none)"
        for sub in _children(op, arg):
            found = _walk(list(sub))
            if found is not None:
                return found
    return None


def _children(op: Any, arg: Any) -> list[Any]:
    if op is sre_c.IN:
        return [arg]
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
        return [arg[2]]
    if op is sre_c.SUBPATTERN:
        return [arg[3]]
    if op is sre_c.BRANCH:
        return list(arg[1])
    if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
        return [arg[1]]
    return []


def _text_problem(pattern: str) -> str | None:
    """What the parse tree does not show: escapes and lone brackets `u` mode refuses."""
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1]
            allowed = (
                nxt in _SYNTAX or nxt in _LETTERS or nxt.isdigit() or (in_class and nxt == "-")
            )
            if not allowed:
                return f"the escape `\\{nxt}` is refused by ECMA-262 (`u` flag): drop the backslash"
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                return "a `]` first in a class is a literal in Python, an empty class in ECMA-262"
        elif ch == "]" or ch == "}":
            return f"a lone `{ch}` is refused by ECMA-262 (`u` flag): write `\\{ch}`"
        elif ch == "{":
            quantifier = _QUANTIFIER.match(pattern, i)
            if quantifier is None:
                return "a lone `{` is refused by ECMA-262 (`u` flag): write `\\{`"
            i = quantifier.end()
            continue
        i += 1
    return None


def portable(pattern: str) -> str:
    """The exported form of an accepted pattern: `.` as `[^\\n]` (Python's meaning)."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == ".":
            ch = "[^\\n]"
        out.append(ch)
        i += 1
    return "".join(out)
