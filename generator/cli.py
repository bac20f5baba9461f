"""`ciogen`: init, generate, check, validate, schema, diff.

Exit codes: 0 success, 1 drift (`check`), 2 invalid taxonomy, usage or an
operating-system error (a located one-line message), 130 interrupted,
3 an internal error (a ciogen bug: rerun with CIOGEN_DEBUG=1 for the traceback).

Each verb is one function `(args, console) -> exit code`, registered in
`VERBS` with the function that adds its arguments; everything a verb prints
goes through `Console` (console.py), which escapes names and implements
`--format text|github|json`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import errno
import gc
import json
import os
import shlex
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__, build_cache, config, diff_cli, init, output, output_diff
from .console import FORMATS, Console
from .errors import Problem, TaxonomyError
from .load import load_text, meta_schema, read_text
from .model import Taxonomy
from .output_scan import OutputTooLarge
from .package_name import import_path, package_or_why
from .render import build_output, generated_version

EXIT_OK, EXIT_DRIFT, EXIT_INVALID, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

Verb = Callable[[argparse.Namespace, Console], int]


DEFAULT_TAXONOMY, DEFAULT_OUT = Path("taxonomy.yaml"), Path("generated")


# Options default to None so that `[tool.ciogen]` (config.py) can fill in what
# the command line left out: a flag always wins over the file.
def _with_taxonomy(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--taxonomy",
        type=Path,
        metavar="PATH",
        help="tracking plan (default: [tool.ciogen] taxonomy, else taxonomy.yaml)",
    )
    p.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        help="treat warnings as errors (default: [tool.ciogen] strict, else off)",
    )


def _with_out(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="package folder; its name is the import name "
        "(default: [tool.ciogen] out, else generated)",
    )
    p.add_argument(
        "--package",
        metavar="NAME",
        help="dotted import name, e.g. myapp.analytics (default: [tool.ciogen] package, "
        "else inferred from --out and the packages around it)",
    )


def _apply_config(args: argparse.Namespace, found: config.Config) -> None:
    """Fill in what the command line left out from `[tool.ciogen]`, then the built-ins."""
    args.config = found
    if "taxonomy" in args:
        args.taxonomy = args.taxonomy or found.taxonomy or DEFAULT_TAXONOMY
    if "strict" in args:
        args.strict = found.strict is True if args.strict is None else args.strict
    if "out" in args:
        args.out = args.out or found.out or DEFAULT_OUT
        args.package = args.package or found.package


def _with_force(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--force",
        action="store_true",
        help="write even over files without ciogen's header, beside foreign Python, or into"
        " a project root (never through links, never over folders)",
    )


def _with_format(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), github (workflow annotations) or json (one document on stdout)",
    )


def _load(args: argparse.Namespace, console: Console) -> Taxonomy | None:
    loaded = _load_text(args, console)
    return None if loaded is None else loaded[0]


def _load_text(
    args: argparse.Namespace, console: Console
) -> tuple[Taxonomy, list[Problem], str] | None:
    """The model, its warnings and the text it was built from (None: reported, exit 2)."""
    try:
        text = read_text(args.taxonomy)
        taxonomy, warnings = load_text(text, str(args.taxonomy))
    except TaxonomyError as exc:
        console.problems(exc.problems)
        count = len(exc.errors)
        console.failure(
            f"{count} error{'s' if count != 1 else ''} in {args.taxonomy}; nothing written",
            file=str(args.taxonomy),
        )
        return None
    if not _warned(args, console, warnings):
        return None
    return taxonomy, warnings, text


def _warned(args: argparse.Namespace, console: Console, warnings: list[Problem]) -> bool:
    """Print the warnings; False when `--strict` makes them fatal (reported, exit 2)."""
    console.problems(warnings)
    if args.strict and warnings:
        console.failure(
            f"{len(warnings)} warning(s) in {args.taxonomy} (--strict); nothing written",
            file=str(args.taxonomy),
        )
        return False
    return True


def _package_name(args: argparse.Namespace, console: Console) -> str | None:
    """The dotted name the package is imported by (None: reported, exit 2)."""
    package, why = package_or_why(args.out, args.package)
    if package is None:
        console.failure(why)
    return package


def _spelled(path: Path, root: Path) -> str:
    """`path` as written from the project root: `./a/`, `a` and `/abs/root/a` are all `a`."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return relative.replace(os.sep, "/")


