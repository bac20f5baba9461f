"""The process-wide client helper used by generated ``get_client()``/``configure()``."""

from __future__ import annotations

import threading
import time
from types import ModuleType
from typing import Any

import pytest

ENV = {"CUSTOMERIO_SITE_ID": "site-1", "CUSTOMERIO_TRACK_API_KEY": "key-1"}


class Factory:
    """Builds recording clients and remembers how it was called."""

    def __init__(self, rt: ModuleType, delay: float = 0.0) -> None:
        self.rt = rt
        self.delay = delay
        self.calls: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def __call__(self, **kwargs: Any) -> Any:
        time.sleep(self.delay)  # widen the race window
        with self.lock:
            self.calls.append(kwargs)
        return self.rt.BaseClient(**kwargs, transport=self.rt.RecordingTransport())


def test_get_builds_from_the_environment(rt: ModuleType) -> None:
    factory = Factory(rt)
    single = rt.Singleton(factory, environ={**ENV, "CUSTOMERIO_REGION": "EU"})
    client = single.get()
    assert single.get() is client
    assert factory.calls == [{"site_id": "site-1", "api_key": "key-1", "region": "eu"}]
    assert client.base_url == "https://track-eu.customer.io"
    single.reset()


def test_get_reads_os_environ_by_default(rt: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CUSTOMERIO_REGION", raising=False)
    single = rt.Singleton(Factory(rt), default_region="eu")
    assert single.get().region == "eu"  # the generator's taxonomy default applies
    monkeypatch.setenv("CUSTOMERIO_REGION", "us")
    single.reset()
    assert single.get().region == "us"  # the environment wins over the default
    single.reset()


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "environment variables CUSTOMERIO_SITE_ID, CUSTOMERIO_TRACK_API_KEY are not set"),
        ({"CUSTOMERIO_SITE_ID": "s"}, "environment variable CUSTOMERIO_TRACK_API_KEY is not set"),
        ({**ENV, "CUSTOMERIO_SITE_ID": "  "}, "variable CUSTOMERIO_SITE_ID is not set"),
    ],
)
def test_missing_variables_are_named(rt: ModuleType, environ: dict[str, str], message: str) -> None:
    single = rt.Singleton(Factory(rt), environ=environ)
    with pytest.raises(rt.ConfigurationError, match=message):
        single.get()
    assert not single.configured


def test_invalid_region_is_named(rt: ModuleType) -> None:
    single = rt.Singleton(Factory(rt), environ={**ENV, "CUSTOMERIO_REGION": "ap-south"})
    with pytest.raises(rt.ConfigurationError, match="CUSTOMERIO_REGION='ap-south'"):
        single.get()
    with pytest.raises(rt.ConfigurationError, match="'mars'"):
        rt.Singleton(Factory(rt), default_region="mars")


def test_concurrent_get_builds_exactly_one(rt: ModuleType) -> None:
    factory = Factory(rt, delay=0.05)
    single = rt.Singleton(factory, environ=ENV)
    barrier = threading.Barrier(32)
    seen: list[Any] = []

    def worker() -> None:
        barrier.wait(5)
        seen.append(single.get())

    threads = [threading.Thread(target=worker) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(seen) == 32 and len({id(c) for c in seen}) == 1
    assert len(factory.calls) == 1
    single.reset()


def test_configure_and_reset(rt: ModuleType) -> None:
    factory = Factory(rt)
    single = rt.Singleton(factory, environ={})
    first = single.configure(site_id="s", api_key="k", region="eu", mode="sync")
    assert single.get() is first and first.base_url.endswith("track-eu.customer.io")
    assert factory.calls[-1] == {"site_id": "s", "api_key": "k", "region": "eu", "mode": "sync"}
    second = single.configure(site_id="s2", api_key="k2")
    assert single.get() is second
    assert first._transport.closed  # the replaced client was closed
    with pytest.raises(rt.ClientClosedError):
        first._track("42", "e", {}, None)
    single.reset()
    assert second._transport.closed and not single.configured
    with pytest.raises(rt.ConfigurationError, match="CUSTOMERIO_SITE_ID"):
        single.get()  # nothing in the environment to rebuild from


def test_configure_takes_missing_credentials_from_env(rt: ModuleType) -> None:
    factory = Factory(rt)
    single = rt.Singleton(factory, environ=ENV)
    single.configure(config=rt.ClientConfig(batch_size=10))
    assert factory.calls[-1]["site_id"] == "site-1"
    assert factory.calls[-1]["config"].batch_size == 10
    single.reset()
