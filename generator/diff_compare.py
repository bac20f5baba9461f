"""Compare two revisions of a taxonomy on the typed model, never on text or generated code.

Events, person attributes and properties are matched by wire name, or through
`renamed_from:` when the head revision names a base name that is gone; anything
unmatched is a removal or an addition. Each difference becomes a `Change`
classified by a rule of `diff_rules`, located in both revisions through the
`Source` positions (following `$ref`s, so a change inside a definition points
at the definition's line).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, assert_never, cast

from .diff_messages import compare_app
from .diff_model import Change
from .diff_revision import Revision, pair_by_name
from .diff_types import (
    enum_key,
    lower,
    object_classes,
    show_bound,
    tighter,
    type_kind,
    upper,
)
from .model import (
    ArrayType,
    BooleanType,
    EnumType,
    Event,
    Field,
    MapType,
    NumericType,
    ObjectType,
    StringType,
    TimestampType,
    TypeNode,
    UnionType,
    type_name,
)
from .source import JsonPath

_CROSS_KIND: dict[tuple[str, str], tuple[str, str]] = {
    ("string", "enum"): ("ENUM_NARROWED_FROM_STRING", "string narrowed to an enum"),
    ("enum", "string"): ("TYPE_WIDENED", "enum widened to string"),
    ("timestamp", "numeric"): ("TIMESTAMP_TO_NUMBER", "timestamp is now a number"),
    ("numeric", "timestamp"): ("NUMBER_TO_TIMESTAMP", "number is now a timestamp"),
}
"""Changes of kind with a rule of their own; any other is TYPE_CHANGED."""

_Kind = str  # "event" | "attribute" | "data" | "object": which family of rule IDs a field uses
_NOUNS = {"attribute": "ATTRIBUTE", "data": "DATA_FIELD"}
"""The rule family of a field's own rules by kind; any other kind uses PROPERTY_*."""


