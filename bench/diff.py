"""Where `ciogen diff` spends its time on a big plan (issue #12: < 1 s for 1,000 events).

Builds the footprint plan (bench/footprint_plan.py) as the base commit of a
temporary git repository and an edited head (a renamed property, a removed
event, a changed enum, an added event), then times each stage in-process:
reading the git blob, the three load stages of each revision (YAML, meta-schema,
model), reading a cached revision, the comparison and the reports (their sum,
`diff_side_s`, is what diff adds to building the head); and whole runs with a cold cache,
with only the base cached (a pre-commit run after an edit) and fully cached;
and the same two cached runs as a hook runs them, a fresh `python -m ciogen diff`
process (interpreter start and imports included) on a head edited just before.
Reports medians and spread of `--repeats` runs; on a shared machine read the
stage shares and the ratios, not the absolute seconds.

    python -m bench.diff [--events 1000] [--repeats 5] [--write-docs]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import footprint_plan, report_diff

# The source folder `generator/` (import name `ciogen` when installed) is imported by its
# folder name so mypy can follow it; every module below comes from that one package.
from generator import cli, diff_cache, diff_report, gitrev, load, source
from generator.build_model import ModelBuilder
from generator.diff_compare import compare
from generator.diff_model import Change, DiffResult, sort_changes
from generator.diff_revision import Revision

REPO = Path(__file__).resolve().parent.parent
MD = REPO / "BENCHMARKS.md"
RESULTS = REPO / "bench" / "results" / "diff.json"


def edited(text: str, n_events: int) -> str:
    """The head: four edits a team makes, each a different rule."""
    last = footprint_plan.event_name(n_events - 1)
    lines = [line for line in text.splitlines() if not line.startswith(f"  {last}:")]
    first = next(i for i, line in enumerate(lines) if line.startswith("  event_"))
    lines[first] = (
        lines[first]
        .replace('"quantity": {', '"qty": {"renamed_from": "quantity", ')
        .replace('["sku", "quantity"]', '["sku", "qty"]')
        .replace('"books_0", ', "")
    )
    return "\n".join(lines) + '\n  brand_new_event: {"description": "New."}\n'


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=b", "-c", "user.email=b@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
        timeout=120,
    )


def _time(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _stages(text: str, label: str) -> tuple[dict[str, float], Revision]:
    t_yaml, src = _time(lambda: source.load_source(text, label))
    t_meta, problems = _time(lambda: load.meta_problems(src))
    assert not problems, problems[:3]
    t_model, taxonomy = _time(lambda: ModelBuilder(src).build())
    assert taxonomy is not None
    return {"yaml": t_yaml, "meta_schema": t_meta, "model": t_model}, Revision(taxonomy, src)


def _compare(base: Revision, head: Revision) -> tuple[Change, ...]:
    return sort_changes(compare(base, head))


def _reports(result: DiffResult) -> None:
    diff_report.text(result)
    diff_report.markdown(result)
    json.dumps(diff_report.record(result))


def _run_cli(taxonomy: Path) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code: int = cli.main(["diff", "--taxonomy", str(taxonomy), "--format", "json"])
    return code


def _run_process(root: Path, pycache: Path) -> int:
    """`ciogen diff` as the pre-commit hook starts it: a new interpreter in the repository.

    With bytecode cached, as pip leaves an installed package (kept under `pycache`, out
    of the checkout, even where PYTHONDONTWRITEBYTECODE is set: compiling every module
    again would add 0.1 s that no installed ciogen pays).
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    done = subprocess.run(
        [sys.executable, "-m", "ciogen", "diff", "--format", "json"],
        cwd=root,
        env=env,
        capture_output=True,
        timeout=300,
    )
    return done.returncode


