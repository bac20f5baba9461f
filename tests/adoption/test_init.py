"""`ciogen init`: what it writes into a project, and every refusal.

The example plan must show the whole format: a walk of the taxonomy JSON Schema
alongside the example fails when a keyword (in any place the schema accepts
it), an enum value, a union branch or a JSON type the schema allows is not used
somewhere. The example must also generate a package that passes `check`,
`mypy --strict` and its own generated tests.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from helpers import REPO, ciogen

from ciogen import __version__
from ciogen.init import HOOKS, WORKFLOW, data_file
from ciogen.load import meta_schema

EXAMPLE = data_file("example_taxonomy.yaml")
SCHEMA = meta_schema()
# A plan has one region: of this enum, one value can appear.
ONE_OF_A_KIND = {"#/properties/customerio/properties/region"}
WRITTEN = ("taxonomy.yaml", ".pre-commit-config.yaml", WORKFLOW.as_posix(), ".gitattributes")
USER_PYPROJECT = '[project]\nname = "shop"\nversion = "1"\ndependencies = ["requests==2.32.3"]\n'


def _resolve(pointer: str) -> tuple[str, dict[str, Any]]:
    """Follow `$ref`s from `pointer`; the pointer and node finally reached."""
    node: Any = SCHEMA
    for part in pointer.removeprefix("#").strip("/").split("/"):
        if part:
            node = node[int(part)] if isinstance(node, list) else node[part]
    while "$ref" in node and isinstance(node["$ref"], str) and node["$ref"].startswith("#/$defs"):
        pointer = node["$ref"]
        node = SCHEMA["$defs"][pointer.rsplit("/", 1)[1]]
    return pointer, node


def _required_features() -> set[tuple[str, ...]]:
    """Every feature the schema offers: (schema place, kind, name)."""
    wanted: set[tuple[str, ...]] = set()
    seen: set[str] = set()

    def visit(pointer: str) -> None:
        pointer, node = _resolve(pointer)
        if pointer in seen:
            return
        seen.add(pointer)
        for key in node.get("properties", {}):
            wanted.add((pointer, "key", key))
            visit(f"{pointer}/properties/{key}")
        if pointer not in ONE_OF_A_KIND:
            wanted.update((pointer, "value", repr(v)) for v in node.get("enum", []))
        for combinator in ("anyOf", "oneOf"):
            for index in range(len(node.get(combinator, []))):
                wanted.add((pointer, combinator, str(index)))
                visit(f"{pointer}/{combinator}/{index}")
        if isinstance(node.get("type"), list):
            wanted.update((pointer, "type", kind) for kind in node["type"])
        for child in ("additionalProperties", "items"):
            if isinstance(node.get(child), dict):
                visit(f"{pointer}/{child}")

    visit("#")
    return wanted


def _json_type(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    names |= {list: "array", dict: "object", type(None): "null"}
    return names[type(value)]


def _used_features(value: Any, pointer: str = "#", used: set[tuple[str, ...]] | None = None) -> set:
    """The features `value` uses, walking it alongside the schema at `pointer`."""
    used = set() if used is None else used
    pointer, node = _resolve(pointer)
    if "enum" in node and value in node["enum"]:
        used.add((pointer, "value", repr(value)))
    if isinstance(node.get("type"), list):
        used.add((pointer, "type", _json_type(value)))
    for combinator in ("anyOf", "oneOf"):
        for index, branch in enumerate(node.get(combinator, [])):
            resolved = {**branch, "$defs": SCHEMA["$defs"]}
            if jsonschema.Draft202012Validator(resolved).is_valid(value):
                used.add((pointer, combinator, str(index)))
                _used_features(value, f"{pointer}/{combinator}/{index}", used)
    if isinstance(value, dict):
        known = node.get("properties", {})
        for key, item in value.items():
            if key in known:
                used.add((pointer, "key", key))
                _used_features(item, f"{pointer}/properties/{key}", used)
            elif isinstance(node.get("additionalProperties"), dict):
                _used_features(item, f"{pointer}/additionalProperties", used)
    if isinstance(value, list) and isinstance(node.get("items"), dict):
        for item in value:
            _used_features(item, f"{pointer}/items", used)
    return used


def test_the_example_uses_every_feature_of_the_schema() -> None:
    document = yaml.safe_load(EXAMPLE)
    jsonschema.Draft202012Validator(SCHEMA).validate(document)
    missing = _required_features() - _used_features(document)
    assert sorted(missing) == []


def test_the_feature_walk_can_fail() -> None:
    document = yaml.safe_load(EXAMPLE)
    del document["broadcasts"]
    for event in document["events"].values():
        event.pop("anonymous", None)
    missing = _required_features() - _used_features(document)
    assert ("#/$defs/event", "key", "anonymous") in missing
    assert ("#", "key", "broadcasts") in missing
    assert ("#/$defs/property/properties/format", "value", "'date-time'") in _required_features()


def init(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return ciogen("init", *args, cwd=root)


def project(root: Path, pyproject: str | None = USER_PYPROJECT) -> Path:
    root.mkdir(parents=True)
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_init_writes_everything_and_keeps_the_users_pyproject(tmp_path: Path) -> None:
    root = project(tmp_path / "shop")
    done = init(root)
    assert done.returncode == 0, done.stderr
    for rel in WRITTEN:
        assert (root / rel).is_file(), rel
        assert f"wrote {rel}" in done.stdout
    assert "appended to pyproject.toml" in done.stdout
    assert (root / "taxonomy.yaml").read_text(encoding="utf-8") == EXAMPLE
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(USER_PYPROJECT)
    table = tomllib.loads(text)["tool"]["ciogen"]
    assert table == {"taxonomy": "taxonomy.yaml", "out": "analytics", "strict": True}
    assert (root / ".gitattributes").read_text() == "analytics/** linguist-generated=true\n"
    umask = os.umask(0)
    os.umask(umask)
    for rel in WRITTEN:
        assert stat.S_IMODE((root / rel).stat().st_mode) == 0o666 & ~umask, rel
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [".gitattributes", ".github", ".pre-commit-config.yaml", "pyproject.toml", "taxonomy.yaml"]
    )  # no temporary file left behind


def test_docs_ci_md_shows_the_workflow_init_writes(tmp_path: Path) -> None:
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    block = text.split("<!-- ci-workflow -->\n```yaml\n", 1)[1].split("```", 1)[0]
    assert block == data_file("example_workflow.yml")
    assert "`ciogen init` writes it" in text
    root = project(tmp_path / "shop")
    assert init(root).returncode == 0
    assert (root / WORKFLOW).read_text(encoding="utf-8") == block


def test_init_without_a_pyproject_creates_one(tmp_path: Path) -> None:
    root = project(tmp_path / "fresh", None)
    done = init(root, "--taxonomy", "plan/tracking.yaml", "--out", "src/shop/analytics")
    assert done.returncode == 0, done.stderr
    table = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["ciogen"]
    assert table["taxonomy"] == "plan/tracking.yaml" and table["out"] == "src/shop/analytics"
    assert (root / "plan" / "tracking.yaml").is_file()
    assert "src/shop/analytics/** linguist-generated=true" in (root / ".gitattributes").read_text()
    hooks = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]
    files = {h["id"]: h.get("files") for h in hooks}
    assert re.search(files["ciogen-validate"], "plan/tracking.yaml")
    assert not re.search(files["ciogen-validate"], "taxonomy.yaml")
    assert re.search(files["ciogen-diff"], "pyproject.toml")


def test_every_existing_file_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    root = project(tmp_path / "shop")
    (root / "taxonomy.yaml").write_text("# mine\n", encoding="utf-8")
    (root / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    (root / WORKFLOW).parent.mkdir(parents=True)
    (root / WORKFLOW).write_text("name: mine\n", encoding="utf-8")
    before = snapshot(root)
    done = init(root)
    assert done.returncode == 2
    for rel in ("taxonomy.yaml", ".pre-commit-config.yaml", WORKFLOW.as_posix()):
        assert (
            f"{rel}:1:1: already exists (file); init writes only new files "
            "(move it away, or pass --force to replace it)"
        ) in done.stderr
    assert "ciogen: nothing written" in done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(root) == before


def test_an_existing_tool_ciogen_table_is_refused_and_kept_with_force(tmp_path: Path) -> None:
    mine = USER_PYPROJECT + '\n[tool.ruff]\nline-length = 99\n\n[tool.ciogen]\nout = "a"\n'
    root = project(tmp_path / "shop", mine)
    done = init(root)
    assert done.returncode == 2
    assert "pyproject.toml:9:1: already has a [tool.ciogen] table; init never changes it" in (
        done.stderr
    )
    assert snapshot(root) == {"pyproject.toml": mine.encode()}
    done = init(root, "--force")
    assert done.returncode == 0, done.stderr
    assert (root / "pyproject.toml").read_text(encoding="utf-8") == mine
    assert "kept the [tool.ciogen] table of pyproject.toml as it is" in done.stderr


def test_force_replaces_init_files_and_appends_to_gitattributes_once(tmp_path: Path) -> None:
    root = project(tmp_path / "shop")
    (root / "taxonomy.yaml").write_text("# mine\n", encoding="utf-8")
    (root / ".gitattributes").write_text("*.png binary", encoding="utf-8")  # no final newline
    os.chmod(root / "taxonomy.yaml", 0o600)
    assert init(root).returncode == 2
    done = init(root, "--force")
    assert done.returncode == 0, done.stderr
    assert (root / "taxonomy.yaml").read_text(encoding="utf-8") == EXAMPLE
    assert stat.S_IMODE((root / "taxonomy.yaml").stat().st_mode) == 0o600  # its own mode kept
    expected = "*.png binary\nanalytics/** linguist-generated=true\n"
    assert (root / ".gitattributes").read_text(encoding="utf-8") == expected
    (root / "pyproject.toml").write_text(USER_PYPROJECT, encoding="utf-8")
    assert init(root, "--force").returncode == 0
    assert (root / ".gitattributes").read_text(encoding="utf-8") == expected


def test_folders_and_broken_pyprojects_are_located_errors(tmp_path: Path) -> None:
    root = project(tmp_path / "folder")
    (root / "taxonomy.yaml").mkdir()
    done = init(root, "--force")
    assert done.returncode == 2
    assert "taxonomy.yaml:1:1: is a folder, not a file; init writes a file here" in done.stderr
    broken = project(tmp_path / "broken", "[project\n")
    done = init(broken)
    assert done.returncode == 2
    assert "pyproject.toml:1:1: invalid TOML" in done.stderr
    assert snapshot(broken) == {"pyproject.toml": b"[project\n"}
    inline = project(tmp_path / "inline", "tool = {black = {line-length = 99}}\n")
    done = init(inline)
    assert done.returncode == 2
    assert "pyproject.toml:1:1: [tool.ciogen] cannot be appended" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "/abs/analytics"], "ciogen: --out '/abs/analytics' must be a relative path"),
        (["--taxonomy", "../plan.yaml"], "ciogen: --taxonomy '../plan.yaml' must be a relative"),
        (["--out", "my-app"], "ciogen: --out folder name 'my-app' is not a valid Python package"),
        (["--hooks-repo", "https://example.com/ciogen.git"], "--hooks-repo and --hooks-rev go"),
    ],
)
def test_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    root = project(tmp_path / "shop")
    done = init(root, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert snapshot(root) == {"pyproject.toml": USER_PYPROJECT.encode()}


def test_local_hooks_are_the_shipped_hooks(tmp_path: Path) -> None:
    shipped = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert [h[0] for h in HOOKS] == list(shipped)
    root = project(tmp_path / "shop")
    assert init(root).returncode == 0
    [repo] = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())["repos"]
    assert repo["repo"] == "local"
    for hook in repo["hooks"]:
        original = shipped[hook["id"]]
        for key in ("entry", "language", "pass_filenames", "always_run"):
            assert hook.get(key) == original.get(key), (hook["id"], key)
        assert hook["additional_dependencies"] == [f"ciogen=={__version__}"]
        if "files" in original:
            for path in ("taxonomy.yaml", "app/taxonomy.yaml", "pyproject.toml", "README.md"):
                ours = bool(re.search(hook["files"], path))
                assert ours == bool(re.search(original["files"], path)) or path.startswith("app/")


def test_hooks_from_a_repository(tmp_path: Path) -> None:
    root = project(tmp_path / "shop")
    args = ["--hooks-repo", "https://git.example.com/ciogen.git", "--hooks-rev", "v0.2.0"]
    assert init(root, *args).returncode == 0
    [repo] = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())["repos"]
    assert repo["repo"] == "https://git.example.com/ciogen.git" and repo["rev"] == "v0.2.0"
    assert [h["id"] for h in repo["hooks"]] == [h[0] for h in HOOKS]
    assert all(set(h) <= {"id", "files"} for h in repo["hooks"])


@pytest.mark.slow
def test_the_example_generates_checks_type_checks_and_passes_its_tests(tmp_path: Path) -> None:
    root = project(tmp_path / "shop")
    assert init(root).returncode == 0
    done = ciogen("generate", cwd=root)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no warning: strict = true would fail on any
    assert ciogen("check", cwd=root).returncode == 0
    mypy = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "mypy"),
            "analytics",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert mypy.returncode == 0, mypy.stdout
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "analytics/tests"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert " passed" in tests.stdout
