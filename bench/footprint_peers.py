"""The contestants of the footprint benchmark, built from one synthetic plan.

* ``ciogen``: this checkout's generator.
* ``ciogen_before``: the generator as it was before issue #10 (``BASELINE``,
  from git history: ``@dataclass`` models, one module, ruff formatting), for the
  "typed call ≤ 1.1x its current cost" ratio and the before/after import figures.
* ``datamodel_pydantic`` / ``datamodel_dataclasses``: datamodel-code-generator's
  output of the same plan as JSON Schema (in ``bench/.venvs/datamodel``).
* ``floor``: plain slotted classes with an ``__init__`` that only assigns, the
  least any typed model can cost (written here, the way a person would).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass

from bench import footprint_plan, venvs

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
BASELINE = "4590714"
"""The last commit before issue #10's work (main, 2026-12-02)."""

# Runs the generator of an extracted old checkout as the `ciogen` package.
_OLD_CIOGEN = """
import importlib.util, sys
root = sys.argv.pop(1)
spec = importlib.util.spec_from_file_location(
    "ciogen", root + "/generator/__init__.py", submodule_search_locations=[root + "/generator"])
module = importlib.util.module_from_spec(spec)
sys.modules["ciogen"] = module
spec.loader.exec_module(module)
from ciogen.cli import main
sys.exit(main(sys.argv[1:]))
"""


@dataclass(frozen=True)
class Contestant:
    name: str
    python: str
    path: str  # the folder to put on sys.path
    module: str  # what to import


def _run(cmd: list[str], cwd: str | None = None, timeout: float = 1800) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} ...: {(p.stderr or p.stdout)[-1500:]}")


def write_plan(work: str, n_events: int) -> tuple[str, str]:
    """(taxonomy.yaml, schema.json) of the synthetic plan in ``work``."""
    taxonomy = os.path.join(work, f"plan{n_events}.yaml")
    schema = os.path.join(work, f"plan{n_events}.json")
    with open(taxonomy, "w", encoding="utf-8") as f:
        f.write(footprint_plan.taxonomy_yaml(n_events))
    with open(schema, "w", encoding="utf-8") as f:
        json.dump(footprint_plan.json_schema(n_events), f)
    return taxonomy, schema


def ciogen_cmd(verb: str, taxonomy: str, out: str) -> list[str]:
    return [sys.executable, "-m", "ciogen", verb, "--taxonomy", taxonomy, "--out", out]


def build_ciogen(work: str, taxonomy: str, tag: str) -> Contestant:
    root = os.path.join(work, f"ciogen{tag}")
    os.makedirs(root, exist_ok=True)
    _run(ciogen_cmd("generate", taxonomy, os.path.join(root, f"fpc{tag}")), cwd=root)
    return Contestant("ciogen", sys.executable, root, f"fpc{tag}")


def _extract_baseline(work: str) -> str:
    root = os.path.join(work, "baseline-src")
    if os.path.isdir(root):
        return root
    os.makedirs(root)
    archive = os.path.join(work, "baseline.tar")
    with open(archive, "wb") as f:
        subprocess.run(
            ["git", "archive", BASELINE, "generator", "templates"],
            cwd=REPO,
            stdout=f,
            check=True,
            timeout=120,
        )
    with tarfile.open(archive) as tar:
        tar.extractall(root, filter="data")
    return root


def build_before(work: str, taxonomy: str, tag: str) -> Contestant:
    src = _extract_baseline(work)
    root = os.path.join(work, f"before{tag}")
    os.makedirs(root, exist_ok=True)
    out = os.path.join(root, f"fpb{tag}")
    _run([sys.executable, "-c", _OLD_CIOGEN, src, "generate", "--taxonomy", taxonomy, "--out", out])
    return Contestant("ciogen_before", sys.executable, root, f"fpb{tag}")


def build_datamodel(work: str, schema: str, kind: str, tag: str) -> Contestant:
    python = venvs.ensure("datamodel", create=True)
    codegen = os.path.join(os.path.dirname(python), "datamodel-codegen")
    root = os.path.join(work, f"dm{kind}{tag}")
    os.makedirs(root, exist_ok=True)
    module = f"fpdm{kind}{tag}"
    output = {"pydantic": "pydantic_v2.BaseModel", "dataclasses": "dataclasses.dataclass"}[kind]
    _run(
        [
            codegen,
            "--input",
            schema,
            "--input-file-type",
            "jsonschema",
            "--output-model-type",
            output,
            "--output",
            os.path.join(root, module + ".py"),
        ]
    )
    return Contestant(f"datamodel_{kind}", python, root, module)


def _floor_class(name: str, fields: list[str]) -> list[str]:
    params = ", ".join(f"{f}=None" for f in fields)
    lines = [f"class {name}:", f"    __slots__ = {tuple(fields)!r}", ""]
    lines.append(f"    def __init__(self, *, {params}):")
    lines += [f"        self.{f} = {f}" for f in fields]
    return [*lines, "", ""]


def build_floor(work: str, n_events: int, tag: str) -> Contestant:
    root = os.path.join(work, f"floor{tag}")
    os.makedirs(root, exist_ok=True)
    lines = ['"""Plain slotted classes: the floor of a typed model."""', "", ""]
    for name, event in footprint_plan.plan(n_events)["events"].items():
        cls = "".join(p.capitalize() for p in name.split("_"))
        props = event["properties"]
        lines += _floor_class(cls + "Shipping", list(props["shipping"]["properties"]))
        lines += _floor_class(cls + "ItemsItem", list(props["items"]["items"]["properties"]))
        lines += _floor_class(cls, list(props))
    with open(os.path.join(root, f"fpfloor{tag}.py"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return Contestant("floor", sys.executable, root, f"fpfloor{tag}")


PARTS = ("_events", "client.py", "strategies.py", "tests", "schemas", "models.py", "__init__.py")
"""The parts of a generated package whose size grows with the plan; the rest (the runtime,
the copied support modules) is `other`."""


def tree_parts(path: str) -> dict[str, int]:
    """Bytes of the files below `path` (``__pycache__`` left out) by part (`PARTS`, then
    `other`); their sum is the package's size."""
    parts = dict.fromkeys((*PARTS, "other"), 0)
    for folder, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            file = os.path.join(folder, name)
            top = os.path.relpath(file, path).split(os.sep)[0]
            parts[top if top in parts else "other"] += os.path.getsize(file)
    return parts


def scratch() -> str:
    return tempfile.mkdtemp(prefix="ciogen-footprint-")
