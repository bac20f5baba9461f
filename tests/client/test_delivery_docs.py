"""Every ```python example of docs/delivery.md runs, as written, against the generated package.

Each example runs in a fresh interpreter with only the repository on the path, so it
can use nothing but the generated package's public names. A few lines around it supply
what the page leaves to the reader (the credentials) and check what it promises; the
SIGTERM example delivers a queued event to this test's HTTPS fake Track API. A new
example without a runner here fails the count check.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

from .conftest import REPO
from .track_server import TrackServer

DOC = REPO / "docs" / "delivery.md"

# The example's surroundings, in the order the page shows them: (before, after).
TUNING = (
    'site_id, api_key = "site", "key"\n',
    """
assert client.config.batch_size == 250 and client.config.overflow == "block"
assert client.base_url == "https://track-eu.customer.io"
client.close(0)  # nothing was queued: no request leaves the process
print("tuning ok")
""",
)
SIGTERM = (
    """
import os, signal, sys, time
from generated import Client, ClientConfig
queued = Client(os.environ["SITE_ID"], os.environ["API_KEY"], base_url=os.environ["BASE_URL"],
                config=ClientConfig(ca_bundle=os.environ["CA_BUNDLE"], flush_interval=60.0))
print(queued.signed_up("42", method="email"), flush=True)
""",
    """
os.kill(os.getpid(), signal.SIGTERM)  # SystemExit(143) in this thread; atexit flushes
time.sleep(30)
sys.exit("SIGTERM did not end the process")
""",
)
TESTING = (
    "",
    """
client.signed_up("43", method="email")  # a 503, a reset, then a 200: delivered
assert len(transport.requests) == 4, transport.requests
assert client.stats().sent == 2 and client.stats().failed == 0
print("testing ok")
""",
)
RUNNERS = [TUNING, SIGTERM, TESTING]


def examples() -> list[str]:
    """The page's ```python blocks, dedented (some sit inside list items)."""
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


def test_every_example_has_a_runner() -> None:
    blocks = examples()
    assert len(blocks) == len(RUNNERS), "a ```python block of docs/delivery.md is not run"
    assert "install_sigterm_handler()" in blocks[1] and "RecordingTransport" in blocks[2]
    for block in blocks:
        assert "_runtime" not in block, "examples import the generated package's public names"


def test_the_tuning_example_builds_the_client_it_describes(tmp_path: Path) -> None:
    before, after = TUNING
    result = run(before + examples()[0] + after, tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "tuning ok\n"


def test_the_sigterm_example_delivers_the_queue(
    server: TrackServer, ca_bundle: str, tmp_path: Path
) -> None:
    before, after = SIGTERM
    env = {
        "SITE_ID": server.site_id,
        "API_KEY": server.api_key,
        "BASE_URL": server.url,
        "CA_BUNDLE": ca_bundle,
    }
    result = run(before + examples()[1] + after, tmp_path, env)
    assert result.returncode == 143, result.stdout + result.stderr
    event_id = result.stdout.strip()
    assert server.wait_for(lambda s: event_id in s.event_ids, timeout=5)


def test_the_testing_example_records_and_scripts(tmp_path: Path) -> None:
    before, after = TESTING
    result = run(before + examples()[2] + after, tmp_path, {})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "testing ok\n"
