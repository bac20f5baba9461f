"""Smoke tests for bench/: every benchmark runs at a tiny size so none of them rots.

ciogen, the pure-Python floor and the generator benchmark always run. The
peers (segment, customerio-cdp-analytics, customerio, datamodel-code-generator)
need their own venvs under bench/.venvs; creating them is slow, so their tests
are skipped with the reason when the venv is absent (`python -m bench.venvs`
or one full `python -m bench.run` creates them).
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import client as cbench  # noqa: E402
from bench import diff as dbench  # noqa: E402
from bench import generator as gbench  # noqa: E402
from bench import (  # noqa: E402
    lifecycle,
    report,
    report_diff,
    sink_client,
    synthetic,
    venvs,
)

N = 300  # events per client run: enough for a few batches, fast


@pytest.fixture(scope="module")
def bench_pkg(tmp_path_factory: pytest.TempPathFactory) -> str:
    ok, why = gbench.generator_available()
    if not ok:
        pytest.fail(f"generator CLI unusable: {why}")
    pkg_dir = gbench.generate_bench_package(str(tmp_path_factory.mktemp("benchpkg")))
    ok, why = gbench.check_bench_package(pkg_dir)
    assert ok, why
    return pkg_dir


def _post(url: str, path: str, body: bytes, headers: dict[str, str] | None = None) -> bytes:
    host, port = url.split("://", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("POST", path, body=body, headers=headers or {})
        resp = conn.getresponse()
        assert resp.status == 200
        return resp.read()
    finally:
        conn.close()


def test_sink_counts_every_format() -> None:
    with sink_client.SinkProcess(tls=False, max_seconds=60) as s:
        _post(s.url, "/api/v2/batch", json.dumps({"batch": [{"a": 1}] * 7}).encode())
        _post(s.url, "/api/v1/customers/42/events", b'{"name": "x"}')
        _post(
            s.url,
            "/v1/batch",
            gzip.compress(json.dumps({"batch": [1, 2, 3]}).encode()),
            {"Content-Encoding": "gzip"},
        )
        st = sink_client.stats(s.url)
        assert st["events"] == 11
        assert st["paths"] == {"v2_batch": 7, "v1_event": 1, "segment_batch": 3}
        assert st["errors"] == 0
        sink_client.reset(s.url)
        assert sink_client.stats(s.url)["events"] == 0


def _check_client_summary(res: dict[str, Any], impl: str, queued: bool = True) -> dict[str, Any]:
    assert impl not in res["skipped"], res["skipped"]
    runs = [r for r in res["runs"] if r["impl"] == impl]
    assert runs and not [r for r in runs if r.get("error")], runs
    d: dict[str, Any] = res["summary"]["impls"][impl]
    assert d["running.us_per_call"]["median"] > 0
    assert d["running.events_per_s"]["median"] > 0
    running = [r for r in runs if r["mode"] == "running"]
    assert all(r["delivered"] >= r["n"] for r in running)
    if queued:
        assert d["idle.bytes_per_event_rss"]["median"] >= 0
        idle = next(r for r in runs if r["mode"] == "idle")
        assert idle["sink_events_while_paused"] == 0, "the paused sender sent events"
    return d


def test_client_bench_floor_and_ciogen(bench_pkg: str) -> None:
    res = cbench.run_client_bench(
        n=N,
        n_customerio=50,
        reps=1,
        impls=("ciogen", "floor"),
        pkg_dir=bench_pkg,
        create_venvs=False,
        tracemalloc=True,
        profile_n=200,
        log=lambda s: None,
    )
    _check_client_summary(res, "floor")
    _check_client_summary(res, "ciogen")
    assert "ciogen/floor us_per_call idle" in res["summary"]["ratios"]
    assert res["summary"]["ratios"]["ciogen/floor cpu_us_per_call idle"]["median"] > 0
    assert res["profile"] and res["profile"].get("cprofile_top"), res["profile"]
    block = report.markdown({"env": {"quick": True}, "client": res})
    assert report.START in block and "pure-Python floor" in block


def test_client_bench_floor_only() -> None:
    """The pure-Python floor needs no generated package."""
    res = cbench.run_client_bench(
        n=N,
        reps=1,
        impls=("floor",),
        create_venvs=False,
        tracemalloc=False,
        profile_n=0,
        log=lambda s: None,
    )
    d = _check_client_summary(res, "floor")
    assert d["running.events_per_s"]["median"] > 1000


@pytest.mark.parametrize("venv", sorted(venvs.PEER_DISTS))
def test_every_peer_venv_has_exact_pins(venv: str) -> None:
    """A peer whose distribution lost its pin (customerio moved from the main
    dependencies to the test extra) would be reported "not measured" without failing."""
    for requirement in venvs.requirements(venv):
        name, _, version = requirement.partition("==")
        assert name and version and "," not in version, requirement


@pytest.mark.parametrize("peer", ["segment", "cdp", "customerio"])
def test_client_bench_peer(peer: str) -> None:
    if not venvs.is_ready(peer):
        pytest.skip(
            f"bench/.venvs/{peer} absent (created by `python -m bench.venvs {peer}`); not created here: slow"
        )
    res = cbench.run_client_bench(
        n=N,
        n_customerio=50,
        reps=1,
        impls=(peer,),
        create_venvs=False,
        tracemalloc=False,
        profile_n=0,
        log=lambda s: None,
    )
    _check_client_summary(res, peer, queued=peer != "customerio")


def test_generator_bench_tiny() -> None:
    with_dm = venvs.is_ready("datamodel")
    res = gbench.run_generator_bench(
        sizes=(10,),
        reps=1,
        with_datamodel=with_dm,
        create_venvs=False,
        profile_size=10,
        log=lambda s: None,
    )
    assert "ciogen" not in res["skipped"], res["skipped"]
    by_tool = {r["tool"]: r for r in res["runs"]}
    checks = ["ciogen check", "ciogen check, no stored build"]
    for tool in ["ciogen generate", *checks] + (["datamodel-codegen"] if with_dm else []):
        assert by_tool[tool]["rc"] == 0, by_tool[tool]
        assert by_tool[tool]["wall_s"] > 0 and by_tool[tool]["peak_rss_mb"] > 0
    assert by_tool["ciogen generate"]["files"] > 0
    # The profiled generate (profile_size=10) ran and found time in ciogen's own code.
    assert res["profile"] is not None and "error" not in res["profile"], res["profile"]
    assert res["profile"]["events"] == 10 and res["profile"]["ciogen_by_cumulative"]
    block = report.markdown({"env": {"quick": True}, "generator": res})
    assert "Generator scaling" in block


def test_synthetic_taxonomy_is_valid(tmp_path: Path) -> None:
    """The synthetic taxonomy round-trips through YAML and passes ciogen's meta-schema."""
    import jsonschema
    import yaml

    tpath, spath = synthetic.write_inputs(25, str(tmp_path))
    with open(tpath) as f:
        doc = yaml.safe_load(f)
    assert doc == synthetic.taxonomy_dict(25)
    schema = json.loads((REPO / "generator" / "taxonomy.schema.json").read_text())
    jsonschema.validate(doc, schema)
    with open(spath) as f:
        js = json.load(f)
    assert len(js["definitions"]) == 25 + 1
    fixture = yaml.safe_load((REPO / "bench" / "fixtures" / "bench_taxonomy.yaml").read_text())
    jsonschema.validate(fixture, schema)
    assert len(fixture["events"]["item_viewed"]["properties"]) == 5


