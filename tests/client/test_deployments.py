"""Process lifecycles of real deployments: every queued event is delivered or reported.

Each test runs a real worker model in subprocesses (``tests/client/apps/``) against
this test's HTTPS fake Track API: multiprocessing children (fork, forkserver, spawn,
a recycling Pool of each, a terminated Pool), a real Celery prefork worker, gunicorn
sync workers with ``--preload``, and user code calling ``os._exit()``. The apps keep
every event queued until their process ends, so what arrives was delivered by the exit
path under test.
Each test then accounts for every id an app queued: delivered (seen by the server) or
reported (in the dead-letter file); none may be missing.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import TEMPLATE
from .track_server import FAULT_503, TrackServer

APPS = Path(__file__).parent / "apps"


@dataclass
class Deployment:
    """The environment of one deployment's processes, and its accounting."""

    env: dict[str, str]
    queued_log: Path
    dead_letters: Path
    folder: Path

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, *args],
            env=self.env,
            cwd=self.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def queued(self) -> list[list[str]]:
        """The ids the apps logged as queued, one list per log line (per task)."""
        if not self.queued_log.exists():
            return []
        return [json.loads(line)["ids"] for line in self.queued_log.read_text().splitlines()]

    def reported(self) -> set[str]:
        if not self.dead_letters.exists():
            return set()
        lines = self.dead_letters.read_text().splitlines()
        return {json.loads(line)["operation"]["id"] for line in lines}


@pytest.fixture
def deployment(server: TrackServer, ca_bundle: str, tmp_path: Path) -> Deployment:
    # The runtime template, importable as the package ``cio_rt`` from any process.
    (tmp_path / "cio_rt").symlink_to(TEMPLATE, target_is_directory=True)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(APPS)]),
        "CA_BUNDLE": ca_bundle,
        "SITE_ID": server.site_id,
        "API_KEY": server.api_key,
        "BASE_URL": server.url,
        "QUEUED_LOG": str(tmp_path / "queued.jsonl"),
        "DEAD_LETTERS": str(tmp_path / "dead.jsonl"),
        "BROKER_FOLDER": str(tmp_path / "broker"),
    }
    (tmp_path / "broker").mkdir()
    return Deployment(env, tmp_path / "queued.jsonl", tmp_path / "dead.jsonl", tmp_path)


def assert_all_delivered(deployment: Deployment, server: TrackServer, tasks: int) -> None:
    queued = deployment.queued()
    assert len(queued) == tasks
    ids = {i for batch in queued for i in batch}
    assert server.wait_for(lambda s: ids <= set(s.event_ids), timeout=5), (
        f"{len(ids - server.delivered_ids())} of {len(ids)} queued events never arrived"
    )
    assert deployment.reported() == set()


@pytest.mark.parametrize(
    "model",
    ["fork", "forkserver", "spawn", "pool", "pool-forkserver", "pool-spawn", "pool-terminate"],
)
def test_multiprocessing_children_deliver_at_exit(
    deployment: Deployment, server: TrackServer, model: str
) -> None:
    """multiprocessing ends fork and forkserver children with os._exit(): atexit never
    runs there (spawn children end with sys.exit()). ``pool-terminate`` is ``with Pool(initializer=install_sigterm_handler)``, whose exit
    SIGTERMs workers that may already be flushing: the flush must not be cut short."""
    done = deployment.run(str(APPS / "mp_app.py"), model)
    assert done.returncode == 0, done.stderr
    assert_all_delivered(deployment, server, 4 if model.startswith("pool") else 2)


def test_multiprocessing_children_report_what_they_cannot_deliver(
    deployment: Deployment, ca: object
) -> None:
    """The same fork children against an API that answers 503 to everything: each
    child's queue ends up in the dead-letter file, within its exit budget."""
    failing = TrackServer(ca=ca, fault_rate=1.0, faults=(FAULT_503,)).start()  # type: ignore[arg-type]
    try:
        deployment.env["BASE_URL"] = failing.url
        deployment.env["ATEXIT_TIMEOUT"] = "2"
        start = time.monotonic()
        done = deployment.run(str(APPS / "mp_app.py"), "fork")
        elapsed = time.monotonic() - start
        assert done.returncode == 0, done.stderr
    finally:
        failing.stop()
    ids = {i for batch in deployment.queued() for i in batch}
    assert len(ids) == 600
    assert deployment.reported() == ids
    assert failing.event_ids == {}
    assert elapsed < 30  # two children exit in parallel, each bounded by its 2 s budget


