"""Clearing an attribute over HTTPS: what `update_person(person, x=CLEAR)` puts on the wire.

The golden package `clearable` (tests/golden/clearable/) is aimed at this suite's
loopback HTTPS fake Track API; the operation the fake accepts carries the cleared
attribute as JSON `null` (Customer.io removes an attribute sent as null), the
attributes passed as `None` not at all, and `_update: true`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from types import ModuleType

import pytest
from generated_suite import imported
from golden_cases import package_name, package_root

from .conftest import FAST
from .track_server import TrackServer


@pytest.fixture(scope="module")
def pkg() -> Iterator[ModuleType]:
    with imported(package_root("clearable"), package_name("clearable")) as package:
        yield package


def test_clear_reaches_the_track_api_as_null(
    pkg: ModuleType, server: TrackServer, ca_bundle: str
) -> None:
    client = pkg.Client(
        server.site_id,
        server.api_key,
        base_url=server.url,
        config=pkg.ClientConfig(**{**FAST, "ca_bundle": ca_bundle}),
    )
    try:
        client.update_person("42", trial_ends_at=pkg.CLEAR, plan="pro", seats=None)
        later = dt.datetime(2030, 1, 31, 12, tzinfo=dt.UTC)
        client.update_person("43", trial_ends_at=later, address=pkg.CLEAR)
        assert client.flush(timeout=10)
    finally:
        client.close(timeout=5)
    assert [(op["identifiers"], op["action"], op["attributes"]) for op in server.ops] == [
        ({"id": "42"}, "identify", {"trial_ends_at": None, "plan": "pro", "_update": True}),
        (
            {"id": "43"},
            "identify",
            {"trial_ends_at": "2030-01-31T12:00:00+00:00", "address": None, "_update": True},
        ),
    ]
    assert server.batch_requests()
