"""One test per kind of taxonomy error: file, line, column, path and message."""

from __future__ import annotations

import textwrap

import pytest
import yaml
from helpers import MINIMAL, errors_of

from ciogen.errors import Severity
from ciogen.load import load_text


def test_minimal_taxonomy_is_valid() -> None:
    taxonomy, warnings = load_text(MINIMAL, "taxonomy.yaml")
    assert [e.wire_name for e in taxonomy.events] == ["signed_up"]
    assert warnings == []


CASES = {
    "yaml_syntax": (
        """\
        version: 1
        name: [unclosed
        """,
        [
            "taxonomy.yaml:3:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)"
        ],
    ),
    "duplicate_key": (
        MINIMAL + "  signed_up:\n    description: again\n",
        [
            "taxonomy.yaml:9:3: events.signed_up: duplicate key 'signed_up' (first defined at line 4)"
        ],
    ),
    "boolean_key": (
        MINIMAL.replace("method:", "on:").replace("[method]", "[on]"),
        [
            "taxonomy.yaml:7:7: events.signed_up.properties: mapping key True is not a string "
            "(YAML reads yes/no/on/off/true/false as booleans: quote the key)",
            "taxonomy.yaml:8:16: events.signed_up.required[0]: True is not of type 'string' "
            "(YAML reads unquoted yes/no/on/off/true/false as booleans: quote it)",
        ],
    ),
    "unknown_field_with_suggestion": (
        MINIMAL.replace("    required:", "    requird:"),
        [
            "taxonomy.yaml:8:5: events.signed_up.requird: unknown field 'requird' (did you mean 'required'?)"
        ],
    ),
    "missing_required_field": (
        MINIMAL.replace("    description: A person signed up.\n", ""),
        ["taxonomy.yaml:5:5: events.signed_up: 'description' is a required property"],
    ),
    "unknown_type": (
        MINIMAL.replace("{type: string, enum: [email, google]}", "{type: strng}"),
        [
            "taxonomy.yaml:7:22: events.signed_up.properties.method.type: 'strng' is not one of "
            "['string', 'integer', 'number', 'boolean', 'array', 'object', 'null', 'timestamp']"
        ],
    ),
    "unresolved_ref": (
        MINIMAL.replace("{type: string, enum: [email, google]}", '{$ref: "#/definitions/methd"}')
        + "definitions:\n  method: {type: string}\n",
        [
            "taxonomy.yaml:7:22: events.signed_up.properties.method.$ref: unresolved reference: "
            "no definition named 'methd' (did you mean 'method'?)",
            "taxonomy.yaml:10:3: warning: definitions.method: definition 'method' is not used: no $ref or allOf names it, so nothing is generated for it (remove it, or use it (it is still checked))",
        ],
    ),
    "cyclic_ref": (
        MINIMAL
        + textwrap.dedent(
            """\
            definitions:
              a: {type: object, properties: {b: {$ref: "#/definitions/b"}}}
              b: {type: array, items: {$ref: "#/definitions/a"}}
            """
        ),
        [
            "taxonomy.yaml:10:3: warning: definitions.a: definition 'a' is not used: no $ref or allOf names it, so nothing is generated for it (remove it, or use it (it is still checked))",
            "taxonomy.yaml:11:3: warning: definitions.b: definition 'b' is not used: no $ref or allOf names it, so nothing is generated for it (remove it, or use it (it is still checked))",
            "taxonomy.yaml:11:27: definitions.b.items: cyclic reference: a -> b -> a (a definition may not contain itself)",
        ],
    ),
    "enum_duplicate": (
        MINIMAL.replace("[email, google]", "[email, google, email]"),
        [
            "taxonomy.yaml:7:52: events.signed_up.properties.method.enum[2]: duplicate enum value 'email' (same as item 0)"
        ],
    ),
    "enum_yaml_boolean": (
        MINIMAL.replace("[email, google]", "[yes, no]"),
        [
            "taxonomy.yaml:7:37: events.signed_up.properties.method.enum[0]: value True is not of type 'string' "
            "(YAML reads unquoted yes/no/on/off/true/false as booleans: quote it)",
            "taxonomy.yaml:7:42: events.signed_up.properties.method.enum[1]: value False is not of type 'string' "
            "(YAML reads unquoted yes/no/on/off/true/false as booleans: quote it)",
        ],
    ),
    "bad_pattern": (
        MINIMAL.replace("{type: string, enum: [email, google]}", "{type: string, pattern: '[a-'}"),
        [
            "taxonomy.yaml:7:39: events.signed_up.properties.method.pattern: pattern does not compile: "
            "unterminated character set at position 0 (patterns are Python regular expressions)"
        ],
    ),
    "minimum_above_maximum": (
        MINIMAL.replace(
            "{type: string, enum: [email, google]}", "{type: integer, minimum: 5, maximum: 2}"
        ),
        [
            "taxonomy.yaml:7:40: events.signed_up.properties.method.minimum: minimum 5 leaves no room below maximum 2"
        ],
    ),
    "exclusive_bounds": (
        MINIMAL.replace(
            "{type: string, enum: [email, google]}",
            "{type: number, exclusiveMinimum: 2, maximum: 2}",
        ),
        [
            "taxonomy.yaml:7:48: events.signed_up.properties.method.exclusiveMinimum: "
            "exclusiveMinimum 2 leaves no room below maximum 2"
        ],
    ),
    "min_length_above_max_length": (
        MINIMAL.replace(
            "{type: string, enum: [email, google]}", "{type: string, minLength: 3, maxLength: 2}"
        ),
        [
            "taxonomy.yaml:7:41: events.signed_up.properties.method.minLength: minLength 3 is greater than maxLength 2"
        ],
    ),
    "keyword_for_other_type": (
        MINIMAL.replace("{type: string, enum: [email, google]}", "{type: integer, maxLength: 2}"),
        [
            "taxonomy.yaml:7:31: events.signed_up.properties.method.maxLength: 'maxLength' does not apply to type 'integer'"
        ],
    ),
    "default_violates_schema": (
        MINIMAL.replace(
            "{type: string, enum: [email, google]}",
            "{type: string, enum: [email, google], default: fax}",
        ).replace("    required: [method]\n", ""),
        [
            "taxonomy.yaml:7:62: events.signed_up.properties.method.default: default does not fit its own "
            "schema: 'fax' is not one of ['email', 'google']"
        ],
    ),
    "example_violates_schema": (
        MINIMAL.replace(
            "{type: string, enum: [email, google]}", "{type: integer, maximum: 3, examples: [1, 7]}"
        ),
        [
            "taxonomy.yaml:7:57: events.signed_up.properties.method.examples[1]: example does not fit its own "
            "schema: 7 is greater than the maximum of 3"
        ],
    ),
    "required_not_defined": (
        MINIMAL.replace("[method]", "[method, mthod]"),
        [
            "taxonomy.yaml:8:24: events.signed_up.required[1]: required property 'mthod' is not defined (did you mean 'method'?)"
        ],
    ),
    "event_name_too_long": (
        MINIMAL.replace("  signed_up:", "  " + "e" * 101 + ":"),
        [
            f"taxonomy.yaml:4:3: events.{'e' * 101}: event name is 101 bytes; Customer.io's limit is 100"
        ],
    ),
    "attribute_name_too_long": (
        MINIMAL + f"attributes:\n  properties:\n    {'a' * 151}: {{type: string}}\n",
        [
            f"taxonomy.yaml:11:5: attributes.properties.{'a' * 151}: attribute name is 151 bytes; Customer.io's limit is 150"
        ],
    ),
    "reserved_attribute": (
        MINIMAL + "attributes:\n  properties:\n    cio_id: {type: string}\n",
        [
            "taxonomy.yaml:11:5: attributes.properties.cio_id: 'cio_id' is reserved "
            "(cio_id is assigned by Customer.io and cannot be set)"
        ],
    ),
    "names_collide_after_sanitising": (
        MINIMAL + "  signed-up:\n    description: again\n",
        [
            "taxonomy.yaml:9:3: events.signed-up: event 'signed-up' becomes the method name 'signed_up', "
            "which event 'signed_up' (line 4) already uses (rename one of them)"
        ],
    ),
    "union_of_an_integer_and_a_number": (
        MINIMAL.replace("{type: string, enum: [email, google]}", "{type: [integer, number]}"),
        [
            "taxonomy.yaml:7:22: events.signed_up.properties.method.type: this number cannot be told apart from the integer before it in the same union (a union has one member per JSON type; objects need a discriminator)"
        ],
    ),
    "array_without_items": (
        MINIMAL.replace("{type: string, enum: [email, google]}", "{type: array}"),
        [
            "taxonomy.yaml:7:15: events.signed_up.properties.method: array property has no items schema (add `items:` with the element's schema)"
        ],
    ),
    "empty_file": (
        "",
        [
            'taxonomy.yaml:1:1: the file is empty (`ciogen init` writes a commented example plan; see the README\'s "In your own project" and docs/taxonomy.md)'
        ],
    ),
    "not_a_mapping": (
        "- just\n- a list\n",
        ["taxonomy.yaml:1:1: the taxonomy must be a YAML mapping (see docs/taxonomy.md)"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_error_is_located(case: str) -> None:
    text, expected = CASES[case]
    if case == "yaml_syntax" and not hasattr(
        yaml, "CSafeLoader"
    ):  # pure-Python PyYAML words it differently
        expected = [
            "taxonomy.yaml:3:1: invalid YAML: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence)"
        ]
    assert errors_of(text) == expected


def test_every_problem_is_reported_in_one_run() -> None:
    text = (
        MINIMAL.replace("[email, google]", "[email, google, email]").replace(
            "[method]", "[method, nope]"
        )
        + "  other:\n    description: x\n    properties:\n      n: {type: integer, minimum: 3, maximum: 1}\n"
    )
    found = errors_of(text)
    assert len(found) == 3
    assert any("duplicate enum value" in line for line in found)
    assert any("'nope' is not defined" in line for line in found)
    assert any("leaves no room" in line for line in found)


def test_meta_schema_errors_are_all_reported_together() -> None:
    text = MINIMAL.replace("    required:", "    requird:") + "  bad:\n    descripton: x\n"
    found = errors_of(text)
    assert any("'requird'" in line for line in found)
    assert any("'descripton'" in line for line in found)
    assert any("'description' is a required property" in line for line in found)


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        (
            "    properties:\n      recipient: {type: string}\n",
            "'recipient' is a reserved event data key",
        ),
    ],
)
def test_reserved_event_keys_are_warnings(snippet: str, message: str) -> None:
    text = "version: 1\nname: t\nevents:\n  e:\n    description: d\n" + snippet
    _, warnings = load_text(text, "taxonomy.yaml")
    assert [w.severity for w in warnings] == [Severity.WARNING]
    assert message in warnings[0].format()
    assert (
        warnings[0]
        .format()
        .startswith("taxonomy.yaml:7:7: warning: events.e.properties.recipient:")
    )


def test_anonymous_id_and_cio_prefix_attributes_warn() -> None:
    text = (
        MINIMAL
        + "attributes:\n  properties:\n    anonymous_id: {type: string}\n    cio_x: {type: string}\n"
    )
    _, warnings = load_text(text, "taxonomy.yaml")
    assert sorted(w.path for w in warnings) == [
        "attributes.properties.anonymous_id",
        "attributes.properties.cio_x",
    ]
    # The user's name wins over identify()'s own parameter (it moved aside): no rename.
    assert not any("in Python" in w.message for w in warnings)


def test_too_many_attributes() -> None:
    props = "".join(f"    a{i}: {{type: string}}\n" for i in range(301))
    found = errors_of(MINIMAL + "attributes:\n  properties:\n" + props)
    assert found == [
        "taxonomy.yaml:11:5: attributes.properties: 301 attributes; Customer.io accepts at most 300 per identify call"
    ]
