"""`ciogen init`: set up ciogen in the current project in one command.

A new user should not have to assemble a plan, a configuration, hooks and a CI
job from four documents. `init` writes them, all or nothing, into the working
folder (the project root):

* the example plan (`example_taxonomy.yaml`, shipped in the wheel): every
  keyword of the format once, each commented where it is used;
* a `[tool.ciogen]` table appended to `pyproject.toml` (created when absent),
  so every verb, hook and CI step agrees on the paths without flags;
* `.pre-commit-config.yaml` with ciogen's hooks (those of the shipped
  `.pre-commit-hooks.yaml`);
* `.github/workflows/ciogen.yml` (`example_workflow.yml`, the workflow
  docs/ci.md documents, byte for byte);
* a `.gitattributes` line marking the output folder as generated.

It never writes over a file that exists (exit 2, each refusal located) unless
`--force`, which replaces the files init writes whole; it only ever appends to
`pyproject.toml` and `.gitattributes`, and refuses a second `[tool.ciogen]`.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.resources
import json
import os
import re
import stat
import tomllib
from pathlib import Path

from . import __version__
from .console import Console
from .errors import Problem

EXIT_OK, EXIT_REFUSED = 0, 2
WORKFLOW = Path(".github/workflows/ciogen.yml")
PRE_COMMIT = Path(".pre-commit-config.yaml")
PYPROJECT, GITATTRIBUTES = Path("pyproject.toml"), Path(".gitattributes")
DEFAULT_TAXONOMY, DEFAULT_OUT = "taxonomy.yaml", "analytics"

# The shipped hooks (.pre-commit-hooks.yaml at the repository root, which pre-commit reads
# from there): id, entry, and when it runs. tests/adoption/test_init.py keeps the two equal.
HOOKS: tuple[tuple[str, str, str], ...] = (
    ("ciogen-validate", "ciogen validate", "taxonomy"),
    ("ciogen-check", "ciogen check", "always"),
    ("ciogen-diff", "ciogen diff", "taxonomy+config"),
)


def data_file(name: str) -> str:
    """A text file shipped inside the ciogen package (the example plan, the workflow)."""
    return importlib.resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--taxonomy",
        default=DEFAULT_TAXONOMY,
        metavar="PATH",
        help=f"where to write the example plan (default: {DEFAULT_TAXONOMY})",
    )
    p.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"the package folder [tool.ciogen] names; its name is the import name (default: {DEFAULT_OUT})",
    )
    p.add_argument(
        "--hooks-repo",
        metavar="URL",
        help="a git URL of ciogen to take the pre-commit hooks from (with --hooks-rev); "
        "default: local hooks that install this ciogen version",
    )
    p.add_argument("--hooks-rev", metavar="REV", help="the tag or commit of --hooks-repo")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace existing files init writes (never pyproject.toml or .gitattributes: "
        "those are only appended to)",
    )


@dataclasses.dataclass(frozen=True)
class Write:
    """One file init writes: the whole text, or a block appended to what is there."""

    path: Path
    text: str
    append: bool = False


def _files_regex(taxonomy: str, with_config: bool) -> str:
    """The `files:` pattern of a hook that runs when the plan (and the config) changes."""
    plan = re.escape(taxonomy)
    return f"^({plan}|pyproject\\.toml)$" if with_config else f"^{plan}$"


def pre_commit_config(taxonomy: str, repo: str | None, rev: str | None) -> str:
    """`.pre-commit-config.yaml`: the shipped hooks, from `repo` or as local hooks."""
    lines = [
        "# ciogen's hooks (written by `ciogen init`; docs/ci.md): the plan is valid, the",
        "# generated package matches it, and a plan change breaks nothing in Customer.io.",
        "# They read [tool.ciogen] from pyproject.toml. Enable with: pre-commit install",
        "repos:",
    ]
    if repo is not None:
        lines += [f"  - repo: {json.dumps(repo)}", f"    rev: {json.dumps(rev)}", "    hooks:"]
    else:
        lines += [
            "  # Local hooks: pre-commit installs this ciogen version into an environment of its",
            "  # own. Keep the pin equal to the ciogen your project generates with.",
            "  - repo: local",
            "    hooks:",
        ]
    for hook_id, entry, when in HOOKS:
        lines.append(f"      - id: {hook_id}")
        if repo is None:
            lines += [
                f"        name: {entry}",
                f"        entry: {entry}",
                "        language: python",
                f'        additional_dependencies: ["ciogen=={__version__}"]',
                "        pass_filenames: false",
            ]
            if when == "always":
                lines.append("        always_run: true")
        if when != "always":
            pattern = _files_regex(taxonomy, when == "taxonomy+config")
            lines.append(f"        files: {json.dumps(pattern)}")
    return "\n".join(lines) + "\n"


def ciogen_table(taxonomy: str, out: str) -> str:
    """The `[tool.ciogen]` block appended to pyproject.toml, commented."""
    return (
        "\n# ciogen: read by every ciogen command, hook and CI step; a flag wins over it.\n"
        "[tool.ciogen]\n"
        f"taxonomy = {json.dumps(taxonomy)}  # the tracking plan\n"
        f"out = {json.dumps(out)}  # the generated package; its folder name is the import name\n"
        '# package = "myapp.analytics"  # the dotted import name, when `out` sits in a package\n'
        "strict = true  # warnings fail the run\n"
    )


def _located(path: Path, message: str, hint: str = "", line: int = 1) -> Problem:
    return Problem(str(path), line, 1, "", message, hint)


def _table_line(text: str) -> int:
    """The line of the `[tool.ciogen]` header (or of the first `tool.ciogen` key), else 1."""
    for number, line in enumerate(text.splitlines(), start=1):
        squeezed = line.replace(" ", "")
        if squeezed.startswith("[tool.ciogen") or squeezed.startswith("ciogen"):
            return number
    return 1


def _kind(path: Path) -> str | None:
    """'file', 'link', 'folder' or 'other' for what is at `path`; None when nothing is."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else "other"


