"""Schema and semantic problems of a taxonomy are reported together, in one run (issue #11).

The meta-schema and the semantic checks used to run one after the other: a
plan with schema errors showed only those, and its duplicate enum values,
unresolved `$ref`s and contradictory bounds appeared only once the first batch
was fixed. Each case here mixes the two kinds and expects every problem, each
at the key or value that is wrong.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path

import pytest
import yaml
from helpers import MINIMAL, REPO, ciogen, errors_of

from ciogen.errors import TaxonomyError
from ciogen.load import load_text

# Ten problems: five the meta-schema finds (lines 7, 13, 15, 17, 20) and five
# only the semantic checks can (lines 8, 9, 10, 11, 12), plus `required`
# naming no property (line 14) and one schema error in a definition (line 22).
TEN = """\
version: 1
name: Ten problems
events:
  signed_up:
    description: A person signed up.
    properties:
      method: {type: strng}
      plan: {type: string, enum: [free, pro, free]}
      source: {type: string, pattern: "[a-"}
      age: {type: integer, minimum: 10, maximum: 5}
      tier: {type: string, enum: [a, b], default: c}
      ref: {$ref: "#/definitions/nope"}
      colour: {type: string, maxLength: -1}
    required: [method, missing]
    anonymus: true
  checkout:
    properties:
      total: {type: number, minimum: 5, maximum: 1}
  ping:
    description: 3
definitions:
  money: {type: number, minimum: "0"}
"""


def test_schema_and_semantic_problems_come_in_one_run() -> None:
    assert errors_of(TEN) == [
        "taxonomy.yaml:7:22: events.signed_up.properties.method.type: 'strng' is not one of "
        "['string', 'integer', 'number', 'boolean', 'array', 'object', 'null', 'timestamp']",
        "taxonomy.yaml:8:46: events.signed_up.properties.plan.enum[2]: "
        "duplicate enum value 'free' (same as item 0)",
        "taxonomy.yaml:9:39: events.signed_up.properties.source.pattern: pattern does not "
        "compile: unterminated character set at position 0 (patterns are Python regular "
        "expressions)",
        "taxonomy.yaml:10:37: events.signed_up.properties.age.minimum: "
        "minimum 10 leaves no room below maximum 5",
        "taxonomy.yaml:11:51: events.signed_up.properties.tier.default: "
        "default does not fit its own schema: 'c' is not one of ['a', 'b']",
        "taxonomy.yaml:12:19: events.signed_up.properties.ref.$ref: "
        "unresolved reference: no definition named 'nope'",
        "taxonomy.yaml:13:41: events.signed_up.properties.colour.maxLength: "
        "-1 is less than the minimum of 0",
        "taxonomy.yaml:14:24: events.signed_up.required[1]: "
        "required property 'missing' is not defined",
        "taxonomy.yaml:15:5: events.signed_up.anonymus: unknown field 'anonymus' "
        "(did you mean 'anonymous'?)",
        "taxonomy.yaml:17:5: events.checkout: 'description' is a required property",
        "taxonomy.yaml:18:38: events.checkout.properties.total.minimum: "
        "minimum 5 leaves no room below maximum 1",
        "taxonomy.yaml:20:18: events.ping.description: 3 is not of type 'string'",
        "taxonomy.yaml:22:34: definitions.money.minimum: '0' is not of type 'number'",
    ]


def test_the_command_line_reports_them_all_at_once(tmp_path: Path) -> None:
    (tmp_path / "taxonomy.yaml").write_text(TEN, encoding="utf-8")
    result = ciogen("validate", cwd=tmp_path)
    assert result.returncode == 2
    located = [line for line in result.stderr.splitlines() if line.startswith("taxonomy.yaml:")]
    lines = [int(line.split(":")[1]) for line in located]
    assert lines == [7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 20, 22]
    assert "ciogen: 13 errors in taxonomy.yaml; nothing written" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "version: 1\nname: x\nevents: ''\n",
            ["taxonomy.yaml:3:9: events: '' is not of type 'object'"],
            id="empty-string-events-at-its-value",
        ),
        pytest.param(
            "version: 1\nname: x\nevents:\n",
            ["taxonomy.yaml:3:8: events: None is not of type 'object'"],
            id="empty-events-at-the-empty-value",
        ),
    ],
)
def test_a_wrong_value_is_located_at_the_value(text: str, expected: list[str]) -> None:
    assert errors_of(text) == expected


def test_a_broken_property_hides_only_its_own_semantic_problems() -> None:
    """`type: strng` and an enum default outside it are one mistake, reported once;
    `required` still finds the broken property, and the sibling is still checked."""
    text = MINIMAL.replace(
        "method: {type: string, enum: [email, google]}",
        "method: {type: strng, enum: [a], default: b}\n"
        "      other: {type: string, minLength: 5, maxLength: 2}",
    )
    assert errors_of(text) == [
        "taxonomy.yaml:7:22: events.signed_up.properties.method.type: 'strng' is not one of "
        "['string', 'integer', 'number', 'boolean', 'array', 'object', 'null', 'timestamp']",
        "taxonomy.yaml:8:40: events.signed_up.properties.other.minLength: "
        "minLength 5 is greater than maxLength 2",
    ]


def test_a_property_that_is_not_a_mapping_still_counts_for_required() -> None:
    text = MINIMAL.replace("{type: string, enum: [email, google]}", "email")
    assert errors_of(text) == [
        "taxonomy.yaml:7:15: events.signed_up.properties.method: 'email' is not of type 'object'"
    ]


def test_a_broken_definition_still_resolves_for_its_references() -> None:
    text = (
        MINIMAL.replace("{type: string, enum: [email, google]}", '{$ref: "#/definitions/m"}')
        + "definitions:\n  m: {type: string, format: phone}\n"
    )
    assert errors_of(text) == [
        "taxonomy.yaml:10:29: definitions.m.format: 'phone' is not one of "
        "['email', 'uri', 'uuid', 'date', 'date-time']"
    ]


def test_an_alias_shared_by_two_places_is_cut_in_one_only() -> None:
    """A YAML alias is one object in two places; cutting the broken one must not
    edit the other through it (its semantic problem is still reported)."""
    text = """\
    version: 1
    name: x
    events:
      a:
        description: a
        properties:
          p: &shared {type: string, minLength: 5, maxLength: 2}
      b:
        description: b
        properties:
          p: *shared
        deprecated: 3
    """
    found = errors_of(text)
    assert any("events.b.deprecated: 3 is not of type" in line for line in found)
    assert any(
        line.startswith("taxonomy.yaml:7:") and "minLength 5 is greater" in line for line in found
    )


def _paths(node: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def test_any_value_replaced_by_a_wrong_one_is_reported_never_a_crash() -> None:
    """Every node of the repository's plan, replaced by values of the wrong shape:
    the semantic checks behind the cut must never crash (a traceback is a bug)."""
    doc = yaml.safe_load((REPO / "taxonomy.yaml").read_text(encoding="utf-8"))
    paths = _paths(doc)[::3]  # a third of the ~300 nodes keeps the test short
    started = time.monotonic()
    for path in paths[:120]:
        for wrong in (3, "x", [], None, {"zz": 1}):
            mutated = copy.deepcopy(doc)
            if path:
                parent = mutated
                for part in path[:-1]:
                    parent = parent[part]
                parent[path[-1]] = wrong
            else:
                mutated = wrong
            try:
                load_text(yaml.safe_dump(mutated, sort_keys=False), "taxonomy.yaml")
            except TaxonomyError as exc:
                assert exc.errors, path
        assert time.monotonic() - started < 240, "mutation loop over its time bound"
