"""Render the App API half of a package: `app_client.py`, its schemas and property tests.

Only a taxonomy with `messages:` or `broadcasts:` gets these files (and the App
exports in `__init__.py`): a tracking-only plan stays as it was. The message data
classes themselves are rendered by `models.py` like any nested object (see
`build_messages`); this module renders what is particular to sending them: one
keyword-only method per message and broadcast, whose options, their types and
their `Args:` lines come from the runtime's own table (`_runtime/app_channels.py`),
so a generated method and the runtime that checks its options cannot disagree.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from . import pycode, pycode_examples, schema_export, strategy_code
from .call_names import call_names, option_names
from .docstring_text import field_text, method_doc
from .escape import docstring, json_text, py_string
from .model import Broadcast, Field, Message, ObjectModel, Taxonomy
from .runtime_facts import app_channels
from .shadowed_builtins import qualify, shadowed

if TYPE_CHECKING:
    import jinja2  # annotations only

APP_TEMPLATES = {
    "app_client.py": "app_client.py.j2",
    "tests/test_app_properties.py": "tests_test_app_properties.py.j2",
}


@dataclasses.dataclass(frozen=True)
class AppMethodView:
    """One generated `send_*` / `trigger_*` method."""

    name: str
    self_name: str
    docstring: str
    params: list[str]
    data_class: str
    data_args: list[str]
    options: list[tuple[str, str]]
    """(send option, its parameter): the parameter is `<option>_` where a data field took the name."""
    call: str
    deprecation: str | None
    options_type: str
    """`dict[str, object]`, its builtins spelled `_b.<name>` where a data field hides them."""


@dataclasses.dataclass(frozen=True)
class AppCaseView:
    """One row of the generated App property tests: a valid call per message."""

    strategy: str
    call: str
    path: str
    schema: str
    message_id: str
    deprecation: str


def _field_param(field: Field) -> str:
    default = pycode.default_source(field)
    annotation = pycode.field_annotation(field, "_m.")
    return f"{field.name}: {annotation}" + (f" = {default}" if default is not None else "")


def _option_param(option: str, name: str, required: bool) -> str:
    """The parameter `name` of send option `option` (its own name unless a field took it)."""
    annotation = app_channels().OPTION_TYPES[option]
    return f"{name}: {annotation}" if required else f"{name}: {annotation} | None = None"


def _args_doc(summary: str, fields: tuple[Field, ...], options: dict[str, str]) -> str:
    docs = app_channels().OPTION_DOCS
    args = [
        (f.name, field_text(f) or f"`{{{{trigger.{f.wire_name}}}}}` in the template.")
        for f in fields
    ]
    args += [(name, docs[option]) for option, name in options.items()]
    # Laid out as it stands in the method: indented 8, closing quotes on their own line.
    return method_doc(summary, args, "", 8)


def _method(
    name: str,
    model: ObjectModel,
    summary: str,
    options: tuple[str, ...],
    required: tuple[str, ...],
    call: str,
    deprecated: str | None,
) -> AppMethodView:
    fields = model.fields
    names = option_names(options, (f.name for f in fields))
    params = [_option_param(o, names[o], True) for o in options if o in required]
    params += [_field_param(f) for f in fields if f.required]
    params += [_field_param(f) for f in fields if not f.required]
    params += [_option_param(o, names[o], False) for o in options if o not in required]
    me = call_names(f.name for f in fields).self  # `_self` when a data key is `self`
    return AppMethodView(
        name=name,
        self_name=me,
        docstring=_args_doc(summary, fields, names),
        params=params,
        data_class=model.class_name,
        data_args=[f.name for f in fields],
        options=list(names.items()),
        call=f"{me}.{call}",
        deprecation=py_string(deprecated) if deprecated else None,
        options_type=qualify("dict[str, object]", shadowed(f.name for f in fields)),
    )


def _message_method(message: Message) -> AppMethodView:
    channels = app_channels()
    summary = message.description or f"Send the {message.name} message."
    summary += f"\n\nChannel: {message.channel}; returns Customer.io's delivery id."
    call = (
        f"_send_message({py_string(message.channel)}, "
        f"{pycode.literal(message.message_id)}, _data, _options)"
    )
    return _method(
        message.method_name,
        message.model,
        summary,
        channels.options(message.channel),
        channels.REQUIRED_OPTIONS[message.channel],
        call,
        message.deprecated,
    )


def _broadcast_method(broadcast: Broadcast) -> AppMethodView:
    summary = broadcast.description or f"Trigger the {broadcast.name} broadcast."
    summary += "\n\nReturns the trigger id. Customer.io allows one trigger per 10 seconds."
    call = f"_trigger_broadcast({broadcast.campaign_id}, _data, _options)"
    return _method(
        broadcast.method_name,
        broadcast.model,
        summary,
        app_channels().BROADCAST_OPTIONS,
        (),
        call,
        broadcast.deprecated,
    )


# Values the generated property tests pass for each required option.
_EXAMPLE_OPTIONS = {"identifiers": 'Person.id("42")', "to": '"recipient@example.com"'}


def _cases(taxonomy: Taxonomy, names: Mapping[str, str]) -> list[AppCaseView]:
    channels = app_channels()
    cases: list[AppCaseView] = []
    described: list[tuple[str, ObjectModel, str, tuple[str, ...], str, str | None]] = [
        *(
            (
                m.method_name,
                m.model,
                channels.ROUTES[m.channel],
                channels.REQUIRED_OPTIONS[m.channel],
                pycode.literal(m.message_id),
                m.deprecated,
            )
            for m in taxonomy.messages
        ),
        *(
            (
                b.method_name,
                b.model,
                channels.BROADCAST_ROUTE.format(campaign_id=b.campaign_id),
                (),
                "None",
                b.deprecated,
            )
            for b in taxonomy.broadcasts
        ),
    ]
    for method, model, path, required, message_id, deprecated in described:
        moved = option_names(required, (f.name for f in model.fields))
        args = [f"{moved[o]}={_EXAMPLE_OPTIONS[o]}" for o in required]
        args += [f"{f.name}=d.{f.name}" for f in model.fields]
        cases.append(
            AppCaseView(
                strategy=f"strategies.{names[model.class_name]}",
                call=f"lambda app, d: app.{method}({', '.join(args)})",
                path=py_string(path),
                schema=py_string(f"{method}.json"),
                message_id=message_id,
                deprecation=py_string(deprecated) if deprecated else "None",
            )
        )
    return cases


APP_EXPORTS = {
    "AnswerLost": "._runtime.app_transport",
    "AppClient": ".app_client",
    "AppConfig": "._runtime.app",
    "AppError": "._runtime.app_errors",
    "AppResponse": "._runtime.app_transport",
    "ConnectFailed": "._runtime.app_transport",
    "CustomerioMissing": "._runtime.app_dependency",
    "MessageMaybeSent": "._runtime.app_errors",
    "MessageNotSent": "._runtime.app_errors",
    "MessageRejected": "._runtime.app_errors",
    "RecordingAppTransport": "._runtime.app_testing",
    "configure_app": ".app_client",
    "get_app_client": ".app_client",
    "reset_app_client": ".app_client",
}
"""What the package's `__init__.py` re-exports of the App half (when the plan has one),
and the module each name comes from: loaded on first access (`__getattr__`)."""


def _example(taxonomy: Taxonomy) -> str:
    """The call the module docstring shows: the plan's first message (or broadcast),
    its required arguments as keywords, values the plan gives or `...`."""
    if taxonomy.messages:
        message = taxonomy.messages[0]
        method, model = message.method_name, message.model
        required = app_channels().REQUIRED_OPTIONS[message.channel]
    else:
        method, model, required = (
            taxonomy.broadcasts[0].method_name,
            taxonomy.broadcasts[0].model,
            (),
        )
    args = [f"{o}={_EXAMPLE_OPTIONS[o]}" for o in required]
    args += [f"{f.name}={pycode_examples.example_value(f)}" for f in model.fields if f.required]
    return f"{method}({', '.join(args)})"


def has_app(taxonomy: Taxonomy) -> bool:
    return bool(taxonomy.messages or taxonomy.broadcasts)


def exports(taxonomy: Taxonomy) -> tuple[str, ...]:
    return tuple(APP_EXPORTS) if has_app(taxonomy) else ()


def _json(data: Any) -> str:
    return json_text(json.dumps(data, ensure_ascii=False, separators=(",", ":"))) + "\n"


def app_files(
    taxonomy: Taxonomy, env: jinja2.Environment, context: Mapping[str, Any], head: str
) -> dict[str, str]:
    """The App client's files, or none for a plan without messages or broadcasts."""
    if not has_app(taxonomy):
        return {}
    methods = [_message_method(m) for m in taxonomy.messages]
    methods += [_broadcast_method(b) for b in taxonomy.broadcasts]
    names = strategy_code.strategy_names(taxonomy)
    app_context = {
        **context,
        "methods": methods,
        "uses_warnings": any(m.deprecation for m in methods),
        "app_uses_builtins": any("_b." in m.options_type for m in methods),
        "app_uses_decimal": "decimal"
        in pycode.modules_used(
            [*(m.model for m in taxonomy.messages), *(b.model for b in taxonomy.broadcasts)],
            checks=False,
        ),
        "app_cases": _cases(taxonomy, names),
        "app_doc": docstring(
            f"Typed App API client of the {taxonomy.name!s} plan: messages and broadcasts."
        ),
        "app_example": docstring(_example(taxonomy)),
    }
    files = {path: env.get_template(t).render(app_context) for path, t in APP_TEMPLATES.items()}
    objects = {m.class_name: m for m in taxonomy.objects}
    for method, model, title in [
        *((m.method_name, m.model, f"message {m.name}") for m in taxonomy.messages),
        *((b.method_name, b.model, f"broadcast {b.name}") for b in taxonomy.broadcasts),
    ]:
        document = schema_export.document(model, objects, title, head)
        files[f"schemas/app/{method}.json"] = _json(document)
    return files
