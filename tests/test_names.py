"""Naming: taxonomy names become safe, readable Python identifiers, and clashes are caught."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest
from generated_suite import imported
from golden_cases import GOLDEN

from ciogen.load import load_file
from ciogen.names import NameRegistry, pascal_case, snake_case, upper_snake
from ciogen.render import build_output
from ciogen.runtime_facts import FIELD_RESERVED


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Signed Up", "signed_up"),
        ("signedUp", "signed_up"),
        ("HTTPServer", "http_server"),
        ("class", "class_"),
        ("1st-login", "event_1st_login"),
        ("größe", "grosse"),
        ("café", "cafe"),
        ("日本", "u65e5_u672c"),
        ("l", "l_"),
        ("---", "event"),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name, prefix="event") == expected


def test_snake_case_suffixes_reserved_names() -> None:
    assert snake_case("flush", prefix="event", reserved=frozenset({"flush"})) == "flush_"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("signed_up", "SignedUp"), ("1st login", "Event1stLogin"), ("list", "List"), ("type", "Type")],
)
def test_pascal_case(name: str, expected: str) -> None:
    assert pascal_case(name, prefix="Event") == expected


def test_pascal_case_suffixes_builtins() -> None:
    assert pascal_case("bool", prefix="Model") == "Bool"
    assert pascal_case("Exception", prefix="Model") == "Exception_"


def test_upper_snake() -> None:
    assert upper_snake("SignedUpMethod") == "_SIGNED_UP_METHOD"


def test_registry_names_the_first_owner_case_insensitively() -> None:
    registry = NameRegistry()
    assert registry.claim("total", "property 'Total'") is None
    assert registry.claim("TOTAL", "property 'total'") == "property 'Total'"
    assert registry.claim("other", "property 'other'") is None


BUILTINS = frozenset(dir(builtins))


def test_every_builtin_the_generated_methods_use_is_reserved() -> None:
    """A field is a parameter of its model's `__init__`: one named like a builtin the
    generated checks call (`len`, `isinstance`, ...) would shadow it there, so each such
    builtin is reserved (and a field taking its name is renamed, reported). The scan
    covers every golden package's models and client methods."""
    used: dict[str, str] = {}
    for path in sorted(GOLDEN.glob("*/expected/*/**/*.py")):
        if "tests" in path.relative_to(GOLDEN).parts[3:] or path.name == "strategies.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef) or node.name == "__getattr__":
                continue
            params = {a.arg for a in [*node.args.args, *node.args.kwonlyargs]}
            # The bodies only: a signature's annotations are read outside the function.
            for name in (n for statement in node.body for n in ast.walk(statement)):
                if (
                    isinstance(name, ast.Name)
                    and name.id in BUILTINS
                    and name.id not in params
                    and name.id[0].islower()
                ):
                    used.setdefault(name.id, f"{path.relative_to(GOLDEN)}:{name.lineno}")
    assert used, "the scan found no builtin at all"
    unreserved = {k: v for k, v in used.items() if k not in FIELD_RESERVED | {"classmethod"}}
    assert unreserved == {}


def test_a_field_named_like_a_called_builtin_is_renamed_and_works(tmp_path: Path) -> None:
    plan = tmp_path / "taxonomy.yaml"
    plan.write_text(
        "version: 1\nname: b\nevents:\n  e:\n    description: x\n    properties:\n"
        "      len: {type: string, maxLength: 3}\n      isinstance: {type: string}\n"
        "      enumerate: {type: array, items: {type: string, maxLength: 2}}\n"
        "      id: {type: string}\n      type: {type: string}\n",
        encoding="utf-8",
    )
    taxonomy, warnings = load_file(plan)
    assert sorted(f.name for f in taxonomy.events[0].model.fields) == [
        "enumerate_",
        "id",
        "isinstance_",
        "len_",
        "type",
    ]
    assert len(warnings) == 3
    files = build_output(taxonomy, "b_pkg")
    for rel, text in files.items():
        target = tmp_path / "b_pkg" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    with imported(tmp_path, "b_pkg") as package:
        event = package.models.E(len_="ab", isinstance_="x", enumerate_=["a"], id="i", type="t")
        assert event.to_payload() == {
            "len": "ab",
            "isinstance": "x",
            "enumerate": ["a"],
            "id": "i",
            "type": "t",
        }
        with pytest.raises(package.ValidationError):
            package.models.E(len_="abcd")
