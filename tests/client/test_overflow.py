"""Overflow policies: every operation that does not fit is counted and reported."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import threading
import time
from types import ModuleType
from typing import Any

import pytest

from .conftest import Failures, GatedTransport


def held_client(rt: ModuleType, gated: GatedTransport, failures: Failures, **config: Any) -> Any:
    """A client whose sender is stuck in its first request and whose queue holds 5."""
    settings = {"batch_size": 1, "max_queue_events": 5, "flush_interval": 0.01, **config}
    client = rt.BaseClient(
        "s", "k", transport=gated, on_error=failures, config=rt.ClientConfig(**settings)
    )
    client._track("42", "in-flight", {}, None)
    assert gated.wait_entered()
    for i in range(5):
        client._track("42", "queued", {"i": i}, None)
    return client


def test_drop_newest(rt: ModuleType, gated: GatedTransport, failures: Failures) -> None:
    client = held_client(rt, gated, failures, overflow="drop")
    dropped_id = client._track("42", "overflow", {}, None)  # returns, does not raise
    assert client.stats().dropped == 1
    assert failures.calls == []  # drops are reported in groups, not one call each
    assert client.flush(0) is False  # the sender is still stuck, but flush reports them
    [failed] = failures.operations
    assert failed.id == dropped_id and failed.operation["name"] == "overflow"
    assert "queue full" in failed.reason and failed.status is None
    gated.release()
    assert client.flush(5)
    stats = client.stats()
    assert (stats.queued, stats.sent, stats.dropped, stats.pending) == (6, 6, 1, 0)
    assert "overflow" not in [op["name"] for op in gated.inner.operations()]
    client.close()


def test_raise(rt: ModuleType, gated: GatedTransport, failures: Failures) -> None:
    client = held_client(rt, gated, failures, overflow="raise")
    with pytest.raises(rt.QueueFullError, match="max_queue_events=5"):
        client._identify("42", {"a": 1}, None)
    assert client.stats().dropped == 1
    assert failures.operations[0].operation["action"] == "identify"
    gated.release()
    assert client.flush(5)
    client.close()


def test_block_until_room(rt: ModuleType, gated: GatedTransport, failures: Failures) -> None:
    client = held_client(rt, gated, failures, overflow="block", block_timeout=5.0)
    threading.Timer(0.2, gated.release).start()
    start = time.monotonic()
    client._track("42", "waited", {}, None)  # blocks until the sender makes room
    assert 0.15 <= time.monotonic() - start < 4
    assert client.flush(5)
    stats = client.stats()
    assert (stats.sent, stats.dropped) == (7, 0) and failures.calls == []
    client.close()


def test_block_times_out(rt: ModuleType, gated: GatedTransport, failures: Failures) -> None:
    client = held_client(rt, gated, failures, overflow="block", block_timeout=0.2)
    start = time.monotonic()
    with pytest.raises(rt.QueueFullError, match=r"after blocking 0\.2s"):
        client._track("42", "late", {}, None)
    assert time.monotonic() - start >= 0.19
    assert client.stats().dropped == 1 and failures.operations[0].operation["name"] == "late"
    gated.release()
    assert client.flush(5)
    client.close()


def test_byte_bound(rt: ModuleType, gated: GatedTransport, failures: Failures) -> None:
    config = rt.ClientConfig(
        batch_size=1,
        flush_interval=0.01,
        max_queue_events=1000,
        max_queue_bytes=265_536,  # the smallest allowed: room for 8 ops of 30 KB
    )
    client = rt.BaseClient("s", "k", transport=gated, on_error=failures, config=config)
    blob = {"blob": "x" * 30_000}
    client._track("42", "in-flight", blob, None)
    assert gated.wait_entered()
    for _ in range(10):
        client._track("42", "big", blob, None)
    assert client.stats().dropped == 2
    client.flush(0)
    assert len(failures.operations) == 2
    gated.release()
    assert client.flush(5)
    assert client.stats().sent == 9
    client.close()


def test_drops_are_logged_without_payloads(
    rt: ModuleType, gated: GatedTransport, failures: Failures, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger=rt.__name__)
    client = held_client(rt, gated, failures, overflow="drop")
    client._track("secret-person@example.com", "overflow", {"card": "4111"}, None)
    client.flush(0)
    assert "dropped" in caplog.text
    assert "secret-person" not in caplog.text and "4111" not in caplog.text
    gated.release()
    client.close(5)


def wait_until(condition: Any, seconds: float = 5.0) -> bool:
    """Poll ``condition`` every 10 ms for at most ``seconds``: for what the reporting
    thread does in its own time."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_drops_are_reported_in_groups(
    rt: ModuleType, gated: GatedTransport, failures: Failures, tmp_path: Any
) -> None:
    """A dropped call costs no more than a queued one: groups of 100 or more, each one
    on_error call and one dead-letter write, nothing decoded; the rest at flush()."""
    dead = tmp_path / "dead.jsonl"
    settings = {"batch_size": 1, "max_queue_events": 5, "flush_interval": 0.01}
    client = rt.BaseClient(
        "s", "k", transport=gated, on_error=failures, dead_letter_path=dead,
        config=rt.ClientConfig(**settings),
    )  # fmt: skip
    client._track("42", "in-flight", {}, None)
    assert gated.wait_entered()
    for i in range(5):
        client._track("42", "queued", {"i": i}, None)
    ids = [client._track("42", "dropped", {"i": i}, None) for i in range(250)]
    assert wait_until(lambda: len(failures.calls) > 0)  # the reporting thread's group(s)
    assert all(f._operation is None for f in failures.operations)  # not decoded yet
    client.flush(0)  # waits for a group in progress, then reports what is left
    sizes = [len(batch) for batch, _ in failures.calls]
    assert sum(sizes) == 250 and len(sizes) <= 3 and all(n >= 100 for n in sizes[:-1])
    assert failures.ids == ids  # one group at a time, in call order
    assert [json.loads(line)["operation"]["id"] for line in dead.read_text().splitlines()] == ids
    gated.release()
    client.close(5)


