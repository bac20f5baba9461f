"""Fixtures of the App client tests: the fake App API and clients of `generated`.

The App client under test is the repository's own generated package (from
taxonomy.yaml: a password-reset email, a receipt with line items, a push and a
broadcast): its typed methods are what users call. Its `_runtime/` is a copy of
`templates/_runtime/` (tests/test_copies.py, `ciogen check`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import trustme

import generated
from generated._runtime.app import AppConfig

from .app_server import AppServer

KEY = "app-key-s3cr3t"
# Milliseconds of backoff, a read timeout below the server's "slow" fault.
FAST: dict[str, Any] = {
    "timeout": 0.4,
    "connect_timeout": 0.4,
    "max_attempts": 4,
    "backoff_base": 0.005,
    "backoff_cap": 0.02,
    "retry_after_cap": 0.05,
}


@pytest.fixture
def app_server(ca: trustme.CA) -> Iterator[AppServer]:
    server = AppServer(api_key=KEY, ca=ca).start()
    yield server
    server.stop()


@pytest.fixture
def make_app(app_server: AppServer, ca_bundle: str) -> Iterator[Callable[..., generated.AppClient]]:
    """Build `generated.AppClient`s aimed at `app_server`; closed after the test."""
    clients: list[generated.AppClient] = []

    def build(*, api_key: str = KEY, base_url: str | None = None, **config: Any) -> Any:
        settings = {**FAST, "ca_bundle": ca_bundle, **config}
        client = generated.AppClient(
            api_key, base_url=base_url or app_server.url, config=AppConfig(**settings)
        )
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
