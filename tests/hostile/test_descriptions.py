"""Hostile property and event descriptions reach method and attribute docstrings intact.

Descriptions are user text that now sits inside docstrings (`Args:` entries, attribute
docstrings) where an editor shows it on hover. Each text below has broken some
generator's docstrings: a `\"\"\"` that closes early, a trailing backslash that eats the
closing quote, `\\N{...}` that Python reads as a named escape, control and bidi
characters, lines of any length. The generated package must compile, type-check under
`mypy --strict`, pass ruff, and give back every text, word for word, in `__doc__`.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from helpers import ciogen, ruff_generated

from ciogen.escape import py_string

HOSTILE = {
    "triple": 'opens """ and closes """ inside',
    "ends_triple": 'ends with three quotes """',
    "ends_quote": 'ends with a quote"',
    "backslashes": "C:\\new\\table \\\\ \\x41 \\u0041 \\",
    "named_escape": "\\N{BULLET} is not a bullet, \\N{nonsense} is no error",
    "trailing_backslash": "trailing backslash \\",
    "controls": "bell\x07 escape\x1b[31m return\r tab\tform\x0c vertical\x0b nul-free",
    "bidi": "\u202eevil\u202c zero\u200bwidth \u2066isolate\u2069 blank\u3164 nbsp\u00a0end",
    "line_separators": "one\u2028two\u2029three\x85four",
    "template": "{{ jinja }} {% raw %} {#",
    "long_words": " ".join(f"word{i}" for i in range(120)),
    "long_token": "x" * 300 + " after",
    "paragraphs": "First paragraph.\n\n  - an indented item\nlast line",
}
DEPRECATED = 'gone """ \\ \x07 soon'
EXAMPLES = ['"""', "\\", "a\nb"]


def _taxonomy() -> str:
    """The plan as JSON (a YAML subset), so every character is spelled as an escape."""
    props: dict[str, object] = {
        name: {"type": "string", "description": text} for name, text in HOSTILE.items()
    }
    props["old"] = {"type": "string", "description": "x", "deprecated": DEPRECATED}
    props["sampled"] = {"type": "string", "examples": EXAMPLES}
    props["inner"] = {
        "type": "object",
        "description": HOSTILE["triple"],
        "properties": {"deep": {"type": "integer", "description": HOSTILE["ends_triple"]}},
    }
    plan = {
        "version": 1,
        "name": "hostile docs",
        "attributes": {"properties": {"nick": {"type": "string", "description": HOSTILE["bidi"]}}},
        "events": {
            "e": {
                "description": HOSTILE["controls"] + "\n" + HOSTILE["ends_triple"],
                "anonymous": True,
                "properties": props,
            }
        },
    }
    return json.dumps(plan, indent=1)


def _words(text: str) -> str:
    """Text as a reader sees it: wrapping and indentation are layout, not content."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ModuleType]]:
    root = tmp_path_factory.mktemp("descriptions")
    (root / "taxonomy.yaml").write_text(_taxonomy(), encoding="utf-8")
    result = ciogen("generate", "--out", "hostile_docs", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(root))
    try:
        yield root / "hostile_docs", importlib.import_module("hostile_docs")
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m.split(".")[0] == "hostile_docs"]:
            del sys.modules[name]


def test_every_description_is_an_args_entry(package: tuple[Path, ModuleType]) -> None:
    _, pkg = package
    for method in (pkg.Client.e, pkg.Client.e_anonymous):
        doc = _words(method.__doc__ or "")
        assert "Args:" in doc
        for name, text in HOSTILE.items():
            assert f"{name}: {_words(text)}" in doc, (name, doc)
        assert f"old: x Deprecated: {_words(DEPRECATED)}" in doc
        # Examples are shown as the Python literals a caller would write.
        assert "sampled: Examples: " + ", ".join(py_string(e) for e in EXAMPLES) + "." in doc
    events_doc = _words(pkg.Client.e.__doc__ or "")
    assert events_doc.startswith(_words(HOSTILE["controls"] + " " + HOSTILE["ends_triple"]))
    assert f"nick: {_words(HOSTILE['bidi'])}" in _words(pkg.Client.identify.__doc__ or "")


def _attribute_docs(source: str, class_name: str) -> dict[str, str]:
    """Each field's attribute docstring (the string right after its annotation)."""
    cls = next(
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef) and node.name == class_name
    )
    docs: dict[str, str] = {}
    for before, after in zip(cls.body, cls.body[1:], strict=False):
        if (
            isinstance(before, ast.AnnAssign)
            and isinstance(before.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[before.target.id] = after.value.value
    return docs


def test_every_description_is_an_attribute_docstring(package: tuple[Path, ModuleType]) -> None:
    folder, _ = package
    source = (folder / "_events" / "e.py").read_text(encoding="utf-8")
    docs = _attribute_docs(source, "E")
    for name, text in HOSTILE.items():
        assert _words(docs[name]) == _words(text), name
    assert _words(docs["old"]) == _words(f"x\nDeprecated: {DEPRECATED}")
    assert _words(_attribute_docs(source, "EInner")["deep"]) == _words(HOSTILE["ends_triple"])
    models = (folder / "models.py").read_text(encoding="utf-8")
    assert _words(_attribute_docs(models, "PersonAttributes")["nick"]) == _words(HOSTILE["bidi"])


def test_docstrings_are_laid_out_at_100_columns(package: tuple[Path, ModuleType]) -> None:
    folder, _ = package
    for path in (folder / "client.py", folder / "_events" / "e.py"):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        strings = [
            node
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        ]
        checked = 0
        for node in strings:
            assert node.end_lineno is not None
            for number in range(node.lineno, node.end_lineno + 1):
                line = lines[number - 1]
                checked += 1
                # Only a word that cannot be broken (after its `Args:` name) may
                # stand past the margin.
                words = line.split()
                if len(line) > 100:
                    assert len(words) == 1 or (len(words) == 2 and words[0].endswith(":")), (
                        f"{path.name}:{number}: {line}"
                    )
                assert line == line.rstrip(" "), f"{path.name}:{number}: trailing spaces"
        assert checked > 100, path


def test_the_package_passes_ruff_and_mypy_strict(
    package: tuple[Path, ModuleType], tmp_path: Path
) -> None:
    folder, _ = package
    lint = ruff_generated([folder], tmp_path / "ruff")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", folder.name],
        cwd=folder.parent,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "MYPY_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert typed.returncode == 0, typed.stdout + typed.stderr
