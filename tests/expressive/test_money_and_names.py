"""Decimal money and users' own field names, end to end through the generated client.

`Decimal` is accepted wherever the plan says `number`, checked against the
bounds as written (`Decimal("0.10")` meets `minimum: 0.1`, although the float
0.1 is a little more than one tenth) and sent as its exact digits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
from generated_suite import imported
from golden_cases import GOLDEN, WARNINGS, package_name, package_root
from helpers import REPO, from_payload, run_doc_example, to_payload

from generated import Client, RecordingTransport, ValidationError, models
from generated._runtime import wire


def test_decimal_is_sent_as_its_exact_digits() -> None:
    transport = RecordingTransport()
    client = Client("site", "key", transport=transport, mode="sync")
    try:
        client.plan_changed("42", from_="free", to="pro", mrr=Decimal("49.90"))
    finally:
        client.close()
    [request] = transport.requests
    assert b'"mrr":49.90' in request.raw
    assert json.loads(request.raw, parse_float=Decimal)["batch"][0]["attributes"]["mrr"] == (
        Decimal("49.90")
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("9.50"), "9.50"),
        (Decimal("-0"), "-0"),
        (Decimal("1E+2"), "1E+2"),
        (Decimal("0.0000001"), "1E-7"),
        (Decimal("123456789012345678901234567890.5"), "123456789012345678901234567890.5"),
    ],
)
def test_every_decimal_is_written_as_a_json_number(value: Decimal, text: str) -> None:
    encoded = wire._encode_any({"a": [value, {"b": value}], "s": "x"})
    assert encoded == f'{{"a":[{text},{{"b":{text}}}],"s":"x"}}'
    assert json.loads(encoded, parse_float=Decimal)["a"][0] == value


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_non_finite_decimals_are_rejected(bad: Decimal) -> None:
    with pytest.raises(ValidationError) as caught:
        models.PlanChanged(from_="free", to="pro", mrr=bad)
    assert caught.value.rule == "type"
    with pytest.raises(ValueError, match="not a JSON number"):
        wire._encode_any({"x": bad})


def test_objects_json_cannot_write_still_fail_with_the_first_error() -> None:
    with pytest.raises(TypeError, match="event data is not JSON-serializable: Object of type set"):
        wire._json_object({"x": {1, 2}}, "event data")


def _golden(case: str) -> Iterator[ModuleType]:
    with imported(package_root(case), package_name(case)) as package:
        yield package


@pytest.fixture(scope="module")
def numbers() -> Iterator[ModuleType]:
    yield from _golden("numbers")


@pytest.fixture(scope="module")
def names() -> Iterator[ModuleType]:
    yield from _golden("names")


def test_decimal_bounds_are_the_bounds_as_written(numbers: ModuleType) -> None:
    measured = numbers.models.Measured
    assert measured(count=1, price=Decimal("0.1")).price == Decimal("0.1")
    assert measured(count=1, price=Decimal("0.10")).price == Decimal("0.10")
    assert measured(count=1, price=0.1).price == 0.1
    assert measured(count=1, price=Decimal("1000000.49")).price == Decimal("1000000.49")
    for bad, rule in ((Decimal("0.0999"), "minimum"), (Decimal("1000000.5"), "exclusiveMaximum")):
        with pytest.raises(numbers.ValidationError) as caught:
            measured(count=1, price=bad)
        assert caught.value.rule == rule
    with pytest.raises(numbers.ValidationError) as caught:
        measured(count=1, prices=[Decimal("1"), Decimal("0")])
    assert (caught.value.field, caught.value.rule) == ("measured.prices[1]", "exclusiveMinimum")


def test_value_data_and_payload_keep_their_names(names: ModuleType) -> None:
    transport = names.RecordingTransport()
    client = names.Client("site", "key", transport=transport, mode="sync")
    try:
        client.order_completed(
            "42", value=Decimal("9.50"), data="d", payload="p", event="e", cls=1, class_="c"
        )
        client.order_completed_anonymous("visitor", value=1, data="d")
        client.identify("42", value=3.5, data="x", attributes="a", payload="p")
    finally:
        client.close()
    first, anonymous, identify = transport.operations()
    assert first["attributes"] == {
        "value": 9.5,
        "data": "d",
        "payload": "p",
        "event": "e",
        "cls": 1,
        "class": "c",
    }
    assert anonymous["identifiers"] == {"anonymous_id": "visitor"}
    assert anonymous["attributes"] == {"value": 1, "data": "d"}
    assert identify["attributes"] == {"value": 3.5, "data": "x", "attributes": "a", "payload": "p"}
    event = names.models.OrderCompleted(value=1, data="d")
    assert from_payload(names.models.OrderCompleted, to_payload(event)) == event


def test_every_rename_is_reported() -> None:
    warnings = (GOLDEN / "names" / WARNINGS).read_text(encoding="utf-8")
    renamed = re.findall(r"property '([^']+)' is '([^']+)' in Python", warnings)
    assert renamed == [("_v", "v"), ("class", "class_"), ("2fa", "field_2fa")]


def test_testing_doc_compares_recorded_decimals_the_way_that_holds(tmp_path: Path) -> None:
    """docs/testing.md's RecordingTransport check holds when the strategies draw a Decimal."""
    doc = (REPO / "docs" / "testing.md").read_text(encoding="utf-8")
    assert run_doc_example(doc, "recording-decimal-example", tmp_path).strip() == "1"
    assert 'assert operation["attributes"] == to_payload(event)\n' not in doc
