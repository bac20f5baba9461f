"""docs/client.md documents the generated client's whole public API, and its examples run.

Each ```python example runs in a fresh interpreter with only the repository on the
path, against this test's HTTPS fake Track API, with a few lines around it that supply
what the page leaves to the reader (`client`, credentials) and check what it
promises. A public method or attribute of the generated `Client`, or a function the
package exports, that the page does not name fails `test_every_public_name_is_documented`
(the plan's own event methods are documented by their pattern, `<event>(...)`).
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import generated
from ciogen.load import load_file

from .conftest import REPO
from .track_server import TrackServer

DOC = REPO / "docs" / "client.md"

# A client of the fake server, built the way the page's "your own instance" says.
FAKE_CLIENT = """
import os
from generated import Client, ClientConfig
client = Client(os.environ["SITE_ID"], os.environ["API_KEY"], base_url=os.environ["BASE_URL"],
                config=ClientConfig(ca_bundle=os.environ["CA_BUNDLE"], flush_interval=0.05))
"""
SETUP = ("", '\nprint("setup ok")\n')
SENDING = (FAKE_CLIENT, "\nprint(event_id)\nclient.close(5)\n")
ERRORS = (
    "from generated import Client, RecordingTransport\n"
    'client = Client("site", "key", transport=RecordingTransport())\n',
    "",
)
LIFECYCLE = (
    FAKE_CLIENT + 'client.signed_up("46", method="google")\n',
    '\nassert client.stats().sent == 1, client.stats()\nprint("lifecycle ok")\n',
)
RUNNERS = [SETUP, SENDING, ERRORS, LIFECYCLE]


def examples() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"^( *)```python\n(.*?)^\1```", text, re.S | re.M)
    return [textwrap.dedent(body) for _, body in found]


def run(code: str, tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", **env},
    )


def _fake_env(server: TrackServer, ca_bundle: str) -> dict[str, str]:
    return {
        "SITE_ID": server.site_id,
        "API_KEY": server.api_key,
        "BASE_URL": server.url,
        "CA_BUNDLE": ca_bundle,
    }


def _event_methods() -> set[str]:
    taxonomy, _ = load_file(REPO / "taxonomy.yaml")
    names = {e.method_name for e in taxonomy.events}
    return names | {e.anonymous_method_name for e in taxonomy.events if e.anonymous_method_name}


def test_every_public_name_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    events = _event_methods()
    members = {n for n in dir(generated.Client) if not n.startswith("_")}
    assert events <= members and "signed_up" in events  # the plan's methods are found
    functions = {n for n in generated.__all__ if inspect.isfunction(getattr(generated, n, None))}
    assert {"configure", "get_client", "reset_client"} <= functions
    missing = sorted(
        name
        for name in (members - events) | functions
        if f"`{name}`" not in text and f"`{name}(" not in text and f".{name}`" not in text
    )
    assert missing == [], f"docs/client.md does not document {missing}"


def test_every_example_has_a_runner() -> None:
    blocks = examples()
    assert len(blocks) == len(RUNNERS), "a ```python block of docs/client.md is not run"
    for block in blocks:
        assert "_runtime" not in block, "examples import the generated package's public names"


def test_the_setup_example_builds_one_client_per_process(tmp_path: Path) -> None:
    before, after = SETUP
    env = {"CUSTOMERIO_SITE_ID": "site", "CUSTOMERIO_TRACK_API_KEY": "key"}
    result = run(before + examples()[0] + after, tmp_path, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "setup ok\n"


def test_the_sending_example_reaches_every_track_route(
    server: TrackServer, ca_bundle: str, tmp_path: Path
) -> None:
    before, after = SENDING
    result = run(before + examples()[1] + after, tmp_path, _fake_env(server, ca_bundle))
    assert result.returncode == 0, result.stdout + result.stderr
    event_id = result.stdout.strip()
    assert event_id in server.delivered_ids()
    actions = Counter(op["action"] for op in server.ops)
    assert actions == Counter(
        identify=2,
        event=3,
        page=1,
        add_device=1,
        delete_device=1,
        merge=1,
        suppress=1,
        unsuppress=1,
        delete=1,
    )
    update = [op for op in server.ops if op["action"] == "identify"][1]
    assert update["identifiers"] == {"email": "ada@example.com"}
    assert update["attributes"] == {"plan": "enterprise", "_update": True}


def test_the_errors_example_prints_what_it_says(tmp_path: Path) -> None:
    before, after = ERRORS
    result = run(before + examples()[2] + after, tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "signed_up.method enum",
        "person must not be empty or blank",
        "400 1",
    ]


def test_the_lifecycle_example_delivers_and_closes(
    server: TrackServer, ca_bundle: str, tmp_path: Path
) -> None:
    before, after = LIFECYCLE
    result = run(before + examples()[3] + after, tmp_path, _fake_env(server, ca_bundle))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "True\nlifecycle ok\n"
    assert len(server.delivered_ids()) == 1


def test_every_public_callable_has_a_docstring() -> None:
    """An editor's hover shows a docstring: every exported function, and every public
    method and property of the exported classes, has one (the plan's model classes too)."""
    undocumented: list[str] = []
    for name in generated.__all__:
        value = getattr(generated, name)
        if inspect.isfunction(value) and not value.__doc__:
            undocumented.append(name)
        if not inspect.isclass(value):
            continue
        for member in dir(value):
            if member.startswith("_"):
                continue
            raw = inspect.getattr_static(value, member)
            target = raw.fget if isinstance(raw, property) else getattr(raw, "__func__", raw)
            if inspect.isfunction(target) and not target.__doc__:
                undocumented.append(f"{name}.{member}")
    assert undocumented == [], f"no docstring: {undocumented}"
