"""Invisible, bidirectional and blank-looking characters never reach generated files raw."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from ciogen import cli
from ciogen.escape import INVISIBLE, py_string, terminal

from .conftest import Bounded

SNEAKY = "\u202e\u2066\u200b\u200d\ufeff\u3164\u034f\u00a0"

TAXONOMY = f"""\
version: 1
name: t
events:
  "signup{SNEAKY}":
    description: "Signed up{SNEAKY} (desc)"
    properties:
      "role{SNEAKY}":
        type: string
        description: "the role{SNEAKY}"
        enum: ["admin{SNEAKY}", "user"]
      code: {{type: string, pattern: "[a-z]+{SNEAKY}?", description: "code"}}
"""


def _raw(text: str) -> list[str]:
    return sorted(
        {
            f"U+{ord(ch):04X}"
            for ch in text
            if ch in INVISIBLE or unicodedata.category(ch) in {"Cf", "Zl", "Zp", "Co", "Cs"}
        }
    )


def test_generated_files_hold_no_raw_invisible_characters(tmp_path: Path, bounded: Bounded) -> None:
    (tmp_path / "taxonomy.yaml").write_text(TAXONOMY, encoding="utf-8")
    result = bounded("generate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    files = [p for p in (tmp_path / "generated").rglob("*") if p.is_file()]
    for path in files:
        assert _raw(path.read_text(encoding="utf-8")) == [], path
    schema = next(p for p in files if p.parent.name == "schemas" and "signup" in p.name)
    data = json.loads(schema.read_text(encoding="utf-8"))
    assert data["properties"][f"role{SNEAKY}"]["enum"][0] == f"admin{SNEAKY}"  # same value
    probe = subprocess.run(
        [sys.executable, "-c", "import generated.models as m, generated.strategies"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr


def test_literals_spell_blank_letters_as_escapes() -> None:
    assert py_string("admin\u3164") == '"admin\\u3164"'
    assert eval(py_string("admin\u3164" + SNEAKY)) == "admin\u3164" + SNEAKY
    assert terminal("a\u3164\u202eb") == "a\\u3164\\u202eb"


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)

    def interrupted(*args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setitem(
        cli.VERBS, "validate", cli.VerbSpec("v", cli.VERBS["validate"].options, interrupted)
    )
    assert cli.main(["validate"]) == 130
