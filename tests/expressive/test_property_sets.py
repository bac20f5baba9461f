"""Shared property sets: events (and objects, and the person attributes) composed with
`allOf` from definitions of `properties`, which generate no class of their own.

The golden case `property_sets` shares product fields between events, builds one set
from another, gives a real class (`LineItem`) its fields from a set, and parks a
definition nothing uses (a warning, and no class); `property_sets_errors` holds the
mistakes: a property defined twice, a set that is not one, a cycle, a missing name.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType

import pytest
from generated_suite import imported
from golden_cases import GOLDEN, WARNINGS, package_name, package_root
from helpers import from_payload, to_payload


@pytest.fixture(scope="module")
def sets() -> Iterator[ModuleType]:
    with imported(package_root("property_sets"), package_name("property_sets")) as package:
        yield package


def test_events_get_the_fields_of_their_sets(sets: ModuleType) -> None:
    viewed = sets.models.ProductViewed(product_id="p1", price=9.5, value=9.5, class_="toy")
    assert to_payload(viewed) == {"product_id": "p1", "price": 9.5, "value": 9.5, "class": "toy"}
    clicked = sets.models.ProductClicked(product_id="p1", list_position=2)
    assert to_payload(clicked) == {"product_id": "p1", "list_position": 2}
    with pytest.raises(TypeError, match="list_position"):
        sets.models.ProductClicked(product_id="p1")  # required by the event, from the set
    with pytest.raises(sets.ValidationError) as caught:
        sets.models.ProductViewed(product_id="p1", price=-1)
    assert (caught.value.field, caught.value.rule) == ("product_viewed.price", "minimum")


def test_a_set_generates_no_class_and_an_unused_definition_none_either(sets: ModuleType) -> None:
    public = set(sets.models.__all__)
    assert {"ProductViewed", "ProductClicked", "LineItem", "PersonAttributes"} <= public
    assert not {"Product", "Tracked", "Parked"} & public
    assert to_payload(sets.models.LineItem(product_id="p", quantity=1)) == {
        "product_id": "p",
        "quantity": 1,
    }
    root = package_root("property_sets") / package_name("property_sets")
    schema = json.loads((root / "schemas" / "product_clicked.json").read_text(encoding="utf-8"))
    assert sorted(schema["properties"]) == [
        "class",
        "dimensions",
        "list_position",
        "price",
        "product_id",
    ]
    assert schema["required"] == ["list_position", "product_id"]


def test_unused_definitions_and_renames_are_warned_once() -> None:
    warnings = (GOLDEN / "property_sets" / WARNINGS).read_text(encoding="utf-8")
    assert warnings.count("definition 'parked' is not used") == 1
    assert warnings.count("property 'class' is 'class_' in Python") == 1


def test_set_mistakes_are_located_once() -> None:
    errors = (GOLDEN / "property_sets_errors" / "expected_errors.txt").read_text(encoding="utf-8")
    assert errors.count("minLength 5 is greater than maxLength 2") == 1
    for expected in (
        "definitions.product.required[1]: required property 'sku' is not defined",
        "events.twice.properties.price: property 'price' is defined twice (also at line",
        "events.not_a_set.allOf[0]: definition 'scalar' is not a set of properties",
        "events.missing.allOf[0].$ref: unresolved reference '#/definitions/prodcut'",
        "cyclic allOf: loop_a -> loop_b -> loop_a",
    ):
        assert expected in errors


def test_a_nested_object_of_a_shared_set_is_one_class(sets: ModuleType) -> None:
    """The set is built once: every event using `product` shares `ProductDimensions`."""
    dims = sets.models.ProductDimensions(width=2.0)
    viewed = sets.models.ProductViewed(product_id="p1", dimensions=dims)
    shared = sets.models.ProductShared(product_id="p1", dimensions=dims, recipient="a@b.c")
    assert to_payload(viewed)["dimensions"] == to_payload(shared)["dimensions"] == {"width": 2.0}
    assert type(from_payload(sets.models.ProductShared, to_payload(shared)).dimensions) is (
        sets.models.ProductDimensions
    )
    models = (package_root("property_sets") / package_name("property_sets")).rglob("*.py")
    classes = [line for path in models for line in path.read_text("utf-8").splitlines()]
    assert [c for c in classes if c.startswith("class ") and "Dimensions" in c] == [
        "class ProductDimensions(_c.Model):"
    ]


def test_reserved_names_in_a_set_are_checked_where_they_are_written() -> None:
    warnings = (GOLDEN / "property_sets" / WARNINGS).read_text(encoding="utf-8")
    assert warnings.count("'recipient' is a reserved event data key") == 1
    assert "definitions.messaging.properties.recipient: 'recipient'" in warnings
    errors = (GOLDEN / "property_sets_errors" / "expected_errors.txt").read_text(encoding="utf-8")
    assert "definitions.identity.properties.cio_id: 'cio_id' is reserved" in errors
