"""Every operating-system error, in every verb, is one located line and exit 2 (issue #11).

Exit 3 is kept for bugs in ciogen. The conditions are real, not simulated, and
chosen so that they hold for root too (CI containers often run tests as root,
and root ignores file modes): a file where a folder is expected, a folder
where a file is expected, /proc and /sys (which refuse new files), /dev/full
(every write fails with ENOSPC), a pipe whose reader is gone, and a file-size
limit (RLIMIT_FSIZE: writes fail with EFBIG, as on a full quota).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import MINIMAL, ciogen


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "taxonomy.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "afile").write_text("not a folder\n", encoding="utf-8")
    return tmp_path


def _run(
    *args: str, cwd: Path, stdout: int | None = None, fsize: int | None = None
) -> subprocess.CompletedProcess[str]:
    """ciogen in a subprocess; `stdout` an open descriptor, `fsize` a file-size limit in bytes."""

    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-m", "ciogen", *args],
        cwd=cwd,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=120,
        preexec_fn=limit,
    )


def _one_failure(result: subprocess.CompletedProcess[str], expected: str) -> None:
    """Exit 2, no traceback, and exactly one failure line, which holds `expected`."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "bug in ciogen" not in result.stderr
    lines = [x for x in result.stderr.splitlines() if "warning:" not in x]
    assert len(lines) in (1, 2), lines  # taxonomy problems add "N errors in ...; nothing written"
    assert expected in lines[0], lines


@pytest.mark.parametrize("verb", ["validate", "check", "generate"])
def test_the_taxonomy_is_a_folder(project: Path, verb: str) -> None:
    (project / "plan").mkdir()
    result = ciogen(verb, "--taxonomy", "plan", cwd=project)
    _one_failure(result, "plan:1:1: cannot read: Is a directory")


@pytest.mark.parametrize("verb", ["validate", "check", "generate"])
def test_the_taxonomy_path_goes_through_a_file(project: Path, verb: str) -> None:
    result = ciogen(verb, "--taxonomy", "afile/taxonomy.yaml", cwd=project)
    _one_failure(result, "afile/taxonomy.yaml:1:1: cannot read: Not a directory")


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="no /proc on this system")
def test_the_taxonomy_cannot_be_read(project: Path) -> None:
    """/proc/self/mem is a regular file whose first page cannot be read (EIO), for root too."""
    result = ciogen("validate", "--taxonomy", "/proc/self/mem", cwd=project)
    _one_failure(result, "/proc/self/mem:1:1: cannot read: Input/output error")


@pytest.mark.parametrize("verb", ["generate", "check"])
def test_the_output_path_goes_through_a_file(project: Path, verb: str) -> None:
    result = ciogen(verb, "--out", "afile/pkg", cwd=project)
    expected = "afile/pkg: Not a directory" if verb == "generate" else "afile: Not a directory"
    _one_failure(result, expected)
    assert (project / "afile").read_text(encoding="utf-8") == "not a folder\n"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="no /proc on this system")
def test_the_output_folder_cannot_be_created(project: Path) -> None:
    """Nobody, root included, can create a folder at the top of /proc."""
    result = ciogen("generate", "--out", "/proc/ciogen_pkg", cwd=project)
    _one_failure(result, "/proc/ciogen_pkg: ")


def test_a_write_beyond_the_file_size_limit(project: Path) -> None:
    """A file-size limit makes a write fail half-way (EFBIG), as a full disk or quota does:
    the failure names the file, and nothing is left behind."""
    result = _run("generate", "--out", "pkg", cwd=project, fsize=2048)
    _one_failure(result, "File too large")
    assert f"{project / 'pkg'}/" in result.stderr  # the file being written
    assert not (project / "pkg").exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    "args", [("schema",), ("validate",), ("check", "--out", "pkg"), ("generate", "--out", "pkg")]
)
def test_stdout_on_a_full_device(project: Path, args: tuple[str, ...]) -> None:
    """Every write to /dev/full fails with ENOSPC; stdout is named as the place."""
    with open("/dev/full", "w") as full:
        result = _run(*args, cwd=project, stdout=full.fileno())
    _one_failure(result, "<stdout>: No space left on device")


@pytest.mark.parametrize("args", [("schema",), ("validate",)])
def test_stdout_is_a_pipe_nobody_reads(project: Path, args: tuple[str, ...]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = _run(*args, cwd=project, stdout=write_end)
    finally:
        os.close(write_end)
    _one_failure(result, "<stdout>: Broken pipe")


def test_diff_outside_a_git_repository(project: Path) -> None:
    result = ciogen(
        "diff", cwd=project, env={**os.environ, "GIT_CEILING_DIRECTORIES": str(project.parent)}
    )
    _one_failure(result, "is not in a git repository")


def test_diff_against_a_folder(project: Path) -> None:
    (project / "old").mkdir()
    result = ciogen("diff", "--against", "old", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
