"""The compiler's structure: small modules, no import cycles, exhaustive per-type dispatch.

These are the promises docs/architecture.md makes to a newcomer; each test
fails the moment one of them stops being true.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from ciogen import model, runtime_facts

PACKAGE = REPO / "generator"
MAX_MODULE_LINES = 500


def _modules() -> dict[str, ast.Module]:
    return {
        path.stem: ast.parse(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(PACKAGE.glob("*.py"))
    }


def _internal_imports(name: str, tree: ast.Module) -> list[tuple[str, ast.ImportFrom, bool]]:
    """(imported module, node, at module level) for every `from . import` / `from .x import`."""
    top = {id(node) for node in tree.body}
    found: list[tuple[str, ast.ImportFrom, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            targets = [node.module] if node.module else [a.name for a in node.names]
            for target in targets:
                if target is not None and (PACKAGE / f"{target}.py").is_file():
                    found.append((target, node, id(node) in top))
    return found


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    assert {n: s for n, s in sizes.items() if s > MAX_MODULE_LINES} == {}


def test_no_template_or_runtime_module_is_over_the_size_limit() -> None:
    """The runtime copied into every package is held to the same limit as the compiler."""
    templates = REPO / "templates"
    paths = [*templates.glob("*.py"), *templates.glob("*.j2"), *templates.glob("_runtime/*.py")]
    sizes = {
        str(p.relative_to(templates)): len(p.read_text(encoding="utf-8").splitlines())
        for p in paths
    }
    assert len(sizes) > 10 and {n: s for n, s in sizes.items() if s > MAX_MODULE_LINES} == {}


def test_no_import_inside_a_function() -> None:
    """An import inside a function is how a cycle hides; every internal import is at the top."""
    lazy = [
        f"{name}.py:{node.lineno} imports .{target}"
        for name, tree in _modules().items()
        for target, node, at_top in _internal_imports(name, tree)
        if not at_top
    ]
    assert lazy == []


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Every cycle a depth-first walk of `graph` (module -> modules it imports) runs into."""
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in graph.get(node, []):
            if state.get(nxt) == "open":
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return cycles


def _graph() -> dict[str, list[str]]:
    return {
        name: sorted({t for t, _, _ in _internal_imports(name, tree)})
        for name, tree in _modules().items()
    }


def test_the_package_has_no_import_cycle() -> None:
    graph = _graph()
    assert find_cycles(graph) == []
    # The parse stage must not depend on the render stage.
    reach = {"load", "build_model"}
    while more := {t for n in reach for t in graph.get(n, [])} - reach:
        reach |= more
    assert not reach & {"render", "pycode", "strategy_code", "layout", "output", "cli"}


def test_the_cycle_check_can_fail() -> None:
    assert find_cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": []}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": ["b"], "b": []}) == []


