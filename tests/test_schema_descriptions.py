"""Every property of the taxonomy's JSON Schema is described (issue #11).

Editors offer the meta-schema's property names as completions (`ciogen schema`
or a `# yaml-language-server: $schema=` line); a bare name tells a user nothing.
Whoever adds a property to generator/taxonomy.schema.json must describe it too.
"""

from __future__ import annotations

import ast
from typing import Any

from helpers import MINIMAL

from ciogen.load import load_text, meta_schema
from ciogen.render import build_output


def _undescribed(node: Any, path: str) -> list[str]:
    """JSON-pointer-like paths of every property schema without a description."""
    found: list[str] = []
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            where = f"{path}/properties/{name}"
            if not isinstance(sub, dict) or not str(sub.get("description", "")).strip():
                found.append(where)
            found += _undescribed(sub, where)
        for key, sub in node.items():
            # `examples`, `default`, `enum` and `const` hold instance data, not schemas.
            if key not in ("properties", "examples", "default", "enum", "const"):
                found += _undescribed(sub, f"{path}/{key}")
    elif isinstance(node, list):
        for index, sub in enumerate(node):
            found += _undescribed(sub, f"{path}[{index}]")
    return found


def test_every_schema_property_has_a_description() -> None:
    assert _undescribed(meta_schema(), "") == []


def test_the_check_finds_an_undescribed_property() -> None:
    schema = {"properties": {"a": {"description": "x", "properties": {"b": {"type": "string"}}}}}
    assert _undescribed(schema, "") == ["/properties/a/properties/b"]


def test_the_plan_description_is_the_package_docstring_as_described() -> None:
    """The schema (and `ciogen init`'s example) says the plan's `description` becomes the
    package's docstring: an editor's hover on the import shows it, quotes and all."""
    assert "package's docstring" in meta_schema()["properties"]["description"]["description"]
    text = 'Why we track: "growth" \\ retention, in a sentence long enough to need wrapping.'
    plan = MINIMAL.replace("name: test\n", f"name: test\ndescription: '{text}'\n")
    taxonomy, _ = load_text(plan, "taxonomy.yaml")
    doc = ast.get_docstring(ast.parse(build_output(taxonomy, "pkg")["__init__.py"]))
    assert doc is not None and " ".join(doc.split()).startswith(
        f"Typed Customer.io client for the test tracking plan. {text} from pkg import"
    ), doc
