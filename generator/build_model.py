"""From a loaded, meta-schema-valid taxonomy to the typed model, with semantic checks.

The meta-schema catches shape errors (unknown keys, wrong JSON types). What it
cannot express is checked while the model is built, so that every check sees
resolved `$ref`s and final Python names. This module owns the document level:
the events (method and class names), the person attributes and the
definitions. Types come from `build_types`, Customer.io's limits and reserved
names from `cio_rules`, name collisions are reported through
`Reporter.claim`. Problems are collected, never raised one by one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from . import cio_rules
from .build_messages import MessageBuilder
from .build_types import TypeBuilder, deprecation
from .errors import Problem
from .model import NO_DEFAULT, Event, Field, ObjectModel, Taxonomy
from .names import NameRegistry, pascal_case, snake_case
from .rename_checks import check_renames, refuse_renamed_from
from .reporting import Reporter
from .runtime_facts import MODULE_RESERVED, client_reserved
from .source import JsonPath, Source


def _non_finite_numbers(value: Any, path: JsonPath) -> list[JsonPath]:
    """Paths of YAML's `.inf` and `.nan` anywhere in the document: JSON cannot carry them."""
    if isinstance(value, float) and not math.isfinite(value):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _non_finite_numbers(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _non_finite_numbers(v, (*path, i))]
    return []


def _where(props: Mapping[str, tuple[Any, JsonPath]]) -> dict[str, JsonPath]:
    """Each property's wire name and where it is written."""
    return {wire: where for wire, (_, where) in props.items()}


def _note_timestamp_option(
    report: Reporter,
    fields: tuple[Field, ...],
    props: Mapping[str, tuple[Any, JsonPath]],
    method: str,
) -> None:
    """A field named `timestamp` keeps its name; the client method's own option gives way."""
    for field in fields:
        if field.name == "timestamp":
            report.warn(
                props[field.wire_name][1],
                f"property {field.wire_name!r} is `timestamp=` of {method}; the method's own"
                " timestamp option is `timestamp_=` there",
                "the property keeps its name; pass the time of the call as timestamp_=",
            )


class ModelBuilder:
    """Builds the model for one taxonomy; `problems` holds everything found wrong."""

    def __init__(self, source: Source) -> None:
        self.src = source
        self.doc: dict[str, Any] = source.data
        self.report = Reporter(source)
        self.module_names = NameRegistry()
        for ident, what in MODULE_RESERVED.items():
            self.module_names.claim(ident, what)
        self.types = TypeBuilder(self.report, self.doc.get("definitions") or {}, self.module_names)

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems

    # -- the whole document --------------------------------------------------
    def build(self) -> Taxonomy | None:
        # The walk costs 0.05 s on a 1,000-event plan; the loader says when it can find nothing.
        for path in _non_finite_numbers(self.doc, ()) if self.src.non_finite else ():
            self.report.error(path, "not a finite number", "JSON has no infinity or NaN")
        attributes, attributes_update = self.build_attributes()
        events = self.build_events()
        messages, broadcasts = MessageBuilder(self.report, self.types).build(self.doc)
        used = set(self.types.used_definitions)
        for name in sorted(self.types.definitions):
            refuse_renamed_from(
                self.report, self.types.definitions[name], ("definitions", name), "a definition"
            )
            if name in used:
                continue
            self.report.warn(
                ("definitions", name),
                f"definition {name!r} is not used: no $ref or allOf names it, so nothing is"
                " generated for it",
                "remove it, or use it (it is still checked)",
                key=True,
            )
            # Unused definitions are still checked, so mistakes surface early.
            self.types.check_unused(name)
        if self.report.has_errors:
            return None
        customerio = self.doc.get("customerio") or {}
        return Taxonomy(
            name=self.doc["name"],
            description=self.doc.get("description", ""),
            source_name=self.src.file.replace("\\", "/").rsplit("/", 1)[-1],
            region=customerio.get("region", "us"),
            events=tuple(events),
            attributes=attributes,
            attributes_update=attributes_update,
            objects=tuple(self.types.objects.values()),
            enums=tuple(self.types.enums.values()),
            messages=messages,
            broadcasts=broadcasts,
        )

    def build_attributes(self) -> tuple[ObjectModel, ObjectModel]:
        section = self.doc.get("attributes") or {}
        path: JsonPath = ("attributes",)
        merged = self.types.property_set(section, path)
        cio_rules.check_attribute_names(self.report, _where(merged.props), path)
        self.types.claim_module_name("PersonAttributes", "the person attributes class", path)
        self.types.claim_module_name(
            "PersonAttributesUpdate", "the partial person attributes class", path
        )
        fields = self.types.build_fields(
            section, path, owner_class="PersonAttributes", label="attributes", attributes=True
        )
        _note_timestamp_option(
            self.report, fields, self.types.property_set(section, path).props, "identify()"
        )
        description = section.get("description") or "Person attributes sent by `identify`."
        full = ObjectModel("PersonAttributes", "attributes", "attributes", description, fields)
        update_fields = tuple(
            Field(
                f.name,
                f.wire_name,
                f.type,
                False,
                f.nullable,
                f.label,
                f.description,
                NO_DEFAULT,
                f.deprecated,
                f.examples,
                f.renamed_from,
                f.clearable,
            )
            for f in fields
        )
        update = ObjectModel(
            "PersonAttributesUpdate",
            "attributes",
            "attributes_update",
            "A partial update of person attributes: only the fields you pass are sent.",
            update_fields,
        )
        return full, update

    def build_events(self) -> list[Event]:
        events: list[Event] = []
        methods = NameRegistry()
        reserved = client_reserved()
        for ident in sorted(reserved):
            methods.claim(ident, f"the client's own {ident!r}")
        check_renames(self.report, self.doc.get("events") or {}, ("events",), "event")
        # Names are claimed in file order, so a collision is reported at the
        # later of the two; the output is sorted by name regardless.
        for wire in self.doc.get("events") or {}:
            spec = self.doc["events"][wire]
            path: JsonPath = ("events", wire)
            cio_rules.check_event_name(self.report, wire, path)
            method = snake_case(wire, prefix="event")
            if method in reserved:
                method = f"{method}_event"
            subject = f"event {wire!r}"
            if not self.report.claim(
                methods, method, path, subject, relation="becomes the method name"
            ):
                continue
            anonymous = bool(spec.get("anonymous", False))
            anonymous_method = None
            if anonymous:
                anonymous_method = f"{method}_anonymous"
                self.report.claim(
                    methods,
                    anonymous_method,
                    path,
                    subject,
                    owner=f"the anonymous variant of {subject}",
                    relation="needs the method name",
                )
            class_name = pascal_case(wire, prefix="Event")
            self.types.claim_module_name(class_name, subject, path)
            cio_rules.check_event_keys(
                self.report, _where(self.types.property_set(spec, path).props)
            )
            fields = self.types.build_fields(spec, path, owner_class=class_name, label=wire)
            props = self.types.property_set(spec, path).props
            _note_timestamp_option(self.report, fields, props, f"{method}()")
            deprecated = deprecation(spec.get("deprecated"), f"event {wire!r} is deprecated")
            model = ObjectModel(class_name, wire, "event", spec.get("description", ""), fields)
            events.append(
                Event(
                    wire,
                    method,
                    model,
                    spec.get("description", ""),
                    deprecated,
                    anonymous,
                    anonymous_method,
                    spec.get("renamed_from"),
                )
            )
        return sorted(events, key=lambda e: e.wire_name)
