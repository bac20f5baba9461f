"""Schema export: each type's JSON Schema, full-match patterns, and default/example checks."""

from __future__ import annotations

import re

import pytest

from ciogen import schema_export
from ciogen.model import (
    ArrayType,
    EnumType,
    Field,
    NumericType,
    ObjectModel,
    ObjectType,
    StringType,
    TimestampType,
)


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("[a-z]+", "abc", "abc1"),
        ("(?i)yes|no", "YES", "yesno"),
        ("(?x) [a-z]+  # letters", "abc", "ab c"),
    ],
)
def test_anchored_patterns_match_whole_strings(pattern: str, matches: str, misses: str) -> None:
    anchored = re.compile(schema_export.anchored(pattern))
    assert anchored.search(matches) and not anchored.search(misses)


def test_type_schemas() -> None:
    objects = {
        "A": ObjectModel(
            "A", "a", "object", "", (Field("x", "x-y", StringType(), True, True, "a.x"),)
        )
    }
    assert schema_export.type_schema(TimestampType(), objects)["x-ciogen-type"] == "timestamp"
    assert schema_export.type_schema(EnumType("E", "integer", (1, 2)), objects) == {"enum": [1, 2]}
    array = ArrayType(NumericType(True, minimum=0), 1, 3, True)
    assert schema_export.type_schema(array, objects) == {
        "type": "array",
        "items": {"type": "integer", "minimum": 0},
        "minItems": 1,
        "maxItems": 3,
        "uniqueItems": True,
    }
    nested = schema_export.type_schema(ObjectType("A"), objects)
    assert nested["required"] == ["x-y"] and nested["additionalProperties"] is False
    # A required nullable property is sent as null; an optional one is left out.
    assert nested["properties"]["x-y"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}


def test_check_value() -> None:
    assert schema_export.check_value("ab", StringType(max_length=2), False, {}) is None
    assert "is longer than 2 characters" in (
        schema_export.check_value("abc", StringType(max_length=2), False, {}) or ""
    )
    # Formats are checked by the generated model's own _checks.py, not jsonschema's laxer ones.
    assert "not a valid email" in (
        schema_export.check_value("@", StringType(format="email"), False, {}) or ""
    )
    assert schema_export.check_value(None, StringType(), True, {}) is None
    assert schema_export.check_value(2.0, NumericType(True), False, {}) == "2.0 is not an integer"
    assert "timestamps" in (schema_export.check_value(0, TimestampType(), False, {}) or "")
