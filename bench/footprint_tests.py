"""The footprint benchmark's generated-tests figure: a synthetic plan's property tests.

    python -m bench.footprint --only tests   # re-measure this figure alone; re-render

Runs the generated ``tests/`` folder of a synthetic plan under the default profile,
in a child pytest, and reports its wall and CPU time next to the same suite's
collection alone (a floor run in the same process tree: imports and collection
with no example drawn), the machine's load, and the rule count: every rule of
every field (``plan_tables.MUTATIONS``) and every required field
(``plan_tables.REQUIRED``) must be checked by one of the parametrized tests.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import resource
import subprocess
import sys
import time
from typing import Any

from bench import footprint_peers as peers

_RULES = """\
import importlib, json, sys
tables = importlib.import_module(sys.argv[1] + ".tests.plan_tables")
suite = importlib.import_module(sys.argv[1] + ".tests.test_properties")
checked = sum(len(g.mutations) + len(g.required) for g in suite.GROUPS)
print(json.dumps({"rules": len(tables.MUTATIONS) + len(tables.REQUIRED), "checked": checked}))
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "CI")}
    env.pop("CIOGEN_PROFILE", None)  # the default profile is the figure
    return env


def _timed(cmd: list[str], cwd: str) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """(result, wall s, CPU s of the child: user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=_env(), timeout=1800)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p, wall, cpu


def measure(work: str, n_events: int) -> dict[str, Any]:
    """Wall and CPU time of the generated property tests of an `n_events` plan."""
    taxonomy, _ = peers.write_plan(work, n_events)
    c = peers.build_ciogen(os.path.join(work, "tests-plan"), taxonomy, "t")
    tests = os.path.join(c.path, c.module, "tests")
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", tests]
    load = os.getloadavg()[0]
    collected, collect_wall, collect_cpu = _timed([*pytest, "--collect-only"], c.path)
    if collected.returncode != 0:
        raise RuntimeError(f"collecting the generated tests: {collected.stdout[-1200:]}")
    p, wall, cpu = _timed(pytest, c.path)
    passed = re.search(r"(\d+) passed", p.stdout)
    counted = subprocess.run(
        [sys.executable, "-c", _RULES, c.module],
        cwd=c.path,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return {
        "events": n_events,
        "wall_s": wall,
        "cpu_s": cpu,
        "collect_wall_s": collect_wall,
        "collect_cpu_s": collect_cpu,
        "rc": p.returncode,
        "tests": int(passed.group(1)) if passed else 0,
        "load_1min": [load, os.getloadavg()[0]],
        "cores": os.cpu_count(),
        "measured_at": f"{_dt.datetime.now(_dt.UTC):%Y-%m-%d %H:%M UTC}",
        **json.loads(counted.stdout),
    }