class Comparer:
    """Collects the changes between `base` (None: the file did not exist) and `head`."""

    def __init__(self, base: Revision | None, head: Revision) -> None:
        self.base = base
        self.head = head
        self.changes: list[Change] = []
        self._base_objects = base.objects if base else {}
        self._head_objects = head.objects
        self._visited: set[tuple[str, str, str]] = set()
        self._changed_classes = {
            name
            for name in self._base_objects.keys() | self._head_objects.keys()
            if self._base_objects.get(name) != self._head_objects.get(name)
        }
        self._reaches_changed: dict[str, bool] = {}

    def unchanged(self, base: Any, head: Any) -> bool:
        """`base` and `head` (events, messages, broadcasts) have nothing to report.

        Frozen dataclasses compare deeply, but an object property holds only its
        class name: equal entries are skipped when no object class they reach
        changed either. That skips most of a big plan's events.
        """
        if base != head:
            return False
        return not any(
            self._reaches(name) for f in head.model.fields for name in object_classes(f.type)
        )

    def _reaches(self, name: str) -> bool:
        """The object class `name`, or one it uses, differs between the revisions."""
        if name not in self._reaches_changed:
            self._reaches_changed[name] = False  # a recursive class: no change found so far
            found = name in self._changed_classes or any(
                self._reaches(inner)
                for f in self._head_objects[name].fields
                for inner in object_classes(f.type)
            )
            self._reaches_changed[name] = found
        return self._reaches_changed[name]

    def add(
        self,
        rule_id: str,
        subject: str,
        message: str,
        base: tuple[JsonPath, str] | None,
        head: tuple[JsonPath, str] | None,
    ) -> None:
        base_loc = self.base.locate(*base) if base is not None and self.base else None
        head_loc = self.head.locate(*head) if head is not None else None
        self.changes.append(Change(rule_id, subject, message, base_loc, head_loc))

    # -- the document ------------------------------------------------------
    def run(self) -> list[Change]:
        head = self.head.taxonomy
        base_events: dict[str, Event] = {}
        base_attributes: Sequence[Field] = ()
        if self.base is not None:
            base = self.base.taxonomy
            base_events = {e.wire_name: e for e in base.events}
            base_attributes = base.attributes.fields
            if base.region != head.region:
                where: JsonPath = ("customerio", "region")
                self.add(
                    "REGION_CHANGED",
                    "customerio.region",
                    f"region changed from {base.region} to {head.region}",
                    (where, ""),
                    (where, ""),
                )
        self.events(base_events, {e.wire_name: e for e in head.events})
        base_app = self.base.taxonomy if self.base is not None else None
        compare_app(self, "messages", base_app.messages if base_app else (), head.messages)
        compare_app(self, "broadcasts", base_app.broadcasts if base_app else (), head.broadcasts)
        if self.base is None:
            return self.changes  # a new plan: all of it is new, and nothing calls it yet
        self.fields(
            "attribute",
            "attributes",
            base_attributes,
            head.attributes.fields,
            ("attributes",),
            ("attributes",),
        )
        return self.changes

    def events(self, base: dict[str, Event], head: dict[str, Event]) -> None:
        pairs, removed, added = pair_by_name(
            base, head, {name: e.renamed_from for name, e in head.items()}
        )
        for name in removed:
            event, path = base[name], ("events", name)
            if event.deprecated is not None:
                self.add(
                    "EVENT_DEPRECATION_ENDED",
                    f"event {name}",
                    f"event {name!r} removed after its deprecation",
                    (path, ""),
                    None,
                )
            else:
                self.add(
                    "EVENT_REMOVED",
                    f"event {name}",
                    f"event {name!r} removed without being deprecated first",
                    (path, ""),
                    None,
                )
        for name in added:
            self.add(
                "EVENT_ADDED",
                f"event {name}",
                f"event {name!r} added",
                None,
                (("events", name), ""),
            )
        for old, new in pairs:
            self.event(base[old], head[new])

    def event(self, b: Event, h: Event) -> None:
        if self.unchanged(b, h):
            return
        bpath: JsonPath = ("events", b.wire_name)
        hpath: JsonPath = ("events", h.wire_name)
        subject = f"event {h.wire_name}"
        both = ((bpath, ""), (hpath, ""))
        if b.wire_name != h.wire_name:
            self.add(
                "EVENT_RENAMED", subject, f"event {b.wire_name!r} renamed to {h.wire_name!r}", *both
            )
        if b.method_name != h.method_name:
            self.add(
                "METHOD_RENAMED",
                subject,
                f"client.{b.method_name}() is now client.{h.method_name}()",
                *both,
            )
        if b.model.class_name != h.model.class_name:
            self.add(
                "EVENT_CLASS_RENAMED",
                subject,
                f"class {b.model.class_name} is now {h.model.class_name}",
                *both,
            )
        self.deprecation("EVENT_DEPRECATED", subject, b.deprecated, h.deprecated, both)
        if b.anonymous and not h.anonymous:
            self.add(
                "ANONYMOUS_REMOVED", subject, f"client.{b.anonymous_method_name}() removed", *both
            )
        elif h.anonymous and not b.anonymous:
            self.add("ANONYMOUS_ADDED", subject, f"client.{h.anonymous_method_name}() added", *both)
        if b.description != h.description:
            self.add("DOCS_CHANGED", subject, "description changed", *both)
        self.fields("event", h.wire_name, b.model.fields, h.model.fields, bpath, hpath)

    def deprecation(
        self,
        rule_id: str,
        subject: str,
        base: str | None,
        head: str | None,
        where: tuple[tuple[JsonPath, str], tuple[JsonPath, str]],
    ) -> None:
        if base is None and head is not None:
            self.add(rule_id, subject, f"deprecated: {head}", *where)
        elif base is not None and head is None:
            self.add("DEPRECATION_WITHDRAWN", subject, "no longer deprecated", *where)

    # -- fields ------------------------------------------------------------
    def fields(
        self,
        kind: _Kind,
        owner: str,
        base: Sequence[Field],
        head: Sequence[Field],
        bpath: JsonPath,
        hpath: JsonPath,
    ) -> None:
        bmap = {f.wire_name: f for f in base}
        hmap = {f.wire_name: f for f in head}
        pairs, removed, added = pair_by_name(
            bmap, hmap, {name: f.renamed_from for name, f in hmap.items()}
        )
        noun = _NOUNS.get(kind, "PROPERTY")
        for name in removed:
            field, path = bmap[name], (*bpath, "properties", name)
            subject = f"{owner}.{name}"
            if field.deprecated is not None:
                self.add(
                    f"{noun}_DEPRECATION_ENDED",
                    subject,
                    f"{subject} removed after its deprecation",
                    (path, ""),
                    None,
                )
            else:
                self.add(
                    f"{noun}_REMOVED",
                    subject,
                    f"{subject} removed without being deprecated first",
                    (path, ""),
                    None,
                )
        for name in added:
            field, path = hmap[name], (*hpath, "properties", name)
            subject = f"{owner}.{name}"
            if field.required:
                self.add(
                    f"REQUIRED_{noun}_ADDED",
                    subject,
                    f"new required {subject}: every call must pass {field.name}=",
                    None,
                    (path, ""),
                )
            else:
                self.add(
                    f"OPTIONAL_{noun}_ADDED", subject, f"new optional {subject}", None, (path, "")
                )
        for old, new in pairs:
            self.field(
                kind,
                owner,
                bmap[old],
                hmap[new],
                (*bpath, "properties", old),
                (*hpath, "properties", new),
            )

    def field(
        self, kind: _Kind, owner: str, b: Field, h: Field, bpath: JsonPath, hpath: JsonPath
    ) -> None:
        subject = f"{owner}.{h.wire_name}"
        noun = _NOUNS.get(kind, "PROPERTY")
        both = ((bpath, ""), (hpath, ""))
        if b.wire_name != h.wire_name:
            self.add(
                f"{noun}_RENAMED", subject, f"{owner}.{b.wire_name} renamed to {subject}", *both
            )
        if b.name != h.name:
            self.add(
                "ARGUMENT_RENAMED", subject, f"keyword argument {b.name}= is now {h.name}=", *both
            )
        if h.required and not b.required:
            self.add(
                f"{noun}_BECAME_REQUIRED",
                subject,
                f"{subject} is now required: every call must pass {h.name}=",
                *both,
            )
        elif b.required and not h.required:
            self.add("PROPERTY_BECAME_OPTIONAL", subject, f"{subject} is now optional", *both)
        if b.nullable and not h.nullable:
            self.add("NULL_NO_LONGER_ALLOWED", subject, f"{subject} no longer accepts null", *both)
        elif h.nullable and not b.nullable:
            self.add("NULL_ALLOWED", subject, f"{subject} now accepts null", *both)
        if b.clearable and not h.clearable:
            message = f"{subject} is no longer clearable: {h.name}=CLEAR no longer works"
            self.add("ATTRIBUTE_NO_LONGER_CLEARABLE", subject, message, *both)
        elif h.clearable and not b.clearable:
            message = f"{subject} is now clearable: {h.name}=CLEAR removes it"
            self.add("ATTRIBUTE_BECAME_CLEARABLE", subject, message, *both)
        self.deprecation(f"{noun}_DEPRECATED", subject, b.deprecated, h.deprecated, both)
        if not h.required and (b.has_default, b.default) != (h.has_default, h.default):
            self.add(
                "DEFAULT_CHANGED",
                subject,
                f"omitting {h.name}= now sends {_default(h)} (was {_default(b)})",
                (bpath, "default"),
                (hpath, "default"),
            )
        if b.description != h.description or b.examples != h.examples:
            self.add("DOCS_CHANGED", subject, "description or examples changed", *both)
        self.types(b.type, h.type, subject, bpath, hpath)

    # -- types -------------------------------------------------------------
    def types(
        self, b: TypeNode, h: TypeNode, subject: str, bpath: JsonPath, hpath: JsonPath
    ) -> None:
        def add(rule_id: str, message: str, keyword: str = "") -> None:
            self.add(rule_id, subject, message, (bpath, keyword), (hpath, keyword))

        kinds = (type_kind(b), type_kind(h))
        if kinds[0] != kinds[1]:
            rule, message = _CROSS_KIND.get(kinds, ("TYPE_CHANGED", "type changed"))
            keyword = "enum" if rule == "ENUM_NARROWED_FROM_STRING" else "type"
            add(rule, f"{message}: {type_name(b)} -> {type_name(h)}", keyword)
            return
        # Same kind on both sides (checked above), so `h` has the class `b` has.
        match b:
            case EnumType():
                self.enums(b, cast(EnumType, h), subject, bpath, hpath)
            case StringType():
                self.strings(b, cast(StringType, h), add)
            case NumericType():
                self.numbers(b, cast(NumericType, h), add)
            case ArrayType():
                self.arrays(b, cast(ArrayType, h), subject, bpath, hpath, add)
            case ObjectType():
                self.objects(b, cast(ObjectType, h), subject, bpath, hpath, add)
            case MapType():
                h_map = cast(MapType, h)
                if type_name(b.values) != type_name(h_map.values):
                    add("TYPE_CHANGED", f"type changed: {type_name(b)} -> {type_name(h)}", "type")
            case UnionType():
                if type_name(b) != type_name(h):
                    add("TYPE_CHANGED", f"type changed: {type_name(b)} -> {type_name(h)}", "type")
            case BooleanType() | TimestampType():
                pass
            case _:
                assert_never(b)

    def objects(
        self,
        b: ObjectType,
        h: ObjectType,
        subject: str,
        bpath: JsonPath,
        hpath: JsonPath,
        add: Any,
    ) -> None:
        if b.class_name != h.class_name:
            add("CLASS_RENAMED", f"class {b.class_name} is now {h.class_name}")
        key = (subject, b.class_name, h.class_name)
        if key in self._visited:  # a recursive definition: compared once
            return
        self._visited.add(key)
        self.fields(
            "object",
            subject,
            self._base_objects[b.class_name].fields,
            self._head_objects[h.class_name].fields,
            self.base.resolve(bpath) if self.base else bpath,
            self.head.resolve(hpath),
        )

    def enums(
        self, b: EnumType, h: EnumType, subject: str, bpath: JsonPath, hpath: JsonPath
    ) -> None:
        def add(rule_id: str, message: str) -> None:
            self.add(rule_id, subject, message, (bpath, "enum"), (hpath, "enum"))

        if b.base != h.base:
            add("TYPE_CHANGED", f"enum of {b.base} is now an enum of {h.base}")
            return
        head_keys = {enum_key(v) for v in h.values}
        base_keys = {enum_key(v) for v in b.values}
        gone = [v for v in b.values if enum_key(v) not in head_keys]
        new = [v for v in h.values if enum_key(v) not in base_keys]
        if gone:
            add("ENUM_VALUE_REMOVED", f"enum value(s) removed: {', '.join(map(repr, gone))}")
        if new:
            add("ENUM_VALUE_ADDED", f"enum value(s) added: {', '.join(map(repr, new))}")
        if b.alias != h.alias:
            add("ENUM_ALIAS_RENAMED", f"Literal alias {b.alias} is now {h.alias}")

    def strings(self, b: StringType, h: StringType, add: Any) -> None:
        for keyword, attr, rule in (
            ("minLength", "min_length", "MIN_LENGTH_RAISED"),
            ("maxLength", "max_length", "MAX_LENGTH_LOWERED"),
        ):
            old, new = getattr(b, attr), getattr(h, attr)
            direction = tighter(old, new, higher_is_tighter=attr == "min_length")
            if direction:
                text = f"{keyword} {old if old is not None else 'none'} -> {new if new is not None else 'none'}"
                add(rule if direction > 0 else "LIMIT_WIDENED", text, keyword)
        for keyword, rule in (("pattern", "PATTERN_CHANGED"), ("format", "FORMAT_CHANGED")):
            old, new = getattr(b, keyword), getattr(h, keyword)
            if old != new:
                text = f"{keyword} {old!r} -> {new!r}"
                add(rule if new is not None else "LIMIT_WIDENED", text, keyword)

    def numbers(self, b: NumericType, h: NumericType, add: Any) -> None:
        if h.integer and not b.integer:
            add("NUMBER_BECAME_INTEGER", "number narrowed to integer", "type")
        elif b.integer and not h.integer:
            add("TYPE_WIDENED", "integer widened to number", "type")
        for name, bound, rule, keyword in (
            ("lower", lower, "MINIMUM_RAISED", "minimum"),
            ("upper", upper, "MAXIMUM_LOWERED", "maximum"),
        ):
            old, new = bound(b), bound(h)
            direction = tighter(old, new)
            if direction:
                text = f"{name} bound {show_bound(old, name)} -> {show_bound(new, name)}"
                add(rule if direction > 0 else "LIMIT_WIDENED", text, keyword)

    def arrays(
        self,
        b: ArrayType,
        h: ArrayType,
        subject: str,
        bpath: JsonPath,
        hpath: JsonPath,
        add: Any,
    ) -> None:
        for keyword, attr, rule in (
            ("minItems", "min_items", "MIN_ITEMS_RAISED"),
            ("maxItems", "max_items", "MAX_ITEMS_LOWERED"),
        ):
            old, new = getattr(b, attr), getattr(h, attr)
            direction = tighter(old, new, higher_is_tighter=attr == "min_items")
            if direction:
                add(
                    rule if direction > 0 else "LIMIT_WIDENED", f"{keyword} {old} -> {new}", keyword
                )
        if h.unique_items and not b.unique_items:
            add("UNIQUE_ITEMS_ADDED", "items must now be unique", "uniqueItems")
        elif b.unique_items and not h.unique_items:
            add("LIMIT_WIDENED", "items need no longer be unique", "uniqueItems")
        base_items = (*self.base.resolve(bpath), "items") if self.base else bpath
        self.types(
            b.items, h.items, subject + "[]", base_items, (*self.head.resolve(hpath), "items")
        )


def _default(field: Field) -> str:
    return repr(field.default) if field.has_default else "nothing"


def compare(base: Revision | None, head: Revision) -> list[Change]:
    """Every change from `base` to `head` (base None: the file is new)."""
    return Comparer(base, head).run()
