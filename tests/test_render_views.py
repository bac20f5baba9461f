"""The views handed to the templates carry nothing the templates do not read.

A field no template reads is dead code that still has to be kept correct (and
escaped); this test renders real taxonomies with views that record every
attribute read, and names each field that was never read.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from golden_cases import GOLDEN
from helpers import REPO

from ciogen import model_views, render
from ciogen.load import load_file

VIEWS = {
    "FieldView": model_views,
    "ModelView": model_views,
    "EventView": model_views,
    "StrategyView": render,
}


def test_every_view_field_is_read_by_a_template(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: set[tuple[str, str]] = set()

    def tracked(view: type[Any]) -> type[Any]:
        fields = {f.name for f in dataclasses.fields(view)}

        def __getattribute__(self: Any, name: str) -> Any:
            if name in fields:
                seen.add((view.__name__, name))
            return view.__getattribute__(self, name)

        return type(view.__name__, (view,), {"__getattribute__": __getattribute__})

    for name, module in VIEWS.items():
        monkeypatch.setattr(module, name, tracked(getattr(module, name)))
    for path in (REPO / "taxonomy.yaml", GOLDEN / "hostile" / "taxonomy.yaml"):
        taxonomy, _ = load_file(path)
        render.build_output(taxonomy, "pkg")
    declared = {
        (name, f.name)
        for name, module in VIEWS.items()
        for f in dataclasses.fields(getattr(module, name))
    }
    assert sorted(declared - seen) == []
