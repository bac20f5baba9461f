"""What `ciogen diff` compares: the typed model (not text, not generated code), and names.

A rewrite that changes only the text (layout, order, quoting, comments, an inline
schema moved into a shared definition) reports nothing; a rename without
`renamed_from:` is a removal plus an addition; the published rule IDs never go
away; and the diff's code path never reaches a renderer.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from helpers import REPO

from ciogen import cli
from ciogen.diff_rules import RULES

from .conftest import BASE, git

# Text-only rewrites of BASE: each leaves the typed model as it was.
REWRITES = [
    # flow mapping -> block mapping, and a comment
    (
        "      method: {type: string, enum: [email, google]}\n",
        "      # how they signed up\n      method:\n        type: string\n        enum:\n"
        "          - email\n          - 'google'\n",
    ),
    # properties in another order
    (
        "      code: {type: string}\n      homepage: {type: string}\n",
        '      homepage: {type: string}\n      code: {type: "string"}\n',
    ),
    # an inline schema moved into a shared definition
    ("      ratio: {type: number}\n", '      ratio: {$ref: "#/definitions/ratio"}\n'),
    ("definitions:\n", "definitions:\n  ratio:\n    type: number\n"),
    # the description folded over two lines
    (
        "    description: A person signed up.\n",
        "    description: >-\n      A person\n      signed up.\n",
    ),
]


def run_json(repo: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict]]:
    (repo / "taxonomy.yaml").write_text(text, encoding="utf-8")
    code = cli.main(["diff", "--taxonomy", str(repo / "taxonomy.yaml"), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)["diff"]["changes"]


def test_text_only_rewrites_report_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = BASE
    for old, new in REWRITES:
        assert old in head, old
        head = head.replace(old, new)
    assert head != BASE
    assert run_json(repo, head, capsys) == (0, [])


def test_renames_without_renamed_from_are_removal_and_addition(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = BASE.replace("  order_placed:\n", "  order_completed:\n")
    head = head.replace("      code: {type: string}", "      promo_code: {type: string}")
    head = head.replace("    nickname: {type: string}", "    alias: {type: string}")
    code, changes = run_json(repo, head, capsys)
    assert code == 1
    assert sorted((c["rule"], c["subject"]) for c in changes) == [
        ("ATTRIBUTE_REMOVED", "attributes.nickname"),
        ("EVENT_ADDED", "event order_completed"),
        ("EVENT_REMOVED", "event order_placed"),
        ("OPTIONAL_ATTRIBUTE_ADDED", "attributes.alias"),
        ("OPTIONAL_PROPERTY_ADDED", "signed_up.promo_code"),
        ("PROPERTY_REMOVED", "signed_up.code"),
    ]


# The IDs published so far. IDs are part of the interface ([tool.ciogen.diff] ignore lists
# and CI scripts name them): a rule may be added, never renamed or removed.
PUBLISHED = [
    "EVENT_REMOVED",
    "EVENT_RENAMED",
    "PROPERTY_REMOVED",
    "PROPERTY_RENAMED",
    "ATTRIBUTE_REMOVED",
    "ATTRIBUTE_RENAMED",
    "ENUM_VALUE_REMOVED",
    "TYPE_CHANGED",
    "TIMESTAMP_TO_NUMBER",
    "NUMBER_TO_TIMESTAMP",
    "ENUM_NARROWED_FROM_STRING",
    "NUMBER_BECAME_INTEGER",
    "MIN_LENGTH_RAISED",
    "MAX_LENGTH_LOWERED",
    "PATTERN_CHANGED",
    "FORMAT_CHANGED",
    "MINIMUM_RAISED",
    "MAXIMUM_LOWERED",
    "MIN_ITEMS_RAISED",
    "MAX_ITEMS_LOWERED",
    "UNIQUE_ITEMS_ADDED",
    "NULL_NO_LONGER_ALLOWED",
    "MESSAGE_ID_CHANGED",
    "MESSAGE_CHANNEL_CHANGED",
    "BROADCAST_ID_CHANGED",
    "DATA_FIELD_REMOVED",
    "DATA_FIELD_RENAMED",
    "REGION_CHANGED",
    "REQUIRED_PROPERTY_ADDED",
    "PROPERTY_BECAME_REQUIRED",
    "REQUIRED_ATTRIBUTE_ADDED",
    "ATTRIBUTE_BECAME_REQUIRED",
    "METHOD_RENAMED",
    "EVENT_CLASS_RENAMED",
    "ARGUMENT_RENAMED",
    "CLASS_RENAMED",
    "ENUM_ALIAS_RENAMED",
    "ANONYMOUS_REMOVED",
    "DEFAULT_CHANGED",
    "ATTRIBUTE_NO_LONGER_CLEARABLE",
    "MESSAGE_REMOVED",
    "MESSAGE_RENAMED",
    "BROADCAST_REMOVED",
    "BROADCAST_RENAMED",
    "REQUIRED_DATA_FIELD_ADDED",
    "DATA_FIELD_BECAME_REQUIRED",
    "EVENT_DEPRECATED",
    "PROPERTY_DEPRECATED",
    "ATTRIBUTE_DEPRECATED",
    "EVENT_DEPRECATION_ENDED",
    "PROPERTY_DEPRECATION_ENDED",
    "ATTRIBUTE_DEPRECATION_ENDED",
    "MESSAGE_DEPRECATED",
    "BROADCAST_DEPRECATED",
    "DATA_FIELD_DEPRECATED",
    "MESSAGE_DEPRECATION_ENDED",
    "BROADCAST_DEPRECATION_ENDED",
    "DATA_FIELD_DEPRECATION_ENDED",
    "EVENT_ADDED",
    "OPTIONAL_PROPERTY_ADDED",
    "OPTIONAL_ATTRIBUTE_ADDED",
    "MESSAGE_ADDED",
    "BROADCAST_ADDED",
    "OPTIONAL_DATA_FIELD_ADDED",
    "ENUM_VALUE_ADDED",
    "PROPERTY_BECAME_OPTIONAL",
    "LIMIT_WIDENED",
    "TYPE_WIDENED",
    "NULL_ALLOWED",
    "ATTRIBUTE_BECAME_CLEARABLE",
    "ANONYMOUS_ADDED",
    "DEPRECATION_WITHDRAWN",
    "DOCS_CHANGED",
]


def test_published_rule_ids_are_never_removed() -> None:
    assert sorted(set(PUBLISHED) - set(RULES)) == []


def _closure(module: str, folder: Path, seen: set[str]) -> set[str]:
    """`module` and every module of the package it imports, transitively (static)."""
    if module in seen:
        return seen
    seen.add(module)
    for node in ast.walk(ast.parse((folder / f"{module}.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [a.name for a in node.names]
            for name in names:
                if name is not None and (folder / f"{name.split('.')[0]}.py").is_file():
                    _closure(name.split(".")[0], folder, seen)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            top = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            seen.add(f"external:{(top or '').split('.')[0]}")
    return seen


def test_diff_only_loads_and_builds_the_model() -> None:
    """No template, renderer or output writer is on the diff's code path."""
    reached = _closure("diff_cli", REPO / "generator", set())
    assert {"load", "build_model", "diff_compare"} <= reached
    assert not {m for m in reached if m.startswith(("render", "output", "layout", "pycode"))}
    assert "external:jinja2" not in reached


def test_a_change_inside_a_shared_definition_reaches_every_user(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Events equal in both revisions are skipped, but not when an object they use changed."""
    head = BASE.replace(
        "city: {type: string, maxLength: 100}", "city: {type: string, maxLength: 50}"
    )
    head = head.replace(
        "      total: {type: number}\n",
        '      total: {type: number}\n      ship_to: {type: array, items: {$ref: "#/definitions/address"}}\n',
    )
    base = BASE.replace(
        "      total: {type: number}\n",
        '      total: {type: number}\n      ship_to: {type: array, items: {$ref: "#/definitions/address"}}\n',
    )
    (repo / "taxonomy.yaml").write_text(base, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "order_placed ships to addresses")
    code, changes = run_json(repo, head, capsys)
    city = next(n for n, x in enumerate(head.splitlines(), 1) if "city:" in x)
    assert code == 1
    assert sorted((c["rule"], c["subject"], c["head"]["line"]) for c in changes) == [
        ("MAX_LENGTH_LOWERED", "order_placed.ship_to[].city", city),
        ("MAX_LENGTH_LOWERED", "signed_up.shipping.city", city),
    ]
