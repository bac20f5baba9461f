"""Delivery against the fake Track API over real HTTPS: batching, partial failures,
credentials, retry policy, regions, dead letters, keep-alive, proxies."""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import Failures
from .track_server import ConnectProxy, Scripted, TrackServer


def test_background_batches_by_size(make_client: Callable[..., Any], server: TrackServer) -> None:
    client = make_client(config={"batch_size": 100, "flush_interval": 5.0})
    ids = [client._track(str(i % 7), "purchase", {"n": i}, None) for i in range(250)]
    assert client.flush(10)
    assert sorted(server.event_ids) == sorted(ids)
    assert set(server.event_ids.values()) == {1}
    assert [r.n_ops for r in server.batch_requests()] == [100, 100, 50]
    assert client.stats() == type(client.stats())(
        queued=250, sent=250, retried=0, failed=0, dropped=0, pending=0, requests=3
    )
    assert server.connections == 1  # one keep-alive connection for all requests


def test_flush_interval_sends_a_partial_batch(
    make_client: Callable[..., Any], server: TrackServer
) -> None:
    client = make_client(config={"batch_size": 100, "flush_interval": 0.1})
    event_id = client._track("42", "e", {}, None)
    assert server.wait_for(lambda s: event_id in s.event_ids, timeout=5)


def test_207_rejects_exactly_the_reported_ops(
    make_client: Callable[..., Any], server: TrackServer, failures: Failures
) -> None:
    client = make_client(on_error=failures, config={"flush_interval": 30.0})
    ids = [client._track("42", "purchase", {"n": i}, None) for i in range(50)]
    server.reject_ids = {ids[7]: "invalid_attribute", ids[33]: "blocked"}
    assert client.flush(10)
    assert sorted(failures.ids) == sorted([ids[7], ids[33]])
    reasons = {f.id: f.reason for f in failures.operations}
    assert "invalid_attribute" in reasons[ids[7]] and "blocked" in reasons[ids[33]]
    assert {f.status for f in failures.operations} == {207}
    assert server.delivered_ids() == set(ids) - {ids[7], ids[33]}
    assert len(server.batch_requests()) == 1  # rejected ops are not retried
    stats = client.stats()
    assert (stats.sent, stats.failed, stats.retried, stats.pending) == (48, 2, 0, 0)


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_credentials_stop_sending_and_report_everything(
    make_client: Callable[..., Any],
    server: TrackServer,
    failures: Failures,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    status: int,
) -> None:
    """The policy for 401/403: one request, one ERROR naming the site id (never the
    key), then no request at all; what was queued and every later call is reported
    (on_error and dead-letter file), so it can be replayed with working credentials."""
    key = "wrong-key-Zx81" if status == 401 else server.api_key
    dead = tmp_path / "dead.jsonl"
    if status == 403:  # a real key without the permission: the fake answers 403 once
        server.push(Scripted(status=403))
    client = make_client(
        api_key=key, on_error=failures, dead_letter_path=dead, config={"flush_interval": 30.0}
    )
    caplog.set_level("INFO", logger=client.__module__.rpartition(".")[0])
    queued = [client._track("42", "e", {"i": i}, None) for i in range(1003)]
    queued.append(client._track_anonymous("anon", "e", {}, None))
    assert client.flush(10)
    later = [client._track("42", "later", {"i": i}, None) for i in range(150)]
    client._identify("42", {"plan": "pro"}, None)
    assert client.flush(10)
    assert [r.status for r in server.requests] == [status]  # the first batch only
    reported = failures.ids
    assert sorted(reported) == sorted(queued + later) and len(set(reported)) == len(reported)
    assert len(failures.operations) == 1003 + 1 + 150 + 1  # the identify has no id
    expected = f"credentials rejected for site 'test-site' (HTTP {status}); not sent"
    assert {f.reason for f in failures.operations} == {expected}
    assert {f.status for f in failures.operations} == {status}
    assert len(dead.read_text().splitlines()) == 1155
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "'test-site'" in errors[0].getMessage()
    assert key not in caplog.text and key not in dead.read_text()
    assert all(key not in reason for _, reason in failures.calls)
    stats = client.stats()
    assert (stats.queued, stats.failed, stats.sent, stats.pending) == (1155, 1155, 0, 0)
    assert stats.requests == 1 and stats.retried == 0


def test_rejected_credentials_recover_by_replay_with_working_credentials(
    make_client: Callable[..., Any], server: TrackServer, tmp_path: Path
) -> None:
    """The documented way back: a client with working credentials replays the
    dead-letter file of the rejected one, and everything arrives, ids unchanged."""
    dead = tmp_path / "dead.jsonl"
    rejected = make_client(api_key="wrong", dead_letter_path=dead, config={"flush_interval": 30.0})
    ids = [rejected._track("42", "e", {"i": i}, None) for i in range(250)]
    ids.append(rejected._track_anonymous("anon", "e", {}, None))
    rejected._identify("42", {"plan": "pro"}, None)
    assert rejected.flush(10)
    rejected.close(5)
    assert server.event_ids == {} and len(dead.read_text().splitlines()) == 252
    moved = tmp_path / "replaying.jsonl"
    dead.rename(moved)
    working = make_client(dead_letter_path=dead)
    assert working.replay_dead_letters(moved) == 252
    assert working.flush(10)
    assert server.delivered_ids() == set(ids)
    assert any(op["action"] == "identify" for op in server.ops)
    assert not dead.exists()  # nothing failed this time


