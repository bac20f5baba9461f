"""The meta-schema's fast verdict (`meta_fast`) agrees with jsonschema, and messages are jsonschema's.

`load.py` asks jsonschema for errors only when `meta_fast` says a document is
invalid; so the fast verdict must equal jsonschema's on every document, and the
problems a user sees must be exactly those of the jsonschema-only path. Checked
on every plan in the repository (golden cases valid and invalid, examples) and
on a few thousand seeded mutations of them, which hit each keyword's edge cases
(bools among numbers, integral floats, empty strings, duplicates, unknown keys).
"""

from __future__ import annotations

import copy
import json
import math
import random
import textwrap
from typing import Any

import jsonschema
import pytest
from helpers import REPO
from test_validation import CASES

from ciogen import load, meta_fast
from ciogen.errors import TaxonomyError
from ciogen.source import load_source

PLANS = sorted(
    [
        *(REPO / "tests" / "golden").glob("*/taxonomy.yaml"),
        *(REPO / "examples").glob("*.yaml"),
        REPO / "taxonomy.yaml",
    ]
)
# Values a mutation puts anywhere: every JSON type, and the values on each
# keyword's edge (bool vs 0/1, 1.0 vs 1, empty, negative, NaN, duplicates).
POOL: list[Any] = [
    None, True, False, 0, 1, 2, -1, 1.0, 1.5, -0.5, math.nan, math.inf, "", "x", "string",
    "integer", "timestamp", "email", "us", "eu", "push", [], [1], [True, 1], [1, 1.0],
    ["a", "a"], ["a", "b"], ["string", "null"], ["string", "string"], [{}], {}, {"a": 1},
    {"type": "string"}, {"$ref": "#/definitions/x"}, {"description": "d"}, 10**30, 201 * "x",
]  # fmt: skip
KEYS = [
    "type", "enum", "const", "minimum", "maxLength", "minLength", "items", "properties",
    "required", "oneOf", "additionalProperties", "format", "pattern", "deprecated",
    "renamed_from", "allOf", "$ref", "description", "id", "channel", "anonymous", "unknown",
    "", "version", "name", "events", "definitions", "attributes", "minItems", "uniqueItems",
]  # fmt: skip


def _reference(document: Any) -> bool:
    """jsonschema's verdict, on the published schema as written (no inlining)."""
    return jsonschema.Draft202012Validator(load.meta_schema()).is_valid(document)


def _documents() -> list[Any]:
    docs = []
    for path in PLANS:
        src = load_source(path.read_text(encoding="utf-8"), str(path))
        if isinstance(src.data, dict):
            docs.append(src.data)
    return docs


def _nodes(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _nodes(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _nodes(value, (*path, index))
    return found


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _mutate(doc: Any, rng: random.Random) -> Any:
    doc = copy.deepcopy(doc)
    for _ in range(rng.randint(1, 3)):
        paths = _nodes(doc)
        path = rng.choice(paths[1:] or paths)
        parent, last = (_at(doc, path[:-1]), path[-1]) if path else (None, None)
        node = _at(doc, path)
        choice = rng.randrange(5)
        if choice == 0 and parent is not None:
            parent[last] = copy.deepcopy(rng.choice(POOL))
        elif choice == 1 and isinstance(parent, dict):
            del parent[last]
        elif choice == 2 and isinstance(node, dict):
            node[rng.choice(KEYS)] = copy.deepcopy(rng.choice(POOL))
        elif choice == 3 and isinstance(node, list) and node:
            node.append(copy.deepcopy(rng.choice(node)))
        elif choice == 4 and isinstance(node, list) and node:
            node.pop(rng.randrange(len(node)))
        elif parent is not None:
            parent[last] = copy.deepcopy(rng.choice(POOL))
    return doc


def test_every_plan_in_the_repository_gets_jsonschemas_verdict() -> None:
    fast = meta_fast.compile_schema(load.meta_schema())
    verdicts = [(fast(doc), _reference(doc)) for doc in _documents()]
    assert len(verdicts) > 30
    assert [f for f, _ in verdicts] == [r for _, r in verdicts]
    assert {r for _, r in verdicts} == {True, False}  # valid and invalid plans both seen


@pytest.mark.parametrize("seed", range(4))
def test_mutated_plans_get_jsonschemas_verdict(seed: int) -> None:
    fast = meta_fast.compile_schema(load.meta_schema())
    rng = random.Random(seed)
    docs = [d for d in _documents() if _reference(d)]
    seen = {True: 0, False: 0}
    disagreements = []
    for _ in range(600):
        mutated = _mutate(rng.choice(docs), rng)
        expected = _reference(mutated)
        seen[expected] += 1
        if fast(mutated) != expected:
            disagreements.append(mutated)
    assert disagreements[:1] == []
    assert min(seen.values()) > 50, seen  # both verdicts well represented


def _problems(text: str) -> list[str]:
    try:
        _, problems = load.load_text(text, "taxonomy.yaml")
    except TaxonomyError as error:
        problems = error.problems
    return [p.format() for p in problems]


def test_messages_and_locations_are_the_jsonschema_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every problem a user sees (schema, pruned rounds, semantics) equals what the path
    that always asks jsonschema reports: on every plan, on each located-error case of
    tests/test_validation.py, and on mutated plans."""
    rng = random.Random(7)
    docs = [d for d in _documents() if _reference(d)]
    texts = [p.read_text(encoding="utf-8") for p in PLANS]
    texts += [textwrap.dedent(text) for text, _ in CASES.values()]
    texts += [json.dumps(_mutate(rng.choice(docs), rng)) for _ in range(300)]
    fast = [_problems(text) for text in texts]
    monkeypatch.setattr(load, "_is_valid", lambda: lambda _document: False)
    slow = [_problems(text) for text in texts]
    assert fast == slow
    assert sum(1 for found in slow if any("is not" in line for line in found)) > 50


def test_equality_and_uniqueness_are_jsonschemas() -> None:
    values: list[Any] = [
        0, 1, True, False, 1.0, 0.0, "1", "", None, [], [1], [True], [1.0], {}, {"a": 1},
        {"a": True}, [[1], [True]], {"a": [0]}, {"a": [False]},
    ]  # fmt: skip
    utils = jsonschema._utils
    for one in values:
        for two in values:
            assert meta_fast.equal(one, two) == utils.equal(one, two), (one, two)
            assert meta_fast.unique([one, two]) == utils.uniq([one, two]), (one, two)


def test_a_keyword_it_does_not_know_is_refused() -> None:
    """An edited meta-schema must not be half checked: compiling it fails instead."""
    with pytest.raises(ValueError, match="unsupported keywords"):
        meta_fast.compile_schema({"type": "object", "patternProperties": {"^x": {}}})
    with pytest.raises(ValueError, match="unsupported \\$ref"):
        meta_fast.compile_schema({"$ref": "other.json#/x"})
