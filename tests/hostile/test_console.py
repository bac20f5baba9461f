"""Names chosen by a pull request cannot forge CI log lines or hide from a reviewer."""

from __future__ import annotations

import io
import json
from pathlib import Path

from ciogen.console import Console, safe_line
from ciogen.errors import Problem, Severity

from .conftest import Bounded

FORGED = "signup\\n::error file=app.py,line=1::owned\\e[31m\\r\\u202e\\u200b"

TAXONOMY = f"""\
version: 1
name: test
events:
  "{FORGED}":
    description: A person signed up.
    properties:
      "m\\n::warning::x": {{type: string, enum: ["a\\n::error::b", "a\\n::error::b"]}}
"""


def _lines_are_clean(text: str) -> None:
    for line in text.splitlines():
        assert not line.lstrip().startswith(("::", "##[")), line
        assert "\x1b" not in line and "\r" not in line
        assert "\u202e" not in line and "\u200b" not in line


def test_text_format_escapes_every_name(tmp_path: Path, bounded: Bounded) -> None:
    (tmp_path / "taxonomy.yaml").write_text(TAXONOMY, encoding="utf-8")
    result = bounded("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "duplicate enum value" in result.stderr
    assert "\\x1b[31m" in result.stderr and "\\u202e" in result.stderr
    _lines_are_clean(result.stdout + result.stderr)


def test_github_format_is_the_only_way_to_annotate(tmp_path: Path, bounded: Bounded) -> None:
    (tmp_path / "taxonomy.yaml").write_text(TAXONOMY, encoding="utf-8")
    result = bounded("validate", "--format", "github", cwd=tmp_path)
    assert result.returncode == 2
    annotations = [line for line in result.stderr.splitlines() if line.startswith("::")]
    assert len(annotations) == 2  # the duplicate enum value and the summary
    assert annotations[0].startswith("::error file=taxonomy.yaml,line=7,col=")
    for line in annotations:
        # the forged text sits inside the data of ciogen's own annotation
        assert line.count("::") == 2 or "%3A%3A" in line
    assert "\x1b" not in result.stderr and "\r" not in result.stderr


def test_json_format_is_one_ascii_document(tmp_path: Path, bounded: Bounded) -> None:
    (tmp_path / "taxonomy.yaml").write_text(TAXONOMY, encoding="utf-8")
    result = bounded("validate", "--format", "json", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == ""
    assert result.stdout.isascii()
    document = json.loads(result.stdout)
    assert document["exit_code"] == 2 and document["command"] == "validate"
    (problem,) = document["problems"]
    assert problem["line"] == 7 and "\u202e" in problem["path"]


def test_check_diff_escapes_file_contents(tmp_path: Path, bounded: Bounded) -> None:
    (tmp_path / "taxonomy.yaml").write_text(
        TAXONOMY.replace(', "a\\n::error::b"]', "]"), encoding="utf-8"
    )
    assert bounded("generate", cwd=tmp_path).returncode == 0
    models = tmp_path / "generated" / "models.py"
    models.write_text(models.read_text() + "\n::error::raw\x1b[2J\r\n", encoding="utf-8")
    result = bounded("check", cwd=tmp_path)
    assert result.returncode == 1
    assert "-::error::raw\\x1b[2J" in result.stdout
    _lines_are_clean(result.stdout + result.stderr)


def test_safe_line_neutralises_workflow_commands() -> None:
    assert safe_line("::error::x") == "\\::error::x"
    assert safe_line("  ##[error]x") == "\\  ##[error]x"
    assert safe_line("a\nb\x1b\u2066") == "a\\x0ab\\x1b\\u2066"
    assert safe_line("admin\u3164") == "admin\\u3164"


def test_console_routes_by_format() -> None:
    problem = Problem("t.yaml", 3, 4, "events.a", "bad", "fix", Severity.WARNING)
    out, err = io.StringIO(), io.StringIO()
    Console("github", out=out, err=err).problems([problem])
    assert err.getvalue() == "::warning file=t.yaml,line=3,col=4,title=ciogen events.a::bad (fix)\n"
    out, err = io.StringIO(), io.StringIO()
    Console("text", quiet=True, out=out, err=err).info("hidden")
    assert out.getvalue() == ""
