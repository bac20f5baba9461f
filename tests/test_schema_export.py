"""Schema export: each type's JSON Schema, full-match patterns, and default/example checks."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import REPO

from ciogen import schema_export
from ciogen.load import load_file
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
from ciogen.render import build_output


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("[a-z]+", "abc", "abc1"),
        ("yes|no", "yes", "yesno"),
        ("[a-z]+", "abc", "abc\n"),  # Python's `$` would accept the final newline
        ("a.c", "abc", "a\nc"),
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


def _fields_and_schemas(
    model: ObjectModel, schema: dict[str, Any], objects: dict[str, ObjectModel]
) -> Iterator[tuple[Field, dict[str, Any]]]:
    """Every (field, its exported schema) of `model`, nested objects and arrays of them included."""
    for field in model.fields:
        sub = schema["properties"][field.wire_name]
        yield field, sub
        node, inner = field.type, sub
        while isinstance(node, ArrayType):
            node, inner = node.items, inner["items"]
        if isinstance(node, ObjectType):
            yield from _fields_and_schemas(objects[node.class_name], inner, objects)


def test_exported_schemas_carry_descriptions_and_examples() -> None:
    """What a plan says about a property reaches the editor through `generated/schemas/`."""
    taxonomy, _ = load_file(REPO / "taxonomy.yaml")
    files = build_output(taxonomy, "generated")
    objects = {m.class_name: m for m in taxonomy.objects}
    described = examples = 0
    for event in taxonomy.events:
        schema = json.loads(files[f"schemas/{event.method_name}.json"])
        assert schema["description"] == event.model.description
        for field, sub in _fields_and_schemas(event.model, schema, objects):
            assert sub.get("description") == (field.description or None), field.label
            assert sub.get("examples") == (list(field.examples) or None), field.label
            described += bool(field.description)
            examples += bool(field.examples)
    people = json.loads(files["schemas/person_attributes.json"])
    for field, sub in _fields_and_schemas(taxonomy.attributes, people, objects):
        assert sub.get("description") == (field.description or None), field.label
    # The repository's own plan describes every property, as the docs ask of users.
    assert described > 20 and examples >= 2
