"""Golden trees: the generator's whole output, compared, type-checked, linted, imported, run."""

from __future__ import annotations

import datetime as dt
import difflib
import importlib
import os
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from generated_suite import imported, run_generated_tests
from golden_cases import (
    GOLDEN,
    REGEN_COMMAND,
    build_case,
    cases,
    is_copied,
    package_name,
    package_root,
    read_case,
    read_tree,
    valid_cases,
)
from helpers import REPO, ciogen, from_payload, ruff_generated, to_payload

from ciogen import output
from ciogen.load import load_file
from ciogen.render import build_output

VALID_CASES = valid_cases()
UTC = dt.UTC


def _diff(expected: dict[str, str], actual: dict[str, str]) -> str:
    lines: list[str] = []
    for rel in sorted(set(expected) | set(actual)):
        if rel not in expected:
            lines.append(f"unexpected file: {rel}\n")
        elif rel not in actual:
            lines.append(f"missing file: {rel}\n")
        elif expected[rel] != actual[rel]:
            lines.extend(
                difflib.unified_diff(
                    expected[rel].splitlines(keepends=True),
                    actual[rel].splitlines(keepends=True),
                    rel,
                    rel,
                )
            )
    return "".join(lines)[:6000]


@pytest.mark.parametrize("case", cases())
def test_golden_case(case: str) -> None:
    expected = read_case(case)
    result = build_case(case)
    assert result == expected, (
        f"golden case {case} differs; if intended run: {REGEN_COMMAND}\n{_diff(expected, result)}"
    )


def test_repo_generated_matches_taxonomy() -> None:
    """This repo's own generated/ is the golden tree of its taxonomy.yaml."""
    taxonomy, _ = load_file(REPO / "taxonomy.yaml")
    files = build_output(taxonomy, "generated")
    result = output.plan(REPO / "generated", files)
    assert not result.drifted, (
        f"generated/ is out of date (changed {result.changed}, missing {result.missing}, "
        f"stale {result.stale}); run: ciogen generate"
    )


def test_output_is_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    trees = []
    for seed in ("0", "1"):
        # A project whose [tool.ciogen] names the paths: headers then say a bare
        # `ciogen generate`, as the golden tree (built in memory) does.
        project = tmp_path / f"seed{seed}"
        project.mkdir()
        shutil.copy(GOLDEN / "hostile" / "taxonomy.yaml", project / "taxonomy.yaml")
        (project / "pyproject.toml").write_text('[tool.ciogen]\nout = "golden_hostile"\n')
        out = project / "golden_hostile"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = ciogen("generate", cwd=project, env=env)
        assert result.returncode == 0, result.stderr
        trees.append(read_tree(out))
    assert trees[0] == trees[1]
    expected = {k: v for k, v in read_case("hostile").items() if k.startswith("expected/")}
    prefix = f"expected/{package_name('hostile')}/"
    assert {prefix + rel: text for rel, text in trees[0].items() if not is_copied(rel)} == expected


def _package_roots() -> list[tuple[str, Path]]:
    roots = [(package_name(c), package_root(c)) for c in VALID_CASES]
    return [("generated", REPO), *roots]


