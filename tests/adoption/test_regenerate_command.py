"""The header's "Regenerate:" command does not depend on how the same run was spelled.

`check` rebuilds the headers from its own command line, so if `./plan.yaml`,
`plan.yaml`, an absolute path or a flag repeating `[tool.ciogen]` wrote a
different header, a project would drift just because CI and a developer typed
the paths differently. Each invocation below must write the same bytes, and
`check` spelled any other way must pass on the result.
"""

from __future__ import annotations

from pathlib import Path

from helpers import MINIMAL, ciogen

CONFIG = '[project]\nname = "shop"\n\n[tool.ciogen]\ntaxonomy = "plan.yaml"\nout = "analytics"\n'


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _generate(project: Path, out: Path, *args: str, cwd: Path | None = None) -> dict[str, bytes]:
    result = ciogen("generate", "--force", *args, cwd=cwd or project)
    assert result.returncode == 0, result.stderr
    return _tree(out)


def test_equivalent_invocations_with_configuration_write_identical_files(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    (project / "docs").mkdir(parents=True)
    (project / "plan.yaml").write_text(MINIMAL, encoding="utf-8")
    (project / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    out = project / "analytics"
    bare = _generate(project, out)
    header = bare["client.py"].decode().splitlines()[0]
    assert header.endswith("Regenerate: ciogen generate"), header
    spellings: list[tuple[tuple[str, ...], Path]] = [
        (("--taxonomy", "./plan.yaml", "--out", "./analytics/"), project),
        (("--taxonomy", str(project / "plan.yaml"), "--out", str(out)), project),
        (("--out", "analytics", "--package", "analytics"), project),
        (("--taxonomy", "../plan.yaml", "--out", "../analytics"), project / "docs"),
        ((), project / "docs"),
    ]
    for args, cwd in spellings:
        assert _generate(project, out, *args, cwd=cwd) == bare, (args, cwd)
        for check_args, check_cwd in [((), project), *spellings]:
            result = ciogen("check", *check_args, cwd=check_cwd)
            assert result.returncode == 0, (args, check_args, result.stdout, result.stderr)


def test_flags_differing_from_the_configuration_are_spelled_from_the_project_root(
    tmp_path: Path,
) -> None:
    project = tmp_path / "shop"
    (project / "docs").mkdir(parents=True)
    (project / "plan.yaml").write_text(MINIMAL, encoding="utf-8")
    (project / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    from_root = _generate(project, project / "other", "--out", "./other/")
    from_docs = _generate(project, project / "other", "--out", str(project / "other"))
    assert from_root == from_docs
    from_sub = _generate(project, project / "other", "--out", "../other", cwd=project / "docs")
    assert from_sub == from_root
    header = from_root["client.py"].decode().splitlines()[0]
    assert header.endswith("Regenerate: ciogen generate --out other"), header


def test_equivalent_invocations_without_configuration_write_identical_files(
    tmp_path: Path,
) -> None:
    project = tmp_path / "app"
    project.mkdir()
    (project / "taxonomy.yaml").write_text(MINIMAL, encoding="utf-8")
    out = project / "events"
    first = _generate(project, out, "--out", "events")
    header = first["client.py"].decode().splitlines()[0]
    assert header.endswith("Regenerate: ciogen generate --out events"), header
    for args in (
        ("--out", "./events/"),
        ("--taxonomy", "./taxonomy.yaml", "--out", str(out)),
        ("--taxonomy", str(project / "taxonomy.yaml"), "--out", "events", "--package", "events"),
    ):
        assert _generate(project, out, *args) == first, args
        assert ciogen("check", "--out", "./events", cwd=project).returncode == 0
