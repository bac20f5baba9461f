"""Models without `@dataclass`: what they still do, and event modules loaded on first use."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

from generated import from_payload, models, to_payload
from generated.models import CheckoutCompleted, LineItem, PersonAttributes


def _order() -> CheckoutCompleted:
    item = LineItem(quantity=2, sku="AB-1", unit_price=3.5)
    return CheckoutCompleted(
        items=2,
        line_items=[item],
        order_id="9b2e7a50-8d2f-4a7e-9d59-1f0c8a0e6f11",
        total=7.0,
    )


def test_dataclasses_functions_still_work() -> None:
    order = _order()
    assert dataclasses.is_dataclass(order)
    names = [f.name for f in dataclasses.fields(order)]
    assert sorted(names) == sorted(order.__slots__) and "currency" in names
    currency = next(f for f in dataclasses.fields(CheckoutCompleted) if f.name == "currency")
    assert currency.default == "USD"
    changed = dataclasses.replace(order, total=8.0)
    assert changed.total == 8.0 and changed.order_id == order.order_id
    with pytest.raises(models.ValidationError):
        dataclasses.replace(order, total=-1.0)  # replace goes through the checks
    as_dict = dataclasses.asdict(order)
    assert as_dict["line_items"][0]["sku"] == "AB-1"


def test_frozen_equal_hashable_and_shown_by_fields() -> None:
    item = LineItem(quantity=2, sku="AB-1", unit_price=3.5)
    same = LineItem(quantity=2, sku="AB-1", unit_price=3.5)
    assert item == same and hash(item) == hash(same)
    assert item != LineItem(quantity=3, sku="AB-1", unit_price=3.5)
    assert item != ("AB-1",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.sku = "CD-2"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del item.sku  # type: ignore[misc]
    assert repr(item) == "LineItem(name=None, quantity=2, sku='AB-1', unit_price=3.5)"


def test_pickle_and_copy_round_trip() -> None:
    order = _order()
    assert pickle.loads(pickle.dumps(order)) == order
    assert copy.deepcopy(order) == order and copy.copy(order) == order
    person = PersonAttributes(email="a@example.com")
    assert pickle.loads(pickle.dumps(person)) == person


def test_from_payload_round_trip() -> None:
    order = _order()
    assert from_payload(CheckoutCompleted, json.loads(json.dumps(to_payload(order)))) == order


PROBE = """
import json, sys
import generated
before = sorted(m for m in sys.modules if m.startswith("generated._events."))
client = generated.Client("site", "key", transport=generated.RecordingTransport(), mode="sync")
client.signed_up("person-1", method="email")
after = sorted(m for m in sys.modules if m.startswith("generated._events."))
from generated import EVENT_TYPES
every = sorted(m for m in sys.modules if m.startswith("generated._events."))
print(json.dumps([before, after, len(every), len(EVENT_TYPES)]))
"""


def test_event_modules_load_on_first_use() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    before, after, every, types = json.loads(result.stdout)
    assert before == []
    assert after == ["generated._events.signed_up"]
    assert every == types == 7


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="NoSuchEvent"):
        _ = models.NoSuchEvent  # type: ignore[attr-defined]
    import generated

    with pytest.raises(AttributeError, match="NoSuchEvent"):
        _ = generated.NoSuchEvent  # type: ignore[attr-defined]


MYPY_PROBE = """
from generated import LineItem, SignedUp
item = LineItem(quantity=1, sku="A", unit_price=1.0)
item.sku = "B"
SignedUp(method="fax")
reveal_type(SignedUp.__init__)
"""


def test_type_checkers_see_frozen_models_and_their_signatures(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(MYPY_PROBE, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "c"), str(probe)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={"MYPYPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    out = result.stdout
    assert 'Property "sku" defined in "LineItem" is read-only' in out, out
    assert 'Argument "method" to "SignedUp" has incompatible type "Literal[\'fax\']"' in out, out
    assert "def (self: generated._events.signed_up.SignedUp, *, method:" in out, out
