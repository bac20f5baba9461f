"""ULIDs: format, ordering, uniqueness, and independence from the global ``random``."""

from __future__ import annotations

import os
import random
import re
import threading
import time
from types import ModuleType

import pytest
from helpers import fork_in_test

ULID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def decode_ms(ulid: str) -> int:
    value = 0
    for char in ulid[:10]:
        value = value * 32 + CROCKFORD.index(char)
    return value


def decode(ulid: str) -> int:
    value = 0
    for char in ulid:
        value = value * 32 + CROCKFORD.index(char)
    return value


def test_format_and_timestamp(rt: ModuleType) -> None:
    before = time.time_ns() // 1_000_000
    ulid = rt.new_ulid()
    after = time.time_ns() // 1_000_000
    assert ULID.match(ulid) and len(ulid) == 26
    assert before <= decode_ms(ulid) <= after
    assert decode(ulid) < 2**128


def test_encoding_matches_the_spec(rt: ModuleType) -> None:
    # Reference: encode (ms << 80 | randomness) as 26 base32 digits, most significant first.
    ms = 1_469_918_176_385
    state = rt._rng.getstate()
    try:
        rt._rng.setstate(random.Random(7).getstate())
        expected_bits = random.Random(7).getrandbits(80)
        ulid = rt._ulid_at(ms)
    finally:
        rt._rng.setstate(state)
    value = ms << 80 | expected_bits
    digits = "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in range(25, -1, -1))
    assert ulid == digits
    assert ulid.startswith("01ARYZ6S41")  # the ULID spec's example timestamp


def test_sortable_by_time(rt: ModuleType) -> None:
    ulids = []
    for _ in range(5):
        ulids.append(rt.new_ulid())
        time.sleep(0.002)
    assert ulids == sorted(ulids)


def test_unique_across_threads(rt: ModuleType) -> None:
    out: list[list[str]] = [[] for _ in range(4)]

    def make(slot: int) -> None:
        out[slot].extend(rt.new_ulid() for _ in range(25_000))

    threads = [threading.Thread(target=make, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    everything = [u for chunk in out for u in chunk]
    assert len(everything) == 100_000 == len(set(everything))
    assert all(ULID.match(u) for u in everything[::997])


def test_not_affected_by_seeding_the_global_random(rt: ModuleType) -> None:
    random.seed(0)
    first = rt.new_ulid()
    random.seed(0)
    second = rt.new_ulid()
    assert first[10:] != second[10:]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_reseeded_in_forked_children(rt: ModuleType) -> None:
    read_end, write_end = os.pipe()
    pid = fork_in_test()  # the child takes no lock: it writes to a pipe and leaves
    if pid == 0:  # child: report our next random bits, then leave at once
        try:
            os.write(write_end, rt._rng.getrandbits(80).to_bytes(10, "big"))
        finally:
            os._exit(0)
    os.close(write_end)
    child_bits = int.from_bytes(os.read(read_end, 10), "big")
    os.close(read_end)
    os.waitpid(pid, 0)
    assert child_bits != rt._rng.getrandbits(80)  # without reseeding they'd be equal