def command_line(args: argparse.Namespace) -> str:
    """The `generate` command that brings the output in line with the taxonomy.

    Only what a bare `ciogen generate` (with the same `[tool.ciogen]`) would get
    wrong is spelled out, so the command written into headers stays short and
    the same for everyone who runs from the project's root. Paths are compared
    and written relative to that root (the folder of `pyproject.toml`, else the
    working folder), so equivalent invocations -- `./taxonomy.yaml`,
    `taxonomy.yaml`, an absolute path, a flag repeating the configuration --
    write byte-identical files and `check` sees no drift between them.
    """
    found: config.Config = getattr(args, "config", config.Config())
    root = found.file.parent if found.file is not None else Path()
    parts = ["ciogen", "generate"]
    for flag, given, default in (
        ("--taxonomy", args.taxonomy, found.taxonomy or DEFAULT_TAXONOMY),
        ("--out", args.out, found.out or DEFAULT_OUT),
    ):
        if _spelled(given, root) != _spelled(default, root):
            parts += [flag, _spelled(given, root)]
    bare_package = found.package or import_path(args.out, args.out.resolve().name)
    if args.package is not None and args.package != bare_package:
        parts += ["--package", args.package]
    return " ".join(shlex.quote(part) for part in parts)


def _counts(taxonomy: Taxonomy) -> str:
    text = f"{len(taxonomy.events)} events, {len(taxonomy.attributes.fields)} attributes"
    if taxonomy.messages or taxonomy.broadcasts:
        text += f", {len(taxonomy.messages)} messages, {len(taxonomy.broadcasts)} broadcasts"
    return text


def build(args: argparse.Namespace, console: Console) -> tuple[Taxonomy, dict[str, str]] | None:
    """Load the taxonomy and build the package in memory (None: reported, exit 2).

    The build is stored (build_cache.py) for a later `check` of the same inputs, in a
    thread that `_run` waits for.
    """
    loaded = _load_text(args, console)
    if loaded is None:
        return None
    taxonomy, warnings, text = loaded
    package = _package_name(args, console)
    if package is None:
        return None
    events, attributes = len(taxonomy.events), len(taxonomy.attributes.fields)
    console.data("events", events)
    console.data("attributes", attributes)
    command = command_line(args)
    files = build_output(taxonomy, package, command)
    entry = build_cache.key(text, str(args.taxonomy), package, command)
    # Beside the write (or check's comparison): the run waits for it before it ends.
    build_cache.store_in_background(entry, build_cache.Build(files, warnings, events, attributes))
    return taxonomy, files


def _stored_build(args: argparse.Namespace, console: Console) -> dict[str, str] | None:
    """`check`'s files: those of the build stored for exactly these inputs, reported as
    `build` reports them, else a fresh build's (None: reported, exit 2)."""
    package, _ = package_or_why(args.out, args.package)
    try:
        text = read_text(args.taxonomy)
    except TaxonomyError:
        text = None
    stored = None
    if package is not None and text is not None:
        stored = build_cache.lookup(
            build_cache.key(text, str(args.taxonomy), package, command_line(args))
        )
    if stored is None:
        built = build(args, console)
        return None if built is None else built[1]
    if not _warned(args, console, stored.warnings):
        return None
    console.data("events", stored.events)
    console.data("attributes", stored.attributes)
    return stored.files


