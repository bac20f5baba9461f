"""Run ciogen the way a hostile pull request would meet it in CI: in a subprocess,
with a memory ceiling (RLIMIT_AS) and a wall-clock bound, so a probe that
regresses fails by exceeding a limit instead of taking the machine down."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

MEMORY_MB = 600
"""Address-space ceiling for one run (the interpreter with jsonschema and jinja needs ~150 MB)."""
SECONDS = 20.0
"""Wall-clock ceiling for one run: generous because the machine is shared; probes assert
their own, tighter, bound on the measured time."""


def _limit_memory() -> None:
    limit = MEMORY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class Run:
    def __init__(self, result: subprocess.CompletedProcess[str], seconds: float) -> None:
        self.returncode = result.returncode
        self.stdout = result.stdout
        self.stderr = result.stderr
        self.seconds = seconds

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


Bounded = Callable[..., Run]


@pytest.fixture
def bounded() -> Bounded:
    def run(
        *args: str, cwd: Path, timeout: float = SECONDS, env: dict[str, str] | None = None
    ) -> Run:
        start = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "ciogen", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            preexec_fn=_limit_memory,
            env=None if env is None else {**os.environ, **env},
        )
        return Run(result, time.monotonic() - start)

    return run
