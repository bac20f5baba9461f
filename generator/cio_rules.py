"""Customer.io's rules for names in a taxonomy: limits and reserved keys.

The byte limits are the runtime's own (`templates/_runtime/limits.py`, read
through `runtime_facts.limits`), so a taxonomy is rejected at compile time
exactly when every call built from it would be rejected at run time. The
reserved names are Customer.io's: attributes it owns or treats specially, and
event data keys that change how messages are addressed.
"""

from __future__ import annotations

from collections.abc import Mapping

from .reporting import Reporter
from .runtime_facts import limits
from .source import JsonPath

RESERVED_EVENT_KEYS = {
    "recipient": "overrides the To address of messages this event triggers",
    "from_address": "overrides the From address of messages this event triggers",
    "reply_to": "overrides the Reply-To address of messages this event triggers",
}
ATTRIBUTE_ERRORS = {
    "id": "the person's id is the identifier the client sends, not an attribute",
    "cio_id": "cio_id is assigned by Customer.io and cannot be set",
    "_timestamp": "_timestamp is a Customer.io control field",
    "_update": "_update is a Customer.io control field (update_person() sets it)",
}
ATTRIBUTE_WARNINGS = {
    "anonymous_id": "setting anonymous_id merges that anonymous visitor's events into the person",
}


def check_attribute_names(report: Reporter, names: Mapping[str, JsonPath], path: JsonPath) -> None:
    """The person attributes of the `attributes` section at `path` (each name where it is
    written: the section's own `properties`, or a set its `allOf` names): count, length,
    reserved names."""
    most = limits().attributes_per_call
    if len(names) > most:
        report.error(
            (*path, "properties"),
            f"{len(names)} attributes; Customer.io accepts at most {most} per identify call",
        )
    longest = limits().attribute_name_bytes
    for name, where in names.items():
        size = len(name.encode())
        if size > longest:
            report.error(
                where,
                f"attribute name is {size} bytes; Customer.io's limit is {longest}",
                key=True,
            )
        if name in ATTRIBUTE_ERRORS:
            report.error(where, f"{name!r} is reserved", ATTRIBUTE_ERRORS[name], key=True)
        elif name in ATTRIBUTE_WARNINGS:
            report.warn(
                where, f"{name!r} is a special attribute", ATTRIBUTE_WARNINGS[name], key=True
            )
        elif name.startswith("cio_"):
            report.warn(
                where,
                f"{name!r} uses Customer.io's reserved cio_ prefix",
                "only set cio_ attributes Customer.io documents",
                key=True,
            )


def check_event_name(report: Reporter, wire: str, path: JsonPath) -> None:
    """An event name's length in bytes."""
    size, longest = len(wire.encode()), limits().event_name_bytes
    if size > longest:
        report.error(
            path, f"event name is {size} bytes; Customer.io's limit is {longest}", key=True
        )


def check_event_keys(report: Reporter, properties: Mapping[str, JsonPath]) -> None:
    """Reserved keys among an event's properties (each where it is written: the event's
    own `properties`, or a set its `allOf` names)."""
    for key_name, why in RESERVED_EVENT_KEYS.items():
        if key_name in properties:
            report.warn(
                properties[key_name],
                f"{key_name!r} is a reserved event data key",
                why,
                key=True,
            )