def test_generated_code_passes_ruff(tmp_path: Path) -> None:
    result = ruff_generated([root / name for name, root in _package_roots()], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_code_passes_mypy_strict(tmp_path: Path) -> None:
    roots = _package_roots()
    env = {**os.environ, "MYPYPATH": os.pathsep.join(str(root) for _, root in roots)}
    args = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--no-incremental",
    ]
    for name, _ in roots:
        args += ["-p", name]
    result = subprocess.run(
        args, capture_output=True, text=True, check=False, env=env, cwd=tmp_path, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Iterator[ModuleType]:
    case = request.param
    root = str(package_root(case))
    sys.path.insert(0, root)
    try:
        yield importlib.import_module(package_name(case))
    finally:
        sys.path.remove(root)
        for name in [
            m
            for m in sys.modules
            if m == package_name(case) or m.startswith(package_name(case) + ".")
        ]:
            del sys.modules[name]


def _rejects(fn: object, rule: str, field: str, **kwargs: object) -> None:
    with pytest.raises(ValueError) as info:
        fn(**kwargs)  # type: ignore[operator]
    assert getattr(info.value, "rule", None) == rule, info.value
    assert getattr(info.value, "field", None) == field, info.value


@pytest.mark.parametrize("golden", ["hostile"], indirect=True)
def test_hostile_package_runs(golden: ModuleType) -> None:
    m = golden
    choice = m.Model1stChoice(from_="x", import_=-5, self=True, to_payload=1.5)
    assert to_payload(choice) == {"from": "x", "import": -5, "self": True, "to_payload": 1.5}
    event = m.Class(def_='"""', field_1st="'\\\"", lambda_=choice, with_dash=None, person="p")
    payload = to_payload(event)
    assert payload["def"] == '"""' and payload["1st"] == "'\\\"" and payload["person"] == "p"
    assert from_payload(m.Class, payload) == event
    assert m.Class.EVENT_NAME == "class"
    # Descriptions reach the method docstring as written (the golden plan's `notes`).
    assert "notes: \\N{BULLET} not a bullet; bell\x07, escape\x1b[31m" in (
        m.Client.class_.__doc__ or ""
    )
    _rejects(m.Class, "enum", "class.def", def_="nope", field_1st="'")
    _rejects(m.Class, "pattern", "class.1st", def_="{}", field_1st="abc")
    _rejects(m.Class, "minimum", "class.with-dash", def_="{}", field_1st="'", with_dash=-1)
    _rejects(
        m.Class,
        "timezone",
        "class.timestamp",
        def_="{}",
        field_1st="'",
        timestamp=dt.datetime(2020, 1, 1),
    )
    _rejects(m.Model1stChoice, "exclusiveMaximum", "1st-choice.import", from_="x", import_=10)
    ev = m.ArgerEreignis(grosse=1.5, list=["a", "b"])
    assert to_payload(ev) == {"größe": 1.5, "list": ["a", "b"]}
    _rejects(m.ArgerEreignis, "exclusiveMinimum", "Ärger-Ereignis.größe", grosse=0)
    _rejects(m.ArgerEreignis, "uniqueItems", "Ärger-Ereignis.list", list=["a", "a"])
    _rejects(m.ArgerEreignis, "maxLength", "Ärger-Ereignis.list[1]", list=["a", "abcd"])
    assert to_payload(m.Event2ndEvent(true=True, none="None")) == {"True": True, "None": "None"}
    _rejects(m.Event2ndEvent, "enum", "2nd event.True", true=False)
    assert "Use `class` instead" in (m.Event2ndEvent.DEPRECATION or "")
    people = m.PersonAttributes(first_name="A", unicode_name="B")
    assert to_payload(people) == {"first-name": "A", "Ünïcödé Näme": "B"}
    client = m.Client("site", "key", transport=m.RecordingTransport(), mode="sync")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.event_2nd_event("42", true=True)
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    client.identify_event("42", payload="x")
    client.flush_event("42")
    client.arger_ereignis_anonymous("anon-1", grosse=0.5)
    client.close()


@pytest.mark.parametrize("golden", ["nested"], indirect=True)
def test_nested_package_runs(golden: ModuleType) -> None:
    m = golden
    home = m.Address(street="1 Main St", country="DE", geo=m.AddressGeo(lat=52.5, lon=13.4))
    parcel = m.OrderShippedShipmentParcelsItem(
        weight_kg=1.2, dimensions=[1, 2, 3], tags=["red", "blue"]
    )
    shipment = m.OrderShippedShipment(to=home, parcels=[parcel])
    when = dt.datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    event = m.OrderShipped(
        shipment=shipment, shipped_at=when, matrix=[[1.0, 2.5], []], history=[when]
    )
    payload = to_payload(event)
    assert payload["shipped_at"] == 1714564800 and payload["history"] == [1714564800]
    assert payload["shipment"]["parcels"][0] == {
        "weight_kg": 1.2,
        "dimensions": [1, 2, 3],
        "tags": ["red", "blue"],
    }
    assert from_payload(m.OrderShipped, payload) == event
    _rejects(m.Address, "pattern", "address.country", street="x", country="de")
    _rejects(m.AddressGeo, "maximum", "address.geo.lat", lat=91, lon=0)
    _rejects(
        m.OrderShippedShipmentParcelsItem,
        "minItems",
        "order_shipped.shipment.parcels[].dimensions",
        weight_kg=1,
        dimensions=[1],
    )
    _rejects(
        m.OrderShippedShipmentParcelsItem,
        "enum",
        "order_shipped.shipment.parcels[].tags[0]",
        weight_kg=1,
        tags=["pink"],
    )
    _rejects(
        m.OrderShippedShipmentParcelsItem,
        "uniqueItems",
        "order_shipped.shipment.parcels[].tags",
        weight_kg=1,
        tags=["red", "red"],
    )
    _rejects(m.OrderShipped, "type", "order_shipped.shipment", shipment={"to": {}}, shipped_at=when)
    _rejects(
        m.OrderShipped,
        "maxItems",
        "order_shipped.matrix[0]",
        shipment=shipment,
        shipped_at=when,
        matrix=[[1.0] * 5],
    )
    with pytest.raises(m.ValidationError) as info:
        from_payload(m.OrderShipped, {**payload, "surprise": 1})
    assert info.value.field == "order_shipped.surprise"
    with pytest.raises(m.ValidationError) as info:
        from_payload(m.OrderShipped, {"shipped_at": 1})
    assert info.value.rule == "required"


@pytest.mark.parametrize("case", VALID_CASES)
def test_golden_package_passes_its_generated_property_tests(case: str) -> None:
    """Each feature's package round-trips valid data and rejects every single-rule mutation
    (pytest does not collect tests under tests/golden/, so they run from here)."""
    with imported(package_root(case), package_name(case)):
        importlib.import_module(f"{package_name(case)}.strategies")
        tests = importlib.import_module(f"{package_name(case)}.tests.test_properties")
        # Every row ran: a round trip per model, a rules test per group, the attributes' send.
        assert run_generated_tests(tests) == len(tests.MODELS) + len(tests.GROUPS) + 1
