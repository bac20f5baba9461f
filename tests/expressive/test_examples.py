"""`examples:` in the plan flow into the class docstrings (editor hover) and into the
strategies, which draw them as they are besides any other valid value (Hypothesis
tries them early); an example that breaks its own property is a located error.
Golden cases: `nullable_defaults` (scalar examples; unions of scalars are drawn too: the
Segment B2B plan's `company.id`), `dates` (ISO strings, shown as
written and drawn as the date objects they stand for), `nullable_defaults_errors` (a bad one).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from generated_suite import imported
from golden_cases import GOLDEN, package_name, package_root
from helpers import REPO
from hypothesis import find, settings

from ciogen.load import load_file
from ciogen.render import build_output


@pytest.fixture(scope="module")
def defaults() -> Iterator[ModuleType]:
    case = "nullable_defaults"
    with imported(package_root(case), package_name(case)) as package:
        yield package


def test_examples_are_in_the_docstring(defaults: ModuleType) -> None:
    doc = defaults.models.Configured.__doc__
    assert "Examples from the plan:" in doc
    assert "* label: 'hello'" in doc or '* label: "hello"' in doc
    assert "* retries: 0, 5" in doc


def test_the_strategies_draw_the_examples(defaults: ModuleType) -> None:
    strategies = importlib.import_module(defaults.__name__ + ".strategies")
    strategy = strategies.configured()
    found = find(
        strategy,
        lambda c: c.label == "hello" and c.retries == 5,
        settings=settings(max_examples=500, database=None),
    )
    assert (found.label, found.retries) == ("hello", 5)


def test_date_examples_are_shown_and_drawn_as_date_objects() -> None:
    """The plan writes ISO text; the docstring shows it, the strategies draw the date and
    the aware datetime it stands for (the argument is a date object, not the text)."""
    models = (package_root("dates") / package_name("dates") / "models.py").read_text(
        encoding="utf-8"
    )
    assert '* birthday: "1990-04-01"' in models
    with imported(package_root("dates"), package_name("dates")) as package:
        strategies = importlib.import_module(package.__name__ + ".strategies")
        found = find(
            strategies.person_attributes(),
            lambda p: (
                p.birthday == dt.date(1990, 4, 1)
                and p.trial_ends_at == dt.datetime(2018, 9, 20, 4, 9, 47, tzinfo=dt.UTC)
            ),
            settings=settings(max_examples=2000, database=None),
        )
        assert type(found.birthday) is dt.date
        assert found.trial_ends_at.utcoffset() == dt.timedelta(0)


def test_an_example_that_breaks_its_property_is_located() -> None:
    errors = (GOLDEN / "nullable_defaults_errors" / "expected_errors.txt").read_text(
        encoding="utf-8"
    )
    assert (
        "events.bad.properties.bad_example.examples[0]: example does not fit its own schema:"
        " -1 is less than the minimum of 0"
    ) in errors


def test_the_strategies_draw_the_examples_of_a_scalar_union(tmp_path: Path) -> None:
    """`company.id: [string, number]` with `examples: [acct_1, 123]` (Segment B2B plan)."""
    taxonomy, _ = load_file(REPO / "examples" / "segment-b2b-saas.yaml")
    for rel, text in build_output(taxonomy, "b2b").items():
        path = tmp_path / "b2b" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    with imported(tmp_path, "b2b") as package:
        strategies = importlib.import_module(package.__name__ + ".strategies")
        for wanted in ("acct_1", 123):
            found = find(
                strategies.account_company(),
                lambda c, wanted=wanted: c.id == wanted and type(c.id) is type(wanted),
                settings=settings(max_examples=500, database=None),
            )
            assert found.id == wanted
