"""The API key never appears in a repr, a log line, an exception or a failure report;
payloads and identifiers only appear in DEBUG logs."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import Failures
from .track_server import ALL_FAULTS, Scripted, TrackServer

KEY = "sk-live-NEVER-LOG-ME-7d1f"


def forbidden(site_id: str) -> list[str]:
    token = base64.b64encode(f"{site_id}:{KEY}".encode()).decode()
    return [KEY, token]


def test_key_absent_everywhere_at_debug(
    rt: ModuleType,
    make_client: Callable[..., Any],
    server: TrackServer,
    failures: Failures,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    server.api_key = KEY
    server.push(*(Scripted(fault=kind) for kind in ALL_FAULTS), Scripted(400))
    dead = tmp_path / "dead.jsonl"
    client = make_client(api_key=KEY, on_error=failures, dead_letter_path=dead)
    for i in range(30):
        client._track("42", "e", {"i": i}, None)
        client._track_anonymous("a", "e", {"i": i}, None)
    assert client.flush(20)
    wrong = make_client(api_key=KEY + "-wrong", on_error=failures, mode="sync")
    with pytest.raises(rt.DeliveryError) as info:
        wrong._track("42", "e", {}, None)
    texts = [
        caplog.text,
        repr(client),
        str(client),
        repr(client._transport),
        repr(client.config),
        str(info.value),
        repr(info.value.failed),
        repr(failures.calls),
        dead.read_text() if dead.exists() else "",
    ]
    assert "DEBUG" in caplog.text and "POST /api/v2/batch" in caplog.text
    for text in texts:
        for secret in [*forbidden(server.site_id), KEY + "-wrong"]:
            assert secret not in text


def test_payloads_only_at_debug(
    make_client: Callable[..., Any],
    server: TrackServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    server.push(Scripted(503), Scripted(400), Scripted(401))
    client = make_client()
    client._track("jane@example.com", "e", {"card_last4": "4242"}, None)
    client.flush(10)
    client._track("jane@example.com", "e", {"card_last4": "4242"}, None)
    client.flush(10)
    assert "retrying" in caplog.text and "HTTP 400" in caplog.text
    assert "jane@example.com" not in caplog.text and "4242" not in caplog.text
