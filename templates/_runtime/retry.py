"""The retry policy, as pure functions: what a status means, and how long to wait.

Kept apart from the sender so the policy can be read (and table-tested) without a
server: :func:`classify` maps one HTTP status to one :class:`Outcome`, and
:func:`delay` computes the pause before the next attempt.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable
from datetime import UTC, datetime

from .lazy import module


class Outcome(enum.Enum):
    """What the sender does with one HTTP answer."""

    DELIVERED = "delivered"
    """2xx: the operations reached Customer.io (a 207 may still reject some)."""
    CREDENTIALS = "credentials"
    """401/403: the site id or API key is wrong; retrying cannot help."""
    REJECTED = "rejected"
    """Any other 4xx (and unexpected codes): the request itself is refused."""
    RETRY = "retry"
    """408, 429 and 5xx: transient; try again after :func:`delay`."""


def classify(status: int) -> Outcome:
    """The outcome of an HTTP ``status`` for a Track API request."""
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status in (401, 403):
        return Outcome.CREDENTIALS
    if status in (408, 429) or 500 <= status <= 599:
        return Outcome.RETRY
    return Outcome.REJECTED


def delay(
    attempt: int,
    retry_after: float | None,
    *,
    base: float,
    cap: float,
    retry_after_cap: float,
    uniform: Callable[[float, float], float] = random.uniform,
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based).

    A server's ``Retry-After`` wins, capped at ``retry_after_cap`` so one header
    cannot stall delivery for hours; otherwise full-jitter exponential backoff,
    uniform in ``[0, min(cap, base * 2**(attempt-1))]``, which spreads the retries
    of many clients instead of having them hit a recovering server together.
    """
    if retry_after is not None:
        return min(retry_after, retry_after_cap)
    return uniform(0.0, min(cap, base * (2 ** (attempt - 1))))


def _retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as delta-seconds or an HTTP-date; None when absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        # email.utils (~7 ms to import) is loaded by the first HTTP-date seen.
        when: datetime = module("email.utils").parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
