"""Builtins a model's own fields would hide, spelled `_b.<name>` in that model.

A field is a class attribute and a parameter of `__init__`, so a field called
`str`, `list` or `len` hides the builtin in the class body (its annotations, the
signature) and in `__init__` (the checks): mypy then reads `str | None` as the
field, and `isinstance(_v, str)` as a test against the argument. The plan's name
wins (issue #13), so the generated code gives way instead: in a model with such
a field, each builtin it hides is written through the module's
`import builtins as _b`, and every other model keeps its plain spelling.

`qualify` rewrites code that ciogen wrote (annotations and the checks on `_v`,
never a reference to a field itself): a name is a builtin reference unless it
follows a `.`, is a keyword argument, or sits inside a string literal.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable

BUILTIN_NAMES = frozenset(dir(builtins))
MODULE_ALIAS = "_b"

# String literals first (skipped whole), then names not after a `.`, not followed
# by `=` (a keyword argument) or `:` (a parameter or attribute being declared).
_TOKEN = re.compile(
    r"""[rbuRBU]{0,2}("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')"""
    r"|(?<![\w.])([A-Za-z_]\w*)(?!\s*(?:=(?!=)|:(?!=)))"
)


def shadowed(field_names: Iterable[str]) -> frozenset[str]:
    """The builtins that fields of these names hide."""
    return frozenset(field_names) & BUILTIN_NAMES


def qualify(code: str, hidden: frozenset[str]) -> str:
    """`code` with each reference to a builtin in `hidden` written `_b.<name>`."""
    if not hidden:
        return code

    def spell(match: re.Match[str]) -> str:
        name = match.group(2)
        if name is None or name not in hidden:
            return match.group(0)
        return f"{MODULE_ALIAS}.{name}"

    return _TOKEN.sub(spell, code)
