"""The client benchmark's contestants and the event they all send.

One place for the names, so the runner, the adapters, the summary and the
report agree on them (the chart keeps its own short labels).
"""

from __future__ import annotations

USER_ID = "user-42"
EVENT = "item_viewed"  # the 5-property event of bench/fixtures/bench_taxonomy.yaml

IMPLS = ("ciogen", "floor", "segment", "cdp", "customerio")
QUEUED_IMPLS = ("ciogen", "floor", "segment", "cdp")  # the ones with a queue + sender
IN_PROCESS = ("ciogen", "floor")  # run by this interpreter; the others in their own venvs

NAMES = {
    "ciogen": "ciogen generated client (typed call)",
    "floor": "pure-Python floor",
    "segment": "segment-analytics-python `analytics.track`",
    "cdp": "customerio-cdp-analytics `track`",
    "customerio": "customerio `CustomerIO.track` (1 request/event)",
}
