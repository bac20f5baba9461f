"""`--against`: the default base (the merge base with the default branch), refs, files, and
every way git can fail to give a base — each a one-line error and exit 2, never a traceback.

All in real git repositories (clones, shallow clones, orphan branches), through the real
`python -m ciogen`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from helpers import ciogen

from .conftest import BASE, git

DROP_CODE = ("      code: {type: string}\n", "")
DROP_DOOMED = ("  doomed:\n    description: Removed without warning.\n", "")


def edit(root: Path, change: tuple[str, str], message: str = "") -> None:
    path = root / "taxonomy.yaml"
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(*change), encoding="utf-8")
    if message:
        git(root, "commit", "-q", "-am", message)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = {**os.environ, "CIOGEN_CACHE_DIR": "off", "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    values.pop("GITHUB_BASE_REF", None)
    return values


def rules(root: Path, env: dict[str, str], *args: str) -> tuple[int, list[str], str]:
    done = ciogen("diff", "--format", "json", *args, cwd=root, env=env)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    document = json.loads(done.stdout)["diff"]
    return done.returncode, sorted(c["rule"] for c in document["changes"]), document["base"]


def one_line_error(root: Path, env: dict[str, str], *args: str) -> str:
    done = ciogen("diff", *args, cwd=root, env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("ciogen: ")
    return line


def test_default_is_the_merge_base_not_the_tip_of_main(repo: Path, env: dict[str, str]) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo, DROP_CODE, "feature drops code")
    git(repo, "checkout", "-q", "main")
    edit(repo, DROP_DOOMED, "main moves on")  # not part of the feature's change
    git(repo, "checkout", "-q", "feature")
    merge_base = git(repo, "merge-base", "HEAD", "main").strip()
    code, found, base = rules(repo, env)
    assert (code, found) == (1, ["PROPERTY_REMOVED"])
    assert base == f"{merge_base[:10]}:taxonomy.yaml"
    code, found, _ = rules(repo, env, "--against", "main")  # the tip: main's change shows
    assert (code, found) == (1, ["EVENT_ADDED", "PROPERTY_REMOVED"])


def test_default_branch_master_and_the_remotes_head(tmp_path: Path, env: dict[str, str]) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "trunk")  # neither main nor master: only origin/HEAD says
    (origin / "taxonomy.yaml").write_text(BASE, encoding="utf-8")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "base")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    git(clone, "checkout", "-q", "-b", "feature")
    edit(clone, DROP_CODE, "drop code")
    assert rules(clone, env)[:2] == (1, ["PROPERTY_REMOVED"])

    master = tmp_path / "master"
    master.mkdir()
    git(master, "init", "-q", "-b", "master")
    (master / "taxonomy.yaml").write_text(BASE, encoding="utf-8")
    git(master, "add", "-A")
    git(master, "commit", "-q", "-m", "base")
    git(master, "checkout", "-q", "-b", "feature")
    edit(master, DROP_CODE, "drop code")
    assert rules(master, env)[:2] == (1, ["PROPERTY_REMOVED"])


def test_github_base_ref_names_the_pull_requests_base(repo: Path, env: dict[str, str]) -> None:
    git(repo, "checkout", "-q", "-b", "release")
    edit(repo, DROP_DOOMED, "release drops doomed")
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo, DROP_CODE, "feature drops code")
    assert rules(repo, env)[1] == ["EVENT_REMOVED", "PROPERTY_REMOVED"]  # against main
    pull_request = {**env, "GITHUB_BASE_REF": "release"}
    assert rules(repo, pull_request)[1] == ["PROPERTY_REMOVED"]


def test_a_plain_file_path(repo: Path, env: dict[str, str]) -> None:
    old = repo / "old plan.yaml"
    old.write_text(BASE, encoding="utf-8")
    edit(repo, DROP_CODE)
    code, found, base = rules(repo, env, "--against", "old plan.yaml")
    assert (code, found, base) == (1, ["PROPERTY_REMOVED"], "old plan.yaml")
    done = ciogen("diff", "--against", str(old), cwd=repo, env=env)
    assert f"[base {old}:" in done.stdout


def test_unknown_ref(repo: Path, env: dict[str, str]) -> None:
    line = one_line_error(repo, env, "--against", "no-such-branch")
    assert line == (
        "ciogen: --against no-such-branch: unknown revision 'no-such-branch': "
        "not a branch, tag or commit here, nor a file"
    )


def test_not_a_git_repository(tmp_path: Path, env: dict[str, str]) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "taxonomy.yaml").write_text(BASE, encoding="utf-8")
    line = one_line_error(folder, env)
    assert line == (
        f"ciogen: no base revision to compare with: {folder} is not in a git repository; "
        "pass --against PATH to compare with a taxonomy file"
    )
    assert "not in a git repository" in one_line_error(folder, env, "--against", "main")


def test_no_commit_yet_compares_with_an_empty_plan(tmp_path: Path, env: dict[str, str]) -> None:
    """A first commit: the default base is an empty plan (all added, safe), said in one note."""
    folder = tmp_path / "fresh"
    folder.mkdir()
    git(folder, "init", "-q", "-b", "main")
    (folder / "taxonomy.yaml").write_text(BASE, encoding="utf-8")
    done = ciogen("diff", cwd=folder, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    note = (
        "note: the repository has no commit yet; comparing with an empty plan (everything is added)"
    )
    assert done.stdout.splitlines()[0] == note and done.stderr == ""
    assert "EVENT_ADDED" in done.stdout and "BREAKING" not in done.stdout
    code, found, base = rules(folder, env)
    assert code == 0 and base == "no commit yet (empty plan)"
    assert {"EVENT_ADDED", "MESSAGE_ADDED", "BROADCAST_ADDED"} <= set(found)
    assert all(rule.endswith("_ADDED") for rule in found), found
    # Even with every category enforced, an empty base breaks nothing.
    assert ciogen("diff", "--fail-on", "workspace,code", cwd=folder, env=env).returncode == 0
    # An explicit ref must still resolve: there is no main to compare with yet.
    line = one_line_error(folder, env, "--against", "main")
    assert line.startswith("ciogen: --against main: unknown revision 'main'"), line


def test_no_merge_base(repo: Path, env: dict[str, str]) -> None:
    git(repo, "checkout", "-q", "--orphan", "unrelated")
    git(repo, "commit", "-q", "-m", "unrelated history")
    assert one_line_error(repo, env) == (
        "ciogen: no base revision to compare with: HEAD and main have no commit in common "
        "(no merge base); pass --against REF"
    )


def test_shallow_clones(repo: Path, tmp_path: Path, env: dict[str, str]) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    for n in range(2):
        edit(repo, ("version: 1\n", f"version: 1\n# {n}\n"), f"feature {n}")
    git(repo, "checkout", "-q", "main")  # the origin's HEAD is its default branch
    url = repo.as_uri()
    single = tmp_path / "single"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", url, str(single))
    assert one_line_error(single, env) == (
        "ciogen: no base revision to compare with: this shallow clone has no default branch "
        "(main, master); fetch the history (actions/checkout: fetch-depth: 0) or pass --against REF"
    )
    assert one_line_error(single, env, "--against", "main").endswith(
        "nor a file; fetch the history (actions/checkout: fetch-depth: 0) or pass --against REF"
    )
    both = tmp_path / "both"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth",
        "1",
        "--no-single-branch",
        "--branch",
        "feature",
        url,
        str(both),
    )
    assert one_line_error(both, env) == (
        "ciogen: no base revision to compare with: no merge base of HEAD and origin/main in "
        "this shallow clone; fetch the history (actions/checkout: fetch-depth: 0) or pass "
        "--against REF"
    )
    subprocess.run(["git", "fetch", "-q", "--unshallow"], cwd=both, check=True, timeout=60)
    assert rules(both, env)[:2] == (0, [])  # comments only: nothing changed in the model