def _refuse_whole(write: Write, force: bool) -> list[Problem]:
    kind = _kind(write.path)
    if kind is None:
        return []
    if kind in ("folder", "other"):
        return [_located(write.path, f"is a {kind}, not a file; init writes a file here")]
    if not force:
        return [
            _located(
                write.path,
                f"already exists ({kind}); init writes only new files",
                "move it away, or pass --force to replace it",
            )
        ]
    return []


def _pyproject(taxonomy: str, out: str, force: bool) -> tuple[Write | None, list[Problem]]:
    """The pyproject.toml write (None when there is nothing to write), or why it is refused.

    An existing `[tool.ciogen]` is never changed: without `--force` that refuses the
    run; with it, the table is kept as it is and the other files are written.
    """
    block = ciogen_table(taxonomy, out)
    kind = _kind(PYPROJECT)
    if kind is None:
        return Write(PYPROJECT, block.lstrip("\n")), []
    if kind != "file":
        return None, [_located(PYPROJECT, f"is a {kind}, not a file")]
    try:
        text = PYPROJECT.read_text(encoding="utf-8")
        document = tomllib.loads(text)
    except UnicodeDecodeError:
        return None, [_located(PYPROJECT, "cannot read: not UTF-8 text")]
    except tomllib.TOMLDecodeError as exc:
        return None, [_located(PYPROJECT, f"invalid TOML: {exc}", "fix it, then rerun init")]
    tool = document.get("tool", {})
    if isinstance(tool, dict) and "ciogen" in tool:
        if force:
            return None, []
        return None, [
            _located(
                PYPROJECT,
                "already has a [tool.ciogen] table; init never changes it",
                "edit it yourself, or pass --force to write the other files and keep it",
                _table_line(text),
            )
        ]
    separator = "" if not text or text.endswith("\n") else "\n"
    try:
        tomllib.loads(text + separator + block)
    except tomllib.TOMLDecodeError as exc:
        return None, [
            _located(PYPROJECT, f"[tool.ciogen] cannot be appended: {exc}", "add it yourself")
        ]
    return Write(PYPROJECT, separator + block, append=True), []


