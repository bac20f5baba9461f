"""Differential tests: our validation and strategies against independent implementations.

hypothesis-jsonschema generates payloads from each exported JSON Schema without
knowing anything about ciogen; `jsonschema` (format checking on) validates
payloads without knowing anything about ciogen. For this repo's `generated/`
and the golden packages:

* every payload hypothesis-jsonschema generates is valid for `jsonschema`, is
  accepted by the dataclass's `from_payload`, and round-trips exactly;
* every value our generated strategies produce serializes to a payload that
  `jsonschema` accepts;
* the golden packages' own generated property tests pass.

A disagreement is a bug in `_checks.py`, the generated checks, the exported
schema or the strategies; fix it there rather than filtering it here.
"""

from __future__ import annotations

import functools
import importlib
import json
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from generated_suite import CUSTOM_FORMATS, imported, run_generated_tests
from golden_cases import GOLDEN, package_name, package_root
from helpers import REPO, from_payload, to_payload
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from ciogen.load import load_file
from ciogen.render import build_output
from ciogen.strategy_code import strategy_names
from generated._runtime.wire import _encode_any

PACKAGES = {
    "generated": REPO,
    package_name("hostile"): package_root("hostile"),
    package_name("nested"): package_root("nested"),
}

TAXONOMIES = {
    "generated": REPO / "taxonomy.yaml",
    package_name("hostile"): GOLDEN / "hostile" / "taxonomy.yaml",
    package_name("nested"): GOLDEN / "nested" / "taxonomy.yaml",
}


def _schemas() -> list[tuple[str, str]]:
    return [
        (package, path.relative_to(root / package / "schemas").as_posix())
        for package, root in PACKAGES.items()
        for path in sorted((root / package / "schemas").glob("**/*.json"))
    ]


SCHEMAS = _schemas()
IDS = [f"{package}/{schema}" for package, schema in SCHEMAS]


@pytest.fixture(scope="module")
def packages() -> Iterator[dict[str, ModuleType]]:
    # This repo's own package stays imported (other test modules share it);
    # the golden packages are imported from their folders and forgotten after.
    with (
        imported(PACKAGES["golden_hostile"], "golden_hostile") as hostile,
        imported(PACKAGES["golden_nested"], "golden_nested") as nested,
    ):
        loaded = {
            "generated": importlib.import_module("generated"),
            "golden_hostile": hostile,
            "golden_nested": nested,
        }
        for name in loaded:
            # Test-time modules, which the package's __init__ does not import
            # (and which must not be imported inside a running @given test).
            importlib.import_module(f"{name}.strategies")
            importlib.import_module(f"{name}.tests.test_properties")
        yield loaded


@functools.cache
def _document(package: str, schema: str) -> dict[str, Any]:
    path = PACKAGES[package] / package / "schemas" / schema
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


@functools.cache
def _validator(package: str, schema: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        _document(package, schema), format_checker=jsonschema.FormatChecker()
    )


@functools.cache
def _from_schema(package: str, schema: str) -> st.SearchStrategy[Any]:
    return from_schema(_document(package, schema), custom_formats=CUSTOM_FORMATS)


def _model(module: ModuleType, package: str, schema: str) -> tuple[type[Any], Any]:
    """The dataclass a schema file describes, and the generated strategy for it."""
    if schema == "person_attributes.json":
        return module.models.PersonAttributes, module.strategies.person_attributes
    if schema.startswith("app/"):
        # A message's or broadcast's data: `schemas/app/<method>.json`.
        class_name, strategy = _app_models(package)[schema.removeprefix("app/")]
        return getattr(module.models, class_name), getattr(module.strategies, strategy)
    title = _document(package, schema)["title"]
    return module.models.EVENT_TYPES[title], module.strategies.EVENT_STRATEGIES[title]


@functools.cache
def _app_models(package: str) -> dict[str, tuple[str, str]]:
    """`<method>.json` -> (data class, strategy function) of each message and broadcast."""
    taxonomy, _ = load_file(TAXONOMIES[package])
    names = strategy_names(taxonomy)
    return {
        f"{item.method_name}.json": (item.model.class_name, names[item.model.class_name])
        for item in (*taxonomy.messages, *taxonomy.broadcasts)
    }


@pytest.mark.parametrize(("package", "schema"), SCHEMAS, ids=IDS)
@given(data=st.data())
def test_schema_generated_payloads_are_accepted_and_round_trip(
    packages: dict[str, ModuleType], package: str, schema: str, data: st.DataObject
) -> None:
    cls, _ = _model(packages[package], package, schema)
    payload = data.draw(_from_schema(package, schema), label="payload")
    errors = [e.message for e in _validator(package, schema).iter_errors(payload)]
    assert not errors, f"hypothesis-jsonschema generated a payload jsonschema rejects: {errors}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        value = from_payload(cls, payload)
        assert to_payload(value) == payload
        assert from_payload(cls, json.loads(json.dumps(payload))) == value


@pytest.mark.parametrize(("package", "schema"), SCHEMAS, ids=IDS)
@given(data=st.data())
def test_integral_floats_are_integers_as_json_schema_says(
    packages: dict[str, ModuleType], package: str, schema: str, data: st.DataObject
) -> None:
    """JSON Schema's `integer` includes 1.0 (and `json` reads `1.0` as a float):
    such payloads are valid, so `from_payload` must accept them too."""
    cls, _ = _model(packages[package], package, schema)
    payload = data.draw(_from_schema(package, schema), label="payload")
    floats = json.loads(json.dumps(payload), parse_int=float)
    assert not [e.message for e in _validator(package, schema).iter_errors(floats)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        value = from_payload(cls, floats)
        assert to_payload(value) == floats
        if floats == payload:  # (integers beyond 2**53 have no exact float)
            assert value == from_payload(cls, payload)


@pytest.mark.parametrize(("package", "schema"), SCHEMAS, ids=IDS)
@given(data=st.data())
def test_strategy_values_validate_against_the_schema(
    packages: dict[str, ModuleType], package: str, schema: str, data: st.DataObject
) -> None:
    _, strategy = _model(packages[package], package, schema)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        value = data.draw(strategy(), label="value")
        # The runtime's own encoder: Decimals go out as their exact digits.
        payload = json.loads(_encode_any(to_payload(value)))
    errors = [e.message for e in _validator(package, schema).iter_errors(payload)]
    assert not errors


@pytest.mark.parametrize("package", ["golden_hostile", "golden_nested"])
def test_golden_packages_generated_property_tests_pass(
    packages: dict[str, ModuleType], package: str
) -> None:
    """The golden packages' own generated tests (pytest does not collect tests/golden/)."""
    assert run_generated_tests(packages[package].tests.test_properties) > 10


def test_differential_covers_every_schema() -> None:
    """The tests above run on every schema each taxonomy exports: one per event, plus the
    person attributes. A schema missing from disk, or one the glob misses, fails here."""
    taxonomies = TAXONOMIES
    assert set(taxonomies) == set(PACKAGES)
    expected = []
    for package, path in taxonomies.items():
        taxonomy, _ = load_file(path)
        files = build_output(taxonomy, package)
        expected += [(package, rel.split("/", 1)[1]) for rel in files if rel.startswith("schemas/")]
        app = len(taxonomy.messages) + len(taxonomy.broadcasts)
        assert sum(p == package for p, _ in expected) == len(taxonomy.events) + 1 + app
    assert sorted(SCHEMAS) == sorted(expected)
