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
    "ATTRIBUTE_NO_LONGER_CLEARABLE": (
        [(", clearable: true}", "}")],
        "old_score:",
        "old_score:",
    ),
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
        [('    old_score: {type: integer, deprecated: "use score", clearable: true}\n', "")],
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
    "ATTRIBUTE_BECAME_CLEARABLE": (
        [("    nickname: {type: string}", "    nickname: {type: string, clearable: true}")],
        "nickname:",
        "nickname:",
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
    # -- messages and broadcasts (the App API half) --------------------------
    "MESSAGE_ID_CHANGED": ([("    id: 12\n", "    id: 14\n")], "    id: 12", "    id: 14"),
    "MESSAGE_CHANNEL_CHANGED": (
        [("    channel: sms\n", "    channel: push\n")],
        "channel: sms",
        "channel: push",
    ),
    "BROADCAST_ID_CHANGED": ([("    id: 8\n", "    id: 18\n")], "    id: 8", "    id: 18"),
    "DATA_FIELD_REMOVED": ([("      token: {type: string}\n", "")], "      token:", None),
    "DATA_FIELD_RENAMED": (
        [("      token: {type: string}", "      reset_token: {type: string, renamed_from: token}")],
        "      token:",
        "reset_token:",
    ),
    "MESSAGE_REMOVED": (
        [
            (
                "  receipt:\n    description: A receipt after payment.\n    id: 12\n    channel: email\n",
                "",
            )
        ],
        "  receipt:",
        None,
    ),
    "MESSAGE_RENAMED": (
        [("  receipt:\n", "  payment_receipt:\n")],
        "  receipt:",
        "  payment_receipt:",
    ),
    "BROADCAST_REMOVED": (
        [("  flash_sale:\n    description: A sale for a day.\n    id: 8\n", "")],
        "  flash_sale:",
        None,
    ),
    "BROADCAST_RENAMED": ([("  flash_sale:\n", "  day_sale:\n")], "  flash_sale:", "  day_sale:"),
    "REQUIRED_DATA_FIELD_ADDED": (
        [
            (
                "      starts_at: {type: timestamp}\n    required: [starts_at]\n",
                "      starts_at: {type: timestamp}\n      ends_at: {type: timestamp}\n"
                "    required: [starts_at, ends_at]\n",
            )
        ],
        None,
        "ends_at:",
    ),
    "DATA_FIELD_BECAME_REQUIRED": (
        [("    required: [reset_url]", "    required: [reset_url, token]")],
        "      token:",
        "      token:",
    ),
    "MESSAGE_DEPRECATED": (
        [
            (
                "    id: 12\n    channel: email\n",
                "    id: 12\n    channel: email\n    deprecated: true\n",
            )
        ],
        "  receipt:",
        "  receipt:",
    ),
    "BROADCAST_DEPRECATED": (
        [("    id: 8\n", "    id: 8\n    deprecated: true\n")],
        "  flash_sale:",
        "  flash_sale:",
    ),
    "DATA_FIELD_DEPRECATED": (
        [("token: {type: string}", "token: {type: string, deprecated: true}")],
        "      token:",
        "      token:",
    ),
    "MESSAGE_DEPRECATION_ENDED": (
        [
            (
                "  welcome_sms:\n    description: Going away.\n    id: 13\n    channel: sms\n"
                '    deprecated: "use the welcome email"\n',
                "",
            )
        ],
        "  welcome_sms:",
        None,
    ),
    "BROADCAST_DEPRECATION_ENDED": (
        [
            (
                "  old_promo:\n    description: A promotion that ended.\n    id: 9\n    deprecated: true\n",
                "",
            )
        ],
        "  old_promo:",
        None,
    ),
    "DATA_FIELD_DEPRECATION_ENDED": (
        [('      old_hint: {type: string, deprecated: "the template no longer reads it"}\n', "")],
        "old_hint:",
        None,
    ),
    "MESSAGE_ADDED": (
        [
            (
                "broadcasts:\n",
                "  invite:\n    description: An invitation.\n    id: 20\n    channel: email\nbroadcasts:\n",
            )
        ],
        None,
        "  invite:",
    ),
    "BROADCAST_ADDED": (
        [
            (
                "    id: 9\n    deprecated: true\n",
                "    id: 9\n    deprecated: true\n  spring_sale:\n    description: Spring.\n    id: 10\n",
            )
        ],
        None,
        "  spring_sale:",
    ),
    "OPTIONAL_DATA_FIELD_ADDED": (
        [
            (
                "      starts_at: {type: timestamp}\n",
                "      starts_at: {type: timestamp}\n      ends_at: {type: timestamp}\n",
            )
        ],
        None,
        "ends_at:",
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


def test_message_data_types_use_the_property_rules(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A retyped or narrowed data key is reported with the subject of its message."""
    head = BASE.replace("expires_in: {type: integer, minimum: 5}", "expires_in: {type: string}")
    head = head.replace("      starts_at: {type: timestamp}", "      starts_at: {type: number}")
    (repo / "taxonomy.yaml").write_text(head, encoding="utf-8")
    code, document = run_diff(repo, capsys)
    found = {(c["rule"], c["subject"]) for c in document["diff"]["changes"]}
    assert found == {
        ("TYPE_CHANGED", "message password_reset.expires_in"),
        ("TIMESTAMP_TO_NUMBER", "broadcast maintenance_window.starts_at"),
    }
    assert code == 1


def test_a_new_name_and_a_new_id_is_a_removal_and_an_addition(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = BASE.replace(
        "  receipt:\n    description: A receipt after payment.\n    id: 12\n",
        "  invoice:\n    description: A receipt after payment.\n    id: 15\n",
    )
    (repo / "taxonomy.yaml").write_text(head, encoding="utf-8")
    code, document = run_diff(repo, capsys)
    found = {(c["rule"], c["subject"]) for c in document["diff"]["changes"]}
    assert found == {("MESSAGE_REMOVED", "message receipt"), ("MESSAGE_ADDED", "message invoice")}
    assert code == 1
