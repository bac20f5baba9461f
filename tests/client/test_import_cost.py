"""What importing the generated package loads, and when the rest is loaded (issue #10).

``import generated`` runs in every web worker, Celery child and serverless cold
start. These tests run a fresh interpreter and list the modules each step added:
the import and the typed call load none of the heavy standard-library modules
(sockets, TLS, email, logging, dataclasses); the first request loads the HTTP ones,
in the sender thread; the App API's data classes load when first named. Numbers
(milliseconds, megabytes) are measured by ``python -m bench.footprint``, not here.
The runtime's value types, written out instead of ``@dataclass``, still behave as
dataclasses for code that introspects or copies them.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import REPO
from .track_server import TrackServer

HEAVY = (
    "http.client",
    "ssl",
    "socket",
    "email.utils",
    "logging",
    "dataclasses",
    "inspect",
    "uuid",
    "customerio",
    "requests",
)

SCRIPT = """
import json, sys, threading
before = set(sys.modules)
steps = {}
def step(name):
    steps[name] = sorted(m for m in set(sys.modules) - before if not m.startswith("generated"))
    steps[name + ":generated"] = sorted(m for m in sys.modules if m.startswith("generated"))
import generated
step("import")
from generated import Client, ClientConfig
client = Client(sys.argv[1], sys.argv[2], base_url=sys.argv[3],
                config=ClientConfig(ca_bundle=sys.argv[4], flush_interval=60.0))
step("construct")
event_id = client.signed_up("person-1", method="email")
step("call")
client.flush()
step("flush")
generated.ReceiptMessageData
step("message data")
client.close()
print(json.dumps({"id": event_id, "steps": steps}))
"""


def _run(server: TrackServer, ca_bundle: str) -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, server.site_id, server.api_key, server.url, ca_bundle],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["id"] in server.delivered_ids()
    steps: dict[str, list[str]] = report["steps"]
    return steps


def test_import_and_typed_call_load_nothing_heavy(server: TrackServer, ca_bundle: str) -> None:
    steps = _run(server, ca_bundle)
    for name in ("import", "construct", "call"):
        assert [m for m in HEAVY if m in steps[name]] == [], name
    # The HTTP modules come with the first request (sent by the sender thread)...
    assert {"http.client", "ssl", "socket"} <= set(steps["flush"])
    assert "generated._runtime.connections" not in steps["call:generated"]
    assert "generated._runtime.connections" in steps["flush:generated"]
    # ...and an event's module with its first use; the App data classes with theirs.
    assert "generated._events.signed_up" not in steps["import:generated"]
    assert "generated._events.signed_up" in steps["call:generated"]
    assert "generated._app_models" not in steps["flush:generated"]
    assert "generated._app_models" in steps["message data:generated"]


def test_records_still_work_as_dataclasses(rt: ModuleType) -> None:
    config = rt.ClientConfig(timeout=5.0)
    assert dataclasses.is_dataclass(config)
    assert [f.name for f in dataclasses.fields(config)][:3] == [
        "batch_size",
        "max_batch_bytes",
        "flush_interval",
    ]
    changed = dataclasses.replace(config, batch_size=7)
    assert (changed.batch_size, changed.timeout) == (7, 5.0)
    with pytest.raises(rt.ConfigurationError, match="batch_size must be >= 1"):
        dataclasses.replace(config, batch_size=0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.timeout = 1.0
    assert config == rt.ClientConfig(timeout=5.0) and hash(config) == hash(
        rt.ClientConfig(timeout=5.0)
    )
    assert repr(config).startswith("ClientConfig(batch_size=100, max_batch_bytes=450000, ")

    person = rt.Person.email("a@example.com")
    assert repr(person) == "Person(kind='email', value='a@example.com')"
    assert dataclasses.asdict(person) == {"kind": "email", "value": "a@example.com"}
    assert pickle.loads(pickle.dumps(person)) == person == copy.deepcopy(person)
    assert len({person, rt.Person("email", "a@example.com")}) == 1
    match person:
        case rt.Person(kind, value):
            assert (kind, value) == ("email", "a@example.com")
    with pytest.raises(rt.IdentifierError):
        dataclasses.replace(person, value=" ")

    stats = rt.Stats(1, 2, 3, 4, 5, 6, 7)
    assert repr(stats) == (
        "Stats(queued=1, sent=2, retried=3, failed=4, dropped=5, pending=6, requests=7)"
    )
    response = rt.Response(200)
    assert (response.headers, response.body) == ({}, b"")
    assert rt.Response(200, {"Retry-After": "3"}).header("retry-after") == "3"
    assert [f.name for f in dataclasses.fields(rt.RecordedRequest)] == [
        "method",
        "path",
        "body",
        "raw",
    ]


def test_a_missing_or_non_pem_ca_bundle_fails_at_construction(
    rt: ModuleType, tmp_path: Path
) -> None:
    not_pem = tmp_path / "bundle.txt"
    not_pem.write_text("hello", encoding="utf-8")
    for bundle, why in ((str(not_pem), "no PEM certificate"), ("/nonexistent.pem", "No such file")):
        with pytest.raises(rt.ConfigurationError, match=why):
            rt.HTTPTransport("https://track.customer.io", "s", "k", ca_bundle=bundle)
