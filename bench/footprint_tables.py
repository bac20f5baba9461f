"""What table-driven event classes would cost: the design a 4 KB source needs, measured.

    python -m bench.footprint_tables PATH PACKAGE [--quick]   # one JSON line

The source target of issue #10 (4 KB per event of the synthetic plan) needs more than
shorter text: event classes whose constructor checks and payload methods are interpreted
from one field table per class, only the typed ``__init__`` written out. Nothing ships
that design; `bench.footprint_tables_source` writes it by hand for one event, on the
generated package's own ``_checks.Model`` and ``_rules`` checks, and this module measures
it against that event's generated module, in one process (``bench.footprint`` runs it on
the plan's package and reports it next to the typed call of the same run):

* the two agree: the same payload for valid values, the same field and rule for each
  invalid one, the same result reading a payload back (else this exits 1: a smaller or
  faster module that checks less would be no evidence);
* bytes of each module (the design's interpreter is shared, so it is reported apart);
* constructor and ``_to_payload`` per call, both modules interleaved, each round timed.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from bench import footprint_plan
from bench.footprint_tables_source import EVENT, INTERPRETER, table_module

_CLS = f"Event{EVENT:05d}Viewed"


def _header(source: str) -> str:
    """The generated module's comment lines (the `@generated` line, the linters' opt-outs)."""
    lines = source.splitlines(keepends=True)
    return "".join(lines[: next(i for i, s in enumerate(lines) if s[:1] != "#")])


def _cases(m: ModuleType) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(valid keyword sets, invalid keyword sets) for the event, nested objects from `m`."""
    ship, item = getattr(m, _CLS + "Shipping"), getattr(m, _CLS + "ItemsItem")
    props = footprint_plan._properties(EVENT)
    top, category = props["quantity"]["maximum"], props["category"]["enum"][0]
    base: dict[str, Any] = {"quantity": 3, "sku": "AB-12345"}
    valid = [
        base,
        {**base, "category": category, "price": 9.5, "shipping": ship(country="DE")},
        {**base, "items": [item(name="x", count=1), item(name="y")], "quantity": top},
        {**base, "shipping": ship(country="FR", express=True), "price": 0},
    ]
    bad: list[tuple[str, Any]] = [
        ("quantity", 0),
        ("quantity", top + 1),
        ("quantity", True),
        ("quantity", 2.0),
        ("sku", "ab-1"),
        ("sku", "AB-" + "1" * 14),
        ("sku", None),
        ("category", "nope"),
        ("category", 3),
        ("price", -0.5),
        ("price", float("nan")),
        ("items", [item(name="x")] * 51),
        ("items", ["x"]),
        ("items", "x"),
        ("shipping", {"country": "DE"}),
    ]
    return valid, [{**base, key: value} for key, value in bad]


def _outcome(build: Callable[[], Any], error: type[Exception]) -> tuple[Any, ...]:
    try:
        return ("ok", build()._to_payload())
    except error as e:
        return ("error", getattr(e, "field", None), getattr(e, "rule", None))


def agree(written: ModuleType, tables: ModuleType, error: type[Exception]) -> list[str]:
    """How the two modules differ on the cases (empty: they agree)."""
    problems = []
    valid, invalid = _cases(written)
    mirror_valid, mirror_invalid = _cases(tables)  # the same cases, the tables' objects
    for kwargs, mirror in zip(valid + invalid, mirror_valid + mirror_invalid, strict=True):
        a = _outcome(lambda k=kwargs: getattr(written, _CLS)(**k), error)  # type: ignore[misc]
        b = _outcome(lambda k=mirror: getattr(tables, _CLS)(**k), error)  # type: ignore[misc]
        if a != b:
            problems.append(f"{sorted(kwargs)}: written {a}, tables {b}")
    for mirror in mirror_valid:
        x = getattr(tables, _CLS)(**mirror)
        if getattr(tables, _CLS)._from_payload(x._to_payload()) != x:
            problems.append(f"{sorted(mirror)}: the tables' payload does not read back")
    payloads: list[Any] = [{"quantity": 3}, {"quantity": 3, "sku": "AB-123", "extra": 1}, []]
    for payload in payloads:
        a = _outcome(lambda p=payload: getattr(written, _CLS)._from_payload(p), error)  # type: ignore[misc]
        b = _outcome(lambda p=payload: getattr(tables, _CLS)._from_payload(p), error)  # type: ignore[misc]
        if a != b:
            problems.append(f"from {payload!r}: written {a}, tables {b}")
    return problems


