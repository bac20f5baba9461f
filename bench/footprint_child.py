"""One measurement in a fresh interpreter (run as a script, by any contestant's python).

    python footprint_child.py import PATH MODULE          # import wall time and RSS
    python footprint_child.py use PATH MODULE K           # import, then build K events
    python footprint_child.py call PATH MODULE N          # N typed client calls (ciogen only)

Prints one JSON line. ``MODULE`` ``-`` measures the bare interpreter. Stdlib only:
it runs in the peers' virtual environments too.
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
from typing import Any


def _rss_mb() -> float:
    """Resident memory now. Not ``ru_maxrss``: after fork+exec it can report the parent's."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _event(module: Any, i: int) -> Any:
    name = f"Event{i:05d}Viewed"
    if not hasattr(module, name):  # this repo's plan
        return module.SignedUp(method="email")
    shipping = getattr(module, name + "Shipping", None) or module.Shipping
    item = getattr(module, name + "ItemsItem", None) or module.Item
    return getattr(module, name)(
        sku="AB-12345",
        quantity=3,
        price=9.5,
        shipping=shipping(country="DE"),
        items=[item(name="x", count=1)],
    )


def _call(module: Any, n: int) -> float:
    transport = module.RecordingTransport()
    client = module.Client("site", "key", transport=transport, mode="sync")
    shipping = module.Event00000ViewedShipping(country="DE")
    items = [module.Event00000ViewedItemsItem(name="x", count=1)]
    best = float("inf")
    for round_ in range(6):  # round 0 warms up (and loads the event's module)
        t0 = time.perf_counter()
        for _ in range(n):
            client.event_00000_viewed(
                "p",
                sku="AB-12345",
                quantity=3,
                category="books_0",
                price=9.5,
                shipping=shipping,
                items=items,
            )
        if round_:
            best = min(best, (time.perf_counter() - t0) / n)
        transport.clear()
    client.close()
    return best * 1e6


def main(argv: list[str]) -> None:
    mode, path, name = argv[:3]
    sys.path.insert(0, path)
    t0 = time.perf_counter()
    module = importlib.import_module(name) if name != "-" else None
    out: dict[str, Any] = {"import_ms": (time.perf_counter() - t0) * 1000}
    if mode == "use" and module is not None:
        for i in range(int(argv[3])):
            _event(module, i)
        out["use_ms"] = (time.perf_counter() - t0) * 1000
    if mode == "call" and module is not None:
        out["us_per_call"] = _call(module, int(argv[3]))
    out["rss_mb"] = _rss_mb()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
