"""Which `pattern`s can make Python's backtracking regex engine take unbounded time.

The generated model runs `pattern.fullmatch(value)` on values that come from
the user's own callers (web requests, queues), so a pattern that backtracks
catastrophically is a denial of service of the user's application: `(a+)+`
takes 5.6 s to reject `"a" * 26 + "!"`. Python's `re` has no timeout, so the
only defence is to refuse such patterns before any code is generated — and
before ciogen itself evaluates them against a default or an example.

The analysis (stated for users in docs/security.md, "Regular expressions"):
a variable-length repeat is *ambiguous* when a character it can consume can
also start what follows it (the rest of its sequence, the next iteration of
an enclosing repeat, or whatever follows that); an alternation is ambiguous
when two of its branches can start with the same character. Each ambiguous
point multiplies the work of a failing match by the input length, so a
pattern with `k` of them costs about `n ** (k + 1)` steps on `n` characters.
An ambiguous point inside a repeat that repeats it without a small bound is
*exponential* (`2 ** n`). A pattern is accepted when

- it has no ambiguous point (linear time), or
- `maxLength` bounds its worst case: `maxLength ** (k + 1)`, or
  `2 ** maxLength` when exponential, is at most `limits.MAX_REGEX_WORK`.

The analysis is conservative: it may ask for a `maxLength` on a pattern that
is in fact fast; it never accepts `(a+)+`, `(x+x+)+y`, `(a|a)*` or `(.*a){20}`
without a bound. Character classes are compared on representative characters
(every literal and range end in the pattern plus one of each category).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import math
from collections.abc import Callable
from typing import Any

from .limits import MAX_PATTERN_LENGTH, MAX_REGEX_WORK

_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

CharTest = Callable[[str], bool]
"""Membership of one character in what a piece of pattern can consume."""

_SAMPLES = "aZ09_ \t\n.-@/:é\x00\u0660\u00a0"
_SMALL_REPEAT = 16
"""An ambiguous body repeated at most this often is polynomial, not exponential."""


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The analysis of one pattern: ambiguous points, exponential or not, and why."""

    ambiguous: int
    exponential: bool
    reason: str

    def allowed_length(self) -> int | None:
        """The largest maxLength that bounds the worst case (None: any length is linear)."""
        if self.exponential:
            return int(math.log2(MAX_REGEX_WORK))
        if self.ambiguous == 0:
            return None
        return int(MAX_REGEX_WORK ** (1 / (self.ambiguous + 1)))


@dataclasses.dataclass
class _Info:
    first: list[CharTest]
    chars: list[CharTest]
    nullable: bool
    ambiguous: int = 0
    exponential: bool = False
    reason: str = ""


def _literal(code: int) -> CharTest:
    return lambda ch: ord(ch) == code


def _not_literal(code: int) -> CharTest:
    return lambda ch: ord(ch) != code


def _range(low: int, high: int) -> CharTest:
    return lambda ch: low <= ord(ch) <= high


def _anything(ch: str) -> bool:
    return True


def _category(name: Any) -> CharTest:
    table: dict[str, CharTest] = {
        "CATEGORY_DIGIT": str.isdecimal,
        "CATEGORY_NOT_DIGIT": lambda ch: not ch.isdecimal(),
        "CATEGORY_WORD": lambda ch: ch.isalnum() or ch == "_",
        "CATEGORY_NOT_WORD": lambda ch: not (ch.isalnum() or ch == "_"),
        "CATEGORY_SPACE": str.isspace,
        "CATEGORY_NOT_SPACE": lambda ch: not ch.isspace(),
    }
    return table.get(str(name), _anything)


def _in_set(items: list[tuple[Any, Any]]) -> CharTest:
    negate = False
    tests: list[CharTest] = []
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            tests.append(_literal(av))
        elif name == "RANGE":
            tests.append(_range(av[0], av[1]))
        elif name == "CATEGORY":
            tests.append(_category(av))
        else:
            tests.append(_anything)
    if negate:
        return lambda ch: not any(t(ch) for t in tests)
    return lambda ch: any(t(ch) for t in tests)


