"""The views of models, fields and events that the model templates receive.

Views are small records whose text is already escaped for its context and whose
code comes from `pycode.py` (a house rule, docs/architecture.md): templates lay
out, they never decide. `tests/test_render_views.py` fails on a view field no
template reads.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from . import pycode, pycode_fields
from .call_names import CallNames, call_names
from .docstring_text import attribute_doc, field_text, fill, method_doc
from .escape import comment, docstring, py_string
from .layout import natural_key
from .model import EnumType, Event, Field, ObjectModel
from .shadowed_builtins import qualify, shadowed


@dataclasses.dataclass(frozen=True)
class FieldView:
    name: str
    annotation: str
    client_annotation: str
    default: str | None
    doc: str


@dataclasses.dataclass(frozen=True)
class EventView:
    wire: str
    method: str
    anonymous_method: str | None
    deprecation: str | None
    anonymous_doc: str


@dataclasses.dataclass(frozen=True)
class ModelView:
    class_name: str
    docstring: str
    label: str
    fields: list[FieldView]
    slots: str
    signature: str
    checks: list[str]
    payload: list[str]
    from_args: list[str]
    keys: str
    required_keys: str
    method_doc: str
    call: CallNames
    hidden: frozenset[str]
    """The builtins this model's fields hide: the template spells them `_b.<name>`."""
    event: EventView | None = None


def field_view(field: Field, hidden: frozenset[str] = frozenset()) -> FieldView:
    """`hidden`: the builtins the model's fields hide (its class body must not name them)."""
    return FieldView(
        name=field.name,
        annotation=qualify(pycode.field_annotation(field), hidden),
        client_annotation=pycode.field_annotation(field, "_m."),
        default=pycode.default_source(field),
        doc=attribute_doc(field, 4),
    )


# The `Args:` entries and closing sections of the methods built from a model
# (client.py): the plan's fields between the person and the timestamp.
_PERSON = ("person", "A person id (`str`) or a `Person` (id, email or cio_id).")
_ANONYMOUS = ("anonymous_id", "The visitor's anonymous id (non-empty, at most 150 bytes).")
_WHEN = ("timestamp", "When it happened (timezone-aware); defaults to now.")
_QUEUED = 'Queued, not sent before returning (`mode="sync"`: sent, `DeliveryError` on failure).'
_EVENT_TAIL = """Returns:
    The event's ULID, sent as its `id`: a retried copy is dropped as a duplicate.

Raises:
    ValidationError: a value breaks a rule of the plan (`field` and `rule` say which).
    TypeError, IdentifierError: an invalid person.
    PayloadTooLargeError, QueueFullError, ClientClosedError: as for `track`."""
_PERSON_TAIL = """Raises:
    ValidationError: a value breaks a rule of the plan (`field` and `rule` say which).
    TypeError, IdentifierError: an invalid person.
    ValueError: more attributes than Customer.io accepts, or one too long.
    QueueFullError, ClientClosedError: it cannot be queued."""
_SUMMARIES = {
    "attributes": """Create or update a person with the plan's attributes (required ones included).

An `"identify"` operation of `POST /api/v2/batch`. Customer.io merges
attributes: omitted optional attributes keep their stored values. Use
`update_person` to change a few attributes of an existing person without
resending the required ones.""",
    "attributes_update": """Change only the attributes you pass, for a person who already exists.

Every attribute is optional here; each one given is checked against the plan.
Customer.io is told (`_update: true`) not to create a new person if none
matches, so a typo in an identifier cannot create a stray profile. `None` (the
default) leaves an attribute as it is; `CLEAR` removes an attribute the plan
marks `clearable: true` (it is sent as null).""",
}


def _args(model: ObjectModel, first: tuple[str, str]) -> list[tuple[str, str]]:
    own = [(f.name, field_text(f) or f"The plan's `{f.wire_name}` property.") for f in model.fields]
    when = ("timestamp", "When the attributes changed (timezone-aware); defaults to now.")
    when = _WHEN if model.kind == "event" else when
    # The method's own parameters under the names they take next to these fields.
    call = call_names(f.name for f in model.fields)
    first = (call.anonymous_id if first is _ANONYMOUS else call.person, first[1])
    return [first, *own, (call.timestamp, when[1])]


def _method_doc(model: ObjectModel, summary: str, first: tuple[str, str]) -> str:
    """The docstring of the client method built from `model` (8 columns in)."""
    tail = _EVENT_TAIL if model.kind == "event" else _PERSON_TAIL
    if model.kind == "attributes_update":
        tail += "\n    ValueError: no attribute given."
    if first is _ANONYMOUS:
        tail = tail.replace("an invalid person", "an invalid `anonymous_id`")
    return method_doc(f"{summary}\n\n{_QUEUED}", _args(model, first), tail, 8)


def _examples_text(model: ObjectModel) -> str:
    """The plan's `examples:` of each field, for the class docstring (editor hover)."""
    lines = [
        f"    * {f.name}: {', '.join(pycode.literal(e) for e in f.examples)}"
        for f in model.fields
        if f.examples
    ]
    if not lines:
        return ""
    return "\n\n    Examples from the plan:\n\n" + "\n".join(lines) + "\n    "


