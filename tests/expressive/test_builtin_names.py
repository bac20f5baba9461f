"""Fields named like builtins, payload functions and `l` keep their names (golden `builtin_names`).

A plan may call its properties `str`, `list`, `len`, `to_payload` or `l`: the
models, the client methods, the App client's send and trigger methods and the wire
all use those names. The generated code gives way instead: a model (or App
method) whose fields hide builtins spells them `_b.str`
(only that model; the plan's other models stay plain), the payload functions are
module-level (`to_payload(event)`, `from_payload(Cls, data)`) over underscored
methods, and a line binding `l` ends in `# noqa: E741`. Only Python keywords
(`class`, `from`) are renamed, and `generate` reports each one, located. The
golden tree is type-checked and linted by tests/test_golden.py like every case.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from generated_suite import imported, run_generated_tests
from golden_cases import GOLDEN, WARNINGS, package_name, package_root

CASE = "builtin_names"
PACKAGE = GOLDEN / CASE / "expected" / package_name(CASE)
# Python name -> (wire name, a valid value) for every field of the `builtins` event.
FIELDS: dict[str, tuple[str, Any]] = {
    "str": ("str", "abc"),
    "int": ("int", 7),
    "float": ("float", 2.5),
    "bool": ("bool", True),
    "list": ("list", ["x", "y"]),
    "dict": ("dict", {"k": 1}),
    "tuple": ("tuple", "a"),
    "frozenset": ("frozenset", "f"),
    "type": ("type", "t"),
    "len": ("len", "abc"),
    "isinstance": ("isinstance", "i"),
    "enumerate": ("enumerate", ["ab"]),
    "getattr": ("getattr", "g"),
    "classmethod": ("classmethod", "c"),
    "bytes": ("bytes", "b"),
    "set": ("set", "s"),
    "any": ("any", 3),
    "to_payload": ("to_payload", "tp"),
    "from_payload": ("from_payload", "fp"),
    "l": ("l", "ell"),
    "o": ("O", 0),
    "i": ("I", False),
    "class_": ("class", "k"),
    "from_": ("from", "f"),
}
KWARGS = {name: value for name, (_wire, value) in FIELDS.items()}
WIRE = {wire: value for wire, value in FIELDS.values()}


@pytest.fixture(scope="module")
def pkg() -> Iterator[ModuleType]:
    with imported(package_root(CASE), package_name(CASE)) as package:
        yield package


def test_the_fields_keep_their_names_and_round_trip(pkg: ModuleType) -> None:
    inner = pkg.models.BuiltinsObject(str="abc", len=2, list=[1])
    event = pkg.models.Builtins(**KWARGS, object=inner)
    payload = pkg.to_payload(event)
    assert payload == {**WIRE, "object": {"str": "abc", "len": 2, "list": [1]}}
    assert pkg.from_payload(pkg.models.Builtins, payload) == event
    assert (event.str, event.list, event.to_payload, event.l) == ("abc", ["x", "y"], "tp", "ell")
    # The checks still run with every builtin hidden by a parameter of the same name.
    for bad, rule in [({"str": "ABC"}, "pattern"), ({"len": "abcd"}, "maxLength"),
                      ({"list": ["x", "x"]}, "uniqueItems"), ({"int": True}, "type"),
                      ({"enumerate": ["abc"]}, "maxLength"), ({"dict": {"k": "v"}}, "type"),
                      ({"any": 1.5}, "type"), ({"tuple": "z"}, "enum")]:  # fmt: skip
        with pytest.raises(pkg.ValidationError) as caught:
            pkg.models.Builtins(**{**KWARGS, **bad})
        assert caught.value.rule == rule, bad


def test_the_client_sends_the_plan_s_names(pkg: ModuleType) -> None:
    transport = pkg.RecordingTransport()
    client = pkg.Client("site", "key", transport=transport, mode="sync")
    try:
        client.builtins("42", **KWARGS)
        client.builtins_anonymous("visitor-1", **KWARGS)
        client.identify("43", email="a@example.com", str="s", list=["a"], l="x", to_payload="t")
        client.update_person("43", l="y")
    finally:
        client.close()
    event, anonymous, identify, update = transport.operations()
    assert event["attributes"] == anonymous["attributes"] == WIRE
    assert identify["attributes"] == {
        "email": "a@example.com",
        "str": "s",
        "list": ["a"],
        "l": "x",
        "to_payload": "t",
    }
    assert update["attributes"] == {"l": "y", "_update": True}
    assert {"str", "list", "l", "to_payload", "class_"} <= set(
        inspect.signature(pkg.Client.builtins).parameters
    )


def test_only_the_keywords_are_renamed_and_reported() -> None:
    warnings = (GOLDEN / CASE / WARNINGS).read_text(encoding="utf-8")
    renamed = re.findall(r"property '([^']+)' is '([^']+)' in Python: (.*) \(", warnings)
    assert renamed == [
        ("class", "class_", "'class' is a Python keyword"),
        ("from", "from_", "'from' is a Python keyword"),
        ("from", "from_", "'from' is a Python keyword"),  # the message's data key
    ]
    # Every other warning is an App send option giving way to a data key.
    others = [w for w in warnings.splitlines() if "in Python:" not in w]
    assert len(others) == 4 and all("the property keeps its name" in w for w in others)


def test_only_models_that_hide_a_builtin_spell_it_through_builtins() -> None:
    event = (PACKAGE / "_events" / "builtins.py").read_text(encoding="utf-8")
    plain = (PACKAGE / "_events" / "plain.py").read_text(encoding="utf-8")
    assert "import builtins as _b\n" in event and "_b.isinstance(_v, _b.str)" in event
    # BuiltinsObject hides str, len and list only: its other builtins stay plain.
    nested = event[event.index("class BuiltinsObject") : event.index("class Builtins(")]
    assert "_b.list[int] | None" in nested and "not isinstance(_v, _b.list)" in nested
    assert " _b." not in plain and "import builtins" not in plain  # (its docstring says `_b.`)


def test_a_line_binding_l_carries_its_own_noqa() -> None:
    marked = [
        line.strip()
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.endswith("# noqa: E741")
    ]
    assert "l: _b.str  # noqa: E741" in marked  # the class attribute
    assert "l: _b.str,  # noqa: E741" in marked  # the model's keyword parameter
    assert "l: str,  # noqa: E741" in marked  # the client method's parameter
    assert all(re.match(r"l: [^=]*(= None)?,?  # noqa: E741$", line) for line in marked), marked


def test_the_generated_tests_pass() -> None:
    root = package_root(CASE)
    with imported(root, package_name(CASE) + ".tests.test_properties") as tests:
        assert run_generated_tests(tests) > 0


def test_the_app_client_sends_the_plan_s_names(pkg: ModuleType) -> None:
    """Data keys keep their names, even a send option's (`to`, `subject`, `from`,
    `emails`): the option's parameter gives way (`to_=`, `subject_=`, `from__=`)."""
    recorder = pkg.RecordingAppTransport()
    app = pkg.AppClient("k", transport=recorder)
    data = {"str": "abc", "list": ["a"], "l": "x", "to_payload": "t", "len": 2}
    data |= {"to": "the data's to", "subject": "the data's subject"}
    who = pkg.Person.id("42")
    app.send_receipt(identifiers=who, to_="a@example.com", subject_="Hi", **data, from_="f")
    app.trigger_outage(dict={"k": "v"}, isinstance=True, l=3, emails=["x"], emails_=["b@e.com"])
    receipt, outage = recorder.sent
    assert receipt.body["message_data"] == {**data, "from": "f"}
    assert (receipt.body["to"], receipt.body["subject"]) == ("a@example.com", "Hi")
    assert outage.body["data"] == {"dict": {"k": "v"}, "isinstance": True, "l": 3, "emails": ["x"]}
    assert outage.body["emails"] == ["b@e.com"]
    with pytest.raises(pkg.ValidationError):
        app.send_receipt(identifiers=who, to_="a@example.com", str="toolong")
    warnings = (GOLDEN / CASE / WARNINGS).read_text(encoding="utf-8")
    assert "the method's own to option is `to_=` there" in warnings
    assert "the method's own from_ option is `from__=` there" in warnings
