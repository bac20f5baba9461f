"""`check` of unchanged inputs reads the stored build, and says exactly what a fresh build says.

The stored build (build_cache.py) is a shortcut for `check` only: every answer
(exit code, warnings, `--strict`, JSON, the drift report) must be the one a
fresh build gives; any changed input (plan text, package, the generator's own
files) misses; a damaged entry is rebuilt; `CIOGEN_CACHE_DIR=off` stores nothing.
The store runs in a thread beside the write, and is finished when the run ends.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from helpers import MINIMAL

from ciogen import build_cache, cli
from ciogen.runtime_facts import templates_dir

# A warning (a keyword property is renamed) so the stored warnings are exercised too.
WARNED = MINIMAL.replace("      method:", "      class: {type: string}\n      method:")


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CIOGEN_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "taxonomy.yaml").write_text(WARNED, encoding="utf-8")
    return tmp_path


def _entries(project: Path) -> list[Path]:
    return sorted((project / "cache").glob("build-*"))


def _no_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> dict[str, str]:
        raise AssertionError("built although a stored build was there")

    monkeypatch.setattr(cli, "build_output", refuse)


VARIANTS = [
    ["check"],
    ["check", "--format", "json"],
    ["check", "--strict"],
    ["check", "--quiet"],
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_stored_build_answers_as_a_fresh_one(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    variant: list[str],
) -> None:
    assert _run(capsys, "generate")[0] == 0
    assert len(_entries(project)) == 1
    monkeypatch.setenv("CIOGEN_CACHE_DIR", "off")
    fresh = _run(capsys, *variant)
    monkeypatch.setenv("CIOGEN_CACHE_DIR", str(project / "cache"))
    with monkeypatch.context() as patched:
        _no_builds(patched)
        stored = _run(capsys, *variant)
    assert stored == fresh
    assert fresh[0] == (2 if "--strict" in variant else 0)
    assert "class" in fresh[1] + fresh[2]  # the warning, printed both times


def test_drift_is_reported_the_same_from_a_stored_build(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(capsys, "generate")[0] == 0
    client = project / "generated" / "client.py"
    client.write_text(client.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    (project / "generated" / "models.py").unlink()
    monkeypatch.setenv("CIOGEN_CACHE_DIR", "off")
    fresh = _run(capsys, "check")
    monkeypatch.setenv("CIOGEN_CACHE_DIR", str(project / "cache"))
    with monkeypatch.context() as patched:
        _no_builds(patched)
        stored = _run(capsys, "check")
    assert stored == fresh
    assert fresh[0] == 1 and "# edited" in fresh[1] + fresh[2]


def test_a_changed_plan_or_package_is_built_again(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "generate")[0] == 0
    plan = project / "taxonomy.yaml"
    plan.write_text(WARNED.replace("google", "github"), encoding="utf-8")
    code, out, err = _run(capsys, "check")
    assert code == 1 and "github" in out + err  # the new plan's output, not the stored one
    assert len(_entries(project)) == 2  # the check stored its own build
    plan.write_text(WARNED, encoding="utf-8")
    assert _run(capsys, "check")[0] == 0
    (project / "app").mkdir()
    (project / "app" / "__init__.py").write_text("", encoding="utf-8")
    assert _run(capsys, "generate", "--out", "app/generated")[0] == 0
    assert _run(capsys, "check", "--out", "app/generated")[0] == 0
    assert len(_entries(project)) == 3  # `app.generated` is another key


def test_the_key_covers_every_input(tmp_path: Path) -> None:
    base = build_cache.key("text", "taxonomy.yaml", "generated", "ciogen generate")
    others = {
        build_cache.key("text ", "taxonomy.yaml", "generated", "ciogen generate"),
        build_cache.key("text", "plan.yaml", "generated", "ciogen generate"),
        build_cache.key("text", "taxonomy.yaml", "app.generated", "ciogen generate"),
        build_cache.key("text", "taxonomy.yaml", "generated", "ciogen generate --out x"),
    }
    assert base not in others and len(others) == 4
    copy = tmp_path / "templates"
    shutil.copytree(templates_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = build_cache.digest_of((copy,))
    target = copy / "client.py.j2"
    target.write_bytes(target.read_bytes() + b" ")
    assert build_cache.digest_of((copy,)) != before  # one template byte changes the key


def test_a_damaged_entry_is_built_again(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "generate")[0] == 0
    for entry in _entries(project):
        entry.write_bytes(b"not a build")
    assert _run(capsys, "check")[0] == 0
    entries = _entries(project)
    assert len(entries) == 1 and build_cache.lookup(entries[0].name[6:-9]) is not None


def test_off_stores_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIOGEN_CACHE_DIR", "off")
    assert _run(capsys, "generate")[0] == 0
    assert _run(capsys, "check")[0] == 0
    assert not (project / "cache").exists()


def test_without_a_home_folder_nothing_is_stored_and_nothing_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("CIOGEN_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", no_home)
    build_cache.store("k", build_cache.Build({}, [], 0, 0))
    assert build_cache.lookup("k") is None


def test_the_store_runs_beside_the_write_and_is_finished_when_the_run_ends(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_store = build_cache.store
    seen: list[tuple[str, bool]] = []

    def slow_store(entry: str, build: build_cache.Build) -> None:
        written = project / "generated" / "models.py"
        deadline = time.monotonic() + 10  # the main thread writes the output meanwhile
        while not written.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        seen.append((threading.current_thread().name, written.exists()))
        real_store(entry, build)

    monkeypatch.setattr(build_cache, "store", slow_store)
    code, _, err = _run(capsys, "generate", "--out", "generated", "--package", "generated")
    assert code == 0, err
    assert seen == [("ciogen-build-cache", True)]
    assert len(_entries(project)) == 1  # written before main returned
    assert not [t for t in threading.enumerate() if t.name == "ciogen-build-cache"]


def test_a_store_that_fails_with_a_bug_is_reported_as_one(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_store(entry: str, build: build_cache.Build) -> None:
        raise RuntimeError("a bug in the store")

    monkeypatch.setattr(build_cache, "store", broken_store)
    code, _, err = _run(capsys, "generate", "--out", "generated", "--package", "generated")
    assert code == 3
    assert "internal error: RuntimeError: a bug in the store" in err


def test_a_failing_store_does_not_hide_the_verbs_own_failure(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_store(entry: str, build: build_cache.Build) -> None:
        raise RuntimeError("a bug in the store")

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(build_cache, "store", broken_store)
    monkeypatch.setattr(cli.output, "write", interrupted)
    code, _, err = _run(capsys, "generate", "--out", "generated", "--package", "generated")
    assert code == 130
    assert "interrupted" in err and "internal error" not in err


def test_a_killed_runs_leftovers_are_removed_an_hour_on(project: Path) -> None:
    folder = project / "cache"
    folder.mkdir()
    old, fresh = folder / ".tmp-killed", folder / ".tmp-storing-now"
    for leftover in (old, fresh):
        leftover.write_bytes(b"part of a build")
    an_hour_ago = time.time() - build_cache.ABANDONED_AFTER - 60
    os.utime(old, (an_hour_ago, an_hour_ago))
    build_cache.store("k", build_cache.Build({}, [], 0, 0))
    assert not old.exists()
    assert fresh.exists()
    assert build_cache.lookup("k") is not None
