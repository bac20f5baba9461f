"""Operation shapes (per the Track API spec), call-time validation and size limits.

Everything here runs in synchronous mode against the in-memory RecordingTransport, so
what the transport saw is exactly what would have gone over the wire.
"""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ULID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")


def sync_client(rt: ModuleType, **kwargs: Any) -> tuple[Any, Any]:
    transport = kwargs.pop("transport", None) or rt.RecordingTransport()
    client = rt.BaseClient("site", "key", transport=transport, mode="sync", **kwargs)
    return client, transport


def test_track_builds_a_v2_event_with_ulid_and_timestamp(rt: ModuleType) -> None:
    client, transport = sync_client(rt)
    before = int(time.time())
    event_id = client._track("42", "purchase", {"price": 29.99, "sku": "ü"}, None)
    [request] = transport.requests
    assert (request.method, request.path) == ("POST", "/api/v2/batch")
    [op] = request.body["batch"]
    assert op == {
        "type": "person",
        "identifiers": {"id": "42"},
        "action": "event",
        "name": "purchase",
        "id": event_id,
        "timestamp": op["timestamp"],
        "attributes": {"price": 29.99, "sku": "ü"},
    }
    assert ULID.match(event_id)
    assert before <= op["timestamp"] <= int(time.time())
    # Compact JSON, UTF-8 (not \u escapes): what the size limits are measured on.
    assert b'"sku":"\xc3\xbc"' in request.raw and b", " not in request.raw


def test_timestamps_are_floored_unix_seconds_and_must_be_aware(rt: ModuleType) -> None:
    client, transport = sync_client(rt)
    aware = datetime(2024, 5, 1, 12, 0, 0, 999_999, tzinfo=timezone(timedelta(hours=2)))
    client._track("42", "e", {}, aware)
    assert transport.operations()[-1]["timestamp"] == 1714557600
    client._track("42", "e", {}, datetime(1969, 12, 31, 23, 59, 59, 500_000, tzinfo=UTC))
    assert transport.operations()[-1]["timestamp"] == -1  # floor, not truncation
    with pytest.raises(ValueError, match="timestamp must be timezone-aware"):
        client._track("42", "e", {}, datetime(2024, 5, 1))
    with pytest.raises(TypeError, match="timestamp must be a datetime"):
        client._track("42", "e", {}, 1714557600)
    with pytest.raises(ValueError, match="last_used must be timezone-aware"):
        client.add_device("42", "tok", "ios", last_used=datetime(2024, 5, 1))
    assert len(transport.requests) == 2


def test_anonymous_events_go_to_v1_events_one_request_each(rt: ModuleType) -> None:
    client, transport = sync_client(rt)
    when = datetime(2024, 1, 1, tzinfo=UTC)
    event_id = client._track_anonymous("anon-1", "viewed", {"page": 3}, when)
    [request] = transport.requests
    assert (request.method, request.path) == ("POST", "/api/v1/events")
    assert request.body == {
        "anonymous_id": "anon-1",
        "name": "viewed",
        "id": event_id,
        "timestamp": 1704067200,
        "data": {"page": 3},
    }
    with pytest.raises(rt.IdentifierError, match="anonymous_id must not be empty"):
        client._track_anonymous("", "viewed", {}, None)


def test_person_operations_match_the_spec_shapes(rt: ModuleType) -> None:
    client, transport = sync_client(rt)
    when = datetime(2024, 1, 1, tzinfo=UTC)
    client._identify(rt.Person.email("a@example.com"), {"plan": "pro"}, when)
    page_id = client.page("42", "/pricing", attributes={"referrer": "x"}, timestamp=when)
    client.suppress(rt.Person.cio_id("c1"))
    client.unsuppress("42")
    client.delete("42")
    client.add_device("42", "tok-1", "android", last_used=when, attributes={"app_version": "1.2"})
    client.delete_device("42", "tok-1")
    client.merge("42", rt.Person.email("old@example.com"))
    ops = transport.operations()
    person = {"type": "person", "identifiers": {"id": "42"}}
    assert ops == [
        {
            "type": "person",
            "identifiers": {"email": "a@example.com"},
            "action": "identify",
            "timestamp": 1704067200,
            "attributes": {"plan": "pro"},
        },
        {
            **person,
            "action": "page",
            "name": "/pricing",
            "id": page_id,
            "timestamp": 1704067200,
            "attributes": {"referrer": "x"},
        },
        {"type": "person", "identifiers": {"cio_id": "c1"}, "action": "suppress"},
        {**person, "action": "unsuppress"},
        {**person, "action": "delete"},
        {
            **person,
            "action": "add_device",
            "device": {
                "token": "tok-1",
                "platform": "android",
                "last_used": 1704067200,
                "attributes": {"app_version": "1.2"},
            },
        },
        {**person, "action": "delete_device", "device": {"token": "tok-1"}},
        {
            "type": "person",
            "action": "merge",
            "primary": {"id": "42"},
            "secondary": {"email": "old@example.com"},
        },
    ]
    assert all(r.path == "/api/v2/batch" for r in transport.requests)


