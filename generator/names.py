"""Python identifiers made from taxonomy names, once, in Python.

Identifiers are a type (a house rule, docs/architecture.md). A taxonomy name
(Customer.io's wire name) can be anything: `Signed Up`, `class`, `1st-login`,
`café`, `日本`. We turn it into ASCII snake_case or PascalCase, suffix Python
keywords and reserved names with `_`, prefix names that still cannot start an
identifier, and keep the wire name beside it. Collisions are detected by
`NameRegistry`, which remembers where each identifier came from so an error can
name both.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import re
import unicodedata

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")

RESERVED_WORDS = frozenset(keyword.kwlist)
BUILTIN_NAMES = frozenset(dir(builtins))
# Names pycodestyle calls ambiguous (E741-E743: `l`, `O` and `I` look like digits);
# the generated code must pass ruff, so an event or class of such a name gets the
# keyword treatment. A field keeps it (its lines carry a noqa comment for E741 instead).
AMBIGUOUS_NAMES = frozenset({"l", "O", "I"})


# Letters that Unicode does not decompose but that have a usual ASCII spelling.
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "œ": "oe",
        "Œ": "OE",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "TH",
        "\u0131": "i",  # dotless i
    }
)


def _ascii_words(name: str) -> list[str]:
    """Split `name` into ASCII words: accents are dropped, other letters spelled as code points."""
    if name.isascii():
        # What `_unicode_words` gives back for ASCII (NFKD and the table leave it as is),
        # without its loop over every character: most plans' names are ASCII.
        return [w for w in _NON_WORD.split(_CAMEL_BOUNDARY.sub(" ", name)) if w]
    return _unicode_words(name)


def _unicode_words(name: str) -> list[str]:
    """`_ascii_words` of any name (tests/speed/test_fast_paths.py: the same on ASCII)."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATE))
    parts: list[str] = []
    for ch in decomposed:
        if ch.isascii():
            parts.append(ch)
        elif unicodedata.combining(ch):
            continue
        elif ch.isalnum():
            parts.append(f" u{ord(ch):04x} ")
        else:
            parts.append(" ")
    text = _CAMEL_BOUNDARY.sub(" ", "".join(parts))
    return [w for w in _NON_WORD.split(text) if w]


def _spells_code_points(name: str) -> bool:
    """Whether `_unicode_words` writes a letter of `name` as its code point (`日` → `u65e5`)."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_TRANSLITERATE))
    return any(
        not ch.isascii() and not unicodedata.combining(ch) and ch.isalnum() for ch in decomposed
    )


def snake_case(name: str, *, prefix: str, reserved: frozenset[str] = frozenset()) -> str:
    """`Signed Up` → `signed_up`; `class` → `class_`; `1st` → `{prefix}_1st`."""
    return snake_case_renamed(name, prefix=prefix, reserved=reserved)[0]


# Cached: a plan spells the same few hundred property names in event after event
# (tests/speed/test_fast_paths.py checks the cached answers against fresh ones).
@functools.lru_cache(maxsize=8192)
def snake_case_renamed(
    name: str, *, prefix: str, reserved: frozenset[str] = frozenset(), ambiguous: bool = False
) -> tuple[str, str | None]:
    """The snake_case identifier and, when it is more than the name's own words in
    snake_case (a prefix or a suffix was added, a leading `_` or accents dropped,
    letters spelled as code points), why: what `generate` reports.

    `ambiguous`: `l`, `O` and `I` stay as they are (a field: the generated lines that
    bind it carry `# noqa: E741`, see `ambiguous_names.py`)."""
    words = _ascii_words(name)
    ident = "_".join(w.lower() for w in words) or prefix
    why: str | None = None
    if not words:
        why = "it has no letter or digit a Python name can use"
    elif not name.isascii():
        why = (
            "letters without an ASCII spelling are written as their code points"
            if _spells_code_points(name)
            else "its letters are spelled in ASCII"
        )
    elif name.startswith("_"):
        why = "a leading '_' is dropped (names starting with '_' are the generated code's)"
    if ident[0].isdigit():
        ident, why = f"{prefix}_{ident}", "a Python name cannot start with a digit"
    if ident in RESERVED_WORDS:
        why = f"{ident!r} is a Python keyword"
    elif ident in AMBIGUOUS_NAMES and not ambiguous:
        why = f"{ident!r} reads like a digit (ruff E741)"
    elif ident in reserved:
        why = f"{ident!r} is used by the generated code"
    renamed = reserved if ambiguous else reserved | AMBIGUOUS_NAMES
    while ident in RESERVED_WORDS or ident in renamed:
        ident += "_"
    return ident, why


@functools.lru_cache(maxsize=8192)
def pascal_case(name: str, *, prefix: str, reserved: frozenset[str] = frozenset()) -> str:
    """`signed_up` → `SignedUp`; `1st login` → `{prefix}1stLogin`; builtins get `_`."""
    words = _ascii_words(name)
    ident = "".join(w[:1].upper() + w[1:] for w in words) or prefix
    if ident[0].isdigit():
        ident = f"{prefix}{ident}"
    while (
        ident in RESERVED_WORDS
        or ident in BUILTIN_NAMES
        or ident in AMBIGUOUS_NAMES
        or ident in reserved
    ):
        ident += "_"
    return ident


def upper_snake(ident: str) -> str:
    """A private module constant name: `SignedUpMethod` → `_SIGNED_UP_METHOD`."""
    return "_" + _CAMEL_BOUNDARY.sub("_", ident).upper()


class NameRegistry:
    """Hands out identifiers in one namespace and reports collisions with both sources.

    `claim` returns None on success, or the description of the source that
    already owns the identifier, so the caller can build a located problem.
    """

    def __init__(self) -> None:
        self._owners: dict[str, str] = {}

    def claim(self, ident: str, source: str) -> str | None:
        key = ident.lower()
        owner = self._owners.get(key)
        if owner is not None:
            return owner
        self._owners[key] = source
        return None
