"""Generator scaling benchmark.

Writes synthetic taxonomies of 10, 100, 1,000 and 10,000 events (8 properties
each: strings with limits, numbers, integers, booleans, per-event enums, a
shared ``$ref`` enum, arrays, nested objects, timestamps, nullables) in
ciogen's taxonomy format, and the equivalent JSON Schema (one definition per
event, draft-07 ``definitions``), then measures, each in a fresh process:

* ``python -m generator generate --taxonomy T --out DIR/benchpkg``
* ``python -m generator check    --taxonomy T --out DIR/benchpkg`` (on the fresh output)
* ``datamodel-codegen --input S.json --input-file-type jsonschema
  --output-model-type dataclasses.dataclass`` (in ``bench/.venvs/datamodel``)

Each command runs under a small stdlib wrapper process that reports wall time,
CPU time (user+sys) and peak RSS (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``:
the largest single process of the command's tree, e.g. ruff if it is bigger).

Run alone: ``python -m bench.generator [--quick]``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
FIXTURE = os.path.join(BENCH_DIR, "fixtures", "bench_taxonomy.yaml")
SIZES = (10, 100, 1_000, 10_000)
PKG = "benchpkg"

# --------------------------------------------------------------------------- synthesis

_CATEGORY_WORDS = ["books", "music", "games", "garden", "tools", "toys", "food", "sport"]
_COUNTRY = {"type": "string", "minLength": 2, "maxLength": 2}


def _event_props(i: int) -> tuple[dict[str, Any], list[str]]:
    """8 properties for event ``i``; names and kinds rotate so events differ."""
    k = i % 4
    enum_vals = [f"{w}_{i % 97}" for w in _CATEGORY_WORDS[: 3 + (i % 5)]]
    props: dict[str, Any] = {
        f"item_id{'' if k == 0 else '_' + str(k)}": {"type": "string", "maxLength": 64},
        "price": {"type": "number", "minimum": 0},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 1000},
        "category": {"type": "string", "enum": enum_vals},
        "in_stock": {"type": "boolean"},
        "plan": {"$ref": "#/definitions/plan"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 32}, "maxItems": 10},
        "shipping": {
            "type": "object",
            "properties": {
                "country": _COUNTRY,
                "express": {"type": "boolean"},
                "eta_days": {"type": "integer", "minimum": 0},
            },
            "required": ["country"],
        },
    }
    if k == 1:  # swap one property for a timestamp
        del props["in_stock"]
        props["viewed_at"] = {"type": "timestamp"}
    elif k == 2:  # a nullable number and a format
        del props["quantity"]
        props["discount"] = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
    elif k == 3:
        del props["tags"]
        props["referrer"] = {"type": "string", "format": "uri"}
    first = next(iter(props))
    return props, [first, "price"]


def event_name(i: int) -> str:
    return f"event_{i:05d}_viewed"


def taxonomy_dict(n_events: int) -> dict[str, Any]:
    events: dict[str, Any] = {}
    for i in range(n_events):
        props, required = _event_props(i)
        events[event_name(i)] = {
            "description": f"Synthetic benchmark event number {i}.",
            "properties": props,
            "required": required,
        }
    return {
        "version": 1,
        "name": "bench",
        "description": f"Synthetic benchmark taxonomy with {n_events} events",
        "customerio": {"region": "us"},
        "definitions": {
            "plan": {"type": "string", "enum": ["free", "starter", "pro", "enterprise"]}
        },
        "attributes": {
            "properties": {
                "email": {"type": "string", "format": "email"},
                "created_at": {"type": "timestamp"},
                "plan": {"$ref": "#/definitions/plan"},
            },
            "required": ["email"],
        },
        "events": events,
    }


def _to_jsonschema(p: dict[str, Any]) -> dict[str, Any]:
    """A taxonomy property schema as plain JSON Schema (timestamp -> date-time string)."""
    out: dict[str, Any] = {}
    for key, v in p.items():
        if key == "type":
            types = v if isinstance(v, list) else [v]
            mapped = [("string" if t == "timestamp" else t) for t in types]
            out["type"] = mapped if isinstance(v, list) else mapped[0]
            if "timestamp" in types:
                out["format"] = "date-time"
        elif key == "items":
            out["items"] = _to_jsonschema(v)
        elif key == "properties":
            out["properties"] = {k: _to_jsonschema(s) for k, s in v.items()}
        else:
            out[key] = v
    return out


def _pascal(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in name.split("_"))


def jsonschema_dict(tax: dict[str, Any]) -> dict[str, Any]:
    """The taxonomy's events as one JSON Schema document (one definition per event)."""
    defs: dict[str, Any] = {name: _to_jsonschema(s) for name, s in tax["definitions"].items()}
    for name, ev in tax["events"].items():
        defs[_pascal(name)] = {
            "type": "object",
            "description": ev["description"],
            "properties": {k: _to_jsonschema(s) for k, s in ev["properties"].items()},
            "required": ev.get("required", []),
            "additionalProperties": False,
        }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Bench",
        "type": "object",
        "definitions": defs,
    }


