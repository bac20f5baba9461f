"""Per-peer virtual environments under ``bench/.venvs/<name>`` (gitignored).

``customerio`` and ``customerio-cdp-analytics`` both ship ``customerio/__init__.py``
(the cdp one overwrites the other), so every peer gets its own venv, created
with ``python -m venv`` and the versions pinned in ``pyproject.toml`` (the
``bench`` extra and, for ``customerio``, the main dependencies).  A venv is
reused while its marker file lists the same requirements.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Callable

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
VENVS = os.path.join(BENCH_DIR, ".venvs")
MARKER = ".ciogen-bench.json"

# venv name -> distribution names (versions come from pyproject.toml)
PEER_DISTS: dict[str, list[str]] = {
    "segment": ["segment-analytics-python"],
    "cdp": ["customerio-cdp-analytics"],
    "customerio": ["customerio"],
    "datamodel": ["datamodel-code-generator"],
    # customerio: the generated runtime imports it (profiling runs ciogen here)
    "tools": ["pyinstrument", "matplotlib", "customerio"],
}


class VenvUnavailable(Exception):
    pass


def pins() -> dict[str, str]:
    """``{distribution: requirement}`` from pyproject: the main dependencies' ranges,
    overridden by the exact pins of the ``test`` extra (``customerio`` is pinned only
    there, being the user's dependency, not ciogen's) and of the ``bench`` extra."""
    with open(os.path.join(REPO, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)["project"]
    extras = project.get("optional-dependencies", {})
    reqs = list(project.get("dependencies", []))
    reqs += extras.get("test", []) + extras.get("bench", [])
    out: dict[str, str] = {}
    for r in reqs:
        name = r.split("==")[0].split("[")[0].strip().lower()
        out[name] = r.strip()
    return out


def requirements(name: str) -> list[str]:
    p = pins()
    reqs = []
    for dist in PEER_DISTS[name]:
        if dist.lower() not in p:
            raise VenvUnavailable(f"{dist} is not pinned in pyproject.toml")
        reqs.append(p[dist.lower()])
    return reqs


def python_of(name: str) -> str:
    return os.path.join(VENVS, name, "bin", "python")


def is_ready(name: str) -> bool:
    marker = os.path.join(VENVS, name, MARKER)
    if not os.path.exists(python_of(name)) or not os.path.exists(marker):
        return False
    try:
        with open(marker) as f:
            return bool(json.load(f).get("requirements") == requirements(name))
    except (OSError, ValueError, VenvUnavailable):
        return False


def ensure(
    name: str, create: bool = True, log: Callable[[str], None] | None = None, timeout: float = 900.0
) -> str:
    """Path of the venv's python, creating/updating the venv when allowed."""
    if name not in PEER_DISTS:
        raise VenvUnavailable(f"unknown peer venv {name!r}")
    if is_ready(name):
        return python_of(name)
    if not create:
        raise VenvUnavailable(
            f"bench/.venvs/{name} is absent (run `python -m bench.run` once to create it)"
        )
    reqs = requirements(name)
    path = os.path.join(VENVS, name)
    if log:
        log(f"  creating bench/.venvs/{name}: {' '.join(reqs)}")
    try:
        if not os.path.exists(python_of(name)):
            subprocess.run(
                [sys.executable, "-m", "venv", path],
                check=True,
                timeout=300,
                capture_output=True,
                text=True,
            )
        subprocess.run(
            [python_of(name), "-m", "pip", "install", "--disable-pip-version-check", "-q", *reqs],
            check=True,
            timeout=timeout,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as e:
        raise VenvUnavailable(
            f"creating bench/.venvs/{name} failed: {(e.stderr or '')[-800:]}"
        ) from e
    except subprocess.TimeoutExpired as e:
        raise VenvUnavailable(f"creating bench/.venvs/{name} timed out") from e
    with open(os.path.join(path, MARKER), "w") as f:
        json.dump({"requirements": reqs}, f)
    return python_of(name)


def main() -> None:
    names = sys.argv[1:] or list(PEER_DISTS)
    for n in names:
        print(n, ensure(n, log=print))


if __name__ == "__main__":
    main()
