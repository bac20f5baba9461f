"""The README's promises: its first two commands and its runnable example."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import REPO, run_doc_example

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
