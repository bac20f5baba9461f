"""The `ciogen diff` verb: what a taxonomy change breaks, in Customer.io and in code.

Loads both revisions (the base from git or a file, through `diff_cache` so a
revision already seen costs an unpickle), compares the typed models
(diff_compare.py) and reports. It never renders code. Exit 0 when nothing in
an enforced category changed, 1 when something did, 2 on invalid input (either
revision invalid, a bad ref, bad configuration).

Configuration, from the nearest pyproject.toml above the taxonomy:

    [tool.ciogen.diff]
    fail = ["workspace", "code"]   # categories that exit 1
    ignore = ["DOCS_CHANGED"]      # rule IDs never reported

`--fail-on` replaces `fail`; `--ignore` adds to `ignore`.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Any

from . import config, diff_cache, diff_report, gitrev
from .console import Console
from .diff_compare import compare
from .diff_model import DiffInputError, DiffResult, sort_changes
from .diff_revision import Revision
from .diff_rules import CATEGORIES, DEFAULT_FAIL, RULES, Category
from .errors import TaxonomyError

EXIT_OK, EXIT_BREAKING, EXIT_INVALID = 0, 1, 2
REPORTS = ("text", "markdown", "json", "github")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--taxonomy",
        type=Path,
        metavar="PATH",
        help="tracking plan (default: [tool.ciogen] taxonomy, else taxonomy.yaml)",
    )
    p.add_argument(
        "--against",
        metavar="REF|PATH",
        help="base revision: a git ref, or a taxonomy file (default: the merge base with the default branch)",
    )
    p.add_argument(
        "--fail-on",
        metavar="CATEGORIES",
        help=f"comma-separated categories that exit 1 (default: {','.join(DEFAULT_FAIL)}; 'none' for none)",
    )
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="RULE",
        help="a rule ID not to report (repeatable)",
    )
    p.add_argument(
        "--format",
        choices=REPORTS,
        default="text",
        help="text (default), markdown (a PR comment), json, or github (workflow annotations)",
    )


def _categories(values: Any, where: str) -> frozenset[Category]:
    if values in ("none", ["none"]):
        return frozenset()
    items = values.split(",") if isinstance(values, str) else values
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise DiffInputError(f"{where}: expected a list of categories ({', '.join(CATEGORIES)})")
    found: set[Category] = set()
    for item in (v.strip() for v in items):
        match = next((c for c in CATEGORIES if c == item), None)
        if match is None:
            raise DiffInputError(
                f"{where}: unknown category {item!r} (one of {', '.join(CATEGORIES)})"
            )
        found.add(match)
    return frozenset(found)


def _rules(values: Any, where: str) -> frozenset[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DiffInputError(f"{where}: expected a list of rule IDs")
    for value in values:
        if value not in RULES:
            raise DiffInputError(f"{where}: unknown rule {value!r} (see docs/evolution.md)")
    return frozenset(values)


def settings(args: argparse.Namespace) -> tuple[frozenset[Category], frozenset[str]]:
    """The enforced categories and ignored rules: pyproject.toml, then the command line."""
    fail, ignore = frozenset(DEFAULT_FAIL), frozenset[str]()
    # config.py's search: a folder named pyproject.toml is an error (TaxonomyError, reported
    # by cli.py as a configuration problem), not something to skip.
    pyproject = config.find_pyproject(args.taxonomy.resolve().parent)
    if pyproject is not None:
        try:
            document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DiffInputError(f"{pyproject}: {exc}") from None
        table = document.get("tool", {}).get("ciogen", {}).get("diff", {})
        where = f"{pyproject}: [tool.ciogen.diff]"
        if not isinstance(table, dict):
            raise DiffInputError(f"{where} must be a table")
        for key in sorted(set(table) - {"fail", "ignore"}):
            raise DiffInputError(f"{where}: unknown key {key!r} (fail, ignore)")
        if "fail" in table:
            fail = _categories(table["fail"], f"{where}.fail")
        if "ignore" in table:
            ignore = _rules(table["ignore"], f"{where}.ignore")
    if args.fail_on is not None:
        fail = _categories(args.fail_on, "--fail-on")
    return fail, ignore | _rules(list(args.ignore), "--ignore")


def _base(args: argparse.Namespace) -> tuple[Revision | None, str]:
    against: str | None = args.against
    if against is not None and Path(against).is_file():
        return diff_cache.load_file(Path(against)), against
    try:
        ref = against or gitrev.default_base(gitrev.repo_root(args.taxonomy.resolve()))
        text, label = gitrev.read_at(ref, args.taxonomy)
    except gitrev.GitError as exc:
        where = f"--against {against}" if against else "no base revision to compare with"
        raise DiffInputError(f"{where}: {exc}") from None
    if text is None:
        return None, f"{label} (absent)"
    return diff_cache.load_text(text, label), label


def run(args: argparse.Namespace, console: Console) -> int:
    fmt = args.format
    try:
        fail, ignore = settings(args)
    except DiffInputError as exc:
        console.failure(str(exc))
        return EXIT_INVALID
    try:
        head = diff_cache.load_file(args.taxonomy)
        base, base_label = _base(args)
    except DiffInputError as exc:
        console.failure(str(exc))
        return EXIT_INVALID
    except TaxonomyError as exc:
        console.problems(exc.problems)
        console.failure(f"{len(exc.errors)} error(s) in a revision being compared; no diff")
        return EXIT_INVALID
    result = DiffResult(
        base_label, str(args.taxonomy), sort_changes(compare(base, head)), fail, ignore
    )
    code = EXIT_BREAKING if result.breaking else EXIT_OK
    if fmt == "json":
        console.data("diff", diff_report.record(result))
    elif fmt == "github":
        console.problems(diff_report.github_problems(result))
        console.info(diff_report.summary(result))
    else:
        lines = diff_report.markdown(result) if fmt == "markdown" else diff_report.text(result)
        console.document("".join(line + "\n" for line in lines))
    return code
