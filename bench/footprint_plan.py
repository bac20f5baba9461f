"""The synthetic plan of the footprint benchmarks (issue #10).

Each event has six properties, one of each kind the issue names: a string with
a pattern, an enum, a bounded integer, a bounded number, a nested object and an
array of objects. Event names, enum values and bounds vary with the event's
number so no two events are alike. Written as YAML (ciogen's input) and as the
equivalent JSON Schema (the input of datamodel-code-generator, a peer).
"""

from __future__ import annotations

import json
from typing import Any

_WORDS = ("books", "music", "games", "garden", "tools", "toys", "food", "sport")


def event_name(i: int) -> str:
    return f"event_{i:05d}_viewed"


def _properties(i: int) -> dict[str, Any]:
    return {
        "sku": {
            "type": "string",
            "pattern": f"^[A-Z]{{2}}-[0-9]{{{1 + i % 4},8}}$",
            "maxLength": 16,
        },
        "category": {"type": "string", "enum": [f"{w}_{i % 97}" for w in _WORDS[: 3 + i % 5]]},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 100 + i % 900},
        "price": {"type": "number", "minimum": 0, "maximum": 10_000},
        "shipping": {
            "type": "object",
            "properties": {
                "country": {"type": "string", "minLength": 2, "maxLength": 2},
                "express": {"type": "boolean"},
            },
            "required": ["country"],
        },
        "items": {
            "type": "array",
            "maxItems": 50,
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "maxLength": 100},
                    "count": {"type": "integer", "minimum": 1},
                },
                "required": ["name"],
            },
        },
    }


def plan(n_events: int) -> dict[str, Any]:
    """The plan as data: `n_events` events, no person attributes."""
    events = {
        event_name(i): {
            "description": f"Synthetic footprint event number {i}.",
            "properties": _properties(i),
            "required": ["sku", "quantity"],
        }
        for i in range(n_events)
    }
    return {"version": 1, "name": "footprint", "events": events}


def taxonomy_yaml(n_events: int) -> str:
    """ciogen's input. JSON is YAML, and one line per event keeps the writer trivial."""
    data = plan(n_events)
    lines = ["version: 1", "name: footprint", "events:"]
    for name, event in data["events"].items():
        lines.append(f"  {name}: {json.dumps(event, sort_keys=True)}")
    return "\n".join(lines) + "\n"


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def json_schema(n_events: int) -> dict[str, Any]:
    """The same events as one JSON Schema document, one definition per event."""
    definitions: dict[str, Any] = {}
    for name, event in plan(n_events)["events"].items():
        definitions[_pascal(name)] = {"type": "object", "additionalProperties": False, **event}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Footprint",
        "definitions": definitions,
        "anyOf": [{"$ref": f"#/definitions/{key}"} for key in definitions],
    }
