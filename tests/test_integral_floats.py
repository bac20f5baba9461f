"""YAML's `3.0` where a count or an integer bound belongs is read as the integer 3.

The messages, the generated checks and the exported schema then say `3`, as
the author meant, never `3.0`.
"""

from __future__ import annotations

import json

from helpers import errors_of

from ciogen.load import load_text
from ciogen.model import ArrayType, NumericType, StringType
from ciogen.render import build_output

PLAN = """\
version: 1
name: floats
events:
  e:
    description: x
    properties:
      s: {type: string, minLength: 3.0, maxLength: 10.0}
      a: {type: array, items: {type: integer, minimum: 1.0, maximum: 5.0}, minItems: 1.0, maxItems: 4.0}
      n: {type: number, minimum: 2.5}
"""


def test_sizes_and_integer_bounds_become_ints() -> None:
    taxonomy, _ = load_text(PLAN, "taxonomy.yaml")
    types = {f.name: f.type for f in taxonomy.events[0].model.fields}
    s, a, n = types["s"], types["a"], types["n"]
    assert isinstance(s, StringType) and isinstance(a, ArrayType)
    assert isinstance(a.items, NumericType) and isinstance(n, NumericType)
    for value in (s.min_length, s.max_length, a.min_items, a.max_items):
        assert type(value) is int
    assert (type(a.items.minimum), type(a.items.maximum)) == (int, int)
    assert n.minimum == 2.5
    files = build_output(taxonomy, "pkg")
    # The header ($comment) names the ciogen version, which may well hold ".0".
    schema = files["schemas/e.json"].replace(json.loads(files["schemas/e.json"])["$comment"], "")
    assert ".0" not in schema, schema
    props = json.loads(schema)["properties"]
    assert props["s"]["minLength"] == 3 and props["a"]["maxItems"] == 4
    assert "min_length=3, max_length=10)" in files["_events/e.py"]  # the rules as data
    assert 'must be >= 1"' in files["_events/e.py"]


def test_messages_say_the_integer() -> None:
    errors = errors_of(
        PLAN.replace("minLength: 3.0", "minLength: 12.0").replace("minimum: 1.0", "minimum: 6.0")
    )
    assert any("minLength 12 is greater than maxLength 10" in e for e in errors), errors
    assert any("minimum 6 leaves no room below maximum 5" in e for e in errors), errors
