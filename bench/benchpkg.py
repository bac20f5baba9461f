"""The generated package both benchmarks need, and how to run ciogen from the repository.

The client benchmark measures ``benchpkg``, generated from
bench/fixtures/bench_taxonomy.yaml by this checkout's generator; the generator
benchmark times the same ``python -m generator`` commands.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
FIXTURE = os.path.join(BENCH_DIR, "fixtures", "bench_taxonomy.yaml")
PKG = "benchpkg"


def env() -> dict[str, str]:
    """The environment of every ciogen run: no PYTHONPATH, a fixed hash seed."""
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
            env=env(),
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
        env=env(),
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
            env=env(),
            cwd=pkg_dir,
        )
    except subprocess.TimeoutExpired:
        return False, "importing the generated package timed out"
    if p.returncode != 0:
        return False, "the generated package does not import: " + (
            p.stderr or p.stdout
        ).strip().splitlines()[-1][-300:]
    return True, ""
