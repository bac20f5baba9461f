"""ULIDs for event ids: sortable, unique, cheap enough for the call path."""

from __future__ import annotations

import random
import time
from typing import Final

# Import the submodules by name, never names from the top-level package: the
# customerio-cdp-analytics wheel overwrites ``customerio/__init__.py``. The package
# ships no type information, hence the ignores.


_CROCKFORD: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS: Final = tuple(a + b for a in _CROCKFORD for b in _CROCKFORD)
# A private generator rather than the module-level ``random`` functions: an
# application calling ``random.seed(0)`` must not make two processes emit the same
# ids. ``getrandbits`` holds the GIL for its whole (tiny) run, unlike ``os.urandom``
# and ``uuid4`` which release it and cost hundreds of microseconds under thread
# contention. It is reseeded from the OS in every forked child (``_after_fork_in_child``),
# so parent and child never share a random stream.
_rng = random.Random()
_randbits = _rng.getrandbits
_time_ns = time.time_ns
_ulid_prefix: tuple[int, str] = (-1, "")


def _ulid_at(ms: int) -> str:
    """ULID for Unix time ``ms``: 10 chars of time, 16 chars of randomness.

    The time half changes once per millisecond, so it is cached (a tuple assignment is
    atomic, so racing threads at worst both compute it); the random half is encoded
    10 bits at a time through a 1024-entry table, roughly 3x faster than base64 tricks.
    """
    global _ulid_prefix
    cached = _ulid_prefix
    if cached[0] != ms:
        c = _CROCKFORD
        prefix = "".join(c[(ms >> shift) & 31] for shift in range(45, -1, -5))
        cached = _ulid_prefix = (ms, prefix)
    r = _randbits(80)
    p = _PAIRS
    return (
        f"{cached[1]}{p[r >> 70]}{p[(r >> 60) & 1023]}{p[(r >> 50) & 1023]}"
        f"{p[(r >> 40) & 1023]}{p[(r >> 30) & 1023]}{p[(r >> 20) & 1023]}"
        f"{p[(r >> 10) & 1023]}{p[r & 1023]}"
    )


def new_ulid() -> str:
    """A new ULID (26 Crockford base32 chars: 48-bit ms timestamp + 80 random bits).

    Sortable by creation time at millisecond granularity; unique with overwhelming
    probability within a millisecond.
    """
    return _ulid_at(_time_ns() // 1_000_000)
