"""flush/close semantics, and what happens at interpreter exit, on SIGTERM and on fork.

Process-level scenarios run in a fresh interpreter (``python -c``) that loads the same
runtime file and talks to this test's HTTPS fake server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from .conftest import Failures, GatedTransport
from .track_server import TrackServer

PRELUDE = """
import importlib.util, json, os, sys, time
spec = importlib.util.spec_from_file_location("rt_sub", os.environ["RUNTIME_FILE"])
rt = importlib.util.module_from_spec(spec)
sys.modules["rt_sub"] = rt
spec.loader.exec_module(rt)
config = rt.ClientConfig(
    flush_interval=60.0, batch_size=10_000, max_batch_bytes=450_000,
    ca_bundle=os.environ["CA_BUNDLE"], timeout=2.0, backoff_base=0.01, backoff_cap=0.05,
    atexit_timeout=10.0,
)
client = rt.BaseClient(
    os.environ["SITE_ID"], os.environ["API_KEY"], base_url=os.environ["BASE_URL"], config=config
)
"""


def run_script(
    rt: ModuleType, server: TrackServer, ca_bundle: str, body: str, **popen: Any
) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "RUNTIME_FILE": str(rt.__file__),
        "CA_BUNDLE": ca_bundle,
        "SITE_ID": server.site_id,
        "API_KEY": server.api_key,
        "BASE_URL": server.url,
    }
    code = PRELUDE + textwrap.dedent(body)
    return subprocess.Popen(
        [sys.executable, "-c", code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def test_flush_waits_for_delivery_and_times_out(rt: ModuleType, gated: GatedTransport) -> None:
    client = rt.BaseClient("s", "k", transport=gated, config=rt.ClientConfig(flush_interval=0.01))
    client._track("42", "e", {}, None)
    start = time.monotonic()
    assert client.flush(0.2) is False
    assert 0.18 <= time.monotonic() - start < 2
    gated.release()
    assert client.flush(5) is True
    assert client.flush(0) is True  # nothing new queued
    client.close()


def test_close_timeout_reports_everything_undelivered(
    rt: ModuleType, gated: GatedTransport, failures: Failures, tmp_path: Path
) -> None:
    dead = tmp_path / "dead.jsonl"
    config = rt.ClientConfig(flush_interval=0.01, batch_size=2)
    client = rt.BaseClient(
        "s", "k", transport=gated, config=config, on_error=failures, dead_letter_path=dead
    )
    ids = [client._track("42", "e", {"i": i}, None) for i in range(5)]
    assert gated.wait_entered()
    client.close(timeout=0.2)
    assert sorted(failures.ids) == sorted(ids)  # in-flight and queued alike
    assert "not delivered before close() timed out" in failures.operations[0].reason
    assert len(dead.read_text().splitlines()) == 5
    stats = client.stats()
    assert (stats.queued, stats.failed, stats.pending) == (5, 5, 0)
    with pytest.raises(rt.ClientClosedError):
        client._track("42", "e", {}, None)
    client.close()  # idempotent
    gated.release()
    time.sleep(0.05)
    assert client.stats().failed == 5  # the late in-flight outcome is not double counted


def test_context_manager_flushes(make_client: Callable[..., Any], server: TrackServer) -> None:
    with make_client(config={"flush_interval": 30.0}) as client:
        ids = {client._track("42", "e", {"i": i}, None) for i in range(20)}
    assert server.delivered_ids() == ids


def test_garbage_collected_client_still_delivers(
    rt: ModuleType, server: TrackServer, ca_bundle: str
) -> None:
    import gc
    import weakref

    config = rt.ClientConfig(ca_bundle=ca_bundle, flush_interval=30.0)
    client = rt.BaseClient(server.site_id, server.api_key, base_url=server.url, config=config)
    ids = {client._track("42", "e", {"i": i}, None) for i in range(10)}
    ref = weakref.ref(client)
    del client
    gc.collect()
    assert ref() is None  # the sender thread does not keep the client alive
    assert server.wait_for(lambda s: set(s.event_ids) == ids, timeout=5)


def test_exit_with_queued_events_delivers_them(
    rt: ModuleType, server: TrackServer, ca_bundle: str
) -> None:
    proc = run_script(
        rt,
        server,
        ca_bundle,
        """
        ids = [client._track(str(i), "at_exit", {"i": i}, None) for i in range(300)]
        ids.append(client._track_anonymous("anon", "at_exit", {}, None))
        assert client.stats().sent == 0  # still queued: flush_interval is 60 s
        print(json.dumps(ids), flush=True)
        """,
    )
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    ids = json.loads(out)
    assert server.delivered_ids() == set(ids)
    assert set(server.event_ids.values()) == {1}


def test_sigterm_with_queued_events_loses_nothing(
    rt: ModuleType, server: TrackServer, ca_bundle: str
) -> None:
    proc = run_script(
        rt,
        server,
        ca_bundle,
        """
        assert rt.install_sigterm_handler() is True
        ids = [client._track(str(i), "on_sigterm", {"i": i}, None) for i in range(200)]
        print(json.dumps(ids), flush=True)
        time.sleep(60)  # a busy server's main thread, interrupted by SIGTERM
        print("not reached", flush=True)
        """,
    )
    assert proc.stdout is not None
    ids = json.loads(proc.stdout.readline())
    assert server.event_ids == {}
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "not reached" not in out
    assert server.delivered_ids() == set(ids)


def test_fork_child_has_its_own_queue(rt: ModuleType, server: TrackServer, ca_bundle: str) -> None:
    proc = run_script(
        rt,
        server,
        ca_bundle,
        """
        parent_ids = [client._track("p", "from_parent", {"i": i}, None) for i in range(50)]
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            before = client.stats()
            child_ids = [client._track("c", "from_child", {"i": i}, None) for i in range(20)]
            ok = client.flush(10)
            report = {"ok": ok, "before": before.queued, "after": client.stats().sent,
                      "ids": child_ids, "ulid": rt.new_ulid()}
            os.write(write_end, json.dumps(report).encode())
            os._exit(0)
        os.close(write_end)
        _, status = os.waitpid(pid, 0)
        child = json.loads(os.read(read_end, 1_000_000))
        parent_ulid = rt.new_ulid()
        ok = client.flush(10)
        print(json.dumps({"parent": parent_ids, "child": child, "status": status, "ok": ok,
                          "parent_ulid": parent_ulid, "sent": client.stats().sent}))
        """,
    )
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    result = json.loads(out)
    child = result["child"]
    assert result["status"] == 0 and result["ok"] and child["ok"]
    assert child["before"] == 0  # fresh counters and an empty queue in the child
    assert child["after"] == 20
    assert result["sent"] == 50
    # Every parent event exactly once (the child did not send the parent's queue),
    # every child event delivered.
    assert {i: server.event_ids[i] for i in result["parent"]} == dict.fromkeys(result["parent"], 1)
    assert all(server.event_ids[i] == 1 for i in child["ids"])
    assert len(server.event_ids) == 70
    # The ULID generator was reseeded in the child: random halves differ.
    assert child["ulid"][10:] != result["parent_ulid"][10:]


def test_sigterm_without_the_handler_is_pythons_default(
    rt: ModuleType, server: TrackServer, ca_bundle: str
) -> None:
    """Why install_sigterm_handler exists: by default SIGTERM skips atexit entirely."""
    proc = run_script(
        rt,
        server,
        ca_bundle,
        """
        ids = [client._track(str(i), "lost", {"i": i}, None) for i in range(10)]
        print("ready", flush=True)
        time.sleep(60)
        """,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGTERM
    assert server.event_ids == {}


def test_drains_in_the_calling_thread_when_no_thread_can_start(
    rt: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At interpreter shutdown Python refuses new threads; flush()/close() then send
    from the calling thread instead of losing the queue."""
    transport = rt.RecordingTransport()
    client = rt.BaseClient("s", "k", transport=transport, config=rt.ClientConfig(batch_size=3))
    pipeline = client._pipeline

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("can't create new thread at interpreter shutdown")

    monkeypatch.setattr(rt.threading.Thread, "start", refuse)
    ids = [client._track("42", "e", {"i": i}, None) for i in range(7)]
    assert pipeline._thread is None and transport.requests == []
    assert client.flush(5)
    assert [op["id"] for op in transport.operations()] == ids
    assert len(transport.requests) == 3  # still batched: 3 + 3 + 1
    client._track("42", "late", {}, None)
    client.close(5)
    assert transport.operations()[-1]["name"] == "late"