def test_drop_reports_run_off_the_calling_thread(
    rt: ModuleType, gated: GatedTransport, failures: Failures
) -> None:
    """The call that completes a group hands it to the client's reporting thread and
    returns: a slow on_error slows no call. flush() waits for the group in progress;
    flush() from inside on_error raises instead of waiting for itself."""
    entered, release = threading.Event(), threading.Event()
    seen: list[tuple[str, str]] = []

    def on_error(failed: list[Any], reason: str) -> None:
        try:
            client.flush(0)
        except RuntimeError as exc:
            seen.append((threading.current_thread().name, str(exc)))
        entered.set()
        release.wait(5)
        failures(failed, reason)

    settings = {"batch_size": 1, "max_queue_events": 5, "flush_interval": 0.01}
    client = rt.BaseClient(
        "s", "k", transport=gated, on_error=on_error, config=rt.ClientConfig(**settings)
    )
    client._track("42", "in-flight", {}, None)
    assert gated.wait_entered()
    for i in range(5):
        client._track("42", "queued", {"i": i}, None)
    ids = [client._track("42", "dropped", {"i": i}, None) for i in range(100)]
    assert entered.wait(5)  # the group is being reported...
    ids.append(client._track("42", "dropped", {"i": 100}, None))  # ...and calls go on
    assert not release.is_set() and failures.calls == []
    release.set()
    assert client.flush(0) is False  # the sender is still stuck; every drop is reported
    assert failures.ids == ids
    [(thread, message)] = seen[:1]
    assert thread == "ciogen-reporter" and "inside on_error" in message
    gated.release()
    client.close(5)


