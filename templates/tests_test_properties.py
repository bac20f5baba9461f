"""Property tests of the generated package, parametrized with the plan's tables.

This file is copied verbatim into every generated package as
`tests/test_properties.py` (ciogen adds the "@generated" header): the tests are
the same for every plan; the plan's rows live in `tests/plan_tables.py`. For
every event, every nested object and the person attributes:

* valid values (from `strategies.py`) construct, serialize to JSON that
  validates against the exported schema and fits Customer.io's limits, and read
  back equal (`from_payload(X, to_payload(x)) == x`), a nested object inside the
  events that use it; a payload with an unknown key is rejected; each event is
  sent by the client as exactly one operation, with the wire names and a ULID
  id, through the in-memory `RecordingTransport`;
* for every rule of every field, a value that breaks exactly that rule is
  rejected when the model is built, with a `ValidationError` naming the field
  and the rule; leaving out a required argument is a `TypeError` naming it. The
  rows are grouped by model (a field whose bad values can be large, such as a
  list, has its own group): one valid value per example serves every rule of the
  group (one test per rule would draw a valid value per rule);
* the schema checks check formats: jsonschema's format extras are installed
  where the plan's schemas use `date-time` or `uri`.

Each strategy is built once (building and validating a strategy costs more
than drawing from it).
"""

import contextlib
import functools
import json
import pathlib
import re
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as _st

from .. import _strategies as _s
from .. import strategies
from .._checks import ValidationError, from_payload, to_payload
from .._runtime import MAX_EVENT_DATA_BYTES, MAX_OPERATION_BYTES, RecordingTransport
from ..client import Client
from . import PER_RULE, PROFILE
from .plan_tables import EVENTS, MODELS, MUTATIONS, REQUIRED

SCHEMAS = pathlib.Path(__file__).resolve().parent.parent / "schemas"
ULID = re.compile("[0-9A-HJKMNP-TV-Z]{26}")
GROUPS = _s.grouped(MUTATIONS, REQUIRED)
SENDS = {case.cls: case for case in EVENTS}
"""The client method of each event model (round-tripped values are also sent)."""


@functools.cache
def _built(strategy: Callable[[], _st.SearchStrategy[Any]]) -> _st.SearchStrategy[Any]:
    return strategy()


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Deprecated events and fields warn when used; these tests use all of them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


@functools.cache
def _validator(schema: str, partial: bool) -> jsonschema.Draft202012Validator:
    document = json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    if partial:
        document.pop("required", None)
    return jsonschema.Draft202012Validator(document, format_checker=jsonschema.FormatChecker())


_FORMAT_PROBES = {"date-time": "next tuesday", "uri": "no scheme here"}
"""Formats jsonschema checks only with its format extras installed, and a value each
must refuse: without `rfc3339-validator` and `rfc3986-validator` any string passes."""


def _formats(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("format"), str):
            yield node["format"]
        for value in node.values():
            yield from _formats(value)
    elif isinstance(node, list):
        for value in node:
            yield from _formats(value)


def test_the_format_checks_are_real() -> None:
    """The schema checks above check every format the plan's schemas use (install
    `jsonschema[format-nongpl]` with the test dependencies if this fails)."""
    used = {
        fmt
        for path in sorted(SCHEMAS.glob("*.json"))
        for fmt in _formats(json.loads(path.read_text(encoding="utf-8")))
    }
    checker = jsonschema.FormatChecker()
    for fmt in sorted(used & _FORMAT_PROBES.keys()):
        assert not checker.conforms(_FORMAT_PROBES[fmt], fmt), (
            f"jsonschema cannot check format {fmt!r} here, so the schema checks would pass"
            " any string for it: pip install 'jsonschema[format-nongpl]'"
        )


def _wire(payload: dict[str, Any]) -> Any:
    """What Customer.io receives: the payload through compact JSON and back."""
    return json.loads(_s.wire_json(payload))


