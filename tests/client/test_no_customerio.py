"""The tracking path never imports customerio, requests or urllib3 (issue #10).

`import customerio` costs ~0.3 s (it pulls in requests and urllib3) and was only
needed for two host names and three identifier kinds, now spelled out in the
runtime. This test imports the generated package in a fresh interpreter, sends an
event through the real HTTPS path to the loopback Track server, and checks none of
those modules was loaded; it also checks the spelled-out constants still agree
with the customerio package's own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from types import ModuleType

import trustme

from .conftest import REPO
from .track_server import TrackServer

SCRIPT = """
import json, sys
from generated import Client, ClientConfig
client = Client(sys.argv[1], sys.argv[2], base_url=sys.argv[3],
                config=ClientConfig(ca_bundle=sys.argv[4]), mode="sync")
client.identify("person-1", email="a@example.com")
event_id = client.signed_up("person-1", method="email")
client.close()
heavy = sorted(m for m in ("customerio", "requests", "urllib3") if m in sys.modules)
print(json.dumps({"id": event_id, "heavy": heavy}))
"""


def test_sending_an_event_imports_no_customerio(
    server: TrackServer, ca: trustme.CA, ca_bundle: str
) -> None:
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
    assert report["heavy"] == []
    assert report["id"] in server.delivered_ids()


def test_the_spelled_out_constants_agree_with_customerio(rt: ModuleType) -> None:
    from customerio import constants  # type: ignore[import-untyped]
    from customerio.regions import Regions  # type: ignore[import-untyped]

    transport = sys.modules[rt.__name__ + ".transport"]
    values = sys.modules[rt.__name__ + ".values"]
    assert {"us": Regions.US.track_host, "eu": Regions.EU.track_host} == transport._TRACK_HOSTS
    kinds = {constants.ID: "id", constants.EMAIL: "email", constants.CIOID: "cio_id"}
    assert kinds == values._KINDS