def test_rejected_credentials_in_sync_mode_raise_without_requests(
    make_client: Callable[..., Any], server: TrackServer, failures: Failures, rt: ModuleType
) -> None:
    client = make_client(api_key="wrong", mode="sync", on_error=failures)
    for _ in range(3):
        with pytest.raises(rt.DeliveryError, match="credentials rejected for site 'test-site'"):
            client._track("42", "e", {}, None)
    assert len(server.requests) == 1
    assert len(failures.operations) == 3


def test_eu_region_and_base_url_override(rt: ModuleType) -> None:
    eu = rt.BaseClient("s", "k", region="eu", transport=rt.RecordingTransport())
    assert eu.base_url == "https://track-eu.customer.io" and eu.region == "eu"
    us = rt.BaseClient("s", "k", transport=rt.RecordingTransport())
    assert us.base_url == "https://track.customer.io"
    # Hosts come from the customerio package, not from a copy of them.
    from customerio.regions import Regions  # type: ignore[import-untyped]

    assert eu.base_url == f"https://{Regions.EU.track_host}"
    # The HTTP transport is built for the same URL; constructing it sends nothing.
    built = rt.BaseClient("s", "k", region="EU")
    assert built._transport.base_url == "https://track-eu.customer.io"
    built.close()
    with pytest.raises(rt.ConfigurationError, match="region must be 'us' or 'eu', got 'ap'"):
        rt.BaseClient("s", "k", region="ap", transport=rt.RecordingTransport())
    override = rt.BaseClient(
        "s", "k", region="eu", base_url="http://127.0.0.1:9/", transport=rt.RecordingTransport()
    )
    assert override.base_url == "http://127.0.0.1:9"


def test_plain_http_base_url_on_any_port(rt: ModuleType) -> None:
    plain = TrackServer(ca=None).start()
    try:
        client = rt.BaseClient(plain.site_id, plain.api_key, base_url=plain.url, mode="sync")
        event_id = client._track("42", "e", {}, None)
        client.close()
        assert plain.url.startswith("http://127.0.0.1:")
        assert plain.delivered_ids() == {event_id}
    finally:
        plain.stop()


def test_tls_certificate_is_verified(
    make_client: Callable[..., Any], server: TrackServer, failures: Failures
) -> None:
    # Without the test CA, the trustme certificate must be refused.
    client = make_client(on_error=failures, config={"ca_bundle": None, "max_attempts": 1})
    client._track("42", "e", {}, None)
    assert client.flush(10)
    assert server.event_ids == {}
    assert "CERTIFICATE_VERIFY_FAILED" in failures.operations[0].reason


def test_retry_after_is_honoured(make_client: Callable[..., Any], server: TrackServer) -> None:
    server.push(Scripted(429, {"Retry-After": "1"}))
    client = make_client()
    event_id = client._track("42", "e", {}, None)
    assert client.flush(10)
    first, second = server.requests
    assert first.status == 429 and second.status == 200
    assert second.at - first.at >= 0.95  # not the 5 ms backoff
    assert server.delivered_ids() == {event_id}
    assert client.stats().retried == 1


def test_retry_after_http_date_is_honoured(
    make_client: Callable[..., Any], server: TrackServer
) -> None:
    server.push(Scripted(503, {"Retry-After": formatdate(time.time() + 2, usegmt=True)}))
    client = make_client()
    client._track("42", "e", {}, None)
    assert client.flush(10)
    first, second = server.requests
    assert second.at - first.at >= 0.9  # date has 1 s resolution: 1..2 s


def test_retry_after_is_capped(make_client: Callable[..., Any], server: TrackServer) -> None:
    server.push(Scripted(429, {"Retry-After": "3600"}))
    client = make_client(config={"retry_after_cap": 0.2})
    client._track("42", "e", {}, None)
    assert client.flush(10)
    first, second = server.requests
    assert 0.18 <= second.at - first.at < 1.0


def test_retry_budget_bounds_a_batch(
    make_client: Callable[..., Any], server: TrackServer, failures: Failures
) -> None:
    server.push(*[Scripted(503)] * 50)
    client = make_client(
        on_error=failures,
        config={"retry_budget": 0.3, "max_attempts": 50, "backoff_base": 0.05},
    )
    start = time.monotonic()
    client._track("42", "e", {}, None)
    assert client.flush(10)
    assert time.monotonic() - start < 2
    assert "retry budget exhausted" in failures.operations[0].reason


