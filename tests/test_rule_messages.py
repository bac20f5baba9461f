"""A field's rules checked as data (`_r.check_*`) raise what the spelled-out checks raise.

A string, number, nested object or list of nested objects at the top of a field is
checked by one `_checks` call (issue #10: source size); the same type inside a list
keeps its spelled-out `if`/`raise` pairs. Every rule is broken both ways here: the
rule name and the message must be the same, only the field label differs.
"""

from __future__ import annotations

import decimal
import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from helpers import from_payload

from ciogen.load import load_text
from ciogen.render import build_output

PLAN = """\
version: 1
name: rules
events:
  e:
    description: every rule a `_r.check_*` call takes, at the top and inside a list
    properties:
      text: {type: string, minLength: 2, maxLength: 4, pattern: "^[a-z]+$"}
      texts: {type: array, items: {type: string, minLength: 2, maxLength: 4, pattern: "^[a-z]+$"}}
      mail: {type: string, format: email}
      mails: {type: array, items: {type: string, format: email}}
      uid: {type: string, format: uuid}
      uids: {type: array, items: {type: string, format: uuid}}
      count: {type: integer, minimum: 1, maximum: 9}
      counts: {type: array, items: {type: integer, minimum: 1, maximum: 9}}
      num: {type: number, exclusiveMinimum: 0.1, exclusiveMaximum: 2.5}
      nums: {type: array, items: {type: number, exclusiveMinimum: 0.1, exclusiveMaximum: 2.5}}
      obj: {type: object, properties: {k: {type: string}}}
      objs: {type: array, items: {type: object, properties: {k: {type: string}}}}
      lst: {type: array, minItems: 1, maxItems: 2, uniqueItems: true, items: {type: object, properties: {k: {type: string}}}}
      lsts:
        type: array
        items: {type: array, minItems: 1, maxItems: 2, uniqueItems: true, items: {type: object, properties: {k: {type: string}}}}
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    taxonomy, problems = load_text(PLAN, "taxonomy.yaml")
    assert taxonomy is not None, problems
    root = tmp_path_factory.mktemp("rules")
    for name, text in build_output(taxonomy, "rules_pkg").items():
        path = root / "rules_pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    source = (root / "rules_pkg" / "_events" / "e.py").read_text(encoding="utf-8")
    for call in ("_r.check_string(text,", "_r.check_number(count,", "_r.check_instance(obj,"):
        assert call in source  # the top-level fields do take the data path
    assert "_r.check_list(lst," in source and "_r.check_list(lsts," not in source
    sys.path.insert(0, str(Path(root)))
    try:
        yield importlib.import_module("rules_pkg")
    finally:
        sys.path.remove(str(Path(root)))
        for name in [m for m in sys.modules if m.startswith("rules_pkg")]:
            del sys.modules[name]


def _error(package: ModuleType, **fields: Any) -> tuple[str, str, str]:
    with pytest.raises(package.ValidationError) as info:
        package.E(**fields)
    error = info.value
    return error.field, error.rule, str(error).split(": ", 1)[1]


@pytest.mark.parametrize(
    ("top", "inside", "value"),
    [
        ("text", "texts", 5),
        ("text", "texts", "a"),
        ("text", "texts", "abcde"),
        ("text", "texts", "AB"),
        ("mail", "mails", "no-at-sign"),
        ("uid", "uids", "0000"),
        ("count", "counts", True),
        ("count", "counts", 2.0),
        ("count", "counts", 0),
        ("count", "counts", 10),
        ("num", "nums", "1"),
        ("num", "nums", float("nan")),
        ("num", "nums", decimal.Decimal("Infinity")),
        ("num", "nums", 0.1),
        ("num", "nums", decimal.Decimal("0.1")),
        ("num", "nums", 2.5),
    ],
)
def test_a_rule_says_the_same_at_the_top_and_inside_a_list(
    package: ModuleType, top: str, inside: str, value: Any
) -> None:
    field, rule, message = _error(package, **{top: value})
    item_field, item_rule, item_message = _error(package, **{inside: [value]})
    assert (field, item_field) == (f"e.{top}", f"e.{inside}[0]")
    assert (rule, message) == (item_rule, item_message)


def _class_of(package: ModuleType, payload: dict[str, Any], pick: Callable[[Any], Any]) -> str:
    return type(pick(from_payload(package.E, payload))).__name__


def test_nested_objects_and_their_lists_say_the_same(package: ModuleType) -> None:
    o = _class_of(package, {"obj": {}}, lambda e: e.obj)
    os_item = _class_of(package, {"objs": [{}]}, lambda e: e.objs[0])
    assert _error(package, obj={"k": "v"}) == ("e.obj", "type", f"must be a {o} (got {{'k': 'v'}})")
    assert _error(package, objs=[{"k": "v"}]) == (
        "e.objs[0]",
        "type",
        f"must be a {os_item} (got {{'k': 'v'}})",
    )
    item = from_payload(package.E, {"lst": [{"k": "x"}]}).lst[0]
    inner = from_payload(package.E, {"lsts": [[{"k": "x"}]]}).lsts[0][0]
    for make in (lambda c: "not a list", lambda c: [], lambda c: [c, c, c], lambda c: [c, c]):
        field, rule, message = _error(package, lst=make(item))
        item_field, item_rule, item_message = _error(package, lsts=[make(inner)])
        assert (field, item_field) == ("e.lst", "e.lsts[0]")
        # The values differ in their class names only, and long ones are cut in the message.
        said, item_said = message.split(" (got ")[0], item_message.split(" (got ")[0]
        assert (rule, said) == (item_rule, item_said)
    assert _error(package, lst=[5]) == (
        "e.lst[0]",
        "type",
        f"must be a {type(item).__name__} (got 5)",
    )
    assert _error(package, lsts=[[5]]) == (
        "e.lsts[0][0]",
        "type",
        f"must be a {type(inner).__name__} (got 5)",
    )


def test_a_decimal_meets_a_float_bound_as_written(package: ModuleType) -> None:
    """The float nearest 0.1 is a little above 0.1: a Decimal is compared with 0.1
    exactly, at the top as inside a list."""
    assert _error(package, num=decimal.Decimal("0.10"))[1] == "exclusiveMinimum"
    assert _error(package, nums=[decimal.Decimal("0.10")])[1] == "exclusiveMinimum"
    package.E(num=decimal.Decimal("0.1000000000000000000001"))
    package.E(nums=[decimal.Decimal("0.1000000000000000000001")])