def test_one_table_of_formats() -> None:
    schema = json.loads((PACKAGE / "taxonomy.schema.json").read_text(encoding="utf-8"))
    found: list[list[str]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            fmt = node.get("properties", {}).get("format") if "properties" in node else None
            if isinstance(fmt, dict) and "enum" in fmt:
                found.append(fmt["enum"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert found == [list(model.FORMATS)]
    checks = runtime_facts.checks()
    assert all(callable(getattr(checks, fn, None)) for fn in model.FORMATS.values())


def test_the_strategies_know_every_format() -> None:
    """The generated strategies draw and filter by format: both tables name model.FORMATS."""
    tree = ast.parse((runtime_facts.templates_dir() / "_strategies.py").read_text(encoding="utf-8"))
    tables = {
        node.target.id: node.value
        for node in tree.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and isinstance(node.value, ast.Dict)
    }
    for name in ("_FORMATS", "_FORMAT_CHECKS"):
        keys = [ast.literal_eval(k) for k in tables[name].keys if k is not None]
        assert keys == list(model.FORMATS), name
    checks = [ast.unparse(v) for v in tables["_FORMAT_CHECKS"].values]
    assert checks == [f"_c.{fn}" for fn in model.FORMATS.values()]


def test_limits_come_from_the_runtime_file() -> None:
    limits = runtime_facts.limits()
    text = (runtime_facts.templates_dir() / "_runtime" / "limits.py").read_text(encoding="utf-8")
    assert f"MAX_EVENT_NAME_BYTES = {limits.event_name_bytes}" in text
    assert limits.event_name_bytes == 100 and limits.attributes_per_call == 300


def test_client_reserved_names_are_read_from_the_runtime() -> None:
    reserved = runtime_facts.client_reserved()
    assert {"identify", "track", "flush", "close"} <= reserved
    assert not any(n.startswith("_") for n in reserved)


@pytest.mark.slow
def test_mypy_lists_every_dispatch_a_new_type_must_touch(tmp_path: Path) -> None:
    """Add a `DateType` to the model: mypy --strict must fail in every per-type dispatch."""
    copy = tmp_path / "generator"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    model_py = copy / "model.py"
    text = model_py.read_text(encoding="utf-8")
    text = text.replace(
        "TypeNode: TypeAlias = (\n",
        "@dataclasses.dataclass(frozen=True)\nclass DateType:\n    pass\n\n\nTypeNode: TypeAlias = (\n    DateType |\n",
    )
    model_py.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "generator"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    reported = {
        line.split(": error:", 1)[0] for line in result.stdout.splitlines() if ": error:" in line
    }
    # Every exhaustive dispatch ends in `assert_never`; each one must name the new type.
    dispatches = {
        f"{os.path.join('generator', path.name)}:{node.lineno}"
        for path in sorted(copy.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "assert_never"
    }
    assert reported == dispatches, result.stdout
    files = {site.split(":", 1)[0] for site in dispatches}
    assert {
        os.path.join("generator", f)
        for f in (
            "pycode.py",
            "strategy_code.py",
            "schema_export.py",
            "build_scalars.py",
            "build_types.py",
        )
    } <= files


NODE_CLASSES = {
    name for name, value in vars(model).items() if isinstance(value, type) and name.endswith("Type")
}


def _ends_in_assert_never(match: ast.Match) -> bool:
    last = match.cases[-1]
    return (
        isinstance(last.pattern, ast.MatchAs)
        and last.pattern.pattern is None
        and len(last.body) == 1
        and isinstance(call := getattr(last.body[0], "value", None), ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "assert_never"
    )


def test_every_match_on_a_type_node_ends_in_assert_never() -> None:
    """A `case _:` that returns something would let a new type through unnoticed."""
    matches = [
        (f"{name}.py:{node.lineno}", node)
        for name, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Match)
        and any(
            isinstance(p, ast.MatchClass) and getattr(p.cls, "id", None) in NODE_CLASSES
            for case in node.cases
            for p in ast.walk(case.pattern)
        )
    ]
    assert len(matches) >= 12
    assert [where for where, node in matches if not _ends_in_assert_never(node)] == []


def test_no_isinstance_dispatch_on_type_nodes() -> None:
    """Per-type code is a `match` ending in `assert_never`, never an isinstance test that
    a new type would silently fall through."""
    node_classes = NODE_CLASSES
    assert {"StringType", "ObjectType"} <= node_classes
    found = [
        f"{name}.py:{node.lineno}"
        for name, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "isinstance"
        and len(node.args) == 2
        and any(isinstance(n, ast.Name) and n.id in node_classes for n in ast.walk(node.args[1]))
    ]
    assert found == []


def test_ciogen_runs_beside_another_generator_package(tmp_path: Path) -> None:
    """A user's project may have its own `generator` package; the command must not import it."""
    (tmp_path / "generator").mkdir()
    (tmp_path / "generator" / "__init__.py").write_text(
        "raise ImportError('the user project generator package was imported')\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    script = Path(sys.executable).parent / "ciogen"
    for command in ([str(script), "--version"], [sys.executable, "-m", "ciogen", "--version"]):
        result = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("ciogen "), result.stdout


def test_the_repository_explains_itself() -> None:
    """No tracked file points outside the repository: no house-style file that is not
    here, no absolute path of the machine it was written on."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=False, timeout=60
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    outside = ("STYLE" + ".md", "/" + "work/")
    found = []
    for rel in listed.stdout.decode().split("\0"):
        path = REPO / rel
        if not rel or not path.is_file() or path.suffix in {".png"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{rel}: {needle}" for needle in outside if needle in text]
    assert found == []
