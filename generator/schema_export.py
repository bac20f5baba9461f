"""JSON Schema (draft 2020-12) for the wire payloads, built from the typed model.

The exported schemas describe exactly what `to_payload()` produces and what
`from_payload()` accepts, so they are made from the same model as the
dataclasses, never from the YAML. They are also how defaults and examples in
the taxonomy are checked against their own property (`check_value`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, assert_never

from . import regex_portable, value_checks
from .lazy_modules import lazy
from .model import (
    ArrayType,
    BooleanType,
    EnumType,
    Field,
    MapType,
    NumericType,
    ObjectModel,
    ObjectType,
    StringType,
    TimestampType,
    TypeNode,
    UnionType,
)

if TYPE_CHECKING:
    import jsonschema
else:
    jsonschema = lazy("jsonschema")  # checks a default or an example only

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# The aware datetimes Python can represent, as Unix seconds: 0001-01-01 to 9999-12-31.
TIMESTAMP_MIN = -62135596800
TIMESTAMP_MAX = 253402300799


def anchored(pattern: str) -> str:
    r"""ciogen patterns must match the whole string; JSON Schema's only search.

    `^` and `(?![\s\S])` ("nothing follows") mean start and end of the value in
    both Python and ECMA-262: Python's `$` would also match before a final
    newline, and its `\Z` is not ECMA-262. The pattern was checked portable
    (`regex_portable.problem`); `portable` gives `.` Python's meaning in both.
    """
    return f"^(?:{regex_portable.portable(pattern)})(?![\\s\\S])"


def type_schema(node: TypeNode, objects: Mapping[str, ObjectModel]) -> dict[str, Any]:
    out: dict[str, Any]
    match node:
        case StringType():
            out = {"type": "string"}
            if node.min_length is not None:
                out["minLength"] = node.min_length
            if node.max_length is not None:
                out["maxLength"] = node.max_length
            if node.pattern is not None:
                out["pattern"] = anchored(node.pattern)
            if node.format is not None:
                out["format"] = node.format
            return out
        case NumericType():
            out = {"type": "integer" if node.integer else "number"}
            for key, value in (
                ("minimum", node.minimum),
                ("maximum", node.maximum),
                ("exclusiveMinimum", node.exclusive_minimum),
                ("exclusiveMaximum", node.exclusive_maximum),
            ):
                if value is not None:
                    out[key] = value
            return out
        case BooleanType():
            return {"type": "boolean"}
        case TimestampType():
            return {
                "type": "integer",
                "minimum": TIMESTAMP_MIN,
                "maximum": TIMESTAMP_MAX,
                "x-ciogen-type": "timestamp",
            }
        case EnumType():
            return {"enum": list(node.values)}
        case ArrayType():
            out = {"type": "array", "items": type_schema(node.items, objects)}
            if node.min_items is not None:
                out["minItems"] = node.min_items
            if node.max_items is not None:
                out["maxItems"] = node.max_items
            if node.unique_items:
                out["uniqueItems"] = True
            return out
        case ObjectType():
            return object_schema(objects[node.class_name], objects)
        case MapType():
            return {"type": "object", "additionalProperties": type_schema(node.values, objects)}
        case UnionType():
            # Decidable by construction (build_compound): exactly one member matches.
            return {"oneOf": [type_schema(m, objects) for m in node.members]}
        case _:
            assert_never(node)


def field_schema(field: Field, objects: Mapping[str, ObjectModel]) -> dict[str, Any]:
    inner = type_schema(field.type, objects)
    # Only a required property is ever sent as null: an optional one set to
    # None is left out, so allowing null there would describe payloads that
    # `to_payload()` never produces and `from_payload()` cannot round-trip.
    # A clearable attribute is sent as null to remove it (`CLEAR`).
    if (field.nullable and field.required) or field.clearable:
        inner = {"anyOf": [inner, {"type": "null"}]}
    if field.description:
        # The property's own description wins over its definition's (a `$ref`
        # with a description beside it), as it does in models.py.
        inner = {
            "description": field.description,
            **{k: v for k, v in inner.items() if k != "description"},
        }
    if field.examples:
        # The plan's examples are wire values already (checked against this very
        # schema in build_values): editors offer them as completions.
        inner["examples"] = list(field.examples)
    if field.deprecated is not None:
        inner["deprecated"] = True
    return inner


def object_schema(model: ObjectModel, objects: Mapping[str, ObjectModel]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object"}
    if model.description:
        out["description"] = model.description
    out["properties"] = {f.wire_name: field_schema(f, objects) for f in model.fields}
    required = [f.wire_name for f in model.fields if f.required]
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def document(
    model: ObjectModel, objects: Mapping[str, ObjectModel], title: str, header: str
) -> dict[str, Any]:
    """A standalone schema file for one event's data or the person attributes."""
    return {"$schema": DRAFT, "$comment": header, "title": title, **object_schema(model, objects)}


def check_value(
    value: Any, node: TypeNode, nullable: bool, objects: Mapping[str, ObjectModel]
) -> str | None:
    """Why `value` (a default or example) does not fit its property, or None if it does."""
    match node:
        case TimestampType():
            return "timestamps take no default or example in the taxonomy"
        case NumericType(integer=True) if isinstance(value, float):
            # JSON Schema calls 3.0 an integer; the generated `int` field would not.
            return f"{value!r} is not an integer"
        case (
            StringType()
            | NumericType()
            | BooleanType()
            | EnumType()
            | ArrayType()
            | ObjectType()
            | MapType()
            | UnionType()
        ):
            pass
        case _:
            assert_never(node)
    if value is not None or not nullable:
        # The model's own string checks first: lengths before patterns (so no
        # pattern runs on an unbounded value), and `_checks.py`'s formats.
        why = value_checks.model_problem(value, node, objects)
        if why is not None:
            return why
    schema = type_schema(node, objects)
    if nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(value))
    return None if error is None else error.message
