"""The views of models, fields and events that the model templates receive.

Views are small records whose text is already escaped for its context and whose
code comes from `pycode.py` (a house rule, docs/architecture.md): templates lay
out, they never decide. `tests/test_render_views.py` fails on a view field no
template reads.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from . import pycode
from .escape import comment, docstring, py_string
from .layout import natural_key
from .model import EnumType, Event, Field, ObjectModel


@dataclasses.dataclass(frozen=True)
class FieldView:
    name: str
    annotation: str
    client_annotation: str
    default: str | None
    comment: str


@dataclasses.dataclass(frozen=True)
class EventView:
    wire: str
    method: str
    anonymous_method: str | None
    deprecation: str | None
    docstring: str


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
    event: EventView | None = None


def field_view(field: Field) -> FieldView:
    text = field.description
    if field.deprecated is not None:
        text = f"{text} (deprecated: {field.deprecated})".strip()
    return FieldView(
        name=field.name,
        annotation=pycode.field_annotation(field),
        client_annotation=pycode.field_annotation(field, "_m."),
        default=pycode.default_source(field),
        comment=comment(text) if text else "",
    )


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


def _signature(fields: list[FieldView]) -> str:
    """`def __init__(self, *, a: int, b: str | None = None) -> None:` (keyword-only, like
    the `kw_only` dataclasses these models replace)."""
    params = [
        f"{f.name}: {f.annotation}" + ("" if f.default is None else f" = {f.default}")
        for f in fields
    ]
    inner = ", ".join(["self", "*", *params]) if params else "self"
    return f"def __init__({inner}) -> None:"


def model_view(model: ObjectModel, consts: pycode.Constants, event: Event | None) -> ModelView:
    # One untyped local for every field: the checks exist for values that do
    # not match the annotations, so the type checker must not narrow them away.
    checks: list[str] = ["_v: _t.Any"] if model.fields else []
    for field in model.fields:
        checks += pycode.field_checks(field, consts)
    keys = "frozenset({" + ", ".join(py_string(f.wire_name) for f in model.fields) + "})"
    required = [py_string(f.wire_name) for f in model.fields if f.required]
    event_view = None
    if event is not None:
        event_view = EventView(
            wire=py_string(event.wire_name),
            method=event.method_name,
            anonymous_method=event.anonymous_method_name,
            deprecation=py_string(event.deprecated) if event.deprecated else None,
            docstring=docstring(event.description.strip() or f"The {event.wire_name} event."),
        )
    fields = [field_view(f) for f in model.fields]
    return ModelView(
        class_name=model.class_name,
        docstring=docstring(
            (model.description or f"Data of {model.label}.").strip() + _examples_text(model)
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
        signature=_signature(fields),
        checks=checks,
        payload=pycode.payload_lines(model),
        from_args=pycode.from_payload_args(model),
        keys=keys,
        required_keys=_tuple(required) if required else "()",
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
