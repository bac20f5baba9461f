"""`# noqa: E741` on the generated lines that bind a field called `l`, `O` or `I`.

pycodestyle's E741 flags those names because they read like `1` and `0`. In a
plan they are the user's field names, which win over our lint (issue #13): the
field keeps its name and each line that binds it (the class attribute, the
`__init__` and client parameters) says the rule does not apply there. The lines
are found in the finished module (after `wrap` has laid it out), so the
comment sits on the very line ruff reports, wherever the layout put it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from .model import Taxonomy
from .names import AMBIGUOUS_NAMES

_NOQA = "# noqa: E741"
# What a binding of such a name looks like in ciogen's output (`l: str`, `l=`, `l,`):
# a module without one is not parsed at all.
_MAYBE_BINDING = re.compile(r"(?<![\w.\"'])[lOI]\s*[:=,)]")
_OTHER_NOQA = re.compile(r"# noqa: [A-Z]+[0-9]+(?:, *[A-Z]+[0-9]+)*$")


def has_ambiguous_fields(taxonomy: Taxonomy) -> bool:
    """Whether any model of the plan has a field called `l`, `O` or `I`."""
    models = [
        taxonomy.attributes,
        taxonomy.attributes_update,
        *taxonomy.objects,
        *(e.model for e in taxonomy.events),
        *(m.model for m in taxonomy.messages),
        *(b.model for b in taxonomy.broadcasts),
    ]
    return any(f.name in AMBIGUOUS_NAMES for m in models for f in m.fields)


def _binding_lines(tree: ast.Module) -> Iterable[int]:
    for node in ast.walk(tree):
        if (isinstance(node, ast.arg) and node.arg in AMBIGUOUS_NAMES) or (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Store)
            and node.id in AMBIGUOUS_NAMES
        ):
            yield node.lineno


def mark_ambiguous(text: str) -> str:
    """`text` (a generated module) with `# noqa: E741` ending each line that binds an
    ambiguous name; other lines, and a module without such a binding, unchanged."""
    if not _MAYBE_BINDING.search(text):
        return text
    numbers = sorted(set(_binding_lines(ast.parse(text))))
    if not numbers:
        return text
    lines = text.split("\n")
    for number in numbers:
        line = lines[number - 1]
        if line.endswith(_NOQA) or line.endswith(", E741"):
            continue
        lines[number - 1] = line + ", E741" if _OTHER_NOQA.search(line) else line + "  " + _NOQA
    return "\n".join(lines)