def test_identify_limits_at_their_conservative_reading(rt: ModuleType) -> None:
    """Attribute names (150 bytes) and values (1,000 bytes; nested values as JSON) are
    checked at the call, in UTF-8 bytes: exactly at the limit passes, one byte over fails."""
    client, transport = sync_client(rt)
    assert rt.limits.MAX_ATTRIBUTE_NAME_BYTES == 150
    assert rt.limits.MAX_ATTRIBUTE_VALUE_BYTES == 1000
    client._identify("42", {"é" * 75: "v", "v": "é" * 500, "n": ["x" * 996]}, None)
    with pytest.raises(ValueError, match=r"attribute name 'ééé.*151 bytes in UTF-8"):
        client._identify("42", {"é" * 75 + "x": 1}, None)
    with pytest.raises(ValueError, match=r"attribute 'bio' is 1,001 bytes"):
        client._identify("42", {"bio": "é" * 500 + "x"}, None)
    with pytest.raises(ValueError, match=r"attribute 'tags' is 1,001 bytes"):
        client._identify("42", {"tags": ["x" * 997]}, None)
    with pytest.raises(rt.IdentifierError):  # a bad person is still reported first
        client._identify("", {"bio": "x" * 2000}, None)
    assert len(transport.requests) == 1  # only the identify within the limits


def test_operation_argument_errors(rt: ModuleType) -> None:
    client, transport = sync_client(rt)
    with pytest.raises(ValueError, match="platform must be 'ios' or 'android'"):
        client.add_device("42", "tok", "windows")
    with pytest.raises(ValueError, match="device token"):
        client.delete_device("42", " ")
    with pytest.raises(TypeError, match="device attributes must map str to str"):
        client.add_device("42", "tok", "ios", attributes={"n": 1})
    with pytest.raises(ValueError, match="cannot merge a person into itself"):
        client.merge("42", rt.Person.id("42"))
    with pytest.raises(ValueError, match="at most 300"):
        client._identify("42", {f"a{i}": i for i in range(301)}, None)
    with pytest.raises(ValueError, match="event name"):
        client._track("42", "", {}, None)
    with pytest.raises(ValueError, match="at most 100"):
        client._track("42", "n" * 101, {}, None)
    with pytest.raises(ValueError, match="NaN"):
        client._track("42", "e", {"x": float("nan")}, None)
    with pytest.raises(TypeError, match="not JSON-serializable"):
        client._track("42", "e", {"x": object()}, None)
    with pytest.raises(TypeError, match="must be a dict"):
        client._track("42", "e", [1, 2], None)
    assert transport.requests == []


@pytest.mark.parametrize(
    ("person", "error", "message"),
    [
        ("", "IdentifierError", "must not be empty"),
        ("   ", "IdentifierError", "must not be empty or blank"),
        ("é" * 76, "IdentifierError", "152 bytes in UTF-8; Customer.io accepts at most 150"),
        (42, "TypeError", "a str .* or a Person, got int"),
    ],
)
def test_identifier_rules(rt: ModuleType, person: Any, error: str, message: str) -> None:
    client, transport = sync_client(rt)
    exc_type = getattr(rt, error, None) or TypeError
    with pytest.raises(exc_type, match=message):
        client._track(person, "e", {}, None)
    assert transport.requests == []


def test_person_type(rt: ModuleType) -> None:
    assert rt.Person.id("x").identifiers() == {"id": "x"}
    assert rt.Person.email("a@b.c") == rt.Person("email", "a@b.c")
    assert rt.Person.cio_id("c").identifiers() == {"cio_id": "c"}
    with pytest.raises(rt.IdentifierError, match=r"Person\.email must not be empty"):
        rt.Person.email("")
    with pytest.raises(rt.IdentifierError, match="Person kind"):
        rt.Person("phone", "+1")
    assert issubclass(rt.IdentifierError, ValueError)
    client, _ = sync_client(rt)
    client._track("x" * 150, "e", {}, None)  # exactly at the limit is fine
    with pytest.raises(AttributeError):
        rt.Person.id("x").value = "y"  # frozen


