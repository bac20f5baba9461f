"""The generated `tests/test_properties.py` checks every rule of every field, in fewer tests.

Its rows (`tests/plan_tables.py`) are grouped: one test per model for the fields whose
bad values are small, one per field whose bad values can be large (a list, a map, a
long string), so no example draws more than Hypothesis allows. These tests hold the
grouping to covering each row exactly once, in every golden package.
"""

from __future__ import annotations

import importlib
from collections import Counter

import pytest
from generated_suite import imported
from golden_cases import package_name, package_root, valid_cases

from ciogen import strategy_code
from ciogen.model import ArrayType, NumericType, StringType


@pytest.mark.parametrize("case", valid_cases())
def test_every_rule_and_required_field_is_in_exactly_one_group(case: str) -> None:
    with imported(package_root(case), package_name(case)):
        suite = importlib.import_module(f"{package_name(case)}.tests.test_properties")
        tables = importlib.import_module(f"{package_name(case)}.tests.plan_tables")
        grouped = Counter(id(m) for g in suite.GROUPS for m in g.mutations)
        assert grouped == Counter(id(m) for m in tables.MUTATIONS)
        required = Counter((g.cls, field) for g in suite.GROUPS for field in g.required)
        assert required == Counter((r.cls, r.field) for r in tables.REQUIRED)
        for group in suite.GROUPS:
            fields = {m.field for m in group.mutations} | set(group.required)
            assert all(m.cls is group.cls for m in group.mutations), group.name
            if any(m.alone for m in group.mutations):
                assert len(fields) == 1, f"{group.name}: a large field shares its test"
            else:
                assert group.name == group.cls.__name__


def test_the_nested_case_groups_small_fields_per_model() -> None:
    case = "nested"
    with imported(package_root(case), package_name(case)):
        suite = importlib.import_module(f"{package_name(case)}.tests.test_properties")
        per_model = Counter(g.cls.__name__ for g in suite.GROUPS if "." not in g.name)
        assert per_model and max(per_model.values()) == 1
        assert len(suite.GROUPS) < len({(m.cls, m.field) for m in suite.MUTATIONS})


def test_fields_with_large_bad_values_are_tested_alone() -> None:
    assert strategy_code.tested_alone(ArrayType(StringType(), None, 5, False))
    assert strategy_code.tested_alone(StringType(max_length=2048))
    assert strategy_code.tested_alone(StringType(min_length=100))
    assert not strategy_code.tested_alone(StringType(max_length=64, pattern="[a-z]+"))
    assert not strategy_code.tested_alone(NumericType(integer=True, minimum=1, maximum=10**9))
