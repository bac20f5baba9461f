"""docs/evolution.md's safe paths, done as a team would: one pull request per step.

Each step is a branch off `main` in a real git repository, checked with the real
`ciogen diff` (default base: the merge base with `main`) and then merged, so the
next step's base is the previous step's result — as the deprecation rules need.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import ciogen

from .conftest import git


class Team:
    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.env = {**os.environ, "CIOGEN_CACHE_DIR": "off"}
        self.env.pop("GITHUB_BASE_REF", None)
        self.step = 0

    def pull_request(self, *edits: tuple[str, str], merge: bool = True) -> tuple[int, list[str]]:
        """Branch, edit, commit, run `ciogen diff`, merge: the exit code and the rules seen."""
        self.step += 1
        branch = f"step-{self.step}"
        git(self.repo, "checkout", "-q", "-b", branch, "main")
        path = self.repo / "taxonomy.yaml"
        text = path.read_text(encoding="utf-8")
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
        git(self.repo, "commit", "-q", "-am", branch)
        done = ciogen("diff", "--format", "json", cwd=self.repo, env=self.env)
        assert done.returncode in (0, 1), done.stderr
        git(self.repo, "checkout", "-q", "main")
        if merge:
            git(self.repo, "merge", "-q", "--no-edit", branch)
        changes = json.loads(done.stdout)["diff"]["changes"]
        return done.returncode, sorted(c["rule"] for c in changes)


@pytest.fixture
def team(repo: Path) -> Team:
    return Team(repo)


ORDER = "  order_placed:\n    description: An order was placed.\n"


def test_renaming_an_event_in_three_steps(team: Team) -> None:
    # 1. deprecate the old event and add the new one
    assert team.pull_request(
        (ORDER, ORDER + '    deprecated: "use order_completed"\n'),
        (
            "  old_event:\n",
            "  order_completed:\n    description: An order was paid.\n  old_event:\n",
        ),
    ) == (0, ["EVENT_ADDED", "EVENT_DEPRECATED"])
    # 2. campaigns, segments and templates move in Customer.io: no plan change.
    # 3. remove the old event: the planned end of its deprecation, not a failure
    removed = ORDER + '    deprecated: "use order_completed"\n    anonymous: true\n'
    removed += "    properties:\n      total: {type: number}\n"
    assert team.pull_request((removed, "")) == (0, ["EVENT_DEPRECATION_ENDED"])


def test_removing_without_deprecating_first_fails(team: Team) -> None:
    removed = ORDER + "    anonymous: true\n    properties:\n      total: {type: number}\n"
    assert team.pull_request((removed, "")) == (1, ["EVENT_REMOVED"])


def test_replacing_a_property(team: Team) -> None:
    assert team.pull_request(
        ("      code: {type: string}\n", "      code: {type: string, deprecated: true}\n"),
        (
            "      flag: {type: boolean}\n",
            "      flag: {type: boolean}\n      promo: {type: string}\n",
        ),
    ) == (0, ["OPTIONAL_PROPERTY_ADDED", "PROPERTY_DEPRECATED"])
    assert team.pull_request(("      code: {type: string, deprecated: true}\n", "")) == (
        0,
        ["PROPERTY_DEPRECATION_ENDED"],
    )


RECEIPT = "  receipt:\n    description: A receipt after payment.\n    id: 12\n    channel: email\n"


def test_renaming_a_message_gradually(team: Team) -> None:
    new = "  payment_receipt:\n    description: A receipt after payment.\n    id: 12\n    channel: email\n"
    assert team.pull_request((RECEIPT, RECEIPT + "    deprecated: true\n" + new)) == (
        0,
        ["MESSAGE_ADDED", "MESSAGE_DEPRECATED"],
    )
    assert team.pull_request((RECEIPT + "    deprecated: true\n", "")) == (
        0,
        ["MESSAGE_DEPRECATION_ENDED"],
    )


def test_switching_a_message_to_another_template(team: Team) -> None:
    # Changing the id of the entry sends the other template from every call: refused.
    assert team.pull_request(("    id: 12\n", "    id: 21\n"), merge=False) == (
        1,
        ["MESSAGE_ID_CHANGED"],
    )
    # The documented way: a new entry, the old one deprecated, later removed.
    other = "  receipt_v2:\n    description: The new receipt.\n    id: 21\n    channel: email\n"
    assert team.pull_request((RECEIPT, RECEIPT + "    deprecated: true\n" + other)) == (
        0,
        ["MESSAGE_ADDED", "MESSAGE_DEPRECATED"],
    )
    assert team.pull_request((RECEIPT + "    deprecated: true\n", "")) == (
        0,
        ["MESSAGE_DEPRECATION_ENDED"],
    )


def test_retiring_a_data_key(team: Team) -> None:
    assert team.pull_request(
        ("      token: {type: string}\n", "      token: {type: string, deprecated: true}\n")
    ) == (0, ["DATA_FIELD_DEPRECATED"])
    assert team.pull_request(("      token: {type: string, deprecated: true}\n", "")) == (
        0,
        ["DATA_FIELD_DEPRECATION_ENDED"],
    )