def test_report_and_docs_update(tmp_path: Path) -> None:
    fake = {
        "env": {"date": "today", "quick": False},
        "client": {
            "config": {"n": 10, "n_customerio": 5, "reps": 2},
            "skipped": {},
            "summary": {
                "impls": {
                    "ciogen": {
                        "idle.us_per_call": {"median": 5, "min": 4, "max": 6, "n": 2},
                        "idle.bytes_per_event_rss": {"median": 400, "min": 390, "max": 410, "n": 2},
                        "worst_call_ms": 3.0,
                    }
                },
                "ratios": {
                    "ciogen/floor us_per_call idle": {"median": 1.2, "min": 1.1, "max": 1.3, "n": 2}
                },
            },
        },
    }
    t = {x["target"]: x["met"] for x in report.targets(fake)}
    assert t["ciogen typed call ≤ 1.5x floor, sender idle"] is True
    assert t["≤ 500 bytes per queued event"] is True
    assert t["worst single call < 5 ms"] is True
    assert t["delivered throughput ≥ 3x segment"] is None
    md = tmp_path / "B.md"
    md.write_text("# Bench\n\nprose stays\n")
    report.update_benchmarks_md(str(md), report.markdown(fake), "")
    report.update_benchmarks_md(str(md), report.markdown(fake), "")
    text = md.read_text()
    assert text.startswith("# Bench\n\nprose stays\n")
    assert text.count(report.START) == 1 and text.count(report.END) == 1


