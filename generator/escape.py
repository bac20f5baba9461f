"""Escapers for schema text, one per output context.

Escaping happens once, here (a house rule, docs/architecture.md): every piece of
untrusted text (descriptions, enum values, patterns, deprecation messages)
reaches a template only through one of these functions, applied once, in Python.
The templates never escape anything and Jinja autoescaping is off, so nothing is
escaped twice (openapi-python-client's `x\"\"\"y` slip) and nothing is escaped
zero times (its older docstring injection). `tests/test_escape.py` proves each
round-trips through Python's own parser.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters that end a line for Python's tokenizer, for `str.splitlines`, or
# for editors; none may appear raw inside a comment.
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


# Letters and marks that render as nothing or as a blank although Unicode
# calls them printable: `"admin\u3164"` would read as `"admin "` in review.
INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0"
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u202f\u205f\u3000"
)


# Only characters outside ASCII can need a `\\uXXXX` in JSON text (json.dumps has
# already escaped ASCII controls inside strings; outside them JSON is plain ASCII).
_NON_ASCII = re.compile("[^\x00-\x7f]")


@functools.lru_cache(maxsize=4096)
def _needs_escape(ch: str) -> bool:
    """Control, format (bidi, zero-width), separator, surrogate and invisible characters."""
    if ch in "\t\n":
        return False
    if ch in INVISIBLE:
        return True
    category = unicodedata.category(ch)
    return category in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def py_string(text: str) -> str:
    """A Python string literal whose value is exactly `text`.

    `repr` is Python's own inverse of evaluation; we only add escapes for the
    characters `repr` leaves raw but editors and formatters treat as special.
    A plan spells the same names again and again (a 1,000-event plan asks for
    217,000 literals of 15,000 strings), so plain `str` values are answered
    from a cache; the function is pure, so the cache changes no output.
    """
    if type(text) is str:
        return _cached_py_string(text)
    return _py_string(text)


def _py_string(text: str) -> str:
    """`py_string` without the cache."""
    literal = repr(text)
    if literal[0] == "'" and '"' not in text:
        # Double quotes, as most Python code (and formatters) write them.
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    if literal.isascii() and literal.isprintable():
        return literal  # the common case: nothing repr leaves raw needs escaping
    return "".join(
        _escape_char(ch) if _needs_escape(ch) and ch not in "\t\n" else ch for ch in literal
    )


_cached_py_string = functools.cache(_py_string)
# Tab and newline stand raw in a docstring; deleting them leaves what must be printable.
_TAB_AND_NEWLINE = str.maketrans("", "", "\t\n")


def docstring(text: str) -> str:
    """Content for a `\"\"\"...\"\"\"` docstring whose value is exactly `text`.

    Backslashes first (so later escapes are not doubled), then invisible and
    line-breaking characters other than newline, then any quote that would
    start a closing `\"\"\"` or touch the closing delimiter.
    """
    if (
        text.isascii()
        and "\\" not in text
        and '""' not in text
        and not text.endswith('"')
        and text.translate(_TAB_AND_NEWLINE).isprintable()
    ):
        # The common case (lines of printable ASCII, lone quotes inside such as a
        # method's `mode="sync"`): nothing to escape.
        return text
    return _escaped_docstring(text)


def _escaped_docstring(text: str) -> str:
    """`docstring` of any text (tests/speed/test_fast_paths.py: the same where it returns early)."""
    out: list[str] = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\r" or _needs_escape(ch):
            out.append(_escape_char(ch))
        else:
            out.append(ch)
    body = "".join(out)

    # No three unescaped quotes may stand together, and none may touch the
    # closing delimiter: in each run of quotes, escape all but the last two,
    # or all of them when the run ends the text.
    def fix_run(match: re.Match[str]) -> str:
        run = len(match.group())
        keep = 0 if match.end() == len(body) else min(run, 2)
        return '\\"' * (run - keep) + '"' * keep

    body = re.sub(r'"+', fix_run, body)
    return body


def comment(text: str) -> str:
    """A single comment line's text: line breaks become spaces, controls become escapes."""
    # Trailing spaces mean nothing in a comment, and lint rules (W291) reject them.
    flat = _LINE_BREAKS.sub(" ", text).rstrip()
    return "".join(_escape_char(ch) if _needs_escape(ch) else ch for ch in flat)


def terminal(text: str) -> str:
    """`text` safe to print as (part of) one line of a terminal or CI log.

    Every control character (newline, CR, ESC, tab included), bidirectional
    control, zero-width and invisible character is spelled as an escape, so a
    name can neither start a new line (a GitHub Actions `::error` annotation),
    move the cursor, recolour the log, nor reorder or hide what a reviewer reads.
    """
    if text.isascii() and text.isprintable():
        return text  # the common case
    return "".join(_escape_char(ch) if ch in "\t\n" or _needs_escape(ch) else ch for ch in text)


def json_text(text: str) -> str:
    """JSON text with every invisible, bidi and control character written as `\\uXXXX`.

    `json.dumps(ensure_ascii=False)` keeps letters readable but leaves format
    characters (bidi overrides, zero-width joiners) and blank-looking letters
    raw, so a schema title could read differently from what it is. Outside
    strings JSON has only ASCII, so escaping every such character is exact.
    """
    if text.isascii():
        return text

    # Only the non-ASCII characters are visited: a schema file is mostly ASCII.
    return _NON_ASCII.sub(_json_char, text)


def _json_char(match: re.Match[str]) -> str:
    ch = match.group()
    if not _needs_escape(ch):
        return ch
    code = ord(ch)
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"
