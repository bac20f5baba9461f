"""`models.py` and the per-event modules `_events/<method>.py`.

`modules.place` decides which module defines each class and enum; this module
renders them: every event's module holds its class, and the nested objects,
enums and compiled patterns only it uses, importing what it shares from
`models.py`; `models.py` holds the shared ones, the person attributes, and the
table its module `__getattr__` loads events by (see templates/models.py.j2).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from . import pycode
from .escape import docstring, py_string
from .fork_map import fork_map
from .layout import WIDTH, natural_key, sort_all, sort_imported
from .model import EnumType, Event, ObjectModel, Taxonomy
from .model_views import ModelView, enum_view, model_view
from .modules import APP, SHARED, Placement, place, refers_to

if TYPE_CHECKING:
    import jinja2  # annotations only

A = TypeVar("A")


@dataclasses.dataclass(frozen=True)
class Models:
    """The rendered modules, and the views the rest of the package needs."""

    files: dict[str, str]
    people: list[ModelView]
    events: list[ModelView]
    names: list[str]
    """Every public name of `models.py`, lazily loaded ones included."""


def import_from(module: str, names: list[str], indent: int) -> str:
    """A `from module import ...` statement as ruff's isort lays it out: one line if it
    fits, else one name per line; the first line without its indentation."""
    ordered = sort_imported(names)
    line = f"from {module} import {', '.join(ordered)}"
    if indent + len(line) <= WIDTH:
        return line
    pad = " " * (indent + 4)
    body = "".join(f"{pad}{name},\n" for name in ordered)
    return f"from {module} import (\n{body}{' ' * indent})"


def _module_context(
    models: list[tuple[ObjectModel, Event | None]], enums: list[EnumType]
) -> dict[str, Any]:
    consts = pycode.Constants()
    modules = pycode.modules_used([model for model, _ in models])
    views = [model_view(model, consts, event) for model, event in models]
    return {
        "views": views,
        "enums": [enum_view(e) for e in sorted(enums, key=lambda e: e.alias)],
        "patterns": {name: py_string(regex) for name, regex in consts.patterns.items()},
        "uses_rules": any(line.lstrip().startswith("_r.") for v in views for line in v.checks),
        # A field named like a builtin hides it: that model names it `_b.<name>`.
        "uses_builtins": any(v.hidden for v in views),
        "uses_datetime": "datetime" in modules,
        "uses_decimal": "decimal" in modules,
    }


def _shared_names(
    models: list[ObjectModel], placement: Placement, enums: dict[str, EnumType]
) -> list[str]:
    """What an event module imports from `models.py`: shared classes, enum aliases and sets."""
    wanted: list[str] = []
    for model in models:
        for name in refers_to(model):
            if placement.module_of(name) != SHARED:
                continue
            wanted.append(name)
            if name in enums:
                wanted.append(pycode.enum_constant(enums[name]))
    return wanted


def build_models(
    env: jinja2.Environment,
    taxonomy: Taxonomy,
    base: dict[str, Any],
    alongside: Callable[[], A],
) -> tuple[Models, A]:
    """The model modules, and `alongside()`: work that needs none of them, run while a
    child process renders most event modules (`fork_map`)."""
    placement = place(taxonomy)
    enums = {e.alias: e for e in taxonomy.enums}
    files: dict[str, str] = {}
    lazy: list[tuple[str, str]] = []
    type_imports: list[str] = []
    event_views: list[ModelView] = []
    template = env.get_template("event_module.py.j2")
    objects_of: dict[str, list[ObjectModel]] = {}
    for model in taxonomy.objects:
        objects_of.setdefault(placement.module_of(model.class_name), []).append(model)
    enums_of: dict[str, list[EnumType]] = {}
    for enum in taxonomy.enums:
        enums_of.setdefault(placement.module_of(enum.alias), []).append(enum)

    def event_module(event: Event) -> tuple[str, ModelView, list[str], str]:
        module = event.method_name
        objects = objects_of.get(module, [])
        own_enums = enums_of.get(module, [])
        context = _module_context([*((m, None) for m in objects), (event.model, event)], own_enums)
        *object_views, event_view = context["views"]
        names = [e.alias for e in own_enums] + [m.class_name for m in [*objects, event.model]]
        shared = _shared_names([*objects, event.model], placement, enums)
        title = (
            f"The {docstring(f'`{event.wire_name}`')} event of the {base['plan_name']} "
            "tracking plan: its model, nested objects and enums."
        )
        text = (
            template.render(
                {
                    **base,
                    **context,
                    "title": title,
                    "parent": "..",
                    "classes": [*object_views, event_view],
                    "module_all": sort_all(names),
                    "shared_import": import_from("..models", shared, 0) if shared else "",
                }
            ).rstrip("\n")
            + "\n"
        )  # the last class's macro output ends in a blank line
        return text, event_view, names, import_from(f"._events.{module}", names, 4)

    # Each event's module is independent of the others': a child renders 60% of them,
    # while this process runs `alongside` (a third as long for the synthetic plan) and
    # the other 40%.
    rendered, extra = fork_map(event_module, taxonomy.events, alongside, child_share=0.6)
    for event, (text, event_view, names, type_import) in zip(
        taxonomy.events, rendered, strict=True
    ):
        files[f"_events/{event.method_name}.py"] = text
        event_views.append(event_view)
        lazy += [(name, f"._events.{event.method_name}") for name in names]
        type_imports.append(type_import)
    app_objects, app_enums = objects_of.get(APP, []), enums_of.get(APP, [])
    if app_objects:
        context = _module_context([(m, None) for m in app_objects], app_enums)
        names = [e.alias for e in app_enums] + [m.class_name for m in app_objects]
        lazy += [(name, "._app_models") for name in names]
        shared = _shared_names(app_objects, placement, enums)
        title = (
            f"The data classes of the {base['plan_name']} plan's transactional messages "
            "and broadcasts."
        )
        files["_app_models.py"] = (
            template.render(
                {
                    **base,
                    **context,
                    "title": title,
                    "parent": ".",
                    "classes": context["views"],
                    "module_all": sort_all(names),
                    "shared_import": import_from(".models", shared, 0) if shared else "",
                }
            ).rstrip("\n")
            + "\n"
        )
        type_imports.append(import_from("._app_models", names, 4))
    if taxonomy.events:
        files["_events/__init__.py"] = (
            f"{base['header']}\n"
            '"""One module per event, each loaded on first use through `models`."""\n'
        )
    shared_objects = objects_of.get(SHARED, [])
    shared_enums = enums_of.get(SHARED, [])
    people = [(taxonomy.attributes, None), (taxonomy.attributes_update, None)]
    context = _module_context([*((m, None) for m in shared_objects), *people], shared_enums)
    *nested, attributes, attributes_update = context["views"]
    own = [e.alias for e in shared_enums] + [m.class_name for m in shared_objects]
    own += ["PersonAttributes", "PersonAttributesUpdate"]
    names = [*own, *(name for name, _ in lazy)]
    # `._app_models` sorts before every `._events.<event>`, as isort orders them.
    order = ([len(taxonomy.events)] if app_objects else []) + sorted(
        range(len(taxonomy.events)), key=lambda i: natural_key(taxonomy.events[i].method_name)
    )
    files["models.py"] = env.get_template("models.py.j2").render(
        {
            **base,
            **context,
            "nested": nested,
            "people": [attributes, attributes_update],
            "events": event_views,
            "lazy": lazy,
            "app": bool(app_objects),
            "lazy_imports": [type_imports[i] for i in order],
            "models_all": sort_all(
                ["EVENT_TYPES", "AnyEvent", "ValidationError", "from_payload", "to_payload", *names]
            ),
        }
    )
    return Models(files, [attributes, attributes_update], event_views, names), extra
