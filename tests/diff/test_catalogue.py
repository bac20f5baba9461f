"""The rule catalogue and docs/evolution.md agree, and rule IDs follow one shape."""

from __future__ import annotations

import re

from helpers import REPO

from ciogen.diff_rules import CATEGORIES, RULES


def test_docs_list_every_rule_exactly() -> None:
    text = (REPO / "docs" / "evolution.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z_]+)` \| (\w+) \| (.+) \|$", text, re.M)
    assert {rid: (cat, purpose) for rid, cat, purpose in rows} == {
        r.id: (r.category, r.purpose) for r in RULES.values()
    }
    assert len(rows) == len(RULES)


def test_rules_are_well_formed() -> None:
    for rule in RULES.values():
        assert re.fullmatch(r"[A-Z]+(_[A-Z]+)*", rule.id)
        assert rule.category in CATEGORIES
        assert rule.purpose.endswith(".") and rule.purpose.count(". ") == 0, rule.id
    assert {r.category for r in RULES.values()} == set(CATEGORIES)
