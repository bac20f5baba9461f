"""The issue's five edits to a 28-event plan, each on a branch of a real git repository.

A team renames a property used by 19 events, adds an optional property, makes
one required, removes an event and changes an enum; `ciogen diff` (default
base: the merge base with `main`) must name each, with its category, both
locations and the exit code. Run through the real `python -m ciogen`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import ciogen

from .conftest import git


def plan(
    rename: bool = False,
    optional: bool = False,
    required: bool = False,
    remove: bool = False,
    enum: bool = False,
) -> str:
    lines = ["version: 1", "name: Team plan", "events:"]
    for i in range(28):
        name = f"event_{i:02d}"
        if remove and i == 27:
            continue
        lines += [f"  {name}:", f"    description: Event {i}.", "    properties:"]
        if i < 19:
            if rename:
                lines.append("      workspace_id: {type: string, renamed_from: account_id}")
            else:
                lines.append("      account_id: {type: string}")
        values = "[free, pro]" if enum and i == 0 else "[free, pro, enterprise]"
        lines.append(f"      plan: {{type: string, enum: {values}}}")
        if optional and i == 1:
            lines.append("      coupon: {type: string}")
        lines.append("      amount: {type: number}")
        lines.append(
            "    required: [plan, amount]" if required and i == 2 else "    required: [plan]"
        )
    return "\n".join(lines) + "\n"


@pytest.fixture
def team(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "plan"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "taxonomy.yaml").write_text(plan(), encoding="utf-8")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "plan")
    env = {**os.environ, "CIOGEN_CACHE_DIR": str(tmp_path / "cache")}
    return root, env


def edit(root: Path, env: dict[str, str], branch: str, text: str) -> tuple[int, list[dict]]:
    git(root, "checkout", "-q", "-b", branch, "main")
    (root / "taxonomy.yaml").write_text(text, encoding="utf-8")
    git(root, "commit", "-q", "-am", branch)
    done = ciogen("diff", "--format", "json", cwd=root, env=env)
    git(root, "checkout", "-q", "main")
    document = json.loads(done.stdout)
    return done.returncode, document["diff"]["changes"]


def lines_of(text: str, needle: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if needle in line]


def test_five_edits(team: tuple[Path, dict[str, str]]) -> None:
    root, env = team
    base = plan()

    code, changes = edit(root, env, "rename", plan(rename=True))
    assert code == 1
    renamed = [c for c in changes if c["rule"] == "PROPERTY_RENAMED"]
    assert len(renamed) == 19 and {c["category"] for c in renamed} == {"workspace"}
    assert sorted(c["base"]["line"] for c in renamed) == lines_of(base, "account_id")
    assert sorted(c["head"]["line"] for c in renamed) == lines_of(plan(rename=True), "workspace_id")
    assert len([c for c in changes if c["rule"] == "ARGUMENT_RENAMED"]) == 19
    assert not [c for c in changes if c["rule"].endswith(("_REMOVED", "_ADDED"))]

    code, changes = edit(root, env, "optional", plan(optional=True))
    assert code == 0
    assert [(c["rule"], c["category"], c["subject"]) for c in changes] == [
        ("OPTIONAL_PROPERTY_ADDED", "safe", "event_01.coupon")
    ]
    assert changes[0]["base"] is None
    assert changes[0]["head"]["line"] == lines_of(plan(optional=True), "coupon")[0]

    code, changes = edit(root, env, "required", plan(required=True))
    assert code == 1
    assert [(c["rule"], c["category"], c["subject"]) for c in changes] == [
        ("PROPERTY_BECAME_REQUIRED", "code", "event_02.amount")
    ]
    assert changes[0]["base"]["line"] == changes[0]["head"]["line"] == lines_of(base, "amount")[2]

    code, changes = edit(root, env, "remove", plan(remove=True))
    assert code == 1
    assert [(c["rule"], c["category"], c["subject"]) for c in changes] == [
        ("EVENT_REMOVED", "workspace", "event event_27")
    ]
    assert (
        changes[0]["base"]["line"] == lines_of(base, "event_27:")[0] and changes[0]["head"] is None
    )

    code, changes = edit(root, env, "enum", plan(enum=True))
    assert code == 1
    assert [(c["rule"], c["category"], c["subject"]) for c in changes] == [
        ("ENUM_VALUE_REMOVED", "workspace", "event_00.plan")
    ]
    assert "'enterprise'" in changes[0]["message"]
    assert changes[0]["head"]["line"] == lines_of(base, "plan:")[0]