class _Analysis:
    def __init__(self, samples: str, ignore_case: bool) -> None:
        self.samples = samples
        self.ignore_case = ignore_case

    def overlap(self, left: list[CharTest], right: list[CharTest]) -> bool:
        for ch in self.samples:
            variants = {ch, ch.lower(), ch.upper()} if self.ignore_case else {ch}
            if any(t(v) for t in left for v in variants) and any(
                t(v) for t in right for v in variants
            ):
                return True
        return False

    def sequence(self, items: list[tuple[Any, Any]], follow: list[CharTest]) -> _Info:
        """Right to left, so each item knows what can follow it."""
        result = _Info([], [], True)
        after = follow
        for op, av in reversed(items):
            info = self.item(op, av, after)
            result.ambiguous += info.ambiguous
            if info.exponential and not result.exponential:
                result.exponential, result.reason = True, info.reason
            if info.reason and not result.reason:
                result.reason = info.reason
            result.chars = result.chars + info.chars
            result.first = info.first + (result.first if info.nullable else [])
            result.nullable = result.nullable and info.nullable
            after = info.first + (after if info.nullable else [])
        return result

    def item(self, op: Any, av: Any, follow: list[CharTest]) -> _Info:
        name = str(op)
        single: dict[str, Callable[[Any], CharTest]] = {
            "LITERAL": _literal,
            "NOT_LITERAL": _not_literal,
            "IN": _in_set,
        }
        if name in single:
            test = single[name](av)
            return _Info([test], [test], False)
        if name == "ANY":
            return _Info([_anything], [_anything], False)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            if name != "AT":
                inner = self.sequence(list(av[1]), [])
                return _Info([], [], True, inner.ambiguous, inner.exponential, inner.reason)
            return _Info([], [], True)
        if name == "SUBPATTERN":
            return self.sequence(list(av[-1]), follow)
        if name == "ATOMIC_GROUP":
            return self.sequence(list(av), follow)
        if name == "BRANCH":
            return self.branch(av[1], follow)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return self.repeat(name, av, follow)
        if name == "GROUPREF_EXISTS":
            yes = self.sequence(list(av[1]), follow)
            no = self.sequence(list(av[2]) if av[2] else [], follow)
            return self._join([yes, no])
        # Back-references and anything newer: assume the worst.
        return _Info([_anything], [_anything], True, 1, False, "a back-reference")

    @staticmethod
    def _join(infos: list[_Info]) -> _Info:
        out = _Info([], [], False)
        for info in infos:
            out.first += info.first
            out.chars += info.chars
            out.nullable = out.nullable or info.nullable
            out.ambiguous += info.ambiguous
            if info.exponential and not out.exponential:
                out.exponential, out.reason = True, info.reason
            if info.reason and not out.reason:
                out.reason = info.reason
        return out

    def branch(self, branches: list[Any], follow: list[CharTest]) -> _Info:
        infos = [self.sequence(list(b), follow) for b in branches]
        out = self._join(infos)
        starts = [i.first + (follow if i.nullable else []) for i in infos]
        for i in range(len(starts)):
            if any(self.overlap(starts[i], starts[j]) for j in range(i)):
                out.ambiguous += 1
                out.reason = out.reason or "alternatives that can start with the same character"
                break
        return out

    def repeat(self, name: str, av: Any, follow: list[CharTest]) -> _Info:
        low, high, body_items = av[0], av[1], list(av[2])
        unbounded = high == _c.MAXREPEAT
        many = unbounded or high > 1
        body_follow = follow
        if many:
            first = self.sequence(body_items, []).first
            body_follow = first + follow
        body = self.sequence(body_items, body_follow)
        out = _Info(body.first, body.chars, body.nullable or low == 0, body.ambiguous)
        out.exponential, out.reason = body.exponential, body.reason
        if body.ambiguous and many:
            if unbounded or high > _SMALL_REPEAT:
                out.exponential = True
                out.reason = (
                    "a repeated group whose inside can match the same text in more than one way"
                )
            else:
                out.ambiguous = body.ambiguous * high
        if name != "POSSESSIVE_REPEAT" and low != high and self.overlap(body.chars, follow):
            out.ambiguous += 1
            out.reason = out.reason or "a repeat followed by something it could also match"
        return out


def _samples(pattern: str) -> str:
    """Representative characters: the category samples plus every char the pattern names."""
    extra = {ch for ch in pattern if ch.isprintable()}
    extra |= {chr(min(ord(ch) + 1, 0x10FFFF)) for ch in pattern}
    return _SAMPLES + "".join(sorted(extra))


@functools.cache
def analyse(pattern: str) -> Verdict:
    """The worst-case shape of `pattern` (which must compile).

    Cached: a plan repeats its patterns (a shared SKU or id format on every event),
    and the verdict depends on the text alone.
    """
    tree = _parser.parse(pattern)
    ignore_case = bool(tree.state.flags & _c.SRE_FLAG_IGNORECASE)
    info = _Analysis(_samples(pattern), ignore_case).sequence(list(tree), [])
    return Verdict(info.ambiguous, info.exponential, info.reason)


def problem(pattern: str, max_length: int | None) -> tuple[str, str] | None:
    """(message, hint) when `pattern` could take unbounded time on a value, else None."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return (f"pattern is longer than {MAX_PATTERN_LENGTH} characters", "simplify it")
    try:
        verdict = analyse(pattern)
    except RecursionError:
        return ("pattern is nested too deeply to analyse", "simplify it")
    allowed = verdict.allowed_length()
    if allowed is None:
        return None
    if max_length is not None and max_length <= allowed:
        return None
    kind = "exponential" if verdict.exponential else f"degree-{verdict.ambiguous + 1} polynomial"
    have = "no maxLength" if max_length is None else f"maxLength {max_length}"
    return (
        f"pattern can backtrack catastrophically ({kind} time: {verdict.reason}) and has {have}",
        f"rewrite it without the ambiguity, or set maxLength <= {allowed}; "
        "docs/security.md explains the rule",
    )