def _version_drift(out: Path, changed: Sequence[str], console: Console) -> None:
    """Say so when the files on disk were written by another ciogen version.

    A newer ciogen changes templates: without this, its drift would read as
    "out of date with the taxonomy" and send the user looking for a plan change.
    """
    versions: set[str] = set()
    for rel in changed:
        try:
            text = (out / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        version = generated_version(text)
        versions.add(version or "older than 0.2.0")
    others = sorted(versions - {__version__})
    if others:
        console.warning(
            f"{out} was generated by ciogen {', '.join(others)}, this is ciogen {__version__}: "
            "the difference may come from the ciogen version rather than the taxonomy"
        )


def validate(args: argparse.Namespace, console: Console) -> int:
    taxonomy = _load(args, console)
    if taxonomy is None:
        return EXIT_INVALID
    console.info(f"ciogen: {args.taxonomy} is valid ({_counts(taxonomy)})")
    return EXIT_OK


def check(args: argparse.Namespace, console: Console) -> int:
    files = _stored_build(args, console)
    if files is None:
        return EXIT_INVALID
    _require_folder_or_nothing(args.out)
    for folder in output.old_leftovers(args.out):
        console.warning(f"{folder}: left by an interrupted run of an older ciogen; delete it")
    result = output.plan(args.out, files)
    if not result.drifted:
        console.info(f"ciogen: {args.out} is up to date ({len(files)} files)")
        return EXIT_OK
    console.diff(output_diff.unified_diff(args.out, files, result, str(args.out)))
    for rel in result.changed:
        console.file_status("changed", f"{args.out}/{rel}")
    for rel in result.missing:
        console.file_status("missing", f"{args.out}/{rel}")
    for rel in result.stale:
        console.file_status("extra", f"{args.out}/{rel}", "generated, no longer produced")
    _version_drift(args.out, result.changed, console)
    for entry in result.hazards:
        console.file_status("foreign", f"{args.out}/{entry.rel}", entry.reason)
    for entry in result.blocked:
        console.file_status("blocked", f"{args.out}/{entry.rel}", entry.reason)
    for rel in result.leftovers:
        console.file_status("leftover", f"{args.out}/{rel}", "an interrupted generate")
    fix = command_line(args)
    if result.hazards or result.blocked:
        fix = f"remove what ciogen did not write, then {fix}"
    console.failure(
        f"{args.out} is out of date with {args.taxonomy}; run: {fix}", file=str(args.out)
    )
    return EXIT_DRIFT


def _require_folder_or_nothing(out: Path) -> None:
    """`check` compares with a folder; `--out` naming a file (or a path through one) is
    an OS error, exit 2, not drift that `generate` could never fix."""
    for place in (out, *out.parents):
        try:
            info = os.lstat(place)
        except (FileNotFoundError, NotADirectoryError):
            continue
        if not stat.S_ISDIR(info.st_mode) and not stat.S_ISLNK(info.st_mode):
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(place))
        return


def generate(args: argparse.Namespace, console: Console) -> int:
    built = build(args, console)
    if built is None:
        return EXIT_INVALID
    taxonomy, files = built
    for folder in output.old_leftovers(args.out):
        console.warning(f"{folder}: left by an interrupted run of an older ciogen; delete it")
    try:
        result, notes = output.write(args.out, files, force=args.force)
    except output.Refused as refused:
        for reason in refused.reasons:
            console.failure(f"refusing to write: {reason}", file=str(args.out))
        advice = (
            "move those files away, or pass --force"
            if refused.forceable
            else "choose another --out"
        )
        console.failure(f"nothing written; {advice}")
        return EXIT_INVALID
    for note in notes:
        console.warning(f"{args.out}: {note}")
    written = len(result.changed) + len(result.missing)
    console.data("written", sorted(result.changed + result.missing))
    console.data("removed", sorted(result.stale))
    console.info(
        f"ciogen: {_counts(taxonomy)} -> {args.out}/ "
        f"({written} written, {len(result.unchanged)} unchanged, {len(result.stale)} removed)"
    )
    if result.foreign:
        console.warning(
            f"kept {len(result.foreign)} file(s) without ciogen's header: "
            + ", ".join(result.foreign)
        )
    return EXIT_OK


def schema(args: argparse.Namespace, console: Console) -> int:
    console.document(json.dumps(meta_schema(), indent=2) + "\n")
    return EXIT_OK


@dataclasses.dataclass(frozen=True)
class VerbSpec:
    """A subcommand: its help, the options it takes, the function that runs it."""

    help: str
    options: tuple[Callable[[argparse.ArgumentParser], None], ...]
    run: Verb
    own_format: bool = False
    """The verb defines its own `--format` choices (diff adds markdown)."""
    reads_config: bool = True
    """`[tool.ciogen]` fills in its options (`init` writes that table instead)."""


