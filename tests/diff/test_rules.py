"""Every rule of the catalogue: its edit made in a real git repository, then `ciogen diff`.

Each case edits BASE (tests/diff/conftest.py) in the work tree and runs the
real command line against the default base (the merge base with `main`); it
asserts the rule ID, its category, the `file:line` in both revisions and the
exit code the category implies by default.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ciogen import cli
from ciogen.diff_rules import DEFAULT_FAIL, RULES

from .conftest import BASE

# rule: (replacements applied to BASE, line marker in base or None, in head or None)
CASES: dict[str, tuple[list[tuple[str, str]], str | None, str | None]] = {
    "EVENT_REMOVED": (
        [("  doomed:\n    description: Removed without warning.\n", "")],
        "  doomed:",
        None,
    ),
    "EVENT_RENAMED": (
        [("  order_placed:\n", "  order_completed:\n    renamed_from: order_placed\n")],
        "  order_placed:",
        "  order_completed:",
    ),
    "PROPERTY_REMOVED": ([("      code: {type: string}\n", "")], "code:", None),
    "PROPERTY_RENAMED": (
        [("      code: {type: string}", "      promo_code: {type: string, renamed_from: code}")],
        "code:",
        "promo_code:",
    ),
    "ATTRIBUTE_REMOVED": ([("    nickname: {type: string}\n", "")], "nickname:", None),
    "ATTRIBUTE_RENAMED": (
        [("    nickname: {type: string}", "    alias: {type: string, renamed_from: nickname}")],
        "nickname:",
        "alias:",
    ),
    "ENUM_VALUE_REMOVED": ([("enum: [email, google]", "enum: [email]")], "method:", "method:"),
    "TYPE_CHANGED": (
        [("      flag: {type: boolean}", "      flag: {type: string}")],
        "flag:",
        "flag:",
    ),
    "TIMESTAMP_TO_NUMBER": (
        [("started_at: {type: timestamp}", "started_at: {type: integer}")],
        "started_at:",
        "started_at:",
    ),
    "NUMBER_TO_TIMESTAMP": (
        [("count: {type: integer}", "count: {type: timestamp}")],
        "count:",
        "count:",
    ),
    "ENUM_NARROWED_FROM_STRING": (
        [("homepage: {type: string}", "homepage: {type: string, enum: [a, b]}")],
        "homepage:",
        "homepage:",
    ),
    "NUMBER_BECAME_INTEGER": (
        [("ratio: {type: number}", "ratio: {type: integer}")],
        "ratio:",
        "ratio:",
    ),
    "MIN_LENGTH_RAISED": (
        [("minLength: 1, maxLength: 200", "minLength: 2, maxLength: 200")],
        "source:",
        "source:",
    ),
    "MAX_LENGTH_LOWERED": (
        [("minLength: 1, maxLength: 200", "minLength: 1, maxLength: 100")],
        "source:",
        "source:",
    ),
    "PATTERN_CHANGED": ([('pattern: "[a-z]+"', 'pattern: "[a-z]{2,}"')], "source:", "source:"),
    "FORMAT_CHANGED": (
        [("homepage: {type: string}", "homepage: {type: string, format: uri}")],
        "homepage:",
        "homepage:",
    ),
    "MINIMUM_RAISED": (
        [("minimum: 1, maximum: 100", "minimum: 2, maximum: 100")],
        "seats:",
        "seats:",
    ),
    "MAXIMUM_LOWERED": (
        [("minimum: 1, maximum: 100", "minimum: 1, maximum: 50")],
        "seats:",
        "seats:",
    ),
    "MIN_ITEMS_RAISED": (
        [("minItems: 1, maxItems: 10", "minItems: 2, maxItems: 10")],
        "tags:",
        "tags:",
    ),
    "MAX_ITEMS_LOWERED": (
        [("minItems: 1, maxItems: 10", "minItems: 1, maxItems: 5")],
        "tags:",
        "tags:",
    ),
    "UNIQUE_ITEMS_ADDED": (
        [("minItems: 1, maxItems: 10", "minItems: 1, maxItems: 10, uniqueItems: true")],
        "tags:",
        "tags:",
    ),
    "NULL_NO_LONGER_ALLOWED": (
        [('note: {type: [string, "null"]}', "note: {type: string}")],
        "note:",
        "note:",
    ),
    "REGION_CHANGED": ([("region: us", "region: eu")], "region:", "region:"),
    "REQUIRED_PROPERTY_ADDED": (
        [
            (
                "      total: {type: number}\n",
                "      total: {type: number}\n      currency: {type: string}\n    required: [currency]\n",
            )
        ],
        None,
        "currency:",
    ),
    "PROPERTY_BECAME_REQUIRED": (
        [("    required: [method]", "    required: [method, code]")],
        "code:",
        "code:",
    ),
    "REQUIRED_ATTRIBUTE_ADDED": (
        [
            ("  required: [email]", "  required: [email, company]"),
            (
                "    nickname: {type: string}\n",
                "    nickname: {type: string}\n    company: {type: string}\n",
            ),
        ],
        None,
        "company:",
    ),
    "ATTRIBUTE_BECAME_REQUIRED": (
        [("  required: [email]", "  required: [email, nickname]")],
        "nickname:",
        "nickname:",
    ),
    "METHOD_RENAMED": (
        [("  order_placed:\n", "  order_completed:\n    renamed_from: order_placed\n")],
        "  order_placed:",
        "  order_completed:",
    ),
    "EVENT_CLASS_RENAMED": (
        [("  order_placed:\n", "  order_completed:\n    renamed_from: order_placed\n")],
        "  order_placed:",
        "  order_completed:",
    ),
    "ARGUMENT_RENAMED": (
        [("      code: {type: string}", "      promo_code: {type: string, renamed_from: code}")],
        "code:",
        "promo_code:",
    ),
    "CLASS_RENAMED": (
        [
            ("  address:\n", "  postal_address:\n"),
            (
                'shipping: {$ref: "#/definitions/address"}',
                'shipping: {$ref: "#/definitions/postal_address"}',
            ),
        ],
        "shipping:",
        "shipping:",
    ),
    "ENUM_ALIAS_RENAMED": (
        [
            ("  plan:\n    type: string\n", "  tier:\n    type: string\n"),
            ('plan: {$ref: "#/definitions/plan"}', 'plan: {$ref: "#/definitions/tier"}'),
        ],
        "enum: [free, pro]",
        "enum: [free, pro]",
    ),
    "ANONYMOUS_REMOVED": ([("    anonymous: true\n", "")], "  order_placed:", "  order_placed:"),
    "DEFAULT_CHANGED": ([("default: web", "default: app")], "channel:", "channel:"),
    "EVENT_DEPRECATED": (
        [
            (
                "    description: Removed without warning.\n",
                "    description: Removed without warning.\n    deprecated: true\n",
            )
        ],
        "  doomed:",
        "  doomed:",
    ),
    "PROPERTY_DEPRECATED": (
        [("code: {type: string}", "code: {type: string, deprecated: true}")],
        "code:",
        "code:",
    ),
    "ATTRIBUTE_DEPRECATED": (
        [("nickname: {type: string}", "nickname: {type: string, deprecated: true}")],
        "nickname:",
        "nickname:",
    ),
    "EVENT_DEPRECATION_ENDED": (
        [('  old_event:\n    description: Going away.\n    deprecated: "use order_placed"\n', "")],
        "  old_event:",
        None,
    ),
    "PROPERTY_DEPRECATION_ENDED": (
        [("      legacy: {type: string, deprecated: true}\n", "")],
        "legacy:",
        None,
    ),
    "ATTRIBUTE_DEPRECATION_ENDED": (
        [('    old_score: {type: integer, deprecated: "use score"}\n', "")],
        "old_score:",
        None,
    ),
    "EVENT_ADDED": (
        [("  doomed:\n", "  new_one:\n    description: New.\n  doomed:\n")],
        None,
        "  new_one:",
    ),
    "OPTIONAL_PROPERTY_ADDED": (
        [
            (
                "      total: {type: number}\n",
                "      total: {type: number}\n      coupon: {type: string}\n",
            )
        ],
        None,
        "coupon:",
    ),
    "OPTIONAL_ATTRIBUTE_ADDED": (
        [
            (
                "    nickname: {type: string}\n",
                "    nickname: {type: string}\n    company: {type: string}\n",
            )
        ],
        None,
        "company:",
    ),
    "ENUM_VALUE_ADDED": (
        [("enum: [email, google]", "enum: [email, google, github]")],
        "method:",
        "method:",
    ),
    "PROPERTY_BECAME_OPTIONAL": ([("    required: [method]\n", "")], "method:", "method:"),
    "LIMIT_WIDENED": (
        [("minimum: 1, maximum: 100", "minimum: 1, maximum: 200")],
        "seats:",
        "seats:",
    ),
    "TYPE_WIDENED": ([("count: {type: integer}", "count: {type: number}")], "count:", "count:"),
    "NULL_ALLOWED": (
        [("code: {type: string}", 'code: {type: [string, "null"]}')],
        "code:",
        "code:",
    ),
    "ANONYMOUS_ADDED": (
        [
            (
                "  doomed:\n    description: Removed without warning.\n",
                "  doomed:\n    description: Removed without warning.\n    anonymous: true\n",
            )
        ],
        "  doomed:",
        "  doomed:",
    ),
    "DEPRECATION_WITHDRAWN": (
        [("legacy: {type: string, deprecated: true}", "legacy: {type: string}")],
        "legacy:",
        "legacy:",
    ),
    "DOCS_CHANGED": (
        [("A person signed up.", "A person created an account.")],
        "  signed_up:",
        "  signed_up:",
    ),
}


def line_of(text: str, marker: str | None) -> int | None:
    if marker is None:
        return None
    for number, line in enumerate(text.splitlines(), 1):
        if marker in line:
            return number
    raise AssertionError(f"marker {marker!r} not in the text")


def run_diff(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:
    code = cli.main(["diff", "--taxonomy", str(repo / "taxonomy.yaml"), "--format", "json", *extra])
    document = json.loads(capsys.readouterr().out)
    assert document["exit_code"] == code
    return code, document


def test_every_rule_has_a_case() -> None:
    assert sorted(CASES) == sorted(RULES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule(rule_id: str, repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    replacements, base_marker, head_marker = CASES[rule_id]
    head = BASE
    for old, new in replacements:
        assert old in head, old
        head = head.replace(old, new)
    (repo / "taxonomy.yaml").write_text(head, encoding="utf-8")
    code, document = run_diff(repo, capsys)
    changes = [c for c in document["diff"]["changes"] if c["rule"] == rule_id]
    assert len(changes) == 1, document["diff"]["changes"]
    change = changes[0]
    rule = RULES[rule_id]
    assert change["category"] == rule.category
    base_line, head_line = line_of(BASE, base_marker), line_of(head, head_marker)
    assert (change["base"] or {}).get("line") == base_line
    assert (change["head"] or {}).get("line") == head_line
    if base_line is not None:
        assert change["base"]["file"].endswith(":taxonomy.yaml")
    if head_line is not None:
        assert change["head"]["file"].endswith("taxonomy.yaml")
    breaking = any(c["category"] in DEFAULT_FAIL for c in document["diff"]["changes"])
    assert code == (1 if breaking else 0)
    assert change["breaking"] is (rule.category in DEFAULT_FAIL)