def test_oversize_operation_is_rejected_at_the_call(rt: ModuleType) -> None:
    client, transport = sync_client(rt)
    with pytest.raises(rt.PayloadTooLargeError) as info:
        client._track("42", "big", {"blob": "x" * 40_000}, None)
    assert info.value.limit == 32_000 and info.value.size > 40_000
    assert "32,000 bytes per batch operation" in str(info.value)
    assert "40,1" in str(info.value)  # the actual size, formatted
    with pytest.raises(rt.PayloadTooLargeError, match="32,000"):
        client._identify("42", {f"a{i}": "y" * 990 for i in range(34)}, None)
    assert isinstance(info.value, ValueError)
    assert transport.requests == [] and client.stats().queued == 0


def test_operation_limit_is_the_conservative_reading_of_32kb(rt: ModuleType) -> None:
    """ "32kb" may mean 32,768 or 32,000 bytes: an operation between the two fails at
    the call, where it is made, instead of being rejected by the API later."""
    client, transport = sync_client(rt)
    overhead = len(client_operation_bytes(client, transport, ""))
    transport.clear()
    with pytest.raises(rt.PayloadTooLargeError) as info:
        client._track("42", "big", {"blob": "x" * (32_168 - overhead)}, None)
    assert info.value.size == 32_168 and info.value.limit == 32_000
    client._track("42", "big", {"blob": "x" * (32_000 - overhead)}, None)  # exactly at it
    assert len(transport.requests) == 1


def client_operation_bytes(client: Any, transport: Any, blob: str) -> bytes:
    """The encoded `big` event with a `blob` of the given text (ULID and timestamp
    have fixed widths, so only the blob changes its size)."""
    client._track("42", "big", {"blob": blob}, None)
    return json.dumps(transport.operations()[-1], separators=(",", ":")).encode()


def test_oversize_event_data_is_rejected_at_the_call(rt: ModuleType) -> None:
    client, transport = sync_client(rt)
    with pytest.raises(rt.PayloadTooLargeError) as info:
        client._track("42", "huge", {"blob": "x" * 100_000}, None)
    assert info.value.limit == 100_000 and info.value.size == 100_000 + len('{"blob":""}')
    assert "event data is 100,011 bytes" in str(info.value)
    assert "at most 100,000 bytes" in str(info.value)
    with pytest.raises(rt.PayloadTooLargeError, match="event data is 100,011 bytes"):
        client._track_anonymous("a", "huge", {"blob": "x" * 100_000}, None)
    # v1 anonymous events have no 32 KB operation limit: 60 KB of data is fine.
    client._track_anonymous("a", "large", {"blob": "x" * 60_000}, None)
    assert [r.path for r in transport.requests] == ["/api/v1/events"]


def test_sync_mode_retries_then_raises_delivery_error(rt: ModuleType) -> None:
    config = rt.ClientConfig(max_attempts=3, backoff_base=0.001, backoff_cap=0.002)
    client, transport = sync_client(rt, config=config)
    transport.respond_with(rt.Response(503), rt.TransportError("reset"), rt.Response(200))
    client._track("42", "e", {}, None)
    assert len(transport.requests) == 3
    assert client.stats().retried == 2 and client.stats().sent == 1

    transport.respond_with(rt.Response(500), rt.Response(502), rt.Response(504))
    with pytest.raises(rt.DeliveryError) as info:
        client._track("42", "e", {}, None)
    assert info.value.status == 504
    assert "gave up after 3 attempt(s)" in info.value.reason
    assert [f.operation["name"] for f in info.value.failed] == ["e"]

    transport.respond_with(rt.Response(400, {}, b'{"meta":{"error":"bad"}}'))
    with pytest.raises(rt.DeliveryError, match="HTTP 400") as info:
        client._track("42", "e", {}, None)
    assert info.value.status == 400
    stats = client.stats()
    assert (stats.queued, stats.sent, stats.failed, stats.pending) == (3, 1, 2, 0)


def test_sync_mode_207_raises_only_for_rejected_ops(rt: ModuleType) -> None:
    client, transport = sync_client(rt)
    body = b'{"errors":[{"batch_index":0,"reason":"invalid","field":"name","message":"bad"}]}'
    transport.respond_with(rt.Response(207, {}, body))
    with pytest.raises(rt.DeliveryError) as info:
        client._track("42", "e", {}, None)
    assert info.value.status == 207
    assert info.value.failed[0].reason == "rejected by the Track API: invalid: name: bad"


