"""A WSGI app for gunicorn (sync workers, ``--preload``): each request queues events.

With ``--preload`` the master imports this module, so the client below is created
before the workers are forked; each worker starts with an empty queue of its own and
delivers it when it exits (recycled by ``--max-requests``, or at shutdown).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from common import make_client, queue_events

client = make_client()


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    ids = queue_events(client, 50, "from_gunicorn")
    body = json.dumps(ids).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
