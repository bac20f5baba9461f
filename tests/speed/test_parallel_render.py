"""A big plan's event modules rendered in a forked child give the output one process gives.

`fork_map.py` sends part of a map to a child process where a fork is safe.
These tests run it for real, each in a fresh single-threaded interpreter (the
pytest process keeps other tests' sender threads, where `fork_map` rightly
declines to fork): the output of a 250-event plan with and without the child,
byte for byte; the child's failures (an exception, a kill, a result that does not
pickle, a child the system reaped) redone in the parent;
the parent's own failure killing and reaping the child; and each case where it
must not fork.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import REPO

from ciogen import fork_map

# Where fork_map forks at all; elsewhere it maps in one process, which the golden tests cover.
pytestmark = pytest.mark.skipif(
    not (sys.platform == "linux" and hasattr(os, "fork") and len(os.sched_getaffinity(0)) >= 2),
    reason="fork_map forks only on a forking system other than macOS, with two usable cores",
)

# Counts the forks a run makes, by replacing os.fork before ciogen imports it.
_COUNTING = """
import os
FORKS = []
_real_fork = os.fork
def _counting_fork():
    pid = _real_fork()
    if pid:
        FORKS.append(pid)
    return pid
os.fork = _counting_fork
"""


def _fresh(code: str, env: dict[str, str] | None = None, prelude: str = "") -> list[str]:
    """Run `code` after `_COUNTING` and `prelude` in a new interpreter; its stdout lines
    (exit 0 asserted)."""
    done = subprocess.run(
        [sys.executable, "-c", _COUNTING + prelude + textwrap.dedent(code)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        env={
            **{k: v for k, v in os.environ.items() if k != "CIOGEN_JOBS"},
            "CIOGEN_CACHE_DIR": "off",
            **(env or {}),
        },
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.splitlines()


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_a_big_plan_renders_the_same_in_two_processes_as_in_one(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    sys.path.insert(0, str(REPO))
    try:
        from bench.footprint_plan import taxonomy_yaml
    finally:
        sys.path.remove(str(REPO))
    plan.write_text(taxonomy_yaml(fork_map.MIN_ITEMS + 50), encoding="utf-8")
    trees = {}
    out = tmp_path / "pkg"  # one path for both runs: the headers name it
    for jobs in ("1", ""):
        shutil.rmtree(out, ignore_errors=True)
        lines = _fresh(
            f"""
            from ciogen import cli
            code = cli.main(["generate", "-q", "--taxonomy", {str(plan)!r}, "--out", {str(out)!r}])
            print(code, len(FORKS))
            """,
            {"CIOGEN_JOBS": jobs},
        )
        assert lines == (["0 0"] if jobs == "1" else ["0 1"]), lines
        trees[jobs] = _tree(out)
    assert len(trees[""]) > 2 * fork_map.MIN_ITEMS
    assert trees["1"] == trees[""]


_MAP = """
import os, signal, sys
from ciogen import fork_map
PARENT = os.getpid()
def in_child():
    return os.getpid() != PARENT
def tagged(i):
    return (i * i, not in_child())
items = list(range(fork_map.MIN_ITEMS + 1))
"""


def test_the_child_computes_the_tail_in_order() -> None:
    lines = _fresh(
        prelude=_MAP,
        code="""
        for share in (0.5, 0.6, 1.0, 0.0):
            results, extra = fork_map.fork_map(tagged, items, lambda: "alongside", child_share=share)
            assert [r for r, _ in results] == [i * i for i in items]
            from_child = sum(1 for _, here in results if not here)
            print(share, from_child, extra, len(FORKS))
        """,
    )
    assert lines == [
        "0.5 100 alongside 1",
        "0.6 121 alongside 2",
        "1.0 201 alongside 3",
        "0.0 0 alongside 4",
    ]


def test_a_child_that_fails_or_is_killed_has_its_part_redone_here() -> None:
    lines = _fresh(
        prelude=_MAP,
        code="""
        def raising(i):
            if in_child():
                raise RuntimeError("a bug, in the child only")
            return tagged(i)
        def killed(i):
            if in_child():
                os.kill(os.getpid(), signal.SIGKILL)
            return tagged(i)
        def unpicklable(i):
            return (lambda: i) if in_child() else tagged(i)
        for fn in (raising, killed, unpicklable):
            results, _ = fork_map.fork_map(fn, items, lambda: None)
            assert results == [(i * i, True) for i in items], fn.__name__
            print(fn.__name__, len(FORKS))
        # Started by a process that ignores SIGCHLD: the system reaps the child itself,
        # and waitpid finds none; its part is redone here.
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        results, _ = fork_map.fork_map(tagged, items, lambda: None)
        assert [r for r, _ in results] == [i * i for i in items]
        print("reaped by the system", len(FORKS))
        """,
    )
    assert lines == ["raising 1", "killed 2", "unpicklable 3", "reaped by the system 4"]


def test_a_failure_here_kills_and_reaps_the_child() -> None:
    lines = _fresh(
        prelude=_MAP,
        code="""
        import time
        def slow(i):
            if in_child():
                time.sleep(0.5)  # still working when the parent fails (killed, not awaited)
            return i
        def failing():
            raise KeyboardInterrupt
        started = time.monotonic()
        try:
            fork_map.fork_map(slow, items, failing)
        except KeyboardInterrupt:
            pass
        (pid,) = FORKS
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            print("reaped", time.monotonic() - started < 30)
        """,
    )
    assert lines == ["reaped True"]


def test_no_fork_with_threads_few_items_one_job_a_profiler_or_one_core() -> None:
    lines = _fresh(
        prelude=_MAP,
        code="""
        import threading, time
        def forks_for(items):
            before = len(FORKS)
            results, _ = fork_map.fork_map(tagged, items, lambda: None)
            assert [r for r, _ in results] == [i * i for i in items]
            return len(FORKS) - before
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        print("thread", forks_for(items))
        stop.set()
        thread.join()
        deadline = time.monotonic() + 5  # the OS thread ends just after join() returns
        while len(os.listdir("/proc/self/task")) > 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        print("alone", forks_for(items))
        print("few", forks_for(items[: fork_map.MIN_ITEMS - 1]))
        os.environ["CIOGEN_JOBS"] = "1"
        print("one job", forks_for(items))
        del os.environ["CIOGEN_JOBS"]
        sys.setprofile(lambda *args: None)
        print("profiled", forks_for(items))
        sys.setprofile(None)
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # Linux: see pytestmark
        print("one core", forks_for(items))
        """,
    )
    assert lines == ["thread 0", "alone 1", "few 0", "one job 0", "profiled 0", "one core 0"]
