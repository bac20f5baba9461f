"""Generator scaling benchmark.

Writes synthetic taxonomies of 10, 100, 1,000 and 10,000 events
(``bench.synthetic``) in ciogen's taxonomy format and as the equivalent JSON
Schema, then measures, each in a fresh process:

* ``python -m generator generate --taxonomy T --out DIR/benchpkg``
* ``python -m generator check    --taxonomy T --out DIR/benchpkg`` (on the fresh output)
* ``datamodel-codegen --input S.json --input-file-type jsonschema
  --output-model-type dataclasses.dataclass`` (in ``bench/.venvs/datamodel``)

Each command runs under a small stdlib wrapper process (``bench.measure``) that
reports wall time, CPU time (user+sys) and peak RSS of the command's tree; the
summary is ``bench.generator_summary``.

Run alone: ``python -m bench.generator [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from typing import Any

from bench import venvs
from bench.benchpkg import (
    PKG,
    REPO,
    check_bench_package,
    ciogen_cmd,
    env,
    generate_bench_package,
    generator_available,
)
from bench.generator_summary import summarize
from bench.measure import measure, remove_settled
from bench.profiling import rows, total_s
from bench.synthetic import write_inputs

__all__ = [
    "SIZES",
    "check_bench_package",
    "generate_bench_package",
    "generator_available",
    "run_generator_bench",
    "summarize",
]

SIZES = (10, 100, 1_000, 10_000)
CHECK = "ciogen check"
# The same check with the stored build turned off (CIOGEN_CACHE_DIR=off): a full rebuild.
CHECK_REBUILD = "ciogen check, no stored build"
GENERATE = "ciogen generate"
DATAMODEL = "datamodel-codegen"
Log = Callable[[str], None]


def _stderr(s: str) -> None:
    print(s, file=sys.stderr, flush=True)


def datamodel_cmd(python: str, schema: str, out: str) -> list[str]:
    return [
        python,
        "-m",
        "datamodel_code_generator",
        "--input",
        schema,
        "--input-file-type",
        "jsonschema",
        "--output",
        out,
        "--output-model-type",
        "dataclasses.dataclass",
        "--disable-timestamp",
        # today's default formatters, named so a future default can't change the benchmark
        "--formatters",
        "black",
        "isort",
    ]


def _short_path(file: str) -> str:
    if "site-packages/" in file:
        return file.split("site-packages/", 1)[1]
    if file.startswith(REPO + os.sep):
        return os.path.relpath(file, REPO)
    if "/lib/python3" in file:
        return "stdlib/" + file.rsplit("/lib/python3", 1)[1].split("/", 1)[-1]
    return file


def profile_generate(size: int, work: str, timeout: float = 900.0, top: int = 20) -> dict[str, Any]:
    """cProfile of one ``python -m generator generate`` on the synthetic taxonomy of ``size`` events."""
    tpath, _ = write_inputs(size, work)
    out = os.path.join(work, f"profile_{size}", PKG)
    prof = os.path.join(work, f"generate_{size}.prof")
    cmd = [sys.executable, "-m", "cProfile", "-o", prof, "-m", "generator", "generate",
           "--taxonomy", tpath, "--out", out]  # fmt: skip
    try:
        p = subprocess.run(
            cmd, cwd=REPO, env=env(), capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"events": size, "error": f"timed out after {timeout:.0f}s"}
    if not os.path.exists(prof):
        return {"events": size, "error": f"exit {p.returncode}: {(p.stderr or p.stdout)[-500:]}"}
    st = pstats.Stats(prof)
    every = rows(st, _short_path)
    mine = "generator" + os.sep  # rows() gives paths inside the checkout relative to it
    own = sorted(
        (r for r in every if r["file"].startswith(mine)), key=lambda r: r["cumtime_s"], reverse=True
    )
    return {
        "events": size,
        "rc": p.returncode,
        "total_s": total_s(st),
        "ciogen_by_cumulative": own[:top],
        "all_by_own_time": sorted(every, key=lambda r: r["tottime_s"], reverse=True)[:top],
        "stderr_tail": (p.stderr or "")[-500:] if p.returncode else "",
    }


def _skipped(
    with_ciogen: bool | None, with_datamodel: bool, create_venvs: bool, log: Log
) -> tuple[dict[str, str], str | None]:
    """(why each tool is skipped, datamodel-codegen's interpreter)."""
    skipped: dict[str, str] = {}
    if with_ciogen is None or with_ciogen:
        ok, why = generator_available()
        if not ok:
            skipped["ciogen"] = why
    else:
        skipped["ciogen"] = "disabled"
    dm_python = None
    if with_datamodel:
        try:
            dm_python = venvs.ensure("datamodel", create=create_venvs, log=log)
        except venvs.VenvUnavailable as e:
            skipped["datamodel"] = str(e)
    else:
        skipped["datamodel"] = "disabled"
    return skipped, dm_python


def _commands(
    work: str, size: int, rep: int, ciogen: bool, dm_python: str | None
) -> list[tuple[str, list[str], str]]:
    """(tool, command, output path) for one repetition at one size."""
    tpath = os.path.join(work, f"taxonomy_{size}.yaml")
    spath = os.path.join(work, f"schema_{size}.json")
    out = os.path.join(work, f"out_{size}_{rep}", PKG)
    tools: list[tuple[str, list[str], str]] = []
    if ciogen:
        tools.append((GENERATE, ciogen_cmd("generate", tpath, out), out))
        tools.append((CHECK, ciogen_cmd("check", tpath, out), out))
        tools.append((CHECK_REBUILD, ciogen_cmd("check", tpath, out), out))
    if dm_python:
        dm_out = os.path.join(work, f"dm_{size}_{rep}.py")
        tools.append((DATAMODEL, datamodel_cmd(dm_python, spath, dm_out), dm_out))
    return tools


def _output_size(path: str) -> tuple[int, int]:
    """(files, bytes) of a generated package or module."""
    if os.path.isfile(path):
        return 1, os.path.getsize(path)
    files = total = 0
    for root, _dirs, names in os.walk(path):
        for n in names:
            files += 1
            total += os.path.getsize(os.path.join(root, n))
    return files, total


def _env(tool: str, work: str) -> dict[str, str]:
    """The bench's own cache folder (`check` reads what `generate` stored), or none at all."""
    cache = "off" if tool == CHECK_REBUILD else os.path.join(work, "cache")
    return {**env(), "CIOGEN_CACHE_DIR": cache}


def _run_one(
    tool: str, cmd: list[str], out: str, size: int, rep: int, timeout: float, work: str
) -> dict[str, Any]:
    r = measure(cmd, cwd=REPO, timeout=timeout, env=_env(tool, work))
    r.update({"tool": tool, "events": size, "rep": rep})
    checking = tool in (CHECK, CHECK_REBUILD)
    if not checking and r.get("rc") == 0:
        r["files"], r["bytes"] = _output_size(out)
    if checking and r.get("rc") == 1:
        # drift: check did its whole job (build + diff) but found the fresh output out
        # of date: nondeterministic output, or templates edited during the run.
        # Timed like a success, counted and reported.
        r["drift"] = True
    return r


def _progress(r: dict[str, Any], nreps: int) -> str:
    status = (
        "ok" if r.get("rc") == 0 else f"FAILED rc={r.get('rc')}: {r.get('stderr_tail', '')[-300:]}"
    )
    nan = float("nan")
    return (
        f"  generator {r['events']:>6} events rep {r['rep'] + 1}/{nreps} {r['tool']:<18} "
        f"{r.get('wall_s', nan):7.2f} s wall, {r.get('cpu_s', nan):7.2f} s cpu, "
        f"{r.get('peak_rss_mb', nan):7.1f} MB  {status}"
    )


def _run_size(
    work: str, size: int, nreps: int, ciogen: bool, dm_python: str | None, timeout: float, log: Log
) -> list[dict[str, Any]]:
    """Every repetition at one size; a tool that failed is not run again at that size
    (its failure is deterministic), nor is ``check`` after a failed ``generate``."""
    write_inputs(size, work)
    runs: list[dict[str, Any]] = []
    failed: set[str] = set()
    for rep in range(nreps):
        for tool, cmd, out in _commands(work, size, rep, ciogen, dm_python):
            if tool in failed or (tool in (CHECK, CHECK_REBUILD) and GENERATE in failed):
                continue
            r = _run_one(tool, cmd, out, size, rep, timeout, work)
            runs.append(r)
            if r.get("rc") != 0 and not r.get("drift"):
                failed.add(tool)
            log(_progress(r, nreps))
    for rep in range(nreps):  # only now: see `remove_settled`
        remove_settled(os.path.join(work, f"out_{size}_{rep}"))
    return runs


def run_generator_bench(
    *,
    sizes: tuple[int, ...] = SIZES,
    reps: int = 5,
    reps_large: int = 3,
    with_ciogen: bool | None = None,
    with_datamodel: bool = True,
    create_venvs: bool = True,
    timeout: float = 900.0,
    profile_size: int | None = 1_000,
    log: Log = _stderr,
) -> dict[str, Any]:
    """Run the generator benchmark; returns a JSON-able dict (raw runs + summary)."""
    skipped, dm_python = _skipped(with_ciogen, with_datamodel, create_venvs, log)
    ciogen = "ciogen" not in skipped
    runs: list[dict[str, Any]] = []
    profile: dict[str, Any] | None = None
    work = tempfile.mkdtemp(prefix="ciogen-genbench-")
    try:
        for size in sizes:
            nreps = reps if size < 10_000 else min(reps, reps_large)
            runs += _run_size(work, size, nreps, ciogen, dm_python, timeout, log)
        if profile_size and ciogen:
            profile = profile_generate(profile_size, work, timeout=timeout)
            done = profile.get("error") or f"{profile['total_s']:.1f} s under cProfile"
            log(f"  generator profile {profile_size} events: {done}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "config": {"sizes": list(sizes), "reps": reps, "reps_large": reps_large},
        "skipped": skipped,
        "runs": runs,
        "summary": summarize(runs),
        "profile": profile,
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="ciogen generator scaling benchmark")
    p.add_argument("--quick", action="store_true", help="sizes 10 and 100, one repetition")
    p.add_argument("--sizes", help="comma-separated event counts")
    p.add_argument("--reps", type=int)
    p.add_argument("--no-datamodel", action="store_true")
    p.add_argument("--no-create-venvs", action="store_true")
    p.add_argument(
        "--profile-size", type=int, help="events in the profiled generate (default 1000; 0 = none)"
    )
    p.add_argument("--write-inputs", metavar="DIR", help="only write the synthetic inputs to DIR")
    p.add_argument("--out", help="write the JSON result here")
    a = p.parse_args(argv)
    sizes = (
        tuple(int(x) for x in a.sizes.split(",")) if a.sizes else ((10, 100) if a.quick else SIZES)
    )
    if a.write_inputs:
        os.makedirs(a.write_inputs, exist_ok=True)
        for s in sizes:
            print(*write_inputs(s, a.write_inputs))
        return
    profile_size = a.profile_size if a.profile_size is not None else (100 if a.quick else 1_000)
    res = run_generator_bench(
        profile_size=profile_size,
        sizes=sizes,
        reps=a.reps or (1 if a.quick else 5),
        with_datamodel=not a.no_datamodel,
        create_venvs=not a.no_create_venvs,
    )
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f, indent=1)
    print(json.dumps(res["summary"], indent=1))


if __name__ == "__main__":
    main()