def test_a_reporting_thread_far_behind_makes_the_calls_report(
    rt: ModuleType, gated: GatedTransport, failures: Failures, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past DEFER_BACKLOG drops waiting (made 150 here), the dropping call reports
    them itself, waiting for the group in progress: memory stays bounded, and a slow
    on_error slows the calls that drop, as it would without the thread. (Once the
    group is out, the thread or the waiting call reports the rest, whichever is first.)"""
    monkeypatch.setattr(rt.reporting, "DEFER_BACKLOG", 150)
    entered, release = threading.Event(), threading.Event()
    callers: list[str] = []

    def on_error(failed: list[Any], reason: str) -> None:
        callers.append(threading.current_thread().name)
        entered.set()
        release.wait(5)
        failures(failed, reason)

    settings = {"batch_size": 1, "max_queue_events": 5, "flush_interval": 0.01}
    client = rt.BaseClient(
        "s", "k", transport=gated, on_error=on_error, config=rt.ClientConfig(**settings)
    )
    client._track("42", "in-flight", {}, None)
    assert gated.wait_entered()
    for i in range(5):
        client._track("42", "queued", {"i": i}, None)
    ids = [client._track("42", "dropped", {"i": i}, None) for i in range(100)]
    assert entered.wait(5)
    more = threading.Thread(
        target=lambda: ids.extend(client._track("42", "more", {"i": i}, None) for i in range(150)),
        name="caller",
    )
    more.start()
    more.join(0.3)
    assert more.is_alive()  # its 150th drop waits for the group in progress...
    assert len(client._pipeline._reporter._deferred) == 150  # ...and no more pile up
    release.set()
    more.join(5)
    assert not more.is_alive() and callers[0] == "ciogen-reporter"
    client.flush(0)
    assert failures.ids == ids
    gated.release()
    client.close(5)


def test_a_drop_report_waits_at_most_a_second(
    rt: ModuleType, gated: GatedTransport, failures: Failures, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The oldest waiting drop is reported at the next drop once DEFER_AGE has passed
    (made 0 here, so no clock is involved), by the reporting thread."""
    client = held_client(rt, gated, failures, overflow="drop")
    client._track("42", "first", {}, None)
    assert failures.calls == []
    monkeypatch.setattr(rt.reporting, "DEFER_AGE", 0.0)
    client._track("42", "second", {}, None)
    assert wait_until(lambda: len(failures.operations) == 2)
    assert [f.operation["name"] for f in failures.operations] == ["first", "second"]
    gated.release()
    client.close(5)


def test_a_drop_report_is_an_ordinary_failed_operation(
    rt: ModuleType, gated: GatedTransport, failures: Failures
) -> None:
    """Drop reports are built cheaply (their reason, status and path come from their
    class), yet read, compare, copy and pickle like any other FailedOperation."""
    client = held_client(rt, gated, failures, overflow="drop")
    event_id = client._track("42", "dropped", {"n": 1}, None)
    client.flush(0)
    [failed] = failures.operations
    assert (failed.reason, failed.status, failed.path) == (
        "queue full: operation dropped",
        None,
        "/api/v2/batch",
    )
    assert failed.id == event_id and failed.operation["attributes"] == {"n": 1}
    for twin in (pickle.loads(pickle.dumps(failed)), copy.copy(failed)):
        assert type(twin) is rt.FailedOperation and twin == failed and twin.raw == failed.raw
    gated.release()
    client.close(5)


def test_a_group_of_drops_builds_its_reports_on_first_use(
    rt: ModuleType, gated: GatedTransport
) -> None:
    """on_error's list for a group of drops answers len() from the queued bytes; its
    report objects are built, all at once, the first time anything else is asked."""
    seen: list[tuple[list[Any], int, bool]] = []

    def on_error(failed: list[Any], reason: str) -> None:
        seen.append((failed, len(failed), bool(failed) and failed._raws is not None))

    settings = {"batch_size": 1, "max_queue_events": 1, "flush_interval": 0.01}
    client = rt.BaseClient(
        "s", "k", transport=gated, on_error=on_error, config=rt.ClientConfig(**settings)
    )
    client._track("42", "in-flight", {}, None)
    assert gated.wait_entered()
    client._track("42", "queued", {}, None)
    ids = [client._track("42", "dropped", {"i": i}, None) for i in range(3)]
    client.flush(0)
    [(failed, count, lazy)] = seen
    assert (count, lazy) == (3, True)  # len() and truth built nothing
    assert isinstance(failed, list) and [f.id for f in failed] == ids
    assert failed._raws is None and list.__len__(failed) == 3  # built, now a plain list
    gated.release()
    client.close(5)


def _lazy_and_plain(rt: ModuleType) -> tuple[list[Any], list[Any]]:
    raws = [json.dumps({"type": "person", "id": f"e{i}"}).encode() for i in range(3)]
    return rt.drop_reports.lazy_reports(raws), rt.drop_reports.dropped(raws)


LIST_USES = {
    "iterate": lambda x, p: list(x),
    "index": lambda x, p: (x[0], x[-1], x[1:]),
    "equal": lambda x, p: (x == p, p == x, x != p, x == x[:], x < p, p <= x),
    "concatenate": lambda x, p: (p + x, x + p, x * 2, 2 * x, [*p, *x]),
    "search": lambda x, p: (p[1] in x, x.index(p[2]), x.count(p[0])),
    "show": lambda x, p: (repr(x), str(x), f"{x}"),
    "order": lambda x, p: (sorted(x, key=lambda f: f.raw, reverse=True), list(reversed(x))),
    "copy": lambda x, p: (x.copy(), copy.copy(x), copy.deepcopy(x), tuple(x)),
    "pickle": lambda x, p: pickle.loads(pickle.dumps(x)),
    "two lazy lists": lambda x, p: (x == _lazy_and_plain(_RT[0])[0], x + _lazy_and_plain(_RT[0])[0]),
    "add in place": lambda x, p: _added_in_place(p[:1], x),
    "as a dataclass field": lambda x, p: dataclasses.asdict(_Report(x))["failed"][1:],
    "rebuilt by its type": lambda x, p: (type(x)(iter(x)), type(x)(), type(x)(p) == p),
}  # fmt: skip
_RT: list[ModuleType] = []


def _added_in_place(collected: list[Any], failed: list[Any]) -> tuple[bool, list[Any]]:
    """``collected += failed``, as a callback gathering reports does: ``list`` extends
    ``collected`` itself, so every other reference to it sees the reports."""
    alias = collected
    collected += failed
    return collected is alias, alias


@dataclasses.dataclass
class _Report:
    """A callback's own record of a report: ``asdict`` rebuilds the list by its type."""

    failed: list[Any]


@pytest.mark.parametrize("use", sorted(LIST_USES))
def test_a_lazy_group_of_drops_is_a_list_of_reports(rt: ModuleType, use: str) -> None:
    """Whatever on_error does with the list, it sees what a plain list of the same
    reports gives (C code that reads a list's items directly included)."""
    _RT[:] = [rt]
    lazy, plain = _lazy_and_plain(rt)
    assert LIST_USES[use](lazy, plain) == LIST_USES[use](plain, list(plain))
    lazy, _ = _lazy_and_plain(rt)
    lazy.append(plain[0])  # changed before it was read: built first, then changed
    lazy.sort(key=lambda f: f.raw)
    assert [f.raw for f in lazy] == sorted([f.raw for f in plain] + [plain[0].raw])
    assert type(pickle.loads(pickle.dumps(lazy))) is list and type(copy.copy(lazy)) is list
