"""Open maps (`additionalProperties: <schema>`): typed `Mapping[str, V]`s, end to end.

The golden case `maps` holds string, number, array, timestamp and object values;
`maps_errors` the mistakes (an object with both listed properties and a map,
untyped values, required keys, nullable values). Objects with `properties`
stay closed: an extra key is still rejected, in Python and in the schema.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from types import MappingProxyType, ModuleType

import jsonschema
import pytest
from generated_suite import imported
from golden_cases import GOLDEN, package_name, package_root
from helpers import from_payload, to_payload


@pytest.fixture(scope="module")
def maps() -> Iterator[ModuleType]:
    with imported(package_root("maps"), package_name("maps")) as package:
        yield package


def _schema(name: str) -> dict[str, object]:
    path = package_root("maps") / package_name("maps") / "schemas" / name
    loaded: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_a_map_takes_any_keys_and_sends_them_as_a_json_object(maps: ModuleType) -> None:
    transport = maps.RecordingTransport()
    client = maps.Client("site", "key", transport=transport, mode="sync")
    seen = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
    try:
        client.page_viewed(
            "42",
            context=MappingProxyType({"ip": "10.0.0.1", "page.url": "/x"}),
            prices={"eur": Decimal("9.50"), "usd": 10},
            tags={"a": ["x", "y"]},
            seen={"first": seen},
            blocks={"hero": maps.models.PageViewedBlocksValue(title="Hi")},
        )
    finally:
        client.close()
    [operation] = transport.operations()
    assert operation["attributes"] == {
        "context": {"ip": "10.0.0.1", "page.url": "/x"},
        "prices": {"eur": 9.5, "usd": 10},
        "tags": {"a": ["x", "y"]},
        "seen": {"first": int(seen.timestamp())},
        "blocks": {"hero": {"title": "Hi"}},
    }
    jsonschema.validate(operation["attributes"], _schema("page_viewed.json"))


def test_from_payload_reads_a_map_back(maps: ModuleType) -> None:
    event = maps.models.PageViewed(
        context={"k": "v"},
        seen={"t": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)},
        blocks={"b": maps.models.PageViewedBlocksValue(title="t")},
    )
    assert from_payload(maps.models.PageViewed, to_payload(event)) == event


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"context": ["not", "a", "map"]}, "page_viewed.context", "type"),
        ({"context": {1: "v"}}, "page_viewed.context[1]", "type"),
        ({"context": {"ip": 7}}, "page_viewed.context['ip']", "type"),
        ({"context": {}, "prices": {"eur": -1}}, "page_viewed.prices['eur']", "minimum"),
        ({"context": {}, "tags": {"t": ["ok", ""]}}, "page_viewed.tags['t'][1]", "minLength"),
        (
            {"context": {}, "seen": {"t": dt.datetime(2024, 1, 1)}},
            "page_viewed.seen['t']",
            "timezone",
        ),
    ],
)
def test_a_bad_value_is_reported_at_its_key(
    maps: ModuleType, kwargs: dict[str, object], field: str, rule: str
) -> None:
    with pytest.raises(maps.ValidationError) as caught:
        maps.models.PageViewed(**kwargs)
    assert (caught.value.field, caught.value.rule) == (field, rule)


def test_objects_with_properties_stay_closed(maps: ModuleType) -> None:
    with pytest.raises(maps.ValidationError) as caught:
        from_payload(maps.models.PageViewed, {"context": {}, "extra": 1})
    assert caught.value.rule == "unknown"
    schema = _schema("page_viewed.json")
    assert schema["additionalProperties"] is False
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"context": {}, "extra": 1}, schema)
    properties = schema["properties"]
    assert isinstance(properties, dict)
    assert properties["context"]["additionalProperties"] == {"type": "string"}
    assert properties["blocks"]["additionalProperties"]["additionalProperties"] is False


def test_the_signature_is_a_typed_mapping(maps: ModuleType) -> None:
    source = (package_root("maps") / package_name("maps") / "_events" / "page_viewed.py").read_text(
        encoding="utf-8"
    )
    assert "context: _t.Mapping[str, str]," in source
    assert "prices: _t.Mapping[str, float | _dec.Decimal] | None = None," in source


def test_map_mistakes_are_located() -> None:
    errors = (GOLDEN / "maps_errors" / "expected_errors.txt").read_text(encoding="utf-8")
    assert "events.both.properties.mixed.additionalProperties: an object has either" in errors
    assert (
        "events.untyped.properties.any.additionalProperties: additionalProperties: true" in errors
    )
    assert "events.required_keys.properties.map.required: a map has no required keys" in errors
    assert "events.nullable_values.properties.map.additionalProperties: map values cannot" in errors
