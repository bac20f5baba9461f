"""The App client's one dependency, `customerio` >= 3.2.0: absent, too old, present.

`customerio` is the user's dependency (only the App half needs it), so a project
may well not have it. Each test runs a fresh interpreter on a copy of this
virtualenv's site-packages (symlinks) without `customerio`, or with the real
3.1.0 release in its place (the last one without `SendWhatsAppRequest`), and
`-S`, so nothing else is on the path:

* building an App client raises `CustomerioMissing` (an `ImportError` and a
  `ConfigurationError`) naming the package, the version found and the install
  line, not a `ModuleNotFoundError` from inside the runtime;
* the golden `messages` package's generated tests (a deprecated message, a
  deprecated broadcast and a deprecated data field) run under `-W error`: the App tests skip with that install line as
  the reason when `customerio` is absent or too old, and pass, warning-clean,
  when it is present.
"""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path
from types import ModuleType

import pytest
from golden_cases import package_name, package_root

from .conftest import REPO

INSTALL = "pip install 'customerio>=3.2.0'"
UPGRADE = "pip install -U 'customerio>=3.2.0'"


def _site_view(root: Path, extra: Path | None = None) -> Path:
    """This interpreter's site-packages as symlinks, minus every `customerio*` entry
    (plus the entries of `extra`, if given)."""
    root.mkdir()
    site = Path(sysconfig.get_paths()["purelib"])
    for entry in site.iterdir():
        if not entry.name.lower().startswith("customerio"):
            (root / entry.name).symlink_to(entry)
    for entry in extra.iterdir() if extra is not None else ():
        (root / entry.name).symlink_to(entry)
    return root


@pytest.fixture(scope="module")
def customerio_3_1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real customerio 3.1.0, installed on its own (no dependencies) into a folder."""
    target = tmp_path_factory.mktemp("customerio-3.1.0")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            "customerio==3.1.0",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"customerio 3.1.0 could not be installed: {result.stderr[-300:]}")
    return target


def _run(view: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    root = package_root("messages")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "CUSTOMERIO_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(view), str(root)])
    return subprocess.run(
        [sys.executable, "-S", *args],
        cwd=cwd or root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


BUILD = f"""
import {package_name("messages")} as package
try:
    package.AppClient("key")
except ImportError as exc:
    assert isinstance(exc, package.CustomerioMissing), type(exc)
    assert isinstance(exc, package.ConfigurationError) and exc.name == "customerio"
    print(exc)
else:
    print("built")
"""


def test_without_customerio_building_the_app_client_names_the_install_line(
    tmp_path: Path,
) -> None:
    result = _run(_site_view(tmp_path / "site"), "-c", BUILD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "the App client (transactional messages, broadcasts) needs the customerio package, "
        f"version 3.2.0 or later, which is not installed: {INSTALL}"
    )


def test_with_customerio_3_1_building_the_app_client_asks_for_an_upgrade(
    tmp_path: Path, customerio_3_1: Path
) -> None:
    result = _run(_site_view(tmp_path / "site", customerio_3_1), "-c", BUILD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"the App client needs customerio 3.2.0 or later; customerio 3.1.0 is installed: {UPGRADE}"
    )


def test_a_copy_without_metadata_is_judged_by_its_classes(
    tmp_path: Path, customerio_3_1: Path
) -> None:
    """Vendored, or installed without its `.dist-info`: no version to read, so the
    classes the App client uses are looked up."""
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "customerio").symlink_to(customerio_3_1 / "customerio")
    result = _run(_site_view(tmp_path / "site", bare), "-c", BUILD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "the installed customerio has no SendWhatsAppRequest: the App client needs "
        f"customerio 3.2.0 or later: {UPGRADE}"
    )


def _generated_tests(view: Path) -> subprocess.CompletedProcess[str]:
    tests = package_root("messages") / package_name("messages") / "tests"
    return _run(
        view, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-W", "error", str(tests)
    )


def test_generated_app_tests_skip_with_the_install_line_without_customerio(
    tmp_path: Path,
) -> None:
    result = _generated_tests(_site_view(tmp_path / "site"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "11 skipped" in result.stdout, result.stdout
    assert f"which is not installed: {INSTALL}" in result.stdout
    assert "failed" not in result.stdout and "error" not in result.stdout.lower()


def test_generated_app_tests_skip_with_customerio_3_1(tmp_path: Path, customerio_3_1: Path) -> None:
    result = _generated_tests(_site_view(tmp_path / "site", customerio_3_1))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "11 skipped" in result.stdout, result.stdout
    assert f"customerio 3.1.0 is installed: {UPGRADE}" in result.stdout


def test_generated_app_tests_pass_warning_clean_with_customerio() -> None:
    """Under `-W error` a stray warning fails the run; the deprecated `inbox_note`
    message and `plain_broadcast` broadcast are sent too, inside the test's own check
    that they warn."""
    result = _generated_tests(Path(sysconfig.get_paths()["purelib"]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped" not in result.stdout, result.stdout
    assert " passed" in result.stdout


def test_the_minimum_is_the_same_in_the_runtime_the_docs_and_the_test_pin(rt: ModuleType) -> None:
    dependency = importlib.import_module(rt.__name__ + ".app_dependency")
    minimum = ".".join(map(str, dependency.MIN_CUSTOMERIO))
    assert minimum == "3.2.0"
    assert dependency.INSTALL == f"pip install 'customerio>={minimum}'" == INSTALL
    for doc in ("docs/messages.md", "README.md", "generated/app_client.py"):
        text = (REPO / doc).read_text(encoding="utf-8")
        assert f"customerio>={minimum}" in text, doc
    assert "**3.2.0 or later**" in (REPO / "docs/messages.md").read_text(encoding="utf-8")
    # ciogen's own tests run against exactly the oldest accepted release.
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert re.findall(r'"customerio([=<>!~]=?[^"]*)"', pyproject) == [f"=={minimum}"]
