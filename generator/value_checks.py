"""Check a default or an example the way the generated model will check it.

jsonschema's format checker is laxer than the generated model (it takes `"@"`
as an email and `"no scheme here"` as a URI), so a default it accepted made
every call that omits the argument raise. Here the string rules run in the
model's own order — lengths first, so a pattern only ever sees a value whose
length `regex_safety` has bounded, then `fullmatch`, then the format — and the
format test is the function of `templates/_checks.py` the generated code calls
(`runtime_facts.checks()` loads that very file). jsonschema then checks the
structure (types, bounds, enums, required keys), which the exported schemas
describe identically.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, assert_never

from . import runtime_facts
from .model import (
    FORMATS,
    ArrayType,
    BooleanType,
    EnumType,
    MapType,
    NumericType,
    ObjectModel,
    ObjectType,
    StringType,
    TimestampType,
    TypeNode,
    UnionType,
)


def _string_problem(value: str, node: StringType) -> str | None:
    if node.min_length is not None and len(value) < node.min_length:
        return f"{value!r} is shorter than {node.min_length} characters"
    if node.max_length is not None and len(value) > node.max_length:
        return f"{value!r} is longer than {node.max_length} characters"
    if node.pattern is not None and re.compile(node.pattern).fullmatch(value) is None:
        return f"{value!r} does not match the pattern {node.pattern!r}"
    if node.format is not None and not getattr(runtime_facts.checks(), FORMATS[node.format])(value):
        return f"{value!r} is not a valid {node.format} (as the generated model checks it)"
    return None


def _same_kind(value: Any, node: TypeNode) -> bool:
    """Whether a union member is of the JSON type of `value` (only those are checked)."""
    match node:
        case StringType():
            return isinstance(value, str)
        case ArrayType():
            return isinstance(value, list)
        case ObjectType() | MapType():
            return isinstance(value, dict)
        case NumericType() | BooleanType() | EnumType() | TimestampType() | UnionType():
            return False  # no strings inside to check
        case _:
            assert_never(node)


def model_problem(value: Any, node: TypeNode, objects: Mapping[str, ObjectModel]) -> str | None:
    """Why the generated model's string checks reject `value` (None when they pass).

    Only the strings inside `value` are visited; everything else is left to
    the JSON Schema check that follows.
    """
    match node:
        case StringType():
            return _string_problem(value, node) if isinstance(value, str) else None
        case ArrayType():
            if not isinstance(value, list):
                return None
            for item in value:
                why = model_problem(item, node.items, objects)
                if why is not None:
                    return why
            return None
        case UnionType():
            # The members of the value's JSON type (the others reject it on type alone).
            problems = [
                model_problem(value, m, objects) for m in node.members if _same_kind(value, m)
            ]
            return None if not problems or None in problems else problems[0]
        case MapType():
            if not isinstance(value, dict):
                return None
            for key, item in value.items():
                why = model_problem(item, node.values, objects)
                if why is not None:
                    return f"{key}: {why}"
            return None
        case ObjectType():
            if not isinstance(value, dict) or node.class_name not in objects:
                return None
            for field in objects[node.class_name].fields:
                if field.wire_name in value:
                    why = model_problem(value[field.wire_name], field.type, objects)
                    if why is not None:
                        return f"{field.wire_name}: {why}"
            return None
        case NumericType() | BooleanType() | EnumType() | TimestampType():
            return None
        case _:
            assert_never(node)
