"""Hostile taxonomies, built in code (some are megabytes once written out), with the
located error each must end in. Shared with tests/test_error_coverage.py."""

from __future__ import annotations

HEAD = "version: 1\nname: t\n"


def _event(prop: str) -> str:
    return f"{HEAD}events:\n  e:\n    description: d\n    properties:\n      x: {prop}\n"


def billion_laughs() -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        text += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    return text


def object_bomb() -> str:
    text = HEAD + "definitions:\n  l0: &l0 {type: object, properties: {x: {type: string}}}\n"
    for level in range(1, 6):
        props = ", ".join(f"p{j}: *l{level - 1}" for j in range(9))
        text += f"  l{level}: &l{level} {{type: object, properties: {{{props}}}}}\n"
    return text + "events:\n  e:\n    description: d\n    properties:\n      x: *l5\n"


def nested(kind: str, levels: int) -> str:
    node = "{type: string}"
    for _ in range(levels):
        node = (
            "{type: array, items: " + node + "}"
            if kind == "array"
            else "{type: object, properties: {x: " + node + "}}"
        )
    return _event(node)


def ref_chain(length: int, objects: bool) -> str:
    text = HEAD + "definitions:\n"
    for i in range(length):
        target = f"{{$ref: '#/definitions/d{i + 1}'}}" if i < length - 1 else "{type: string}"
        body = f"{{type: object, properties: {{x: {target}}}}}" if objects else target
        text += f"  d{i}: {body}\n"
    return text + _event("{$ref: '#/definitions/d0'}").removeprefix(HEAD)


def ref_fanout() -> str:
    """No YAML alias at all: each definition uses the previous one 9 times, and the
    exported JSON Schemas would inline 9**6 objects."""
    text = HEAD + "definitions:\n  l0: {type: object, properties: {x: {type: string}}}\n"
    for level in range(1, 7):
        props = ", ".join(f"p{j}: {{$ref: '#/definitions/l{level - 1}'}}" for j in range(9))
        text += f"  l{level}: {{type: object, properties: {{{props}}}}}\n"
    return text + _event("{$ref: '#/definitions/l6'}").removeprefix(HEAD)


def many_required(props: int, unknown: int) -> str:
    lines = "\n".join(f"      p{i}: {{type: string}}" for i in range(props))
    names = ", ".join(f"q{i}" for i in range(unknown))
    return f"{HEAD}events:\n  e:\n    description: d\n    properties:\n{lines}\n    required: [{names}]\n"


def many_events(count: int) -> str:
    body = "".join(f"  e{i}: {{description: d}}\n" for i in range(count))
    return f"{HEAD}events:\n{body}"


CASES: dict[str, tuple[str, str]] = {
    "billion_laughs": (billion_laughs(), "YAML aliases expand to over 100000 values"),
    "object_alias_bomb": (object_bomb(), "YAML aliases expand to over 100000 values"),
    "deep_flow_sequence": (
        HEAD + "events: " + "[" * 30000 + "]" * 30000 + "\n",
        "YAML nested deeper than 64 levels",
    ),
    "nested_arrays_21": (nested("array", 21), "arrays of arrays nested more than 8 deep"),
    "nested_arrays_199": (nested("array", 199), "YAML nested deeper than 64 levels"),
    "nested_objects_26": (nested("object", 26), "objects and arrays nested more than 24 deep"),
    "nested_objects_200": (nested("object", 200), "YAML nested deeper than 64 levels"),
    "object_chain_150": (ref_chain(150, True), "$refs nested more than 24 deep"),
    "ref_chain_5000": (ref_chain(5000, False), "$refs nested more than 24 deep"),
    "ref_fanout": (ref_fanout(), "expands to over 100000 types once its $refs are inlined"),
    "too_many_properties": (many_required(3000, 3000), "more than 2000 properties (3000)"),
    "too_many_events": (many_events(10_001), "more than 10000 events (10001)"),
    "too_many_enum_values": (
        _event("{type: string, enum: [" + ", ".join(f"v{i}" for i in range(10001)) + "]}"),
        "more than 10000 enum values (10001)",
    ),
    "redos_nested_quantifier": (
        _event('{type: string, pattern: "(a+)+", examples: ["' + "a" * 30 + '!"]}'),
        "pattern can backtrack catastrophically (exponential time",
    ),
    "redos_overlapping_repeats": (
        _event('{type: string, pattern: "(x+x+)+y", minLength: 40}'),
        "pattern can backtrack catastrophically (exponential time",
    ),
    "redos_alternation": (
        _event('{type: string, pattern: "(a|a)*"}'),
        "pattern can backtrack catastrophically (exponential time",
    ),
    "redos_polynomial_without_bound": (
        _event('{type: string, pattern: "a*a*a*b", maxLength: 1000}'),
        "degree-3 polynomial time",
    ),
    "email_default": (
        _event('{type: string, format: email, default: "@"}'),
        "'@' is not a valid email (as the generated model checks it)",
    ),
    "uri_default": (
        _event('{type: string, format: uri, default: "no scheme here"}'),
        "'no scheme here' is not a valid uri",
    ),
    "uri_example_in_array": (
        _event('{type: array, items: {type: string, format: uri}, examples: [["x:y", "nope"]]}'),
        "'nope' is not a valid uri",
    ),
    "yaml_tag": (HEAD + "events: !!python/object:os.system {}\n", "is not allowed here"),
    "undefined_alias": (HEAD + "events: *nowhere\n", "undefined YAML alias *nowhere"),
    "two_documents": (HEAD + "---\n" + HEAD, "more than one YAML document"),
    "long_scalar": (HEAD + "description: " + "x" * 70000 + "\n", "longer than 65536 characters"),
    "complex_key": (HEAD + "? [a, b]\n: 1\n", "mapping key a collection is not a string"),
    "unreadable_tagged_scalar": (
        HEAD + "description: !!int forty\n",
        "'forty' is not a valid !!int",
    ),
    "integer_past_pythons_digit_limit": (
        HEAD + "description: " + "9" * 5000 + "\n",
        "'" + "9" * 37 + "...' is not a valid !!int",
    ),
}
"""name -> (taxonomy text, a substring of the first error)."""
