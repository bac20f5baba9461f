"""What every deployment app shares: a client built from the test's environment, and a
log of the event ids each process queued.

The runtime is imported as the package ``cio_rt``: the test links the runtime template
under that name in a scratch folder on ``PYTHONPATH``, so that worker processes which
import the app afresh (spawn, Celery, gunicorn) find it the way an installed package
would be found. Every setting keeps events queued until the process ends (a 60 s flush
interval, batches larger than any test queues), so what is delivered was delivered by
the exit path under test.
"""

from __future__ import annotations

import json
import os

from cio_rt import BaseClient, ClientConfig


def make_client() -> BaseClient:
    config = ClientConfig(
        flush_interval=60.0,
        batch_size=10_000,
        max_batch_bytes=450_000,
        ca_bundle=os.environ["CA_BUNDLE"],
        timeout=2.0,
        backoff_base=0.01,
        backoff_cap=0.05,
        atexit_timeout=float(os.environ.get("ATEXIT_TIMEOUT", "10")),
    )
    return BaseClient(
        os.environ["SITE_ID"],
        os.environ["API_KEY"],
        base_url=os.environ["BASE_URL"],
        config=config,
        dead_letter_path=os.environ["DEAD_LETTERS"],
    )


def queue_events(client: BaseClient, n: int, name: str) -> list[str]:
    """Queue ``n`` events, log their ids (one O_APPEND write: processes never interleave)."""
    pid = os.getpid()
    ids = [client._track(f"p{pid}", name, {"i": i}, None) for i in range(n)]
    line = (json.dumps({"pid": pid, "ids": ids}) + "\n").encode()
    fd = os.open(os.environ["QUEUED_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return ids
