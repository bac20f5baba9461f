"""The retry policy as a table: what each status means, how long each pause is."""

from __future__ import annotations

from types import ModuleType

import pytest


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, "DELIVERED"),
        (202, "DELIVERED"),
        (207, "DELIVERED"),
        (299, "DELIVERED"),
        (301, "REJECTED"),
        (400, "REJECTED"),
        (401, "CREDENTIALS"),
        (403, "CREDENTIALS"),
        (404, "REJECTED"),
        (408, "RETRY"),
        (413, "REJECTED"),
        (422, "REJECTED"),
        (429, "RETRY"),
        (500, "RETRY"),
        (502, "RETRY"),
        (503, "RETRY"),
        (599, "RETRY"),
        (600, "REJECTED"),
        (100, "REJECTED"),
    ],
)
def test_classify(rt: ModuleType, status: int, outcome: str) -> None:
    assert rt.retry.classify(status) is rt.retry.Outcome[outcome]


def _top(low: float, high: float) -> float:
    """A stand-in for ``random.uniform`` that always answers the top of the range."""
    assert low == 0.0
    return high


@pytest.mark.parametrize(
    ("attempt", "retry_after", "expected"),
    [
        (1, None, 0.5),  # base * 2**0
        (2, None, 1.0),
        (3, None, 2.0),
        (4, None, 4.0),
        (5, None, 5.0),  # capped by `cap`
        (30, None, 5.0),
        (1, 0.0, 0.0),  # Retry-After wins over backoff, even when shorter
        (1, 7.0, 7.0),
        (6, 3.0, 3.0),
        (1, 3600.0, 10.0),  # capped by `retry_after_cap`
    ],
)
def test_delay(rt: ModuleType, attempt: int, retry_after: float | None, expected: float) -> None:
    got = rt.retry.delay(
        attempt, retry_after, base=0.5, cap=5.0, retry_after_cap=10.0, uniform=_top
    )
    assert got == expected


def test_delay_is_full_jitter_below_the_ceiling(rt: ModuleType) -> None:
    seen = [rt.retry.delay(3, None, base=0.5, cap=5.0, retry_after_cap=10.0) for _ in range(200)]
    assert all(0.0 <= s <= 2.0 for s in seen)
    assert len(set(seen)) > 100  # jittered, not a fixed pause