def _makers(m: ModuleType) -> dict[str, Callable[[], Any]]:
    """The two timed calls: the event with its required fields only, and with every one."""
    event = getattr(m, _CLS)
    ship = getattr(m, _CLS + "Shipping")(country="DE")
    items = [getattr(m, _CLS + "ItemsItem")(name="x", count=1)]
    return {
        "small": lambda: event(quantity=3, sku="AB-12345"),
        "full": lambda: event(
            quantity=3, sku="AB-12345", category="books_0", price=9.5, shipping=ship, items=items
        ),
    }


def client_method_code(client_source: str, method: str) -> int:
    """Bytes of `method`'s code in a generated `client.py`: the method without its
    docstring (what any typed method per event writes, however it documents itself)."""
    for node in ast.walk(ast.parse(client_source)):
        if isinstance(node, ast.FunctionDef) and node.name == method:
            code = ast.get_source_segment(client_source, node) or ""
            if ast.get_docstring(node) is not None:
                code = code.replace(
                    ast.get_source_segment(client_source, node.body[0]) or "", "", 1
                )
            return len(code.encode("utf-8"))
    raise LookupError(f"no method {method} in client.py")


def _per_call(make: Callable[[], Any], n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        make()._to_payload()
    return (time.perf_counter() - t0) / n * 1e6


def _write_design(path: str, package: str, header: str) -> str:
    """The design's modules beside the package (`<package>_tables`); the event's source."""
    folder = os.path.join(path, f"{package}_tables")
    os.makedirs(folder, exist_ok=True)
    source = table_module(package, header)
    for name, text in (
        ("__init__.py", ""),
        ("_interpreter.py", INTERPRETER.replace("PACKAGE", package)),
        ("event.py", source),
    ):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    return source


def measure(path: str, package: str, rounds: int = 9, n: int = 20_000) -> dict[str, Any]:
    sys.path.insert(0, path)
    written = importlib.import_module(f"{package}._events.{footprint_plan.event_name(EVENT)}")
    with open(written.__file__ or "", encoding="utf-8") as f:
        written_source = f.read()
    header = _header(written_source)
    source = _write_design(path, package, header)
    tables = importlib.import_module(f"{package}_tables.event")
    error = importlib.import_module(f"{package}._checks").ValidationError
    makers = {"written": _makers(written), "tables": _makers(tables)}
    samples: dict[str, dict[str, list[float]]] = {
        name: {"small": [], "full": []} for name in makers
    }
    for _ in range(rounds):
        for name, calls in makers.items():
            for case, make in calls.items():
                samples[name][case].append(_per_call(make, n))
    out: dict[str, Any] = {"problems": agree(written, tables, error)}
    out["event"] = footprint_plan.event_name(EVENT)
    for name, by_case in samples.items():
        out[name] = {case: statistics.median(v) for case, v in by_case.items()}
    out["written"]["bytes"] = len(written_source.encode("utf-8"))
    out["tables"]["bytes"] = len(source.encode("utf-8"))
    out["interpreter_bytes"] = len(INTERPRETER.encode("utf-8"))
    declarations = table_module(package, header, rules=False)
    out["declarations_bytes"] = len(declarations.encode("utf-8"))
    with open(os.path.join(path, package, "client.py"), encoding="utf-8") as f:
        out["client_method_code_bytes"] = client_method_code(f.read(), out["event"])
    return out


def main(argv: list[str]) -> int:
    path, package = argv[:2]
    quick = "--quick" in argv[2:]
    result = measure(path, package, rounds=1 if quick else 9, n=500 if quick else 20_000)
    print(json.dumps(result))
    if result["problems"]:
        print("the two designs disagree:", *result["problems"], sep="\n", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
