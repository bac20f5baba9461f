"""The generated client for this repo's taxonomy, end to end through the recording transport."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterator

import pytest

import generated
from generated import Client, LineItem, RecordingTransport, ValidationError, models

ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")
WHEN = dt.datetime(2024, 3, 1, 12, 0, 30, tzinfo=dt.UTC)


@pytest.fixture
def recorded() -> Iterator[tuple[Client, RecordingTransport]]:
    transport = RecordingTransport()
    client = Client("site", "key", transport=transport, mode="sync")
    yield client, transport
    client.close()


def test_event_method_sends_one_operation_with_wire_names(
    recorded: tuple[Client, RecordingTransport],
) -> None:
    client, transport = recorded
    event_id = client.plan_changed("42", from_="free", to="pro", mrr=49.0, timestamp=WHEN)
    [op] = transport.operations()
    assert op == {
        "type": "person",
        "identifiers": {"id": "42"},
        "action": "event",
        "name": "plan_changed",
        "id": event_id,
        "timestamp": 1709294430,
        "attributes": {"from": "free", "to": "pro", "mrr": 49.0},
    }
    assert ULID.fullmatch(event_id)


def test_identify_sends_attributes_and_timestamps_as_seconds(
    recorded: tuple[Client, RecordingTransport],
) -> None:
    client, transport = recorded
    client.identify(
        generated.Person.email("ada@example.com"),
        email="ada@example.com",
        created_at=WHEN,
        plan="pro",
    )
    [op] = transport.operations()
    assert op["action"] == "identify"
    assert op["identifiers"] == {"email": "ada@example.com"}
    assert op["attributes"] == {"email": "ada@example.com", "created_at": 1709294430, "plan": "pro"}


def test_update_person_sends_only_what_changed_and_never_creates(
    recorded: tuple[Client, RecordingTransport],
) -> None:
    client, transport = recorded
    client.update_person("42", last_seen_at=WHEN)
    [op] = transport.operations()
    assert op["attributes"] == {"last_seen_at": 1709294430, "_update": True}
    with pytest.raises(ValueError, match="at least one attribute"):
        client.update_person("42")
    with pytest.raises(ValidationError) as info:
        client.update_person("42", email="not-an-email")
    assert info.value.field == "attributes.email" and info.value.rule == "format"


def test_identify_requires_the_required_attributes() -> None:
    with pytest.raises(TypeError, match="email"):
        models.PersonAttributes()  # type: ignore[call-arg]


def test_generic_track_and_anonymous(recorded: tuple[Client, RecordingTransport]) -> None:
    client, transport = recorded
    event = models.FeatureUsed(feature="reports.export", duration_ms=5)
    client.track("42", event)
    with pytest.raises(ValueError, match="not marked `anonymous: true`"):
        client.track_anonymous("anon-1", event)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.page_viewed_anonymous("anon-1", url="https://example.com/pricing")
    assert [str(w.message) for w in caught] == [
        "page_viewed is deprecated: call client.page(person, url) instead"
    ]
    assert caught[0].filename == __file__  # reported at the caller's line
    ops = transport.operations()
    assert ops[0]["name"] == "feature_used" and ops[0]["attributes"] == {
        "feature": "reports.export",
        "duration_ms": 5,
    }
    assert ops[1]["anonymous_id"] == "anon-1" and ops[1]["data"] == {
        "url": "https://example.com/pricing"
    }
    assert transport.requests[1].path == "/api/v1/events"


def test_invalid_call_sends_nothing(recorded: tuple[Client, RecordingTransport]) -> None:
    client, transport = recorded
    with pytest.raises(ValidationError) as info:
        client.checkout_completed(
            "42",
            order_id="not-a-uuid",
            total=1.0,
            items=1,
            line_items=[LineItem(sku="A", quantity=1, unit_price=1.0)],
        )
    assert (info.value.field, info.value.rule) == ("checkout_completed.order_id", "format")
    with pytest.raises(ValidationError) as info:
        client.subscription_cancelled(
            "42", reason="other", cancelled_at=dt.datetime(2024, 1, 1)
        )  # naive
    assert info.value.rule == "timezone"
    assert transport.operations() == []


def test_default_values_are_sent(recorded: tuple[Client, RecordingTransport]) -> None:
    client, transport = recorded
    client.checkout_completed(
        "42",
        order_id="0b6c1c52-3f5e-4b59-9d59-2c1d1e7c8a10",
        total=3.0,
        items=1,
        line_items=[LineItem(sku="A-1", quantity=1, unit_price=3.0)],
    )
    assert transport.operations()[0]["attributes"]["currency"] == "USD"


def test_singleton_uses_the_taxonomy_region_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMERIO_SITE_ID", "site")
    monkeypatch.setenv("CUSTOMERIO_TRACK_API_KEY", "secret-key")
    monkeypatch.delenv("CUSTOMERIO_REGION", raising=False)
    generated.reset_client()
    try:
        client = generated.get_client()
        assert client is generated.get_client()
        assert client.region == "us" and client.base_url == "https://track.customer.io"
        assert "secret-key" not in repr(client)
        monkeypatch.setenv("CUSTOMERIO_REGION", "eu")
        generated.reset_client()
        assert generated.get_client().base_url == "https://track-eu.customer.io"
    finally:
        generated.reset_client()


def test_singleton_names_missing_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUSTOMERIO_SITE_ID", raising=False)
    monkeypatch.delenv("CUSTOMERIO_TRACK_API_KEY", raising=False)
    generated.reset_client()
    with pytest.raises(ValueError, match="CUSTOMERIO_SITE_ID, CUSTOMERIO_TRACK_API_KEY"):
        generated.get_client()


def test_runtime_modules_need_only_customerio_and_the_standard_library() -> None:
    """The README's promise: production code imports nothing but customerio and the stdlib."""
    import ast
    import subprocess
    import sys

    from helpers import REPO

    runtime = ["__init__.py", "models.py", "client.py", "_checks.py"]
    runtime += [f"_events/{p.name}" for p in (REPO / "generated" / "_events").glob("*.py")]
    runtime += [f"_runtime/{p.name}" for p in (REPO / "generated" / "_runtime").glob("*.py")]
    for name in runtime:
        tree = ast.parse((REPO / "generated" / name).read_text(encoding="utf-8"))
        # An import inside `try: ... except ImportError` is optional (certifi, used only
        # when the system has no CA store), not a dependency.
        optional = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.Try)
            and any(
                "ImportError" in ast.unparse(h.type) for h in node.handlers if h.type is not None
            )
            for stmt in node.body
            for inner in ast.walk(stmt)
        }
        for node in ast.walk(tree):
            if id(node) in optional:
                continue
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                assert root in sys.stdlib_module_names or root == "customerio", (
                    f"{name} imports {root}"
                )
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, generated; print(sorted({'hypothesis', 'jsonschema', 'jinja2', 'yaml', 'pytest'} & set(sys.modules)))",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "[]"
