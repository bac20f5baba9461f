"""Unions: `type: [string, number]` and `oneOf` of scalars and objects, end to end.

The golden case `unions` holds a Segment-style `query` (a string or one of two
query objects told apart by a key only each has), a payment told apart by a
`const` discriminator, `company_id: [string, integer]` with each type's own
bounds, and union items in an array; `unions_errors` holds the unions that
cannot be decided (an int is a number, two objects alike, a map and an object).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Iterator
from decimal import Decimal
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from generated_suite import imported
from golden_cases import GOLDEN, package_name, package_root
from helpers import from_payload, to_payload


@pytest.fixture(scope="module")
def unions() -> Iterator[ModuleType]:
    with imported(package_root("unions"), package_name("unions")) as package:
        yield package


def _schema(name: str) -> dict[str, Any]:
    path = package_root("unions") / package_name("unions") / "schemas" / name
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _sent(unions: ModuleType, method: str, **kwargs: Any) -> dict[str, Any]:
    transport = unions.RecordingTransport()
    client = unions.Client("site", "key", transport=transport, mode="sync")
    try:
        getattr(client, method)("42", **kwargs)
    finally:
        client.close()
    [operation] = transport.operations()
    attributes: dict[str, Any] = operation["attributes"]
    return attributes


@pytest.mark.parametrize(
    "query",
    [
        "red shoes",
        ("TextQuery", {"text": "red shoes"}),
        ("FilterQuery", {"field": "size", "equals": 42}),
        ("FilterQuery", {"field": "new", "equals": True}),
    ],
)
def test_each_member_is_sent_and_read_back_as_itself(unions: ModuleType, query: Any) -> None:
    models = unions.models
    value = query if isinstance(query, str) else getattr(models, query[0])(**query[1])
    sent = _sent(unions, "products_searched", query=value, page=None)
    wire = query if isinstance(query, str) else query[1]
    assert sent == {"query": wire, "page": None}
    jsonschema.validate(sent, _schema("products_searched.json"))
    assert from_payload(models.ProductsSearched, sent) == models.ProductsSearched(
        query=value, page=None
    )


def test_objects_are_told_apart_by_their_discriminator(unions: ModuleType) -> None:
    models = unions.models
    for payment in (models.Card(method="card", last4="4242"), models.Invoice(method="invoice")):
        event = models.OrderPaid(payment=payment, amount=Decimal("9.50"))
        payload = to_payload(event)
        jsonschema.validate(payload, _schema("order_paid.json"))
        assert from_payload(models.OrderPaid, payload) == event
    assert to_payload(models.OrderPaid(payment=None)) == {"payment": None, "amount": 0}


@pytest.mark.parametrize(
    ("cls", "kwargs", "field", "rule"),
    [
        ("ProductsSearched", {"query": 3, "page": 1}, "products_searched.query", "type"),
        (
            "ProductsSearched",
            {"query": "x" * 201, "page": 1},
            "products_searched.query",
            "maxLength",
        ),
        (
            "ProductsSearched",
            {"query": "q", "page": 1, "score": 0},
            "products_searched.score",
            "exclusiveMinimum",
        ),
        (
            "ProductsSearched",
            {"query": "q", "page": 1, "score": "nope"},
            "products_searched.score",
            "format",
        ),
        (
            "ProductsSearched",
            {"query": "q", "page": 1, "tags": ["a", 1.5]},
            "products_searched.tags[1]",
            "type",
        ),
        (
            "ProductsSearched",
            {"query": "q", "page": 1, "when": dt.datetime(2024, 1, 1)},
            "products_searched.when",
            "timezone",
        ),
        ("OrderPaid", {"payment": None, "amount": "9.5"}, "order_paid.amount", "pattern"),
        ("OrderPaid", {"payment": None, "amount": True}, "order_paid.amount", "type"),
        ("PersonAttributes", {"company_id": 0}, "attributes.company_id", "minimum"),
        ("PersonAttributes", {"company_id": ""}, "attributes.company_id", "minLength"),
    ],
)
def test_the_member_of_the_value_s_type_checks_it(
    unions: ModuleType, cls: str, kwargs: dict[str, Any], field: str, rule: str
) -> None:
    with pytest.raises(unions.ValidationError) as caught:
        getattr(unions.models, cls)(**kwargs)
    assert (caught.value.field, caught.value.rule) == (field, rule)


def test_an_object_no_member_claims_is_a_type_error(unions: ModuleType) -> None:
    with pytest.raises(unions.ValidationError) as caught:
        from_payload(unions.models.ProductsSearched, {"query": {"other": 1}, "page": 1})
    assert (caught.value.field, caught.value.rule) == ("products_searched.query", "type")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"query": {"other": 1}, "page": 1}, _schema("products_searched.json"))


def test_the_signature_names_every_member(unions: ModuleType) -> None:
    root = package_root("unions") / package_name("unions")
    source = (root / "_events" / "products_searched.py").read_text(encoding="utf-8")
    assert "query: str | TextQuery | FilterQuery," in source
    assert "score: float | _dec.Decimal | str | None = None," in source
    client = (root / "client.py").read_text(encoding="utf-8")
    assert "query: str | _m.TextQuery | _m.FilterQuery," in client


def test_undecidable_unions_are_located_errors() -> None:
    errors = (GOLDEN / "unions_errors" / "expected_errors.txt").read_text(encoding="utf-8")
    for expected in (
        "ambiguous_numbers.properties.n.type: this number cannot be told apart from the integer",
        "ambiguous_objects.properties.o: the objects of this union cannot be told apart: A, B",
        "two_strings.properties.s.oneOf[1]: this string cannot be told apart from the string",
        "keyword_for_none.properties.k.maxItems: 'maxItems' applies to none of string, number",
        "map_and_object.properties.m.oneOf[1]: this object A cannot be told apart from the map",
        "nested_nullable.properties.v.oneOf[0]: a union member cannot be nullable",
    ):
        assert expected in errors


def test_an_enum_member_is_broken_by_a_value_of_its_own_type(unions: ModuleType) -> None:
    """The generated tests mutate an enum member with values of its own type only: a value
    of another type may be another member's (`source` takes `web`, `app` or an integer)."""
    searched = unions.models.ProductsSearched
    assert to_payload(searched(query="q", page=1, source="web"))["source"] == "web"
    for source, rule in (("tv", "enum"), (0, "minimum"), (1.5, "type")):
        with pytest.raises(unions.ValidationError) as caught:
            searched(query="q", page=1, source=source)
        assert (caught.value.field, caught.value.rule) == ("products_searched.source", rule)
    tests = importlib.import_module(f"{package_name('unions')}.tests.test_properties")
    rows = [(m.field, m.rule) for group in tests.GROUPS for m in group.mutations]
    assert rows.count(("source", "enum")) == 1
    assert rows.count(("ranked", "enum")) == 2  # `true` and `1.5 | 2.5`
