"""The README's promises: its first two commands and its runnable example."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from helpers import REPO, run_doc_example

from ciogen.cli import VERBS

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_generate_and_test_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [
        line for line in first_block.group(1).splitlines() if line and not line.startswith("#")
    ]
    assert commands[0].endswith("ciogen generate")
    assert commands[1].endswith("python -m pytest")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci, ".ci/run must run exactly the README's test command"


def test_readme_example_runs(tmp_path: Path) -> None:
    out = run_doc_example(README, "readme-example", tmp_path)
    assert out.strip() == "signed_up.method enum"


def test_readme_lists_every_verb_with_its_exit_codes() -> None:
    table = README.split("## The command line", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in table.splitlines() if line.startswith("| `ciogen ")]
    listed = [row.split("`ciogen ", 1)[1].split()[0].rstrip("`") for row in rows]
    assert sorted(v for v in listed if not v.startswith("-")) == sorted(VERBS)
    for row in rows:
        codes = row.rsplit("|", 2)[1]
        assert re.search(r"\b0\b", codes), row


def test_readme_shows_every_way_to_install_into_a_project() -> None:
    block = re.search(r"<!-- own-install -->\n```sh\n(.*?)```", README, re.S)
    assert block is not None
    text = block.group(1)
    for variant in ("pipx install ciogen", "uv tool install ciogen", "pip install", "uv add --dev"):
        assert variant in text, variant
    steps = re.search(r"<!-- own-project -->\n```sh\n(.*?)```", README, re.S)
    assert steps is not None
    commands = [line.split("  #", 1)[0].strip() for line in steps.group(1).splitlines()]
    assert commands[:2] == ["ciogen init", "ciogen generate"]
    assert "pre-commit install" in commands
    assert "tests/adoption/test_walkthrough.py" in README  # the test that runs these steps


def test_every_python_dash_m_in_the_docs_runs_outside_this_repository(tmp_path: Path) -> None:
    """A user runs `python -m NAME` in a project of their own: the module must be what the
    wheel installs (`ciogen`), not a folder of this checkout (`generator/`)."""
    docs = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    names = {n for d in docs for n in re.findall(r"python3? -m ([\w.]+)", d.read_text("utf-8"))}
    assert "ciogen" in names
    # bench/ is ciogen's own benchmark suite, run from a checkout (docs/architecture.md).
    for name in sorted(n for n in names if not n.startswith("bench.")):
        found = subprocess.run(
            [
                sys.executable,
                "-P",
                "-c",
                f"import importlib.util as u; print(u.find_spec({name!r}))",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert found.stdout.strip() != "None", f"python -m {name}: no such module outside the repo"
