"""`ciogen diff` end to end: formats, exit codes, --against, configuration, bad input."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from helpers import REPO, ciogen

from ciogen import cli

from .conftest import BASE, git

# The README's example: three edits of this repository's own taxonomy.yaml.
README_EDITS: list[tuple[str | re.Pattern[str], str]] = [
    ("        enum: [email, google, github]", "        enum: [email, google]"),
    ("      feedback:\n", "      comment:\n        renamed_from: feedback\n"),
    (
        "      cancelled_at:\n",
        "      winback_offer:\n        type: boolean\n        description: Whether a discount was offered.\n      cancelled_at:\n",
    ),
    # page_viewed's whole block, however its properties are described.
    (re.compile(r"^  page_viewed:\n(?:    .*\n|      .*\n)*", re.M), ""),
    (
        "      first_name:\n        type: string\n        maxLength: 100\n"
        "        description: Used in the greeting when known.\n",
        "",
    ),
]


def readme_head() -> str:
    text = (REPO / "taxonomy.yaml").read_text(encoding="utf-8")
    for old, new in README_EDITS:
        if isinstance(old, re.Pattern):
            text, count = old.subn(new, text, count=1)
            assert count == 1, f"README example edit no longer applies: {old.pattern}"
            continue
        assert old in text, f"README example edit no longer applies: {old!r}"
        text = text.replace(old, new)
    return text


def test_readme_markdown_example_is_real_output(tmp_path: Path) -> None:
    (tmp_path / "main.yaml").write_text((REPO / "taxonomy.yaml").read_text(encoding="utf-8"))
    (tmp_path / "taxonomy.yaml").write_text(readme_head(), encoding="utf-8")
    env = {**os.environ, "CIOGEN_CACHE_DIR": "off"}
    done = ciogen("diff", "--against", "main.yaml", "--format", "markdown", cwd=tmp_path, env=env)
    assert done.returncode == 1, done.stderr
    path = REPO / "README.md"
    readme = path.read_text(encoding="utf-8")
    start = readme.index("<!-- diff-example -->\n") + len("<!-- diff-example -->\n")
    end = readme.index("<!-- /diff-example -->")
    if os.environ.get("CIOGEN_REGEN_README") == "1" and readme[start:end] != done.stdout:
        path.write_text(readme[:start] + done.stdout + readme[end:], encoding="utf-8")
        readme = path.read_text(encoding="utf-8")
        end = readme.index("<!-- /diff-example -->")
    assert readme[start:end] == done.stdout, (
        "README's diff example is stale; regenerate it with "
        "CIOGEN_REGEN_README=1 python -m pytest tests/diff/test_cli_diff.py -k readme"
    )


def edit(repo: Path, old: str, new: str) -> None:
    path = repo / "taxonomy.yaml"
    path.write_text(path.read_text().replace(old, new), encoding="utf-8")


def test_text_names_both_revisions(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "enum: [email, google]", "enum: [email]")
    assert cli.main(["diff", "--taxonomy", str(repo / "taxonomy.yaml")]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "ENUM_VALUE_REMOVED" in x)
    assert line.startswith("BREAKING workspace/ENUM_VALUE_REMOVED: signed_up.method:")
    assert ":taxonomy.yaml:25, head " in line and line.endswith("taxonomy.yaml:25]")


def test_github_annotations(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "enum: [email, google]", "enum: [email, google, github]")
    edit(repo, "      flag: {type: boolean}\n", "")
    assert cli.main(["diff", "--taxonomy", str(repo / "taxonomy.yaml"), "--format", "github"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert any(
        x.startswith("::notice file=") and "ENUM_VALUE_ADDED" in x and ",line=25," in x for x in err
    )
    assert not any(x.startswith("::warning") for x in err)
    assert any(x.startswith("::error file=") and "PROPERTY_REMOVED" in x for x in err)


def test_github_unenforced_breaking_change_is_a_warning(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(repo, "      flag: {type: boolean}\n", "")
    taxonomy = str(repo / "taxonomy.yaml")
    assert (
        cli.main(["diff", "--taxonomy", taxonomy, "--format", "github", "--fail-on", "none"]) == 0
    )
    err = capsys.readouterr().err.splitlines()
    assert any(x.startswith("::warning file=") and "PROPERTY_REMOVED" in x for x in err)
    assert not any(x.startswith(("::error", "::notice")) for x in err)


def test_against_a_ref_and_a_branch(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo, "      code: {type: string}\n", "")
    git(repo, "commit", "-q", "-am", "drop code")
    taxonomy = str(repo / "taxonomy.yaml")
    assert cli.main(["diff", "--taxonomy", taxonomy]) == 1  # merge base with main
    assert "PROPERTY_REMOVED" in capsys.readouterr().out
    assert cli.main(["diff", "--taxonomy", taxonomy, "--against", "HEAD"]) == 0
    assert "no changes" in capsys.readouterr().out
    assert cli.main(["diff", "--taxonomy", taxonomy, "--against", "no-such-ref"]) == 2
    assert "--against no-such-ref" in capsys.readouterr().err


def test_new_file_everything_added(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = repo / "other.yaml"
    other.write_text(BASE, encoding="utf-8")
    assert cli.main(["diff", "--taxonomy", str(other), "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["diff"]["base"].endswith("(absent)")
    assert {c["rule"] for c in document["diff"]["changes"]} == {
        "EVENT_ADDED",
        "MESSAGE_ADDED",
        "BROADCAST_ADDED",
    }


def test_configuration_and_flags(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, "      code: {type: string}\n", "")
    taxonomy = str(repo / "taxonomy.yaml")
    (repo / "pyproject.toml").write_text('[tool.ciogen.diff]\nfail = ["code"]\n')
    assert cli.main(["diff", "--taxonomy", taxonomy]) == 0  # workspace not enforced
    assert cli.main(["diff", "--taxonomy", taxonomy, "--fail-on", "workspace"]) == 1
    capsys.readouterr()
    (repo / "pyproject.toml").write_text('[tool.ciogen.diff]\nignore = ["PROPERTY_REMOVED"]\n')
    assert cli.main(["diff", "--taxonomy", taxonomy]) == 0
    assert "PROPERTY_REMOVED" not in capsys.readouterr().out
    (repo / "pyproject.toml").write_text('[tool.ciogen.diff]\nfial = ["code"]\n')
    assert cli.main(["diff", "--taxonomy", taxonomy]) == 2
    assert "unknown key 'fial'" in capsys.readouterr().err
    (repo / "pyproject.toml").unlink()
    assert cli.main(["diff", "--taxonomy", taxonomy, "--ignore", "NOPE"]) == 2
    assert "--ignore: unknown rule 'NOPE'" in capsys.readouterr().err
    assert cli.main(["diff", "--taxonomy", taxonomy, "--fail-on", "wire"]) == 2
    assert cli.main(["diff", "--taxonomy", taxonomy, "--ignore", "PROPERTY_REMOVED"]) == 0


def test_pyproject_folder_beside_taxonomy_is_a_located_error(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """diff searches pyproject.toml the way every verb does: a folder of that name is an error.

    Skipping it would quietly apply another configuration, or none.
    """
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # cwd has no pyproject.toml; the taxonomy's folder has a folder
    (repo / "pyproject.toml").mkdir()
    assert cli.main(["diff", "--taxonomy", str(repo / "taxonomy.yaml")]) == 2
    err = capsys.readouterr().err
    assert "pyproject.toml:1:1" in err and "is a folder" in err, err
    assert "Traceback" not in err


def test_invalid_revisions_exit_2(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taxonomy = repo / "taxonomy.yaml"
    taxonomy.write_text(BASE.replace("    description: Going away.\n", ""), encoding="utf-8")
    assert cli.main(["diff", "--taxonomy", str(taxonomy)]) == 2
    err = capsys.readouterr().err
    assert "taxonomy.yaml:" in err and "'description' is a required property" in err
    taxonomy.write_text(BASE, encoding="utf-8")
    bad = repo / "bad.yaml"
    bad.write_text("events: [", encoding="utf-8")
    assert cli.main(["diff", "--taxonomy", str(taxonomy), "--against", str(bad)]) == 2
    assert "bad.yaml:" in capsys.readouterr().err
    assert cli.main(["diff", "--taxonomy", str(repo / "missing.yaml")]) == 2


def test_cache_is_used_and_survives_damage(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    taxonomy = str(repo / "taxonomy.yaml")
    edit(repo, "enum: [email, google]", "enum: [email]")
    assert cli.main(["diff", "--taxonomy", taxonomy, "--format", "json"]) == 1
    first = json.loads(capsys.readouterr().out)
    cache = Path(os.environ["CIOGEN_CACHE_DIR"])
    entries = sorted(cache.glob("diff-*.pickle"))
    assert len(entries) == 2  # base and head
    for entry in entries:
        entry.write_bytes(b"not a pickle")
    assert cli.main(["diff", "--taxonomy", taxonomy, "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out) == first


def test_pre_commit_hook_entry(repo: Path) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "ciogen-diff")
    assert re.search(hook["files"], "taxonomy.yaml") and hook["pass_filenames"] is False
    program, *args = hook["entry"].split()
    assert program == "ciogen"
    edit(repo, "      code: {type: string}\n", "")
    done = ciogen(*args, cwd=repo, env={**os.environ, "CIOGEN_CACHE_DIR": "off"})
    assert done.returncode == 1, done.stderr
    assert "BREAKING workspace/PROPERTY_REMOVED: signed_up.code" in done.stdout


def test_tool_ciogen_taxonomy_path_and_diff_table(tmp_path: Path) -> None:
    """A bare `ciogen diff` in a project: the plan's path and the diff settings from pyproject."""
    root = tmp_path / "app"
    (root / "plan").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "plan" / "tracking.yaml").write_text(BASE, encoding="utf-8")
    config = '[tool.ciogen]\ntaxonomy = "plan/tracking.yaml"\n\n[tool.ciogen.diff]\n'
    (root / "pyproject.toml").write_text(config + 'fail = ["code"]\n', encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "plan")
    plan = root / "plan" / "tracking.yaml"
    plan.write_text(BASE.replace("      code: {type: string}\n", ""), encoding="utf-8")
    env = {**os.environ, "CIOGEN_CACHE_DIR": "off"}
    done = ciogen("diff", cwd=root, env=env)
    assert done.returncode == 0, done.stderr  # workspace is not enforced here
    assert "workspace/PROPERTY_REMOVED: signed_up.code" in done.stdout
    assert ":plan/tracking.yaml:" in done.stdout
    (root / "pyproject.toml").write_text(config + 'ignore = ["PROPERTY_REMOVED"]\n')
    done = ciogen("diff", cwd=root, env=env)
    assert done.returncode == 0 and "PROPERTY_REMOVED" not in done.stdout, done.stderr
    (root / "pyproject.toml").write_text(config + 'fail = ["workspace"]\n')
    assert ciogen("diff", cwd=root, env=env).returncode == 1
    (root / "pyproject.toml").write_text('[tool.ciogen]\ndiff = "strict"\n')
    done = ciogen("diff", "--taxonomy", "plan/tracking.yaml", cwd=root, env=env)
    assert done.returncode == 2
    assert "pyproject.toml:2:" in done.stderr and "is not a table" in done.stderr