def _yaml_dump(obj: Any) -> str:
    """Flow-style-ish YAML without PyYAML (the children of peers' venvs lack it).

    JSON is valid YAML 1.2 flow syntax, but ciogen's loader may report line
    numbers per key, so each event goes on its own lines in block style.
    """
    lines: list[str] = []

    def scalar(v: Any) -> str:
        return json.dumps(v)

    def emit(o: Any, indent: int) -> None:
        pad = "  " * indent
        for k, v in o.items():
            key = json.dumps(k) if (k.startswith("$") or not k.replace("_", "").isalnum()) else k
            if isinstance(v, dict) and v and indent < 3:
                lines.append(f"{pad}{key}:")
                emit(v, indent + 1)
            elif isinstance(v, (dict, list)):
                lines.append(f"{pad}{key}: {json.dumps(v)}")
            else:
                lines.append(f"{pad}{key}: {scalar(v)}")

    emit(obj, 0)
    return "\n".join(lines) + "\n"


def write_inputs(n_events: int, workdir: str) -> tuple[str, str]:
    """Write ``taxonomy_N.yaml`` and ``schema_N.json``; returns their paths."""
    tax = taxonomy_dict(n_events)
    tpath = os.path.join(workdir, f"taxonomy_{n_events}.yaml")
    spath = os.path.join(workdir, f"schema_{n_events}.json")
    with open(tpath, "w") as f:
        f.write(f"# Synthetic ciogen benchmark taxonomy: {n_events} events.\n")
        f.write(_yaml_dump(tax))
    with open(spath, "w") as f:
        json.dump(jsonschema_dict(tax), f, indent=1)
    return tpath, spath


# --------------------------------------------------------------------------- measuring


def _measure_main(cmd: list[str], cwd: str | None, timeout: float) -> None:
    """(wrapper process) run ``cmd`` once, print wall/cpu/peak-RSS JSON."""
    import resource

    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        rc, err = p.returncode, (p.stderr or p.stdout)[-1500:]
    except subprocess.TimeoutExpired:
        rc, err = -9, f"timed out after {timeout:.0f}s"
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "rc": rc,
                "wall_s": wall,
                "cpu_s": ru.ru_utime + ru.ru_stime,
                "peak_rss_mb": ru.ru_maxrss * 1024 / 1e6,
                "stderr_tail": err if rc else "",
            }
        )
    )


