"""Whole-process figures of one command: wall time, CPU time and peak RSS.

``measure(cmd)`` runs ``cmd`` under a small wrapper process (this file run as a
script) so ``getrusage(RUSAGE_CHILDREN)`` sees that command's tree alone: its
CPU time (user+sys) and its largest single process (``ru_maxrss``, e.g. ruff
when it is bigger than the generator). Stdlib only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from typing import Any


def remove_settled(path: str) -> None:
    """Delete `path` (a benchmark's output) and wait until the deletion is on disk, so
    whatever runs next pays less for it. ext4's journal work for a just-deleted tree of
    2,000 files slows the next run's file creation: `posix.open` of 2,046 files took
    0.33-0.49 s right after the deletion, 0.01-0.14 s after it and this sync, 0.01 s
    into a new folder with nothing deleted (2026-12-04). So the benchmarks write each
    timed repetition into a new folder and delete the folders only after the last one."""
    shutil.rmtree(path, ignore_errors=True)
    if hasattr(os, "sync"):
        os.sync()


def measure(
    cmd: list[str],
    cwd: str | None = None,
    timeout: float = 900.0,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``{"rc", "wall_s", "cpu_s", "peak_rss_mb", "stderr_tail"}`` of one run of ``cmd``."""
    wrapper = [sys.executable, os.path.abspath(__file__), "--timeout", str(timeout)]
    if cwd:
        wrapper += ["--cwd", cwd]
    p = subprocess.run(
        [*wrapper, "--", *cmd], capture_output=True, text=True, timeout=timeout + 60, env=env
    )
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"rc": -1, "stderr_tail": p.stderr[-1500:]}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _wrapped(cmd: list[str], cwd: str | None, timeout: float) -> dict[str, Any]:
    """(in the wrapper process) run ``cmd`` once and return its figures."""
    import resource

    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        rc, err = p.returncode, (p.stderr or p.stdout)[-1500:]
    except subprocess.TimeoutExpired:
        rc, err = -9, f"timed out after {timeout:.0f}s"
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "rc": rc,
        "wall_s": wall,
        "cpu_s": ru.ru_utime + ru.ru_stime,
        "peak_rss_mb": ru.ru_maxrss * 1024 / 1e6,
        "stderr_tail": err if rc else "",
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        description="(internal) run a command once, print its figures as JSON"
    )
    p.add_argument("--timeout", type=float, default=900.0)
    p.add_argument("--cwd")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    a = p.parse_args(argv)
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    print(json.dumps(_wrapped(cmd, a.cwd, a.timeout)))


if __name__ == "__main__":
    main()
