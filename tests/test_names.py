"""Naming: taxonomy names become safe, readable Python identifiers, and clashes are caught."""

from __future__ import annotations

import pytest

from ciogen.names import NameRegistry, pascal_case, snake_case, upper_snake


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
