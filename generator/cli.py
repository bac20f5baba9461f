"""`ciogen`: generate, check, validate, schema.

Exit codes: 0 success, 1 drift (`check`), 2 invalid taxonomy or usage,
3 an internal error (a ciogen bug: rerun with CIOGEN_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, output
from .errors import Problem, TaxonomyError
from .load import load_file, meta_schema
from .model import Taxonomy
from .render import build_output

EXIT_OK, EXIT_DRIFT, EXIT_INVALID, EXIT_INTERNAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ciogen",
        description="Compile a Customer.io tracking plan (taxonomy.yaml) into a typed Python client.",
    )
    parser.add_argument("--version", action="version", version=f"ciogen {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_taxonomy(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--taxonomy",
            type=Path,
            default=Path("taxonomy.yaml"),
            metavar="PATH",
            help="tracking plan (default: taxonomy.yaml)",
        )
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")

    def with_out(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--out",
            type=Path,
            default=Path("generated"),
            metavar="DIR",
            help="package folder; its name is the import name (default: generated)",
        )

    gen = sub.add_parser("generate", help="write the generated package")
    with_taxonomy(gen)
    with_out(gen)
    check = sub.add_parser(
        "check", help="exit 1 if the package on disk differs from what generate would write"
    )
    with_taxonomy(check)
    with_out(check)
    validate = sub.add_parser("validate", help="check the taxonomy only")
    with_taxonomy(validate)
    sub.add_parser("schema", help="print the taxonomy format's JSON Schema")
    return parser


def _report(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(problem.format(), file=sys.stderr)


def _load(args: argparse.Namespace) -> Taxonomy | None:
    try:
        taxonomy, warnings = load_file(args.taxonomy)
    except TaxonomyError as exc:
        _report(exc.problems)
        count = len(exc.errors)
        print(
            f"ciogen: {count} error{'s' if count != 1 else ''} in {args.taxonomy}; nothing written",
            file=sys.stderr,
        )
        return None
    _report(warnings)
    if args.strict and warnings:
        print(
            f"ciogen: {len(warnings)} warning(s) in {args.taxonomy} (--strict); nothing written",
            file=sys.stderr,
        )
        return None
    return taxonomy


def _package_name(out: Path) -> str | None:
    name = out.resolve().name
    if not name.isidentifier() or not name.isascii():
        print(
            f"ciogen: --out folder name {name!r} is not a valid Python package name",
            file=sys.stderr,
        )
        return None
    return name


def _import_path(out: Path, name: str) -> str:
    """How users import the package: `app.analytics` when `--out` sits inside package `app`."""
    parts = [name]
    parent = out.resolve().parent
    while (parent / "__init__.py").is_file() and parent.name.isidentifier():
        parts.insert(0, parent.name)
        parent = parent.parent
    return ".".join(parts)


def _command_line(args: argparse.Namespace) -> str:
    parts = ["ciogen", "generate"]
    if args.taxonomy != Path("taxonomy.yaml"):
        parts += ["--taxonomy", str(args.taxonomy)]
    if args.out != Path("generated"):
        parts += ["--out", str(args.out)]
    return " ".join(parts)


def run(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schema":
        print(json.dumps(meta_schema(), indent=2))
        return EXIT_OK
    taxonomy = _load(args)
    if taxonomy is None:
        return EXIT_INVALID
    events, attributes = len(taxonomy.events), len(taxonomy.attributes.fields)
    if args.command == "validate":
        print(f"ciogen: {args.taxonomy} is valid ({events} events, {attributes} attributes)")
        return EXIT_OK
    package = _package_name(args.out)
    if package is None:
        return EXIT_INVALID
    files = build_output(taxonomy, _import_path(args.out, package))
    if args.command == "check":
        result = output.plan(args.out, files)
        if not result.drifted:
            print(f"ciogen: {args.out} is up to date ({len(files)} files)")
            return EXIT_OK
        sys.stdout.write(output.unified_diff(args.out, files, result, str(args.out)))
        for rel in result.missing:
            print(f"missing: {args.out}/{rel}")
        for rel in result.stale:
            print(f"extra: {args.out}/{rel} (generated, no longer produced)")
        print(
            f"ciogen: {args.out} is out of date with {args.taxonomy}; run: {_command_line(args)}",
            file=sys.stderr,
        )
        return EXIT_DRIFT
    result = output.write(args.out, files)
    written = len(result.changed) + len(result.missing)
    print(
        f"ciogen: {events} events, {attributes} attributes -> {args.out}/ "
        f"({written} written, {len(result.unchanged)} unchanged, {len(result.stale)} removed)"
    )
    if result.foreign:
        print(
            f"ciogen: kept {len(result.foreign)} file(s) without ciogen's header: {', '.join(result.foreign)}",
            file=sys.stderr,
        )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except KeyboardInterrupt:
        print("ciogen: interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:
        if os.environ.get("CIOGEN_DEBUG"):
            raise
        print(f"ciogen: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(
            "ciogen: this is a bug in ciogen; rerun with CIOGEN_DEBUG=1 for details",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
