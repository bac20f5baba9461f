"""The catalogue of `ciogen diff` rules: stable IDs, a category, one sentence of purpose.

Customer.io campaigns trigger on event names, segments filter on attribute names
and values, and Liquid templates read `{{event.x}}` and `{{customer.y}}`; a
plan change that breaks one of them fails silently in the workspace. Every
change the diff finds is classified by exactly one rule here, so a team can
enforce categories and ignore single rules by ID (like `buf breaking`). IDs
are part of the public interface: never rename one, only add. The catalogue
is documented in docs/evolution.md (tests/diff/test_catalogue.py keeps the two
in step).
"""

from __future__ import annotations

import dataclasses
from typing import Literal

Category = Literal["workspace", "code", "deprecation", "safe"]
CATEGORIES: tuple[Category, ...] = ("workspace", "code", "deprecation", "safe")
DEFAULT_FAIL: tuple[Category, ...] = ("workspace", "code")
"""Categories that make `ciogen diff` exit 1 unless configured otherwise."""


@dataclasses.dataclass(frozen=True)
class Rule:
    id: str
    category: Category
    purpose: str


_RULES = (
    # -- workspace: what a Customer.io workspace would notice -----------------
    Rule("EVENT_REMOVED", "workspace", "Campaigns triggered by the event's name never fire again."),
    Rule(
        "EVENT_RENAMED",
        "workspace",
        "Campaigns and segments that match the old event name stop matching.",
    ),
    Rule(
        "PROPERTY_REMOVED",
        "workspace",
        "Templates reading {{event.x}} render blanks and campaign filters on it stop matching.",
    ),
    Rule(
        "PROPERTY_RENAMED",
        "workspace",
        "Templates and filters that read the old property name see nothing.",
    ),
    Rule(
        "ATTRIBUTE_REMOVED",
        "workspace",
        "Segments filtering on the attribute and templates reading {{customer.x}} go stale.",
    ),
    Rule(
        "ATTRIBUTE_RENAMED",
        "workspace",
        "Segments and templates that read the old attribute name see only old profiles.",
    ),
    Rule(
        "ENUM_VALUE_REMOVED",
        "workspace",
        "Segment conditions and Liquid branches on the removed value stop matching new data.",
    ),
    Rule(
        "TYPE_CHANGED",
        "workspace",
        "Stored data keeps the old type, so segment operators and Liquid comparisons break.",
    ),
    Rule(
        "TIMESTAMP_TO_NUMBER",
        "workspace",
        "A timestamp became a plain number: date conditions ('in the last 7 days') stop working.",
    ),
    Rule(
        "NUMBER_TO_TIMESTAMP",
        "workspace",
        "A number became a timestamp: numeric conditions now compare Unix seconds.",
    ),
    Rule(
        "ENUM_NARROWED_FROM_STRING",
        "workspace",
        "A free string became an enum: values sent before may now be rejected.",
    ),
    Rule("NUMBER_BECAME_INTEGER", "workspace", "Fractional values sent before are now rejected."),
    Rule(
        "MIN_LENGTH_RAISED", "workspace", "Strings as short as those sent before are now rejected."
    ),
    Rule(
        "MAX_LENGTH_LOWERED", "workspace", "Strings as long as those sent before are now rejected."
    ),
    Rule(
        "PATTERN_CHANGED", "workspace", "A new or different pattern may reject values sent before."
    ),
    Rule(
        "FORMAT_CHANGED",
        "workspace",
        "A new or different string format may reject values sent before.",
    ),
    Rule("MINIMUM_RAISED", "workspace", "Numbers as low as those sent before are now rejected."),
    Rule("MAXIMUM_LOWERED", "workspace", "Numbers as high as those sent before are now rejected."),
    Rule("MIN_ITEMS_RAISED", "workspace", "Arrays as short as those sent before are now rejected."),
    Rule("MAX_ITEMS_LOWERED", "workspace", "Arrays as long as those sent before are now rejected."),
    Rule(
        "UNIQUE_ITEMS_ADDED",
        "workspace",
        "Arrays with repeated items, accepted before, are now rejected.",
    ),
    Rule(
        "NULL_NO_LONGER_ALLOWED",
        "workspace",
        "null, accepted before, is now rejected (and callers passing None break).",
    ),
    Rule(
        "MESSAGE_ID_CHANGED",
        "workspace",
        "The send method now sends another transactional template, or fails if none has the id.",
    ),
    Rule(
        "MESSAGE_CHANNEL_CHANGED",
        "workspace",
        "Sends go to another channel's route, which the template's own channel must match.",
    ),
    Rule(
        "BROADCAST_ID_CHANGED",
        "workspace",
        "The trigger method now starts another broadcast, with its own audience and content.",
    ),
    Rule(
        "DATA_FIELD_REMOVED",
        "workspace",
        "A template reading {{trigger.x}} of a message or broadcast renders a blank.",
    ),
    Rule(
        "DATA_FIELD_RENAMED",
        "workspace",
        "A template still reading the old {{trigger.x}} key renders a blank until it is edited.",
    ),
    Rule(
        "REGION_CHANGED",
        "workspace",
        "Data now goes to a workspace in another region, away from existing campaigns.",
    ),
    # -- code: what callers of the generated client would notice ---------------
    Rule(
        "REQUIRED_PROPERTY_ADDED",
        "code",
        "Every call of the event's method must now pass a new keyword argument.",
    ),
    Rule(
        "PROPERTY_BECAME_REQUIRED",
        "code",
        "Calls that omit the property now fail to type-check and raise.",
    ),
    Rule(
        "REQUIRED_ATTRIBUTE_ADDED",
        "code",
        "Every identify() call must now pass a new keyword argument.",
    ),
    Rule(
        "ATTRIBUTE_BECAME_REQUIRED",
        "code",
        "identify() calls that omit the attribute now fail to type-check and raise.",
    ),
    Rule(
        "METHOD_RENAMED",
        "code",
        "Callers of the event's client method must switch to the new name.",
    ),
    Rule(
        "EVENT_CLASS_RENAMED",
        "code",
        "Code importing the event's model class must switch to the new name.",
    ),
    Rule(
        "ARGUMENT_RENAMED",
        "code",
        "Callers passing the property by its old keyword argument break.",
    ),
    Rule(
        "CLASS_RENAMED",
        "code",
        "Code importing a nested object's class must switch to the new name.",
    ),
    Rule(
        "ENUM_ALIAS_RENAMED",
        "code",
        "Code importing the enum's Literal alias must switch to the new name.",
    ),
    Rule(
        "ANONYMOUS_REMOVED",
        "code",
        "The event's *_anonymous method is gone, so anonymous callers break.",
    ),
    Rule(
        "ATTRIBUTE_NO_LONGER_CLEARABLE",
        "code",
        "Calls passing CLEAR for the attribute now fail to type-check and raise.",
    ),
    Rule(
        "DEFAULT_CHANGED",
        "code",
        "Callers that omit the property now send a different value (or none).",
    ),
    Rule(
        "MESSAGE_REMOVED",
        "code",
        "The message's send method is gone, so its callers break.",
    ),
    Rule(
        "MESSAGE_RENAMED",
        "code",
        "Same template id, new name: callers of the send method and its data class break.",
    ),
    Rule(
        "BROADCAST_REMOVED",
        "code",
        "The broadcast's trigger method is gone, so its callers break.",
    ),
    Rule(
        "BROADCAST_RENAMED",
        "code",
        "Same campaign id, new name: callers of the trigger method and its data class break.",
    ),
    Rule(
        "REQUIRED_DATA_FIELD_ADDED",
        "code",
        "Every call of the message's or broadcast's method must now pass a new keyword argument.",
    ),
    Rule(
        "DATA_FIELD_BECAME_REQUIRED",
        "code",
        "Send or trigger calls that omit the data key now fail to type-check and raise.",
    ),
    # -- deprecation: the planned life cycle -----------------------------------
    Rule(
        "EVENT_DEPRECATED",
        "deprecation",
        "The event is now deprecated: migrate campaigns before it is removed.",
    ),
    Rule(
        "PROPERTY_DEPRECATED",
        "deprecation",
        "The property is now deprecated: migrate templates and filters before removal.",
    ),
    Rule(
        "ATTRIBUTE_DEPRECATED",
        "deprecation",
        "The attribute is now deprecated: migrate segments and templates before removal.",
    ),
    Rule(
        "EVENT_DEPRECATION_ENDED",
        "deprecation",
        "An event deprecated in the base revision is removed, as planned.",
    ),
    Rule(
        "PROPERTY_DEPRECATION_ENDED",
        "deprecation",
        "A property deprecated in the base revision is removed, as planned.",
    ),
    Rule(
        "ATTRIBUTE_DEPRECATION_ENDED",
        "deprecation",
        "An attribute deprecated in the base revision is removed, as planned.",
    ),
    Rule(
        "MESSAGE_DEPRECATED",
        "deprecation",
        "The message is now deprecated: move callers to its successor before it is removed.",
    ),
    Rule(
        "BROADCAST_DEPRECATED",
        "deprecation",
        "The broadcast trigger is now deprecated: move callers before it is removed.",
    ),
    Rule(
        "DATA_FIELD_DEPRECATED",
        "deprecation",
        "The data key is now deprecated: stop reading it in templates before removal.",
    ),
    Rule(
        "MESSAGE_DEPRECATION_ENDED",
        "deprecation",
        "A message deprecated in the base revision is removed, as planned.",
    ),
    Rule(
        "BROADCAST_DEPRECATION_ENDED",
        "deprecation",
        "A broadcast deprecated in the base revision is removed, as planned.",
    ),
    Rule(
        "DATA_FIELD_DEPRECATION_ENDED",
        "deprecation",
        "A data key deprecated in the base revision is removed, as planned.",
    ),
    # -- safe ------------------------------------------------------------------
    Rule("EVENT_ADDED", "safe", "A new event: nothing existing changes."),
    Rule("OPTIONAL_PROPERTY_ADDED", "safe", "A new optional property: existing calls still work."),
    Rule(
        "OPTIONAL_ATTRIBUTE_ADDED", "safe", "A new optional attribute: existing calls still work."
    ),
    Rule("MESSAGE_ADDED", "safe", "A new transactional message: nothing existing changes."),
    Rule("BROADCAST_ADDED", "safe", "A new broadcast trigger: nothing existing changes."),
    Rule(
        "OPTIONAL_DATA_FIELD_ADDED",
        "safe",
        "A new optional message or broadcast data key: existing calls still work.",
    ),
    Rule("ENUM_VALUE_ADDED", "safe", "A new enum value: everything sent before stays valid."),
    Rule("PROPERTY_BECAME_OPTIONAL", "safe", "A required property became optional."),
    Rule("LIMIT_WIDENED", "safe", "A bound, length, pattern or format was relaxed."),
    Rule(
        "TYPE_WIDENED",
        "safe",
        "A type accepts more than before (enum to string, integer to number).",
    ),
    Rule("NULL_ALLOWED", "safe", "null is now accepted as well."),
    Rule(
        "ATTRIBUTE_BECAME_CLEARABLE",
        "safe",
        "update_person() may now remove the attribute (CLEAR, sent as null).",
    ),
    Rule("ANONYMOUS_ADDED", "safe", "The event may now also be sent for anonymous visitors."),
    Rule(
        "DEPRECATION_WITHDRAWN", "safe", "Something deprecated in the base revision no longer is."
    ),
    Rule("DOCS_CHANGED", "safe", "A description or examples changed: documentation only."),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}