@pytest.mark.parametrize("flush", [True, False])
def test_user_os_exit(deployment: Deployment, server: TrackServer, flush: bool) -> None:
    """os._exit() in user code skips every hook: the one case the runtime cannot see.
    Flushing (or closing) the client first is the documented workaround."""
    done = deployment.run(str(APPS / "exit_app.py"), "flush" if flush else "no-flush")
    assert done.returncode == 0, done.stderr
    (ids,) = deployment.queued()
    if flush:
        assert server.delivered_ids() == set(ids)
    else:
        # Documented loss: neither delivered nor reported. If this ever changes,
        # docs/delivery.md ("deployments") must change with it.
        assert server.event_ids == {} and deployment.reported() == set()


def _wait(predicate: object, timeout: float, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    out = proc.communicate(timeout=10)[0]
    pytest.fail(f"timed out waiting; process output:\n{out[-3000:]}")


@pytest.fixture
def stop_later() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test started; any still running at the end are killed, by pid."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)


def test_celery_prefork_worker_delivers_from_recycled_and_stopped_children(
    deployment: Deployment, server: TrackServer, stop_later: list[subprocess.Popen[str]]
) -> None:
    """A real ``celery worker`` (prefork pool, 2 children, ``--max-tasks-per-child=1``)
    on kombu's filesystem broker runs 6 tasks; billiard ends every child with
    os._exit(), both when recycling it and at the warm shutdown SIGTERM starts."""
    producer = deployment.run(
        "-c", "from celery_app import send_events\nfor _ in range(6): send_events.delay(150)"
    )
    assert producer.returncode == 0, producer.stderr
    worker = deployment.popen(
        "-m", "celery", "-A", "celery_app", "worker", "--pool=prefork", "--concurrency=2",
        "--max-tasks-per-child=1", "--loglevel=WARNING",
        "--without-heartbeat", "--without-mingle", "--without-gossip",
    )  # fmt: skip
    stop_later.append(worker)
    _wait(lambda: len(deployment.queued()) == 6, 90, worker)
    worker.send_signal(signal.SIGTERM)  # warm shutdown
    out = worker.communicate(timeout=60)[0]
    assert worker.returncode == 0, out[-3000:]
    assert_all_delivered(deployment, server, 6)


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=10)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(self._path)


def test_gunicorn_sync_workers_with_preload(
    deployment: Deployment, server: TrackServer, stop_later: list[subprocess.Popen[str]]
) -> None:
    """gunicorn sync workers forked from a ``--preload``ed app, recycled by
    ``--max-requests`` and stopped by the master's graceful shutdown (SIGTERM)."""
    sock = str(deployment.folder / "gunicorn.sock")
    master = deployment.popen(
        "-m", "gunicorn", "--preload", "--workers=2", "--worker-class=sync",
        "--max-requests=3", "--graceful-timeout=30", f"--bind=unix:{sock}", "wsgi_app:app",
    )  # fmt: skip
    stop_later.append(master)
    _wait(lambda: os.path.exists(sock), 60, master)
    answered: list[str] = []
    for _ in range(10):
        for attempt in range(50):  # a recycling worker may refuse for a moment
            conn = _UnixHTTPConnection(sock)
            try:
                conn.request("GET", "/", headers={"Connection": "close"})
                answered.extend(json.loads(conn.getresponse().read()))
                break
            except (ConnectionError, http.client.HTTPException):
                time.sleep(0.05 * attempt)
            finally:
                conn.close()
    assert len(answered) == 10 * 50
    master.send_signal(signal.SIGTERM)
    out = master.communicate(timeout=60)[0]
    assert master.returncode == 0, out[-3000:]
    queued = deployment.queued()
    assert {i for batch in queued for i in batch} == set(answered)
    assert_all_delivered(deployment, server, 10)
