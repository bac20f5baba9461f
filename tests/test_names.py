"""Naming: taxonomy names become safe, readable Python identifiers, and clashes are caught."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path
from typing import Any

import pytest
from generated_suite import imported
from golden_cases import GOLDEN
from helpers import to_payload

from ciogen.load import load_file
from ciogen.names import NameRegistry, pascal_case, snake_case, snake_case_renamed, upper_snake
from ciogen.render import build_output


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


def _builtins_named(cls: ast.ClassDef) -> dict[str, int]:
    """The builtins a generated class's code names: its fields and each method's own
    parameters (the plan's names, in the models and the client) are not builtins there."""
    fields = {
        n.target.id
        for n in cls.body
        if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
    }
    found: dict[str, int] = {}
    for statement in cls.body:
        own = set(fields)
        if isinstance(statement, ast.FunctionDef):
            own |= {a.arg for a in [*statement.args.args, *statement.args.kwonlyargs]}
            own |= {a.arg for a in statement.args.posonlyargs}
        for n in ast.walk(statement):
            if isinstance(n, ast.Name) and n.id in BUILTINS and n.id not in own:
                found.setdefault(n.id, n.lineno)
    return {k: v for k, v in found.items() if k[0].islower()}


def test_every_builtin_the_generated_models_name_is_a_field_of_the_builtin_names_case() -> None:
    """A field is an attribute of its class and a parameter of `__init__` and of its client
    method: one named like a builtin the class's code names would hide it there, so such
    a model spells it `_b.<name>` (shadowed_builtins.py). The golden case `builtin_names`
    (type-checked, linted, its tests run) has a field for every builtin any golden
    package's models and client name, so a new one in the templates cannot slip by."""
    used: dict[str, str] = {}
    for path in sorted(GOLDEN.glob("*/expected/*/**/*.py")):
        if "tests" in path.relative_to(GOLDEN).parts[3:] or path.name == "strategies.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for name, line in _builtins_named(node).items():
                    used.setdefault(name, f"{path.relative_to(GOLDEN)}:{line}")
    assert {"str", "isinstance", "len", "enumerate", "classmethod"} <= used.keys()
    plan = load_file(GOLDEN / "builtin_names" / "taxonomy.yaml")[0]
    event = next(e for e in plan.events if e.wire_name == "builtins")
    covered = {f.name for f in event.model.fields}
    # `classmethod` and `frozenset` sit in the class body, the rest in methods too.
    assert {k: v for k, v in used.items() if k not in covered} == {}


def test_a_field_named_like_a_called_builtin_keeps_its_name_and_works(tmp_path: Path) -> None:
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
        "enumerate",
        "id",
        "isinstance",
        "len",
        "type",
    ]
    assert warnings == []
    files = build_output(taxonomy, "b_pkg")
    for rel, text in files.items():
        target = tmp_path / "b_pkg" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    with imported(tmp_path, "b_pkg") as package:
        event = package.models.E(len="ab", isinstance="x", enumerate=["a"], id="i", type="t")
        assert to_payload(event) == {
            "len": "ab",
            "isinstance": "x",
            "enumerate": ["a"],
            "id": "i",
            "type": "t",
        }
        with pytest.raises(package.ValidationError):
            package.models.E(len="abcd")
        with pytest.raises(package.ValidationError):
            package.models.E(enumerate=["abc"])


def test_a_hidden_builtin_the_model_never_names_imports_nothing(tmp_path: Path) -> None:
    """A nested object's field `bool` (a string) hides `bool`, which only an event
    class names (`ANONYMOUS: ClassVar[bool]`): the module must not import `builtins`
    it does not use (ruff F401), and the models still work."""
    plan = tmp_path / "taxonomy.yaml"
    plan.write_text(
        "version: 1\nname: b\nevents:\n  order:\n    description: x\n    properties:\n"
        "      item: {type: object, properties: {bool: {type: string}, any: {type: integer}}}\n",
        encoding="utf-8",
    )
    taxonomy, warnings = load_file(plan)
    assert warnings == []
    files = build_output(taxonomy, "b_pkg")
    module = files["_events/order.py"]
    assert "import builtins" not in module and " _b." not in module
    for rel, text in files.items():
        target = tmp_path / "b_pkg" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    with imported(tmp_path, "b_pkg") as package:
        event = package.models.Order(item=package.models.OrderItem(bool="yes", any=1))
        assert to_payload(event) == {"item": {"bool": "yes", "any": 1}}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Signed Up", ("signed_up", None)),
        ("café", ("cafe", "its letters are spelled in ASCII")),
        ("größe", ("grosse", "its letters are spelled in ASCII")),
        (
            "_payload",
            (
                "payload",
                "a leading '_' is dropped (names starting with '_' are the generated code's)",
            ),
        ),
        ("EVENT_NAME", ("event_name", None)),
        ("---", ("field", "it has no letter or digit a Python name can use")),
        (
            "日本",
            ("u65e5_u672c", "letters without an ASCII spelling are written as their code points"),
        ),
        ("1st", ("field_1st", "a Python name cannot start with a digit")),
        ("class", ("class_", "'class' is a Python keyword")),
        ("l", ("l", None)),
    ],
)
def test_a_field_name_beyond_snake_case_says_why(name: str, expected: tuple[str, Any]) -> None:
    """What `generate` reports: every field name that is more than its words in snake_case."""
    assert snake_case_renamed(name, prefix="field", ambiguous=True) == expected
