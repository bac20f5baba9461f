"""The `messages:` and `broadcasts:` sections: the App API half of the model.

A transactional template reads its data through Liquid (`{{trigger.reset_url}}`);
a missing or misspelt key does not fail there, the customer gets a blank. So each
message's `message_data` (and each broadcast's `data`) is typed exactly like an
event's properties, with the same `TypeBuilder`, and becomes a data class of
`models.py` (through `TypeBuilder.objects`, so strategies and property tests come
for free). This module adds what is particular to the App API: the template id
and channel, the method names (`send_*`, `trigger_*`), and what happens when a
data key takes the name of one of the send method's own options (`to`,
`identifiers`, `from_`, ...; the runtime's channel table lists them): the key keeps
its name and the option's parameter gives way (`to_=`), reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from .build_types import TypeBuilder, deprecation
from .call_names import option_names
from .model import Broadcast, Channel, Field, Message, ObjectModel
from .names import NameRegistry, pascal_case, snake_case
from .reporting import Reporter
from .runtime_facts import app_channels
from .source import JsonPath


class MessageBuilder:
    """Builds `Message`s and `Broadcast`s; problems go to the shared `Reporter`."""

    def __init__(self, report: Reporter, types: TypeBuilder) -> None:
        self.report = report
        self.types = types
        self.methods = NameRegistry()

    def build(self, doc: Mapping[str, Any]) -> tuple[tuple[Message, ...], tuple[Broadcast, ...]]:
        messages = [
            m
            for name, spec in (doc.get("messages") or {}).items()
            if (m := self.message(name, spec, ("messages", name))) is not None
        ]
        broadcasts = [
            b
            for name, spec in (doc.get("broadcasts") or {}).items()
            if (b := self.broadcast(name, spec, ("broadcasts", name))) is not None
        ]
        self._warn_shared_ids(
            "messages",
            [(m.name, m.message_id) for m in messages],
            "message",
            "send the same template",
        )
        self._warn_shared_ids(
            "broadcasts",
            [(b.name, b.campaign_id) for b in broadcasts],
            "broadcast",
            "trigger the same broadcast",
        )
        return (
            tuple(sorted(messages, key=lambda m: m.name)),
            tuple(sorted(broadcasts, key=lambda b: b.name)),
        )

    def _warn_shared_ids(
        self, section: str, items: list[tuple[str, int | str]], what: str, target: str
    ) -> None:
        """Two entries with one id send the same thing: usually a copy-paste slip."""
        first: dict[int | str, str] = {}
        for name, ident in items:
            if ident in first:
                self.report.warn(
                    (section, name, "id"),
                    f"{what} {name!r} has the same id as {what} {first[ident]!r} "
                    f"({self.report.where((section, first[ident]))}): both methods {target}",
                    "give each its own id, or remove one",
                )
            else:
                first[ident] = name

    def _model(
        self,
        name: str,
        spec: Mapping[str, Any],
        path: JsonPath,
        *,
        suffix: str,
        subject: str,
        method: str,
        reserved: tuple[str, ...],
    ) -> ObjectModel | None:
        class_name = pascal_case(name, prefix=suffix) + suffix
        if not self.types.claim_module_name(class_name, subject, path):
            return None
        fields = self.types.build_fields(spec, path, owner_class=class_name, label=name)
        self._move_option_names(fields, path, method, reserved)
        description = spec.get("description", "")
        model = ObjectModel(class_name, name, "object", description, fields)
        # Registered with the nested objects: models.py, the strategies and the
        # property tests then cover message data like any other class.
        self.types.objects[class_name] = model
        return model

    def _move_option_names(
        self, fields: tuple[Field, ...], path: JsonPath, method: str, reserved: tuple[str, ...]
    ) -> None:
        """A data field keeps its name; the send option of that name gives way (reported)."""
        moved = option_names(reserved, (f.name for f in fields))
        for field in fields:
            if field.name in reserved:
                option = moved[field.name]
                self.report.warn(
                    (*path, "properties", field.wire_name),
                    f"property {field.wire_name!r} is `{field.name}=` of {method}(); the "
                    f"method's own {field.name} option is `{option}=` there",
                    f"the property keeps its name; pass the option as {option}=",
                )

    def message(self, name: str, spec: Mapping[str, Any], path: JsonPath) -> Message | None:
        channel = cast(Channel, spec["channel"])
        method = snake_case(f"send_{name}", prefix="message")
        subject = f"message {name!r}"
        if not self.report.claim(
            self.methods, method, path, subject, relation="becomes the method name"
        ):
            return None
        model = self._model(
            name,
            spec,
            path,
            suffix="MessageData",
            subject=subject,
            method=method,
            reserved=app_channels().options(channel),
        )
        if model is None:
            return None
        return Message(
            name=name,
            method_name=method,
            message_id=spec["id"],
            channel=channel,
            model=model,
            description=spec.get("description", ""),
            deprecated=deprecation(spec.get("deprecated"), f"message {name!r} is deprecated"),
        )

    def broadcast(self, name: str, spec: Mapping[str, Any], path: JsonPath) -> Broadcast | None:
        method = snake_case(f"trigger_{name}", prefix="broadcast")
        subject = f"broadcast {name!r}"
        if not self.report.claim(
            self.methods, method, path, subject, relation="becomes the method name"
        ):
            return None
        model = self._model(
            name,
            spec,
            path,
            suffix="BroadcastData",
            subject=subject,
            method=method,
            reserved=app_channels().BROADCAST_OPTIONS,
        )
        if model is None:
            return None
        return Broadcast(
            name=name,
            method_name=method,
            campaign_id=spec["id"],
            model=model,
            description=spec.get("description", ""),
            deprecated=deprecation(spec.get("deprecated"), f"broadcast {name!r} is deprecated"),
        )