def measure(
    cmd: list[str],
    cwd: str | None = None,
    timeout: float = 900.0,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    wrapper = [sys.executable, os.path.abspath(__file__), "_measure", "--timeout", str(timeout)]
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


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONHASHSEED"] = "0"
    return env


def generator_available(python: str | None = None) -> tuple[bool, str]:
    """Whether ``python -m generator generate`` works here (and why not)."""
    python = python or sys.executable
    if not os.path.exists(os.path.join(REPO, "generator", "__main__.py")) and not os.path.exists(
        os.path.join(REPO, "generator", "cli.py")
    ):
        return False, "generator/ has no CLI yet (generator/__main__.py / cli.py missing)"
    try:
        p = subprocess.run(
            [python, "-m", "generator", "generate", "--help"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            env=_env(),
        )
    except subprocess.TimeoutExpired:
        return False, "`python -m generator generate --help` timed out"
    if p.returncode != 0:
        return False, "`python -m generator generate --help` failed: " + (p.stderr or p.stdout)[
            -400:
        ]
    return True, ""


def ciogen_cmd(verb: str, taxonomy: str, out: str, python: str | None = None) -> list[str]:
    return [python or sys.executable, "-m", "generator", verb, "--taxonomy", taxonomy, "--out", out]


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


def generate_bench_package(workdir: str | None = None, taxonomy: str = FIXTURE) -> str:
    """Generate ``benchpkg`` from the benchmark fixture; returns the directory to put on sys.path."""
    workdir = workdir or tempfile.mkdtemp(prefix="ciogen-benchpkg-")
    out = os.path.join(workdir, PKG)
    p = subprocess.run(
        ciogen_cmd("generate", taxonomy, out),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env=_env(),
    )
    if p.returncode != 0:
        raise RuntimeError("generating the bench package failed: " + (p.stderr or p.stdout)[-1500:])
    return workdir


def check_bench_package(pkg_dir: str, python: str | None = None) -> tuple[bool, str]:
    """Whether the generated bench package imports (``Client``, ``ClientConfig``) in a fresh process."""
    code = (
        f"import sys; sys.path.insert(0, {pkg_dir!r}); import {PKG}; "
        f"from {PKG} import Client; from {PKG}._runtime import ClientConfig; "
        f"assert callable(getattr(Client, 'item_viewed'))"
    )
    try:
        p = subprocess.run(
            [python or sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            env=_env(),
            cwd=pkg_dir,
        )
    except subprocess.TimeoutExpired:
        return False, "importing the generated package timed out"
    if p.returncode != 0:
        return False, "the generated package does not import: " + (
            p.stderr or p.stdout
        ).strip().splitlines()[-1][-300:]
    return True, ""


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
    import pstats

    tpath, _ = write_inputs(size, work)
    out = os.path.join(work, f"profile_{size}", PKG)
    prof = os.path.join(work, f"generate_{size}.prof")
    cmd = [sys.executable, "-m", "cProfile", "-o", prof, "-m", "generator", "generate",
           "--taxonomy", tpath, "--out", out]  # fmt: skip
    try:
        p = subprocess.run(
            cmd, cwd=REPO, env=_env(), capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"events": size, "error": f"timed out after {timeout:.0f}s"}
    if not os.path.exists(prof):
        return {"events": size, "error": f"exit {p.returncode}: {(p.stderr or p.stdout)[-500:]}"}
    st = pstats.Stats(prof)
    total = st.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        name = f"{_short_path(file)}:{line}({func})" if line else func
        rows.append({"function": name, "calls": nc, "tottime_s": tt, "cumtime_s": ct,
                     "own": file.startswith(os.path.join(REPO, "generator") + os.sep)})  # fmt: skip
    own = sorted((r for r in rows if r["own"]), key=lambda r: r["cumtime_s"], reverse=True)
    return {
        "events": size,
        "rc": p.returncode,
        "total_s": total,
        "ciogen_by_cumulative": own[:top],
        "all_by_own_time": sorted(rows, key=lambda r: r["tottime_s"], reverse=True)[:top],
        "stderr_tail": (p.stderr or "")[-500:] if p.returncode else "",
    }


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
    log: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
) -> dict[str, Any]:
    """Run the generator benchmark; returns a JSON-able dict (raw runs + summary)."""
    if __package__:
        from . import venvs
    else:  # pragma: no cover
        import venvs  # type: ignore[no-redef,import-not-found]

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

    runs: list[dict[str, Any]] = []
    env = _env()
    work = tempfile.mkdtemp(prefix="ciogen-genbench-")
    failed_at: dict[int, set[str]] = {}
    profile: dict[str, Any] | None = None
    try:
        for size in sizes:
            tpath, spath = write_inputs(size, work)
            nreps = reps if size < 10_000 else min(reps, reps_large)
            for rep in range(nreps):
                out = os.path.join(work, f"out_{size}_{rep}", PKG)
                tools: list[tuple[str, list[str]]] = []
                if "ciogen" not in skipped:
                    tools.append(("ciogen generate", ciogen_cmd("generate", tpath, out)))
                    tools.append(("ciogen check", ciogen_cmd("check", tpath, out)))
                if dm_python:
                    tools.append(
                        (
                            "datamodel-codegen",
                            datamodel_cmd(
                                dm_python, spath, os.path.join(work, f"dm_{size}_{rep}.py")
                            ),
                        )
                    )
                for tool, cmd in tools:
                    if tool in failed_at.get(size, set()) or (
                        tool == "ciogen check" and "ciogen generate" in failed_at.get(size, set())
                    ):
                        continue  # deterministic failure already recorded at this size: don't repeat it
                    r = measure(cmd, cwd=REPO, timeout=timeout, env=env)
                    r.update({"tool": tool, "events": size, "rep": rep})
                    if tool == "ciogen generate" and r.get("rc") == 0:
                        r["files"], r["bytes"] = _tree_size(out)
                    if tool == "datamodel-codegen" and r.get("rc") == 0:
                        r["files"], r["bytes"] = (
                            1,
                            os.path.getsize(os.path.join(work, f"dm_{size}_{rep}.py")),
                        )
                    runs.append(r)
                    if tool == "ciogen check" and r.get("rc") == 1:
                        # drift: check did its whole job (build + diff) but found the fresh
                        # output out of date: nondeterministic output, or templates edited
                        # during the run. Timed like a success, counted and reported.
                        r["drift"] = True
                    elif r.get("rc") != 0:
                        failed_at.setdefault(size, set()).add(tool)
                    status = (
                        "ok"
                        if r.get("rc") == 0
                        else f"FAILED rc={r.get('rc')}: {r.get('stderr_tail', '')[-300:]}"
                    )
                    log(
                        f"  generator {size:>6} events rep {rep + 1}/{nreps} {tool:<18} "
                        f"{r.get('wall_s', float('nan')):7.2f} s wall, {r.get('cpu_s', float('nan')):7.2f} s cpu, "
                        f"{r.get('peak_rss_mb', float('nan')):7.1f} MB  {status}"
                    )
                shutil.rmtree(os.path.dirname(out), ignore_errors=True)
        if profile_size and "ciogen" not in skipped:
            profile = profile_generate(profile_size, work, timeout=timeout)
            log(
                f"  generator profile {profile_size} events: "
                + (profile.get("error") or f"{profile['total_s']:.1f} s under cProfile")
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "config": {"sizes": list(sizes), "reps": reps, "reps_large": reps_large},
        "skipped": skipped,
        "runs": runs,
        "summary": summarize(runs),
        "profile": profile,
    }


def _tree_size(path: str) -> tuple[int, int]:
    files = total = 0
    for root, _dirs, names in os.walk(path):
        for n in names:
            files += 1
            total += os.path.getsize(os.path.join(root, n))
    return files, total


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for r in runs:
        d = out.setdefault(r["tool"], {}).setdefault(
            str(r["events"]), {"wall": [], "cpu": [], "rss": [], "failed": 0}
        )
        drift = bool(r.get("drift")) or (r["tool"] == "ciogen check" and r.get("rc") == 1)
        if drift:
            d["drift"] = d.get("drift", 0) + 1
        if r.get("rc") == 0 or drift:
            d["wall"].append(r["wall_s"])
            d["cpu"].append(r["cpu_s"])
            d["rss"].append(r["peak_rss_mb"])
            if "bytes" in r:
                d["output_bytes"] = r["bytes"]
                d["output_files"] = r["files"]
        else:
            d["failed"] += 1
            d["error"] = r.get("stderr_tail", "")[-500:]
    for tool in out.values():
        for d in tool.values():
            for key in ("wall", "cpu", "rss"):
                vals = d.pop(key)
                d[key] = (
                    {
                        "median": statistics.median(vals),
                        "min": min(vals),
                        "max": max(vals),
                        "n": len(vals),
                    }
                    if vals
                    else None
                )
    # ratios computed inside each repetition (same rep, same size)
    ratios: dict[str, Any] = {}
    by = {(r["tool"], r["events"], r["rep"]): r for r in runs if r.get("rc") == 0}
    sizes = sorted({r["events"] for r in runs})
    for size in sizes:
        vals = [
            by[("datamodel-codegen", size, rep)]["wall_s"]
            / by[("ciogen generate", size, rep)]["wall_s"]
            for (tool, s, rep) in by
            if tool == "ciogen generate" and s == size and ("datamodel-codegen", size, rep) in by
        ]
        if vals:
            ratios[f"datamodel/ciogen wall {size}"] = {
                "median": statistics.median(vals),
                "min": min(vals),
                "max": max(vals),
                "n": len(vals),
            }
    return {"tools": out, "ratios": ratios, "scaling": _scaling(out)}


def _scaling(tools: dict[str, Any]) -> dict[str, Any]:
    """Marginal cost per event between sizes, and the log-log slope (1.0 = linear)."""
    import math

    res: dict[str, Any] = {}
    for tool, per in tools.items():
        pts = sorted((int(s), d["wall"]["median"]) for s, d in per.items() if d.get("wall"))
        if len(pts) < 2:
            continue
        marg = []
        for (n0, t0), (n1, t1) in itertools.pairwise(pts):
            marg.append({"from": n0, "to": n1, "ms_per_event": (t1 - t0) / (n1 - n0) * 1000})
        slope = None
        big = [(n, t) for n, t in pts if n >= 1000]
        if len(big) >= 2:
            (n0, t0), (n1, t1) = big[0], big[-1]
            base = pts[0][1]  # startup cost ~ the smallest size
            if t1 > base and t0 > base:
                slope = math.log((t1 - base) / (t0 - base)) / math.log(n1 / n0)
        res[tool] = {"marginal": marg, "loglog_slope_above_startup": slope}
    return res


def main(argv: list[str] | None = None) -> None:
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] == "_measure":
        p = argparse.ArgumentParser()
        p.add_argument("--timeout", type=float, default=900.0)
        p.add_argument("--cwd")
        p.add_argument("cmd", nargs=argparse.REMAINDER)
        a = p.parse_args(argv[1:])
        cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
        _measure_main(cmd, a.cwd, a.timeout)
        return
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