def test_lifecycle_bench_tiny(tmp_path: Path) -> None:
    """bench/lifecycle.py at a tiny size: every measurement runs, the table renders,
    and rewriting BENCHMARKS.md touches only its own block."""
    results = lifecycle.measure([50, 500], 1, 500, 0.05)
    assert [row["pending"] for row in results["deadlines"]] == [50, 500]
    for row in results["deadlines"]:
        # close() waits at least the timeout less its reporting reserve (at most half
        # of it) against a server that never answers, and returns soon after it.
        assert 0.05 / 2 <= row["close"]["median"] < 0.05 + 1.0 and row["exit"]["median"] > 0
    costs = results["calls_reporting"]
    for clock in ("", "_cpu", "_process", "_total", "_total_process"):
        assert {"queued" + clock, "delivered" + clock, "dropped" + clock} <= set(costs)
        assert costs["ratio" + clock]["min"] <= costs["ratio" + clock]["max"]
    block = lifecycle.markdown(results)
    assert "| 500 |" in block and "dropped operation" in block
    md = tmp_path / "B.md"
    md.write_text("# Bench\n\nprose stays\n")
    lifecycle.update_markdown(md, block)
    lifecycle.update_markdown(md, block)
    text = md.read_text()
    assert text.startswith("# Bench\n\nprose stays\n")
    assert text.count(lifecycle.START) == 1 and text.count(lifecycle.END) == 1


def test_chart_renders(tmp_path: Path) -> None:
    try:
        import matplotlib  # noqa: F401

        python = sys.executable
    except ImportError:
        if not venvs.is_ready("tools"):
            pytest.skip("matplotlib not installed here and bench/.venvs/tools absent")
        python = venvs.python_of("tools")
    import subprocess

    results = {
        "env": {"date": "x", "python": "3", "cpus": 2},
        "client": {
            "summary": {
                "impls": {
                    "floor": {
                        "idle.us_per_call": {"median": 7, "min": 6, "max": 8},
                        "running.us_per_call": {"median": 8, "min": 7, "max": 9},
                        "running.events_per_s": {"median": 80000, "min": 70000, "max": 90000},
                        "idle.bytes_per_event_rss": {"median": 350, "min": 340, "max": 360},
                    }
                }
            }
        },
        "generator": {
            "summary": {
                "tools": {
                    "ciogen generate": {
                        "10": {"wall": {"median": 0.5, "min": 0.4, "max": 0.6}},
                        "100": {"wall": {"median": 0.9, "min": 0.8, "max": 1.0}},
                    }
                }
            }
        },
    }
    src = tmp_path / "r.json"
    src.write_text(json.dumps(results))
    png = tmp_path / "b.png"
    p = subprocess.run(
        [python, str(REPO / "bench" / "chart.py"), str(src), str(png)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert p.returncode == 0, p.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_diff_bench_tiny() -> None:
    before = os.environ.get("CIOGEN_CACHE_DIR")
    result = dbench.measure(8, 1)
    assert os.environ.get("CIOGEN_CACHE_DIR") == before  # the session's cache folder kept
    assert result["changes_found"] >= 4  # rename, removal, enum value, addition
    assert result["stages"]["compare"]["median_s"] >= 0
    block = report_diff.markdown(result)
    assert "besides reading the git blob" in block and "| whole run, base cached" in block