def _check_sends(case: _s.EventCase, event: Any) -> None:
    """Each client method of the event queues exactly one operation carrying it."""
    arguments = _s.arguments(event)
    sends = [(case.method, {"id": "person-1"})]
    if case.anonymous_method is not None:
        sends.append((case.anonymous_method, {"anonymous_id": "anonymous-1"}))
    for method, identifiers in sends:
        transport = RecordingTransport()
        client = Client("site", "key", transport=transport, mode="sync")
        [who] = identifiers.values()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                event_id = getattr(client, method)(who, **arguments)
        finally:
            client.close()
        # One shape for every event, anonymous ones included (RecordingTransport).
        [operation] = transport.operations()
        assert operation["name"] == case.cls.EVENT_NAME
        assert operation["id"] == event_id
        assert ULID.fullmatch(event_id)
        assert operation["attributes"] == _wire(to_payload(event))
        assert operation["type"] == "person"
        assert operation["action"] == "event"
        assert operation["identifiers"] == identifiers
        assert len(_s.wire_json(operation).encode("utf-8")) <= MAX_OPERATION_BYTES
        if case.cls.DEPRECATION is not None:
            messages = [str(w.message) for w in caught if w.category is DeprecationWarning]
            assert case.cls.DEPRECATION in messages


@pytest.mark.parametrize("model", MODELS, ids=[m.cls.__name__ for m in MODELS])
@PROFILE
@given(data=_st.data())
def test_valid_values_serialize_validate_and_round_trip(
    model: _s.Model, data: _st.DataObject
) -> None:
    """...and an unknown payload key is rejected, and an event is sent as one operation."""
    with _quiet():
        value = data.draw(_built(model.strategy))
        payload = to_payload(value)
        text = _s.wire_json(payload)
        decoded = json.loads(text)
        # A Decimal reads back as a float (the wire carries its exact digits).
        assert decoded == _s.as_json(payload)
        assert from_payload(model.cls, payload) == value
        assert _s.as_json(to_payload(from_payload(model.cls, decoded))) == decoded
    if model.schema is not None:
        _validator(model.schema, model.partial).validate(decoded)
        assert len(text.encode("utf-8")) <= min(MAX_EVENT_DATA_BYTES, MAX_OPERATION_BYTES)
    key = data.draw(_st.text().filter(lambda k: k not in model.cls._KEYS))
    with pytest.raises(ValidationError) as info:
        from_payload(model.cls, {**payload, key: None})
    assert info.value.rule == "unknown"
    if model.cls in SENDS:
        _check_sends(SENDS[model.cls], value)


@pytest.mark.parametrize("group", GROUPS, ids=[g.name for g in GROUPS])
@PER_RULE
@given(data=_st.data())
def test_breaking_one_rule_is_rejected_naming_field_and_rule(
    group: _s.Group, data: _st.DataObject
) -> None:
    """Every rule of the group's fields, in every example: a value breaking that rule
    alone is rejected with a ValidationError naming the field and the rule; a required
    field left out is a TypeError naming it."""
    with _quiet():
        valid = _s.arguments(data.draw(_built(group.strategy)))
        for mutation in group.mutations:
            arguments = dict(valid)
            arguments[mutation.field], where = data.draw(mutation.bad)
            with pytest.raises(ValidationError) as info:
                mutation.cls(**arguments)
            got = (info.value.field, info.value.rule)
            assert got == (mutation.label + where, mutation.rule), mutation
        for field in group.required:
            arguments = dict(valid)
            del arguments[field]
            with pytest.raises(TypeError, match=re.escape(repr(field))):
                group.cls(**arguments)


@PROFILE
@given(data=_st.data())
def test_client_identify_and_update_person_send_the_attributes(data: _st.DataObject) -> None:
    with _quiet():
        attributes = data.draw(_built(strategies.person_attributes))
        update = data.draw(_built(strategies.person_attributes_update))
    changes = to_payload(update)
    transport = RecordingTransport()
    client = Client("site", "key", transport=transport, mode="sync")
    try:
        with _quiet():
            client.identify("person-1", **_s.arguments(attributes))
            if changes:
                client.update_person("person-1", **_s.arguments(update))
            else:
                with pytest.raises(ValueError):
                    client.update_person("person-1", **_s.arguments(update))
    finally:
        client.close()
    operations = transport.operations()
    assert [op["action"] for op in operations] == ["identify"] * (2 if changes else 1)
    assert operations[0]["attributes"] == _wire(to_payload(attributes))
    if changes:
        assert operations[1]["attributes"] == {**_wire(changes), "_update": True}
    for operation in operations:
        assert operation["identifiers"] == {"id": "person-1"}
        assert len(_s.wire_json(operation).encode("utf-8")) <= MAX_OPERATION_BYTES