VERBS: dict[str, VerbSpec] = {
    "init": VerbSpec(
        "set up ciogen here: an example plan, [tool.ciogen], pre-commit hooks, a CI workflow",
        (init.add_arguments,),
        init.run,
        reads_config=False,
    ),
    "generate": VerbSpec(
        "write the generated package", (_with_taxonomy, _with_out, _with_force), generate
    ),
    "check": VerbSpec(
        "exit 1 if the package on disk differs from what generate would write",
        (_with_taxonomy, _with_out),
        check,
    ),
    "validate": VerbSpec("check the taxonomy only", (_with_taxonomy,), validate),
    "schema": VerbSpec("print the taxonomy format's JSON Schema", (), schema),
    "diff": VerbSpec(
        "what a taxonomy change breaks in Customer.io and in code (exit 1 if breaking)",
        (diff_cli.add_arguments,),
        diff_cli.run,
        own_format=True,
    ),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ciogen",
        description="Compile a Customer.io tracking plan (taxonomy.yaml) into a typed Python client.",
    )
    parser.add_argument("--version", action="version", version=f"ciogen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, spec in VERBS.items():
        verb = sub.add_parser(name, help=spec.help)
        for add in spec.options:
            add(verb)
        if spec.options and not spec.own_format:
            _with_format(verb)
            verb.add_argument(
                "-q",
                "--quiet",
                action="store_true",
                default=argparse.SUPPRESS,
                help="print only problems and failures",
            )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print only problems and failures"
    )
    return parser


def os_error_message(exc: OSError) -> str:
    """`path: reason` in one line, for an operating-system error ciogen cannot fix."""
    where = exc.filename if exc.filename is not None else ""
    if exc.filename2 is not None:
        where = f"{where} -> {exc.filename2}"
    reason = exc.strerror or str(exc)
    return f"{where}: {reason}" if where else reason


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    console = Console(
        format=getattr(args, "format", "text"), command=args.command, quiet=args.quiet
    )
    # The compiler allocates millions of objects and frees them by reference counting;
    # the cycle collector's passes over them cost a tenth of a big plan's run and find
    # next to nothing. Paused for the run, as it was before afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        code = _run(args, console)
    finally:
        if collecting:
            gc.enable()
    try:
        return console.finish(code)
    except OSError as exc:
        return _os_failure(console, exc)


def _run(args: argparse.Namespace, console: Console) -> int:
    """The verb's exit code; every failure of the run is reported as one located line."""
    try:
        spec = VERBS[args.command]
        if spec.options and spec.reads_config:
            _apply_config(args, config.discover(Path.cwd()))
        with build_cache.stores_awaited():
            return spec.run(args, console)
    except TaxonomyError as exc:
        # Mistakes in [tool.ciogen] are located like taxonomy problems.
        console.problems(exc.problems)
        console.failure("invalid [tool.ciogen] configuration; nothing written")
        return EXIT_INVALID
    except KeyboardInterrupt:
        console.failure("interrupted")
        return EXIT_INTERRUPTED
    except OSError as exc:
        return _os_failure(console, exc)
    except OutputTooLarge as exc:  # `--out` names a tree, not a package (`--force` on a home)
        console.failure(
            f"{exc}: not a package folder; name the one ciogen generates", file=exc.root
        )
        return EXIT_INVALID
    except Exception as exc:
        if os.environ.get("CIOGEN_DEBUG"):
            raise
        console.failure(f"internal error: {type(exc).__name__}: {exc}")
        console.failure("this is a bug in ciogen; rerun with CIOGEN_DEBUG=1 for details")
        return EXIT_INTERNAL


def _os_failure(console: Console, exc: OSError) -> int:
    """An operating-system error: one line naming the path (or stream), exit 2.

    When stdout itself failed (a full disk, a closed pipe) the rest of what was
    meant for it goes to the null device, so the interpreter's final flush does
    not fail a second time with a traceback.
    """
    if exc.filename == "<stdout>":
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    with contextlib.suppress(OSError):
        console.failure(os_error_message(exc), file=str(exc.filename or ""))
        console.err.flush()
    return EXIT_INVALID