def measure(n_events: int, repeats: int) -> dict[str, Any]:
    samples: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        samples.setdefault(name, []).append(seconds)

    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "repo"
        root.mkdir()
        base_text = footprint_plan.taxonomy_yaml(n_events)
        taxonomy = root / "taxonomy.yaml"
        taxonomy.write_text(base_text, encoding="utf-8")
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", ".")
        _git(root, "commit", "-q", "-m", "base")
        head_text = edited(base_text, n_events)
        taxonomy.write_text(head_text, encoding="utf-8")
        cache = Path(work) / "cache"
        outer = os.environ.get("CIOGEN_CACHE_DIR")  # restored after: the caller's setting
        os.environ["CIOGEN_CACHE_DIR"] = str(cache)
        changes = 0
        pycache = Path(work) / "pycache"
        _run_process(root, pycache)  # writes the bytecode, as installing a package does
        for run in range(repeats):
            t, (blob, _) = _time(lambda: gitrev.read_at("main", taxonomy))
            record("read_git_blob", t)
            assert blob == base_text
            base_stages, base = _stages(base_text, "base")
            head_stages, head = _stages(head_text, "head")
            for stage, seconds in base_stages.items():
                record(f"base_{stage}", seconds)
            for stage, seconds in head_stages.items():
                record(f"head_{stage}", seconds)
            t, found = _time(functools.partial(_compare, base, head))
            record("compare", t)
            changes = len(found)
            result = DiffResult(
                "base", "head", found, frozenset({"workspace", "code"}), frozenset()
            )
            t, _ = _time(functools.partial(_reports, result))
            record("reports_all_formats", t)
            for entry in cache.glob("diff-*.pickle"):
                entry.unlink()
            t, code = _time(lambda: _run_cli(taxonomy))
            assert code == 1
            record("run_cold_cache", t)
            for entry in cache.glob("diff-*.pickle"):
                entry.unlink()
            # Cache only the base, as the command names it (the merge-base commit):
            blob, label = gitrev.read_at(gitrev.default_base(root), taxonomy)
            assert blob is not None
            diff_cache.load_text(blob, label)
            t, _ = _time(functools.partial(diff_cache.load_text, blob, label))
            record("read_cached_revision", t)
            t, _ = _time(lambda: _run_cli(taxonomy))
            record("run_base_cached", t)  # the head was built and cached too
            t, _ = _time(lambda: _run_cli(taxonomy))
            record("run_all_cached", t)
            # A head no cache has seen (as after an edit), the base cached, in a new process.
            # The base is cached by a ciogen process too: this process pickles the classes
            # by the source folder's name (`generator.*`), which ciogen does not read back.
            for entry in cache.glob("diff-*.pickle"):
                entry.unlink()
            taxonomy.write_text(f"{head_text}# before {run}\n", encoding="utf-8")
            assert _run_process(root, pycache) == 1
            taxonomy.write_text(f"{head_text}# edit {run}\n", encoding="utf-8")
            t, code = _time(lambda: _run_process(root, pycache))
            assert code == 1
            record("process_base_cached", t)
            t, _ = _time(lambda: _run_process(root, pycache))
            record("process_all_cached", t)
            taxonomy.write_text(head_text, encoding="utf-8")
        if outer is None:
            os.environ.pop("CIOGEN_CACHE_DIR", None)
        else:
            os.environ["CIOGEN_CACHE_DIR"] = outer

    def stats(values: list[float]) -> dict[str, float]:
        return {
            "median_s": round(statistics.median(values), 4),
            "min_s": round(min(values), 4),
            "max_s": round(max(values), 4),
        }

    summary = {name: stats(values) for name, values in samples.items()}
    med = {name: s["median_s"] for name, s in summary.items()}
    build = sum(med[f"head_{s}"] for s in ("yaml", "meta_schema", "model"))
    # What diff itself adds to building the head in a pre-commit run (base cached):
    diff_side = med["read_cached_revision"] + med["compare"] + med["reports_all_formats"]
    return {
        "events": n_events,
        "repeats": repeats,
        "changes_found": changes,
        "load_average": os.getloadavg(),
        "stages": summary,
        "diff_side_s": round(diff_side, 4),
        "head_build_s": round(build, 4),
        "ratios": {
            "compare_over_head_build": round(med["compare"] / build, 4) if build else None,
            "yaml_share_of_head_build": round(med["head_yaml"] / build, 3) if build else None,
            "meta_share_of_head_build": round(med["head_meta_schema"] / build, 3)
            if build
            else None,
            "model_share_of_head_build": round(med["head_model"] / build, 3) if build else None,
            "all_cached_over_cold": round(med["run_all_cached"] / med["run_cold_cache"], 3),
            "base_cached_over_cold": round(med["run_base_cached"] / med["run_cold_cache"], 3),
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--write-docs",
        action="store_true",
        help="also write bench/results/diff.json and the diff block of BENCHMARKS.md",
    )
    args = parser.parse_args(argv)
    results = measure(args.events, args.repeats)
    print(json.dumps(results, indent=2))
    if args.write_docs:
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        report_diff.update_markdown(MD, report_diff.markdown(results))


if __name__ == "__main__":
    main()
