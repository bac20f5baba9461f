"""The docstrings that carry the plan's descriptions to an editor's hover.

Editors show a method's docstring on hover and an attribute's docstring (a string
right after the field) on completion, never `#` comments; so each generated
method gets a Google-style `Args:` section with one entry per parameter, and each
model field an attribute docstring. The text is the plan's own (user text): it
is assembled here unescaped, laid out at `layout.WIDTH` columns, and escaped once
for its docstring by `escape.docstring` (the house rule on escaping). Layout is
deterministic: the plan's own line breaks are kept, a line too long is broken at
spaces, measured as it will be written (escapes included); a word longer than a
line stands alone on one.
"""

from __future__ import annotations

import functools

from . import pycode
from .escape import docstring
from .layout import WIDTH
from .model import Field

# A Google-style entry's continuation lines sit one level under its name.
_STEP = "    "


def field_text(field: Field) -> str:
    """What the plan says about a field: its description, deprecation and examples."""
    parts = [field.description.strip()] if field.description.strip() else []
    if field.deprecated is not None:
        parts.append(f"Deprecated: {field.deprecated}" if field.deprecated else "Deprecated.")
    if field.examples:
        parts.append("Examples: " + ", ".join(pycode.literal(e) for e in field.examples) + ".")
    if field.clearable:
        parts.append("`CLEAR` removes it from the profile (sent as null); `None` sends nothing.")
    return "\n".join(parts)


@functools.lru_cache(maxsize=65536)
def _width(word: str) -> int:
    """Columns `word` takes once escaped for a docstring (measured once per word: a
    plan repeats its descriptions in attribute docstrings and in every `Args:`)."""
    return len(docstring(word))


def fill(text: str, first: str, rest: str, first_width: int = 0) -> list[str]:
    """`text` as docstring lines: `first` before its first line, `rest` before the others.

    `first_width` counts columns before `first` on its line (the opening quotes).
    Blank lines stay blank (no trailing whitespace); a line's own indentation is kept.
    """
    return list(_fill(text, first, rest, first_width))


@functools.lru_cache(maxsize=65536)
def _fill(text: str, first: str, rest: str, first_width: int) -> tuple[str, ...]:
    """`fill`, laid out once per text: every event method of a big plan repeats the same
    `Args:` entries (person, timestamp, undescribed properties) and closing sections."""
    lines: list[str] = []
    for raw in text.split("\n"):
        source = raw.rstrip(" \t")
        if not source:
            lines.append("")
            continue
        lead = source[: len(source) - len(source.lstrip(" "))]
        words = [w for w in source.split(" ") if w]
        prefix = (first if not lines else rest) + lead
        used = (first_width if not lines else 0) + len(prefix) + _width(words[0])
        current = [prefix + words[0]]
        for word in words[1:]:
            width = _width(word)
            if used + 1 + width <= WIDTH:
                current.append(word)
                used += 1 + width
                continue
            lines.append(" ".join(current))
            prefix = rest + lead
            current, used = [prefix + word], len(prefix) + width
        lines.append(" ".join(current))
    return tuple(lines)


def _entry(name: str, text: str, pad: str) -> list[str]:
    """One `name: text` line of an `Args:` section, continued one level deeper."""
    return fill(text, f"{pad}{_STEP}{name}: ", pad + _STEP * 2)


def method_doc(summary: str, args: list[tuple[str, str]], tail: str, indent: int) -> str:
    """The escaped body of a method docstring: summary, `Args:` (one entry per
    `(name, text)`), then `tail` (Returns/Raises), at `indent` columns."""
    pad = " " * indent
    lines = fill(summary.strip(), "", pad, indent + 3)
    lines += ["", pad + "Args:"]
    for name, text in args:
        lines += _entry(name, text, pad)
    if tail:
        lines += ["", *fill(tail.strip(), pad, pad)]
    return docstring("\n".join(lines) + "\n" + pad)


def attribute_doc(field: Field, indent: int) -> str:
    """The escaped body of a field's attribute docstring; "" when the plan says nothing."""
    text = field_text(field)
    if not text:
        return ""
    pad = " " * indent
    lines = fill(text, "", pad, indent + 3)
    if len(lines) == 1 and indent + 6 + _width(lines[0]) <= WIDTH:
        return docstring(lines[0])
    return docstring("\n".join(lines) + "\n" + pad)