def _tuple(items: list[str]) -> str:
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def _signature(fields: list[FieldView], self_name: str) -> str:
    """`def __init__(self, *, a: int, b: str | None = None) -> None:` (keyword-only, like
    the `kw_only` dataclasses these models replace); `_self` when a field is `self`."""
    params = [
        f"{f.name}: {f.annotation}" + ("" if f.default is None else f" = {f.default}")
        for f in fields
    ]
    inner = ", ".join([self_name, "*", *params]) if params else self_name
    return f"def __init__({inner}) -> None:"


# The code _model_class.j2 writes around the fields (ClassVar annotations, the
# payload methods' signatures), as far as it names builtins; an event class's too.
_CLASS_CODE = ("_t.ClassVar[frozenset[str]]", "dict[str, _t.Any]", "classmethod")
_EVENT_CODE = ("_t.ClassVar[str]", "_t.ClassVar[bool]", "_t.ClassVar[str | None]")


def _hidden(model: ObjectModel, consts: pycode.Constants, event: bool) -> frozenset[str]:
    """The builtins that the model's fields hide and that its code names: exactly
    what the model spells `_b.<name>` (none: its module does not import `builtins`)."""
    candidates = shadowed(f.name for f in model.fields)
    if not candidates:
        return candidates
    scratch = dataclasses.replace(consts, patterns=dict(consts.patterns))
    code = [
        *_CLASS_CODE,
        *(_EVENT_CODE if event else ()),
        *map(pycode.field_annotation, model.fields),
    ]
    plain = [pycode_fields.field_checks(f, scratch) for f in model.fields]

    def named(name: str) -> bool:
        one = frozenset({name})
        if any(qualify(c, one) != c for c in code):
            return True
        # Only the checks' own code is qualified, never a reference to the field.
        return any(
            pycode_fields.field_checks(f, scratch, one) != lines
            for f, lines in zip(model.fields, plain, strict=True)
        )

    return frozenset(n for n in candidates if named(n))


_USES_V = re.compile(r"\b_v\b")


def model_view(model: ObjectModel, consts: pycode.Constants, event: Event | None) -> ModelView:
    # One untyped local for every field: the checks exist for values that do
    # not match the annotations, so the type checker must not narrow them away.
    hidden = _hidden(model, consts, event is not None)
    checks: list[str] = []
    for field in model.fields:
        checks += pycode_fields.field_checks(field, consts, hidden)
    if any(_USES_V.search(line) for line in checks):
        checks.insert(0, "_v: _t.Any")
    keys = "frozenset({" + ", ".join(py_string(f.wire_name) for f in model.fields) + "})"
    required = [py_string(f.wire_name) for f in model.fields if f.required]
    event_view = None
    if event is not None:
        event_view = EventView(
            wire=py_string(event.wire_name),
            method=event.method_name,
            anonymous_method=event.anonymous_method_name,
            deprecation=py_string(event.deprecated) if event.deprecated else None,
            anonymous_doc=_method_doc(
                model,
                (event.description.strip() or f"The {event.wire_name} event.")
                + "\n\nAnonymous variant, for a visitor known only by `anonymous_id`: sent"
                " alone to\n`POST /api/v1/events` (trackAnonymous).",
                _ANONYMOUS,
            )
            if event.anonymous_method_name
            else "",
        )
    fields = [field_view(f, hidden) for f in model.fields]
    call = call_names(f.name for f in model.fields)
    return ModelView(
        class_name=model.class_name,
        docstring=docstring(
            "\n".join(fill((model.description or f"Data of {model.label}.").strip(), "", "    ", 7))
            + _examples_text(model)
        ),
        label=py_string(model.label),
        fields=fields,
        # Sorted (what ruff's RUF023 asks of `__slots__`): the order `repr`,
        # equality and `dataclasses.fields` follow.
        slots=_tuple(
            [py_string(n) for n in sorted((f.name for f in model.fields), key=natural_key)]
        )
        if model.fields
        else "()",
        signature=_signature(fields, call.self),
        checks=checks,
        payload=pycode.payload_lines(model),
        from_args=pycode.from_payload_args(model),
        keys=keys,
        required_keys=_tuple(required) if required else "()",
        method_doc=_method_doc(
            model,
            event.description.strip() or f"The {event.wire_name} event."
            if event is not None
            else _SUMMARIES.get(model.kind, ""),
            _PERSON,
        )
        if event is not None or model.kind in _SUMMARIES
        else "",
        call=call,
        hidden=hidden,
        event=event_view,
    )


def enum_view(enum: EnumType) -> dict[str, Any]:
    return {
        "alias": enum.alias,
        "literal": pycode.enum_literal(enum),
        "constant": pycode.enum_constant(enum),
        "members": pycode.enum_set(enum),
        "comment": comment(enum.description) if enum.description else "",
    }