def _gitattributes(out: str) -> Write | None:
    """A line marking the output folder as generated, unless the file has it already."""
    line = f"{out.rstrip('/')}/** linguist-generated=true"
    if _kind(GITATTRIBUTES) != "file":
        return Write(GITATTRIBUTES, line + "\n")
    text = GITATTRIBUTES.read_text(encoding="utf-8", errors="replace")
    if line in text.splitlines():
        return None
    separator = "" if not text or text.endswith("\n") else "\n"
    return Write(GITATTRIBUTES, separator + line + "\n", append=True)


def usage_errors(args: argparse.Namespace) -> list[str]:
    """What is wrong with the command line itself (reported as usage errors, exit 2)."""
    errors = []
    for flag, value in (("--taxonomy", args.taxonomy), ("--out", args.out)):
        path = Path(value)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            errors.append(f"{flag} {value!r} must be a relative path inside the project")
    name = Path(args.out).name
    if not (name.isidentifier() and name.isascii()):
        errors.append(f"--out folder name {name!r} is not a valid Python package name")
    if (args.hooks_repo is None) != (args.hooks_rev is None):
        errors.append("--hooks-repo and --hooks-rev go together")
    return errors


def _write(write: Write) -> None:
    """Write (or append) through a temporary file and a rename: never half a file.

    The new file gets the umask's mode; a replaced or appended file keeps its own.
    """
    write.path.parent.mkdir(parents=True, exist_ok=True)
    text = write.text
    mode = None
    if _kind(write.path) == "file":
        mode = stat.S_IMODE(os.stat(write.path).st_mode)
        if write.append:
            text = write.path.read_text(encoding="utf-8") + text
    temporary = write.path.with_name(f".{write.path.name}.ciogen-init-{os.getpid()}")
    try:
        with open(temporary, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, write.path)
    finally:
        temporary.unlink(missing_ok=True)


def plan(args: argparse.Namespace) -> tuple[list[Write], list[Problem], list[str]]:
    """Every write init would make in the working folder, every reason it must not, notes."""
    problems: list[Problem] = []
    notes: list[str] = []
    taxonomy, out = Path(args.taxonomy).as_posix(), Path(args.out).as_posix()
    whole = [
        Write(Path(taxonomy), data_file("example_taxonomy.yaml")),
        Write(PRE_COMMIT, pre_commit_config(taxonomy, args.hooks_repo, args.hooks_rev)),
        Write(WORKFLOW, data_file("example_workflow.yml")),
    ]
    writes: list[Write] = []
    for write in whole:
        problems += _refuse_whole(write, args.force)
        writes.append(write)
    table, refused = _pyproject(taxonomy, out, args.force)
    problems += refused
    if table is not None:
        writes.append(table)
    elif not refused:
        notes.append(f"kept the [tool.ciogen] table of {PYPROJECT} as it is")
    attributes = _gitattributes(out)
    if attributes is not None:
        writes.append(attributes)
    return writes, problems, notes


def run(args: argparse.Namespace, console: Console) -> int:
    errors = usage_errors(args)
    for error in errors:
        console.failure(error)
    if errors:
        return EXIT_REFUSED
    writes, problems, notes = plan(args)
    if problems:
        console.problems(problems)
        console.failure("nothing written (ciogen init writes all of its files or none)")
        return EXIT_REFUSED
    for write in writes:
        _write(write)
        how = "appended to" if write.append else "wrote"
        console.info(f"ciogen: {how} {write.path.as_posix()}")
    for note in notes:
        console.warning(note)
    console.data("written", [w.path.as_posix() for w in writes])
    console.info(
        'next: ciogen generate; git add -A; pre-commit install (README: "In your own project")'
    )
    return EXIT_OK
