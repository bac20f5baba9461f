"""ciogen lays out its own output: no formatter runs, and the layout never changes meaning."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from ciogen import render
from ciogen.layout import WIDTH, sort_all, sort_imported, wrap
from ciogen.load import load_file

STATEMENTS = [
    'raise _c.fail("line_item.quantity", "minimum", "must be >= 1 and a much longer message here", value)',
    "_KEYS: _t.ClassVar[frozenset[str]] = frozenset({"
    + ", ".join(f'"k{i}"' for i in range(30))
    + "})",
    "x = [f(item, 'a, b', \"c)\") for item in range(100000000000000000000000000000000000000000000000)]",
    "value = (aaaaaaaaaaaaa or bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb(1, 2))",
    "*_s.rules(_m.A, strategies.a, 'f', 'a.f', ('type', _s.here(_st.none())), ('enum', _s.here(_s.outside(('x', 'y'), 'string'))), ),",
    'y = "' + "z" * 120 + '"',
    "payload: dict[str, _t.Any] = {"
    + ", ".join(f'"key_{i}": self.field_{i}' for i in range(12))
    + "}",
]


@pytest.mark.parametrize("statement", STATEMENTS)
@pytest.mark.parametrize("indent", [0, 8])
def test_wrapping_keeps_the_meaning_and_the_width(statement: str, indent: int) -> None:
    laid_out = " " * indent + wrap(statement, indent)
    source = "".join(f"{'    ' * level}if True:\n" for level in range(indent // 4)) + laid_out
    body = ast.parse(source).body
    for _ in range(indent // 4):
        body = body[0].body  # type: ignore[attr-defined]
    assert ast.dump(body[0]) == ast.dump(ast.parse(statement).body[0])
    for line in laid_out.splitlines():
        # Only a string literal too long for any line may stand past the width.
        assert len(line) <= WIDTH or line.strip().startswith(('"', "y = ")), line
    assert wrap(statement, indent) == wrap(statement, indent)


def test_short_statements_are_left_alone() -> None:
    assert wrap("return self._track(person, 'x', data, timestamp)", 8) == (
        "return self._track(person, 'x', data, timestamp)"
    )


def test_member_orders_are_rufs() -> None:
    names = ["b", "A", "Plan10", "Plan2", "EVENT_TYPES", "PagesX", "PageViewed", "a_1", "X"]
    assert sort_all(names) == [
        "EVENT_TYPES", "A", "PageViewed", "PagesX", "Plan2", "Plan10", "X", "a_1", "b",
    ]  # fmt: skip
    assert sort_imported(names)[:5] == ["EVENT_TYPES", "A", "PagesX", "PageViewed", "Plan2"]


def test_generation_runs_no_formatter_and_is_identical_across_hash_seeds(tmp_path: Path) -> None:
    """Byte-identical output with no ruff on PATH, under different hash seeds."""
    script = (
        "import sys, json\n"
        "from pathlib import Path\n"
        "from ciogen.load import load_file\n"
        "from ciogen.render import build_output\n"
        "tax, _ = load_file(Path(sys.argv[1]))\n"
        "files = build_output(tax, 'generated')\n"
        "assert 'ruff' not in sys.modules, 'the generator imported ruff'\n"
        "print(json.dumps(files, sort_keys=True))\n"
    )
    outputs = set()
    for seed in ("0", "1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PATH": str(tmp_path)}
        result = subprocess.run(
            [sys.executable, "-c", script, str(REPO / "taxonomy.yaml")],
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=120,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1


def test_every_generated_module_parses_and_keeps_to_the_width() -> None:
    taxonomy, _ = load_file(REPO / "taxonomy.yaml")
    files = render.build_output(taxonomy, "generated")
    for rel, text in files.items():
        if not rel.endswith(".py"):
            continue
        ast.parse(text, filename=rel)
        assert text.endswith("\n") and not text.endswith("\n\n"), rel
        assert "\n\n\n\n" not in text, rel
        for number, line in enumerate(text.splitlines(), 1):
            assert line == line.rstrip(), f"{rel}:{number}: trailing space"
            assert "\t" not in line, f"{rel}:{number}: tab"
