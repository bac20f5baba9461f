"""User code that ends the process with ``os._exit()``: ``python exit_app.py flush|no-flush``.

``os._exit()`` skips every exit hook, so a queue that was not flushed first is lost
without a report: the one case the runtime cannot see. ``flush`` shows the workaround.
"""

from __future__ import annotations

import os
import sys

from common import make_client, queue_events

client = make_client()
queue_events(client, 300, "before_os_exit")
if sys.argv[1] == "flush":
    client.close(timeout=10)
os._exit(0)
