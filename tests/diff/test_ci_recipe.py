"""docs/ci.md's workflow runs `ciogen diff`, and its command works in a pull request's checkout.

The checkout is made as actions/checkout makes it with `fetch-depth: 0`: a clone
of the origin, HEAD detached at the merge of the pull request into its base
branch, `$GITHUB_BASE_REF` naming that branch. The workflow's own `run:` line
must fail with an `::error` annotation on a breaking change and pass a safe one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from helpers import REPO

from .conftest import BASE, git


def workflow() -> dict:
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    block = text.split("<!-- ci-workflow -->\n```yaml\n", 1)[1].split("```", 1)[0]
    document: dict = yaml.safe_load(block)
    return document


def diff_command() -> str:
    steps = workflow()["jobs"]["ciogen"]["steps"]
    [command] = [s["run"] for s in steps if "run" in s and s["run"].startswith("ciogen diff")]
    return str(command)


def test_workflow_fetches_history_and_runs_diff() -> None:
    steps = workflow()["jobs"]["ciogen"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the default depth 1 has no merge base
    assert diff_command() == "ciogen diff --format github"


def pull_request_checkout(tmp_path: Path, head_text: str) -> Path:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    (origin / "taxonomy.yaml").write_text(BASE, encoding="utf-8")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "base")
    git(origin, "checkout", "-q", "-b", "feature")
    (origin / "taxonomy.yaml").write_text(head_text, encoding="utf-8")
    git(origin, "commit", "-q", "-am", "the pull request")
    git(origin, "checkout", "-q", "main")
    (origin / "README.md").write_text("main moved on\n", encoding="utf-8")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "meanwhile on main")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", "--no-checkout", str(origin), str(work))
    # refs/pull/N/merge: the pull request merged into the tip of its base, checked out detached
    git(work, "checkout", "-q", "--detach", "origin/main")
    git(work, "merge", "-q", "--no-edit", "origin/feature")
    return work


def run_step(work: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GITHUB_ACTIONS": "true",
        "GITHUB_BASE_REF": "main",
        "CIOGEN_CACHE_DIR": "off",
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
    }
    return subprocess.run(
        ["bash", "-c", diff_command()],
        cwd=work,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_breaking_pull_request_fails_with_annotations(tmp_path: Path) -> None:
    head = BASE.replace("enum: [email, google]", "enum: [email]")
    done = run_step(pull_request_checkout(tmp_path, head))
    assert done.returncode == 1, done.stdout + done.stderr
    line = next(x for x in done.stderr.splitlines() if "ENUM_VALUE_REMOVED" in x)
    assert line.startswith("::error file=taxonomy.yaml,line=25,")
    assert "1 workspace; 1 breaking" in done.stdout + done.stderr


def test_safe_pull_request_passes(tmp_path: Path) -> None:
    head = BASE.replace("enum: [email, google]", "enum: [email, google, github]")
    done = run_step(pull_request_checkout(tmp_path, head))
    assert done.returncode == 0, done.stdout + done.stderr
    assert any(
        x.startswith("::notice file=taxonomy.yaml,line=25,") and "ENUM_VALUE_ADDED" in x
        for x in done.stderr.splitlines()
    )