@pytest.mark.parametrize("status", [400, 404, 413, 422])
def test_other_4xx_are_not_retried(
    make_client: Callable[..., Any], server: TrackServer, failures: Failures, status: int
) -> None:
    server.push(Scripted(status, body=b'{"meta":{"error":"nope"}}'))
    client = make_client(on_error=failures)
    event_id = client._track("42", "e", {}, None)
    assert client.flush(10)
    assert len(server.requests) == 1
    [failed] = failures.operations
    assert failed.id == event_id and failed.status == status
    assert f"HTTP {status}" in failed.reason and "nope" in failed.reason
    assert client.stats().retried == 0


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried(
    make_client: Callable[..., Any], server: TrackServer, status: int
) -> None:
    server.push(Scripted(status), Scripted(status))
    client = make_client()
    event_id = client._track("42", "e", {}, None)
    assert client.flush(10)
    assert [r.status for r in server.requests] == [status, status, 200]
    assert server.delivered_ids() == {event_id}


def test_sync_mode_raises_delivery_error_with_status(
    make_client: Callable[..., Any], server: TrackServer
) -> None:
    client = make_client(mode="sync", config={"max_attempts": 2})
    server.push(Scripted(503), Scripted(503))
    with pytest.raises(Exception) as info:
        client._track("42", "e", {"x": 1}, None)
    error: Any = info.value
    assert type(error).__name__ == "DeliveryError"
    assert error.status == 503 and "gave up after 2 attempt(s)" in error.reason
    assert error.failed[0].operation["attributes"] == {"x": 1}
    event_id = client._track("42", "e", {}, None)  # the next one goes through
    assert event_id in server.delivered_ids()


def test_dead_letters_are_written_and_replay_delivers(
    make_client: Callable[..., Any], server: TrackServer, tmp_path: Path
) -> None:
    path = tmp_path / "dead.jsonl"
    client = make_client(dead_letter_path=path, config={"flush_interval": 30.0})
    ids = [client._track("42", "e", {"i": i}, None) for i in range(3)]
    anon_id = client._track_anonymous("anon-9", "a", {}, None)
    client._identify("42", {"plan": "pro"}, None)
    server.push(Scripted(400, body=b'{"errors":[]}'), Scripted(422))
    assert client.flush(10)
    assert server.event_ids == {}
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(lines) == 5
    assert [line["operation"].get("id") for line in lines[:3]] == ids
    assert lines[3]["path"] == "/api/v2/batch" and lines[3]["operation"]["action"] == "identify"
    assert lines[4]["path"] == "/api/v1/events" and lines[4]["operation"]["id"] == anon_id
    assert {line["status"] for line in lines} == {400, 422}
    assert all(line["reason"] and line["time"].endswith("Z") for line in lines)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # it holds personal data

    moved = tmp_path / "replaying.jsonl"
    path.rename(moved)
    assert client.replay_dead_letters(moved) == 5
    assert client.flush(10)
    assert server.delivered_ids() == {*ids, anon_id}  # same ULIDs: idempotent replay
    assert any(op["action"] == "identify" for op in server.ops)
    assert not path.exists()  # nothing failed this time

    # Replaying again is harmless: the API drops repeated ids (our fake counts them).
    assert client.replay_dead_letters(moved) == 5
    assert client.flush(10)
    assert set(server.event_ids.values()) == {2}


def test_replay_in_sync_mode(
    make_client: Callable[..., Any], server: TrackServer, tmp_path: Path
) -> None:
    path = tmp_path / "dead.jsonl"
    record = {"time": "t", "status": 500, "reason": "r", "path": "/api/v2/batch"}
    ops = [
        {
            "type": "person",
            "identifiers": {"id": "1"},
            "action": "event",
            "name": "e",
            "id": f"01HZZZZZZZZZZZZZZZZZZZZZ{i:02d}",
            "attributes": {},
        }
        for i in range(5)
    ]
    lines = [json.dumps({**record, "operation": op}) for op in ops]
    path.write_text("\n".join([*lines, "not json", ""]) + "\n")
    client = make_client(mode="sync")
    assert client.replay_dead_letters(path) == 5
    assert server.delivered_ids() == {op["id"] for op in ops}
    assert len(server.batch_requests()) == 1


def test_reconnects_after_a_reset(make_client: Callable[..., Any], server: TrackServer) -> None:
    server.push(Scripted(fault="reset"))
    client = make_client()
    event_id = client._track("42", "e", {}, None)
    assert client.flush(10)
    assert server.delivered_ids() == {event_id}
    assert server.connections == 2


def test_through_a_connect_proxy(make_client: Callable[..., Any], server: TrackServer) -> None:
    proxy = ConnectProxy().start()
    try:
        client = make_client(config={"proxy": proxy.url})
        event_id = client._track("42", "e", {}, None)
        assert client.flush(10)
        assert server.delivered_ids() == {event_id}
        assert proxy.tunnels == [f"127.0.0.1:{server.port}"]
    finally:
        proxy.stop()
