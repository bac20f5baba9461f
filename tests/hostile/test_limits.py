"""Each resource probe of issue 15 ends in a located error, fast and in little memory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import errors_of

from ciogen import regex_safety
from ciogen.load import load_text

from .cases import CASES
from .conftest import Bounded


@pytest.mark.parametrize("case", sorted(CASES))
def test_probe_ends_in_a_located_error(case: str) -> None:
    text, expected = CASES[case]
    start = time.monotonic()
    errors = errors_of(text)
    elapsed = time.monotonic() - start
    assert any(expected in e for e in errors), errors[:3]
    assert all(re.match(r"taxonomy\.yaml:\d+:\d+: ", e) for e in errors), errors[:3]
    # Generous: the machine is shared. Each probe took minutes, or forever, before.
    assert elapsed < 10, f"{case} took {elapsed:.1f} s"


@pytest.mark.parametrize(
    "case", ["billion_laughs", "deep_flow_sequence", "ref_fanout", "redos_nested_quantifier"]
)
def test_the_worst_probes_under_a_memory_ceiling(
    case: str, tmp_path: Path, bounded: Bounded
) -> None:
    (tmp_path / "taxonomy.yaml").write_text(CASES[case][0], encoding="utf-8")
    for verb in ("validate", "check", "generate"):
        result = bounded(verb, cwd=tmp_path)
        assert result.returncode == 2, (verb, result.returncode, result.stderr[-500:])
        assert CASES[case][1] in result.stderr
        assert result.seconds < 10
    assert not (tmp_path / "generated").exists()


def test_suggestions_are_bounded() -> None:
    start = time.monotonic()
    lines = "\n".join(f"      p{i}: {{type: string}}" for i in range(1900))
    names = ", ".join(f"q{i}" for i in range(3000))
    errors = errors_of(
        "version: 1\nname: t\nevents:\n  e:\n    description: d\n    properties:\n"
        f"{lines}\n    required: [{names}]\n"
    )
    assert len(errors) == 3000 and time.monotonic() - start < 10


def test_a_fifo_and_a_link_to_dev_zero_are_refused(tmp_path: Path, bounded: Bounded) -> None:
    os.mkfifo(tmp_path / "fifo.yaml")
    os.symlink("/dev/zero", tmp_path / "zero.yaml")
    fifo = bounded("validate", "--taxonomy", "fifo.yaml", cwd=tmp_path)
    assert fifo.returncode == 2 and "fifo.yaml:1:1: not a regular file" in fifo.stderr
    zero = bounded("validate", "--taxonomy", "zero.yaml", cwd=tmp_path)
    assert zero.returncode == 2 and "zero.yaml:1:1: a link out of the project" in zero.stderr
    (tmp_path / "big.yaml").write_bytes(b"#" * (33 * 1024 * 1024))
    big = bounded("validate", "--taxonomy", "big.yaml", cwd=tmp_path)
    assert big.returncode == 2 and "larger than 32 MiB" in big.stderr


def test_merge_keys_and_aliases_keep_working() -> None:
    text = """\
version: 1
name: t
definitions:
  base: &base {type: string, maxLength: 10}
events:
  e:
    description: d
    properties:
      a: *base
      b: {<<: *base, description: with a merge key}
      c: {<<: [*base], pattern: "[a-z]+"}
"""
    taxonomy, _ = load_text(text, "taxonomy.yaml")
    fields = {f.wire_name: f for f in taxonomy.events[0].model.fields}
    assert fields["b"].description == "with a merge key"
    assert fields["c"].type.max_length == 10  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "pattern, max_length",
    [("a*a*a*b", 46), (r"(\w+\.)+\w+", 316), ("(x+x+)+y", 16), ("[a-z]+@[a-z]+", None)],
)
def test_accepted_patterns_are_fast_at_their_longest(pattern: str, max_length: int | None) -> None:
    """What the rule accepts runs in well under a millisecond per value at the bound."""
    assert regex_safety.problem(pattern, max_length) is None
    compiled = re.compile(pattern)
    length = max_length or 10_000
    worst = 0.0
    for value in ("a" * length + "!", "x" * length, ("a." * length)[:length] + "!", "@" * length):
        start = time.perf_counter()
        compiled.fullmatch(value[:length])
        worst = max(worst, time.perf_counter() - start)
    assert worst < 0.05, worst


GENERATED_REDOS = """\
import time
from generated import models
start = time.monotonic()
try:
    models.E(x="a" * 26 + "!")
except ValueError:
    pass
print(time.monotonic() - start)
"""


def test_generated_validators_are_bounded(tmp_path: Path, bounded: Bounded) -> None:
    """`(a+)+` needs maxLength <= 16 to be accepted; at run time the length check comes first,
    so a long hostile value is rejected before the pattern runs."""
    text = CASES["redos_nested_quantifier"][0].replace(
        ', examples: ["' + "a" * 30 + '!"]', ", maxLength: 16"
    )
    (tmp_path / "taxonomy.yaml").write_text(text, encoding="utf-8")
    assert bounded("generate", cwd=tmp_path).returncode == 0
    probe = subprocess.run(
        [sys.executable, "-c", GENERATED_REDOS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert float(probe.stdout) < 0.1