def test_recording_transport_responder_and_clear(rt: ModuleType) -> None:
    seen: list[str] = []

    def responder(request: Any) -> Any:
        seen.append(request.path)
        return rt.Response(200)

    client, transport = sync_client(rt, transport=rt.RecordingTransport(responder=responder))
    client._track("42", "e", {}, None)
    client._track_anonymous("a", "e", {}, None)
    assert seen == ["/api/v2/batch", "/api/v1/events"]
    assert [op["name"] for op in transport.operations()] == ["e", "e"]
    transport.clear()
    assert transport.requests == []
    client.close()
    assert transport.closed
    with pytest.raises(rt.ClientClosedError):
        client._track("42", "e", {}, None)


def test_config_validation_names_the_field(rt: ModuleType) -> None:
    with pytest.raises(rt.ConfigurationError, match=r"ClientConfig\.batch_size must be >= 1"):
        rt.ClientConfig(batch_size=0)
    with pytest.raises(rt.ConfigurationError, match="max_batch_bytes"):
        rt.ClientConfig(max_batch_bytes=600_000)
    with pytest.raises(rt.ConfigurationError, match="overflow"):
        rt.ClientConfig(overflow="explode")
    with pytest.raises(rt.ConfigurationError, match="mode"):
        rt.BaseClient("s", "k", mode="later", transport=rt.RecordingTransport())
    with pytest.raises(rt.ConfigurationError, match="api_key must be a non-empty str"):
        rt.BaseClient("s", "", transport=rt.RecordingTransport())
    with pytest.raises(rt.ConfigurationError, match="base_url must be an http"):
        rt.BaseClient("s", "k", base_url="ftp://example.invalid")


def test_retry_after_parsing(rt: ModuleType) -> None:
    parse = rt._retry_after_seconds
    assert parse("7") == 7.0
    assert parse(None) is None and parse("soon") is None and parse("-3") is None
    from email.utils import formatdate

    future = parse(formatdate(time.time() + 30, usegmt=True))
    assert future is not None and 28 <= future <= 31
    assert parse(formatdate(time.time() - 30, usegmt=True)) == 0.0


def test_str_subclasses_are_person_ids(rt: ModuleType) -> None:
    import enum

    class Account(enum.StrEnum):
        ADMIN = "admin-1"

    client, transport = sync_client(rt)
    client._track(Account.ADMIN, "e", {}, None)
    client.suppress(Account.ADMIN)
    assert [op["identifiers"] for op in transport.operations()] == [{"id": "admin-1"}] * 2


def test_event_data_is_encoded_as_json_encoder_would(rt: ModuleType) -> None:
    """The hot path's shared C encoder writes exactly what ``JSONEncoder.encode`` writes."""
    wire = sys.modules[rt.__name__ + ".wire"]
    data = {"s": 'ü\u2028"x"', "f": 19.99, "i": -3, "b": True, "n": None, "l": [1.5, {"k": []}]}
    expected = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode(data)
    assert wire._json_object(data, "event data") == expected
    assert "".join(wire._encode_chunks(data, 0)) == expected


def test_circular_event_data_is_refused_and_the_encoder_stays_usable(rt: ModuleType) -> None:
    client, transport = sync_client(rt)
    loop: dict[str, Any] = {}
    loop["self"] = loop
    with pytest.raises(ValueError, match="circular"):
        client._track("42", "e", {"x": loop}, None)
    shared = {"a": 1}  # the same dict twice is not circular (no stale state from the failure)
    client._track("42", "e", {"x": shared, "y": shared}, None)
    [request] = transport.requests
    assert request.body["batch"][0]["attributes"] == {"x": {"a": 1}, "y": {"a": 1}}


def test_without_cpythons_c_encoder_the_runtime_falls_back(
    rt: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On an interpreter without ``_json`` the wire module uses ``JSONEncoder.encode``."""
    import importlib.util

    monkeypatch.setitem(sys.modules, "_json", None)  # makes `from _json import ...` fail
    path = Path(sys.modules[rt.__name__ + ".wire"].__file__ or "")
    spec = importlib.util.spec_from_file_location(rt.__name__ + ".wire_without_c", path)
    assert spec is not None and spec.loader is not None
    wire = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(wire)
    assert wire._encode_json is wire._encode_chunks
    assert wire._json_object({"a": [1, "é"]}, "event data") == '{"a":[1,"é"]}'
    with pytest.raises(ValueError, match="NaN"):
        wire._json_object({"x": float("nan")}, "event data")
