"""Exported patterns mean the same in Python and in JavaScript (ECMA-262, `u` flag).

Every pattern of every golden plan and of this repo's plan is exported, then
both engines test the same strings: values the model accepts (drawn from
the pattern), the same values with a newline added (Python's `$` would
accept those), and strings with `\\r`, U+2028 and non-ASCII digits and
letters, where the dialects differ. JavaScript runs in one `node` process.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from golden_cases import GOLDEN, valid_cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from ciogen import regex_portable, schema_export
from ciogen.load import load_file
from ciogen.model import ArrayType, StringType, Taxonomy, TypeNode

REPO = GOLDEN.parent.parent
NODE = shutil.which("node")
_JS = """
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = cases.map(([p, values]) => {
  const re = new RegExp(p, "u");
  return values.map((v) => re.test(v));
});
process.stdout.write(JSON.stringify(out));
"""
_ODD = ["", "\n", "a\n", "\r", "a\rb", "a\u2028c", "\u0663", "\u00e9", "A", "abc\n", "\ufeff"]


def _patterns_of(node: TypeNode) -> list[str]:
    if isinstance(node, StringType) and node.pattern is not None:
        return [node.pattern]
    if isinstance(node, ArrayType):
        return _patterns_of(node.items)
    return []


def _plan_patterns(taxonomy: Taxonomy) -> list[str]:
    models = [*taxonomy.objects, taxonomy.attributes, *(e.model for e in taxonomy.events)]
    return [p for m in models for f in m.fields for p in _patterns_of(f.type)]


def _all_patterns() -> list[str]:
    found = set(_plan_patterns(load_file(REPO / "taxonomy.yaml")[0]))
    for case in valid_cases():
        found.update(_plan_patterns(load_file(GOLDEN / case / "taxonomy.yaml")[0]))
    # Patterns chosen for the differences between the dialects.
    found.update(["a.c", "[.]x", "(?=x)x(?<!y)", "[^a]", "a|b", "é+", "[0-9]{2,}"])
    return sorted(found)


def _samples(pattern: str, rng: random.Random) -> list[str]:
    strategy = st.from_regex(re.compile(pattern), fullmatch=True)
    values: list[str] = []

    @settings(
        max_examples=15,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def draw(value: str) -> None:
        values.append(value)

    # Lookarounds Hypothesis cannot draw from: the probes below still run.
    with contextlib.suppress(Unsatisfiable):
        draw()
    values += [v + "\n" for v in values[:5]] + _ODD
    values += ["".join(rng.choice("ab.\n\r\u2028x0é") for _ in range(4)) for _ in range(10)]
    return values


@pytest.mark.skipif(NODE is None, reason="node is not installed: JavaScript side not run")
def test_exported_patterns_mean_the_same_in_python_and_javascript(tmp_path: Path) -> None:
    rng = random.Random(13)
    originals = _all_patterns()
    cases: list[tuple[str, list[str]]] = []
    for pattern in originals:
        assert regex_portable.problem(pattern) is None, pattern
        cases.append((schema_export.anchored(pattern), _samples(pattern, rng)))
    assert NODE is not None
    result = subprocess.run(
        [NODE, "-e", _JS], input=json.dumps(cases), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    javascript: list[list[bool]] = json.loads(result.stdout)
    for original, (exported, values), js in zip(originals, cases, javascript, strict=True):
        python = [re.search(exported, v) is not None for v in values]
        differ = [v for v, a, b in zip(values, python, js, strict=True) if a != b]
        assert not differ, (exported, differ)
        # And what the schema says is what the model says (a full match).
        model = [re.fullmatch(original, v) is not None for v in values]
        assert python == model, exported


def test_generated_schema_patterns_are_anchored_portably() -> None:
    documents: list[Any] = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in (REPO / "generated/schemas").glob("*.json")
    ]
    text = json.dumps(documents)
    assert "\\\\Z" not in text and "(?i)" not in text
    assert '(?![\\\\s\\\\S])"' in text


def test_a_ref_keeps_its_own_description_in_the_schema() -> None:
    schema = json.loads((REPO / "generated/schemas/plan_changed.json").read_text(encoding="utf-8"))
    # `from` is `$ref: plan` (described "A subscription plan.") with a description of its own.
    assert schema["properties"]["from"]["description"] == "The plan before the change."
    assert schema["properties"]["to"]["description"] == "The plan after the change."
