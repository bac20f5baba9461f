"""Fixtures for the runtime tests: the module under test, a TLS fake Track API, clients.

The module under test is the template package ``templates/_runtime/``, imported
under a private name: the generator copies it verbatim into every generated package
(``tests/test_copies.py`` checks that), so testing the template tests every copy, and
breaking the template fails these tests even before ``generated/`` is rebuilt.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import trustme

from .app_support import app_server, make_app  # noqa: F401  (the App client's fixtures)
from .track_server import TrackServer

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "templates" / "_runtime"

# Small, fast settings: retries in milliseconds, a client timeout below the fake
# server's "slow" fault, queues flushed quickly.
FAST: dict[str, Any] = {
    "flush_interval": 0.05,
    "backoff_base": 0.005,
    "backoff_cap": 0.05,
    "retry_budget": 20.0,
    "retry_after_cap": 1.0,
    "timeout": 0.4,
    "atexit_timeout": 5.0,
}


def load_runtime() -> ModuleType:
    """``templates/_runtime/`` imported as the package ``ciogen_runtime_under_test``."""
    name = "ciogen_runtime_under_test"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, TEMPLATE / "__init__.py", submodule_search_locations=[str(TEMPLATE)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # its submodules import each other through this name
    spec.loader.exec_module(module)
    return module


RT = load_runtime()


@pytest.fixture(scope="session")
def rt() -> ModuleType:
    return RT


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_bundle(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def server(ca: trustme.CA) -> Iterator[TrackServer]:
    srv = TrackServer(ca=ca).start()
    yield srv
    srv.stop()


@pytest.fixture
def make_client(
    rt: ModuleType, server: TrackServer, ca_bundle: str
) -> Iterator[Callable[..., Any]]:
    """Build ``BaseClient``s aimed at ``server`` with FAST settings; closed after the test."""
    clients: list[Any] = []

    def build(*, api_key: str | None = None, **kwargs: Any) -> Any:
        config_overrides = kwargs.pop("config", {})
        settings = {**FAST, "ca_bundle": ca_bundle, **config_overrides}
        client = rt.BaseClient(
            server.site_id,
            api_key if api_key is not None else server.api_key,
            base_url=kwargs.pop("base_url", server.url),
            config=rt.ClientConfig(**settings),
            **kwargs,
        )
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close(timeout=5)


class GatedTransport:
    """A recording transport whose requests wait until ``release()`` (bounded), so tests
    can hold the sender mid-request and fill the queue deterministically."""

    def __init__(self, rt: ModuleType) -> None:
        self.inner = rt.RecordingTransport()
        self.gate = threading.Event()
        self.entered = threading.Semaphore(0)
        self.in_flight = 0

    def send(self, method: str, path: str, body: bytes) -> Any:
        self.in_flight += 1
        self.entered.release()
        try:
            self.gate.wait(15)
            return self.inner.send(method, path, body)
        finally:
            self.in_flight -= 1

    def wait_entered(self, timeout: float = 5.0) -> bool:
        return self.entered.acquire(timeout=timeout)

    def release(self) -> None:
        self.gate.set()

    def close(self) -> None:
        self.gate.set()


@pytest.fixture
def gated(rt: ModuleType) -> Iterator[GatedTransport]:
    transport = GatedTransport(rt)
    yield transport
    transport.release()


class Failures:
    """An ``on_error`` callback that remembers what it was given."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list[tuple[list[Any], str]] = []

    def __call__(self, failed: list[Any], reason: str) -> None:
        with self.lock:
            self.calls.append((list(failed), reason))

    @property
    def operations(self) -> list[Any]:
        with self.lock:
            return [f for failed, _ in self.calls for f in failed]

    @property
    def ids(self) -> list[str]:
        """Event ids of the failed operations (operations without one are skipped)."""
        return [f.id for f in self.operations if f.id is not None]


@pytest.fixture
def failures() -> Failures:
    return Failures()
