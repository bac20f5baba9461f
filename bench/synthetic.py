"""Synthetic taxonomies for the generator benchmark, and the same plan as JSON Schema.

``taxonomy_dict(n)`` has ``n`` events of 8 properties each (strings with limits,
numbers, integers, booleans, per-event enums, a shared ``$ref`` enum, arrays,
nested objects, timestamps, nullables), rotating so events differ;
``jsonschema_dict`` states it as draft-07 ``definitions`` (one per event) so
datamodel-code-generator compiles the same plan.
"""

from __future__ import annotations

import json
import os
from typing import Any

_CATEGORY_WORDS = ["books", "music", "games", "garden", "tools", "toys", "food", "sport"]
_COUNTRY = {"type": "string", "minLength": 2, "maxLength": 2}


def _event_props(i: int) -> tuple[dict[str, Any], list[str]]:
    """8 properties for event ``i``; names and kinds rotate so events differ."""
    k = i % 4
    enum_vals = [f"{w}_{i % 97}" for w in _CATEGORY_WORDS[: 3 + (i % 5)]]
    props: dict[str, Any] = {
        f"item_id{'' if k == 0 else '_' + str(k)}": {"type": "string", "maxLength": 64},
        "price": {"type": "number", "minimum": 0},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 1000},
        "category": {"type": "string", "enum": enum_vals},
        "in_stock": {"type": "boolean"},
        "plan": {"$ref": "#/definitions/plan"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 32}, "maxItems": 10},
        "shipping": {
            "type": "object",
            "properties": {
                "country": _COUNTRY,
                "express": {"type": "boolean"},
                "eta_days": {"type": "integer", "minimum": 0},
            },
            "required": ["country"],
        },
    }
    if k == 1:  # swap one property for a timestamp
        del props["in_stock"]
        props["viewed_at"] = {"type": "timestamp"}
    elif k == 2:  # a nullable number and a format
        del props["quantity"]
        props["discount"] = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
    elif k == 3:
        del props["tags"]
        props["referrer"] = {"type": "string", "format": "uri"}
    first = next(iter(props))
    return props, [first, "price"]


def event_name(i: int) -> str:
    return f"event_{i:05d}_viewed"


def taxonomy_dict(n_events: int) -> dict[str, Any]:
    events: dict[str, Any] = {}
    for i in range(n_events):
        props, required = _event_props(i)
        events[event_name(i)] = {
            "description": f"Synthetic benchmark event number {i}.",
            "properties": props,
            "required": required,
        }
    return {
        "version": 1,
        "name": "bench",
        "description": f"Synthetic benchmark taxonomy with {n_events} events",
        "customerio": {"region": "us"},
        "definitions": {
            "plan": {"type": "string", "enum": ["free", "starter", "pro", "enterprise"]}
        },
        "attributes": {
            "properties": {
                "email": {"type": "string", "format": "email"},
                "created_at": {"type": "timestamp"},
                "plan": {"$ref": "#/definitions/plan"},
            },
            "required": ["email"],
        },
        "events": events,
    }


def _to_jsonschema(p: dict[str, Any]) -> dict[str, Any]:
    """A taxonomy property schema as plain JSON Schema (timestamp -> date-time string)."""
    out: dict[str, Any] = {}
    for key, v in p.items():
        if key == "type":
            types = v if isinstance(v, list) else [v]
            mapped = [("string" if t == "timestamp" else t) for t in types]
            out["type"] = mapped if isinstance(v, list) else mapped[0]
            if "timestamp" in types:
                out["format"] = "date-time"
        elif key == "items":
            out["items"] = _to_jsonschema(v)
        elif key == "properties":
            out["properties"] = {k: _to_jsonschema(s) for k, s in v.items()}
        else:
            out[key] = v
    return out


def _pascal(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in name.split("_"))


def jsonschema_dict(tax: dict[str, Any]) -> dict[str, Any]:
    """The taxonomy's events as one JSON Schema document (one definition per event)."""
    defs: dict[str, Any] = {name: _to_jsonschema(s) for name, s in tax["definitions"].items()}
    for name, ev in tax["events"].items():
        defs[_pascal(name)] = {
            "type": "object",
            "description": ev["description"],
            "properties": {k: _to_jsonschema(s) for k, s in ev["properties"].items()},
            "required": ev.get("required", []),
            "additionalProperties": False,
        }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Bench",
        "type": "object",
        "definitions": defs,
    }


def _yaml_dump(obj: Any) -> str:
    """Flow-style-ish YAML without PyYAML (the children of peers' venvs lack it).

    JSON is valid YAML 1.2 flow syntax, but ciogen's loader may report line
    numbers per key, so each event goes on its own lines in block style.
    """
    lines: list[str] = []

    def scalar(v: Any) -> str:
        return json.dumps(v)

    def emit(o: Any, indent: int) -> None:
        pad = "  " * indent
        for k, v in o.items():
            key = json.dumps(k) if (k.startswith("$") or not k.replace("_", "").isalnum()) else k
            if isinstance(v, dict) and v and indent < 3:
                lines.append(f"{pad}{key}:")
                emit(v, indent + 1)
            elif isinstance(v, (dict, list)):
                lines.append(f"{pad}{key}: {json.dumps(v)}")
            else:
                lines.append(f"{pad}{key}: {scalar(v)}")

    emit(obj, 0)
    return "\n".join(lines) + "\n"


def write_inputs(n_events: int, workdir: str) -> tuple[str, str]:
    """Write ``taxonomy_N.yaml`` and ``schema_N.json``; returns their paths."""
    tax = taxonomy_dict(n_events)
    tpath = os.path.join(workdir, f"taxonomy_{n_events}.yaml")
    spath = os.path.join(workdir, f"schema_{n_events}.json")
    with open(tpath, "w") as f:
        f.write(f"# Synthetic ciogen benchmark taxonomy: {n_events} events.\n")
        f.write(_yaml_dump(tax))
    with open(spath, "w") as f:
        json.dump(jsonschema_dict(tax), f, indent=1)
    return tpath, spath
