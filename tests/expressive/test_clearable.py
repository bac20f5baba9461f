"""Clearable attributes: `update_person(person, trial_ends_at=CLEAR)` removes an attribute.

Customer.io removes an attribute sent as `null` (the Track API's own words for object
and relationship attributes: "Pass `null` or an empty string to remove an attribute";
null is the one of the two that is no string attribute's real value). `None` keeps
meaning "not sent". The golden case `clearable` marks a date-time, an enum, a nullable
string, a union, an object and a set's attribute `clearable: true`; `clearable_errors`
holds the places where clearing means nothing. The HTTPS wire payload is checked in
tests/client/test_clear_attribute.py.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from generated_suite import imported
from golden_cases import GOLDEN, package_name, package_root
from helpers import from_payload, to_payload

ROOT = package_root("clearable")
PACKAGE = package_name("clearable")


@pytest.fixture(scope="module")
def pkg() -> Iterator[ModuleType]:
    with imported(ROOT, PACKAGE) as package:
        yield package


def _sent(pkg: ModuleType, method: str, **kwargs: Any) -> dict[str, Any]:
    transport = pkg.RecordingTransport()
    client = pkg.Client("site", "key", transport=transport, mode="sync")
    try:
        getattr(client, method)("42", **kwargs)
    finally:
        client.close()
    [operation] = transport.operations()
    attributes: dict[str, Any] = operation["attributes"]
    return attributes


def test_clear_is_one_typed_value_with_a_clear_repr(pkg: ModuleType) -> None:
    assert repr(pkg.CLEAR) == "CLEAR"
    assert type(pkg.CLEAR) is pkg.ClearType
    assert list(pkg.ClearType) == [pkg.CLEAR]
    assert {"CLEAR", "ClearType"} <= set(pkg.__all__)


def test_clear_sends_null_and_none_sends_nothing(pkg: ModuleType) -> None:
    sent = _sent(pkg, "update_person", trial_ends_at=pkg.CLEAR, seats=None, plan="pro")
    assert sent == {"trial_ends_at": None, "plan": "pro", "_update": True}
    every = {"trial_ends_at", "plan", "nickname", "address", "score", "card_last4"}
    sent = _sent(pkg, "update_person", **{name: pkg.CLEAR for name in every})
    assert sent == {**dict.fromkeys(every), "_update": True}
    # identify takes CLEAR too: it merges attributes the same way.
    sent = _sent(pkg, "identify", email="a@example.com", card_last4=pkg.CLEAR)
    assert sent == {"email": "a@example.com", "card_last4": None}


@pytest.mark.parametrize("cls", ["PersonAttributes", "PersonAttributesUpdate"])
def test_clear_on_an_attribute_not_marked_clearable_is_rejected(pkg: ModuleType, cls: str) -> None:
    model = getattr(pkg.models, cls)
    for name in ("seats", "email"):
        kwargs = {"email": "a@example.com", name: pkg.CLEAR}
        with pytest.raises(pkg.ValidationError) as caught:
            model(**kwargs)
        assert (caught.value.field, caught.value.rule) == (f"attributes.{name}", "clearable")
        assert "clearable: true" in caught.value.message


def test_clear_in_an_event_is_rejected(pkg: ModuleType) -> None:
    with pytest.raises(pkg.ValidationError) as caught:
        pkg.models.SignedUp(method=pkg.CLEAR)
    assert (caught.value.field, caught.value.rule) == ("signed_up.method", "clearable")


def test_null_reads_back_as_clear_and_validates_in_the_schema(pkg: ModuleType) -> None:
    update = pkg.models.PersonAttributesUpdate(trial_ends_at=pkg.CLEAR, nickname=pkg.CLEAR)
    payload = to_payload(update)
    assert payload == {"trial_ends_at": None, "nickname": None}
    assert from_payload(pkg.models.PersonAttributesUpdate, payload) == update
    schema_path = ROOT / PACKAGE / "schemas" / "person_attributes.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.validate({"email": "a@example.com", **payload}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"email": "a@example.com", "seats": None}, schema)
    # A value still follows its rules.
    when = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert to_payload(pkg.models.PersonAttributesUpdate(trial_ends_at=when)) == {
        "trial_ends_at": "2030-01-01T00:00:00+00:00"
    }
    with pytest.raises(pkg.ValidationError) as caught:
        pkg.models.PersonAttributesUpdate(card_last4="12")
    assert caught.value.rule == "pattern"


def test_the_generated_tests_draw_clear_and_mutate_with_it(pkg: ModuleType) -> None:
    source = (ROOT / PACKAGE / "strategies.py").read_text(encoding="utf-8")
    assert source.count("_s.clearable(") == 2 * 6  # six clearable attributes, two models
    tests = (ROOT / PACKAGE / "tests" / "plan_tables.py").read_text(encoding="utf-8")
    assert tests.count('("clearable", _s.clear())') == 2 * 2  # email and seats, two models


USE = """
import datetime as dt
from golden_clearable import CLEAR, Client

def use(client: Client) -> None:
    client.update_person("42", trial_ends_at=CLEAR, plan=CLEAR, address=CLEAR)
    client.update_person("42", trial_ends_at=dt.datetime.now(dt.UTC), plan=None)
    client.identify("42", email="a@example.com", card_last4=CLEAR)
"""
MISUSE = """
from golden_clearable import CLEAR, Client

def use(client: Client) -> None:
    client.update_person("42", seats=CLEAR)
"""


def _mypy(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "use.py").write_text(code, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "use.py"],
        cwd=tmp_path,
        env={"MYPYPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_mypy_takes_clear_only_for_clearable_attributes(tmp_path: Path) -> None:
    ok = _mypy(tmp_path, USE)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = _mypy(tmp_path, MISUSE)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert 'Argument "seats" to "update_person" of "Client" has incompatible type' in bad.stdout


def test_clearable_where_it_means_nothing_is_a_located_error() -> None:
    errors = (GOLDEN / "clearable_errors" / "expected_errors.txt").read_text(encoding="utf-8")
    for expected in (
        "7:5: definitions.when.clearable: clearable has no effect on a definition",
        "10:30: definitions.shared.properties.coupon.clearable: only a person attribute",
        "13:27: attributes.properties.email.clearable: attribute 'email' is required, so it"
        " cannot be clearable",
        "attributes.properties.address.properties.city.clearable: only a person attribute",
        "attributes.properties.flag.clearable: 'yes' is not of type 'boolean'",
        "events.signed_up.properties.method.clearable: only a person attribute",
    ):
        assert expected in errors
