"""A user's field name wins over the generated code's own names (golden case `field_names`).

Fields named `self`, `person`, `anonymous_id`, `timestamp`, `value`, `data`, `payload`,
`type`, `id`, `print`, `timeout`, `match`, ... keep their names in the models, the
client methods and the wire; the generated parameters give way (`_self`, a
positional-only `_person` / `_anonymous_id`, the `timestamp_=` option). What is still
renamed is a Python keyword (`class` → `class_`; soft keywords like `match` and `type`
are valid names and kept); `generate` reports each one, and each option that gave way,
located. Builtin names and `to_payload` have their own case: test_builtin_names.py.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from generated_suite import imported
from golden_cases import GOLDEN, WARNINGS, package_name, package_root
from helpers import from_payload, to_payload

FIELDS: dict[str, Any] = {
    "self": "s",
    "value": 1.5,
    "data": "d",
    "payload": "p",
    "type": "a",
    "id": "i",
    "print": True,
    "timeout": 2.5,
    "person": "the person field",
    "anonymous_id": "the anonymous_id field",
    "timestamp": "the timestamp field",
    "attributes": "at",
    "event": "ev",
    "cls": "c",
    "match": "m",
    "case": "k",
}


@pytest.fixture(scope="module")
def pkg() -> Iterator[ModuleType]:
    with imported(package_root("field_names"), package_name("field_names")) as package:
        yield package


def test_the_fields_keep_their_names_in_the_model(pkg: ModuleType) -> None:
    event = pkg.models.Internals(**FIELDS, list=["x"], class_="k", to_payload="t")
    payload = to_payload(event)
    assert payload == {**FIELDS, "list": ["x"], "class": "k", "to_payload": "t"}
    assert from_payload(pkg.models.Internals, payload) == event
    assert event.self == "s" and event.person == "the person field"
    with pytest.raises(pkg.ValidationError) as caught:
        pkg.models.Internals(**{**FIELDS, "type": "c"})
    assert (caught.value.field, caught.value.rule) == ("internals.type", "enum")


def test_the_client_s_own_parameters_give_way(pkg: ModuleType) -> None:
    transport = pkg.RecordingTransport()
    client = pkg.Client("site", "key", transport=transport, mode="sync")
    when = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    try:
        client.internals("42", **FIELDS, timestamp_=when)
        client.internals_anonymous("visitor-1", **FIELDS)
        client.identify("43", email="a@example.com", self="me", person="p", timestamp=when)
        client.update_person("43", self="again", timestamp_=when)
        client.plain(person="44", note="n")  # no clash: `person` stays a keyword parameter
    finally:
        client.close()
    event, anonymous, identify, update, plain = transport.operations()
    assert event["identifiers"] == {"id": "42"} and event["attributes"] == FIELDS
    assert event["timestamp"] == int(when.timestamp())
    assert anonymous["identifiers"] == {"anonymous_id": "visitor-1"}
    assert anonymous["attributes"] == FIELDS
    assert identify["identifiers"] == {"id": "43"}
    assert identify["attributes"] == {
        "email": "a@example.com",
        "self": "me",
        "person": "p",
        "timestamp": int(when.timestamp()),
    }
    assert update["attributes"] == {"self": "again", "_update": True}
    assert update["timestamp"] == int(when.timestamp())
    assert plain["identifiers"] == {"id": "44"}
    signature = inspect.signature(pkg.Client.internals)
    kinds = {name: p.kind for name, p in signature.parameters.items()}
    assert kinds["_person"] is inspect.Parameter.POSITIONAL_ONLY
    assert kinds["person"] is kinds["self"] is kinds["timestamp_"] is inspect.Parameter.KEYWORD_ONLY


def test_every_remaining_rename_is_reported_located() -> None:
    warnings = (GOLDEN / "field_names" / WARNINGS).read_text(encoding="utf-8")
    renamed = re.findall(r"property '([^']+)' is '([^']+)' in Python: (.*) \(", warnings)
    assert renamed == [
        ("class", "class_", "'class' is a Python keyword"),
    ]
    options = re.findall(r"(\d+:\d+): warning: (\S+): property 'timestamp' is", warnings)
    assert options == [
        ("11:16", "attributes.properties.timestamp"),
        ("29:18", "events.internals.properties.timestamp"),
    ]
    assert "`timestamp_=` there" in warnings
