"""Fuzz the generator with random, hostile, mostly valid taxonomies.

Each example is a taxonomy built from a Hypothesis strategy: names that are
keywords, builtins, the generator's own identifiers, unicode, quotes,
backslashes, braces, names that differ only in case or punctuation; random
nested property schemas (strings with patterns and formats, bounded numbers,
enums, timestamps, arrays, objects, `$ref`s, nullables, defaults). For each:

* a taxonomy the generator rejects is rejected with a `TaxonomyError` whose
  every problem is located (a line and a path), never with a traceback;
* an accepted one is generated in memory (`build_output`), written under a
  unique package name, compiled, linted, imported, and its own generated
  property tests run in-process (a few examples each), and one payload per
  exported schema from hypothesis-jsonschema must load and round-trip;
* no schema text is ever executed: descriptions, enum values, patterns, names
  and deprecation messages carry payloads that would call a canary (or end
  the process) if any of them reached Python source unescaped.
"""

from __future__ import annotations

import builtins
import importlib
import itertools
import json
import math
import tempfile
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from generated_suite import CUSTOM_FORMATS, imported, run_generated_tests
from helpers import from_payload, ruff_generated, to_payload
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from ciogen.errors import Severity, TaxonomyError
from ciogen.load import load_text
from ciogen.model import FORMATS as MODEL_FORMATS
from ciogen.render import build_output

CANARY = "__ciogen_canary__"
CANARY_HITS: list[str] = []

# Text that is harmless as data and harmful as code, in every context the
# generator writes: docstrings, string literals, comments, Jinja, JSON.
PAYLOADS = [
    f"{CANARY}('bare')",
    f'"""; {CANARY}("docstring") #',
    f"'''; {CANARY}('docstring') #",
    f'"; {CANARY}("string") #',
    f"'; {CANARY}('string') #",
    f"\n{CANARY}('newline')\n",
    f"\\\n{CANARY}('continuation')",
    f"\r{CANARY}('carriage return')",
    f"\u2028{CANARY}('line separator')",
    f"{{{{ {CANARY}('jinja') }}}}",
    f"{{% if {CANARY}('jinja') %}}{{% endif %}}",
    f"#}}\n{CANARY}('comment')",
    "__import__('os')._exit(99)",
    '\\"""',
    "ends with a backslash \\",
    '"',
    "",
]
KEYWORDS = [
    "class", "from", "import", "None", "True", "lambda", "self", "cls", "person", "timestamp",
    "to_payload", "from_payload", "payload", "anonymous_id", "identify", "flush", "track",
    "update_person", "close", "page", "person_attributes", "person_attributes_update",
    "EVENT_TYPES", "EVENT_STRATEGIES", "AnyEvent", "Client", "ValidationError", "strategies",
    "models", "_s", "_st", "_m", "_abc", "st", "str", "list", "type", "object", "annotations",
    "value", "data", "item0", "i0", "x0", "MODELS", "MUTATIONS", "id", "cio_id", "recipient",
]  # fmt: skip
HOSTILE = [
    'a"b', "a'b", "a\\b", "{x}", "{{x}}", "{%x%}", '"""', "#x", "größe", "Grösse", "日本語",
    "Ärger-Ereignis", "1st", "2nd event", "a-b", "a b", "a_b", "A_B", "aB", "a.b", "x\ny",
    "tab\tname", "ﬁ", "ß", "🙂", f'"""; {CANARY}() #',
]  # fmt: skip
# Patterns Hypothesis can generate from, hostile to naive quoting; each with
# strings of 1 to 40 characters among its matches.
PATTERNS = [
    "[a-z]+",
    "[A-Z]{2}",
    "[\"'\\\\]+",
    "\\{\\}[0-9]*",
    "(?:'''|\"\"\")x?",
    "a|b|c",
    ".*",
    "[^\\n]{1,8}",
    "(?i)abc",
    "(?x) [a-z]+  # letters, then a comment",
    "(?s).+",
    "\\w+",
    "[0-9]+(?:\\.[0-9]+)?",
    f"(?:{CANARY}\\(\\))?x+",
    "#[a-f0-9]{6}",
]
FORMATS = list(MODEL_FORMATS)

names = st.sampled_from(KEYWORDS + HOSTILE) | st.text(min_size=1, max_size=10)
texts = st.sampled_from(PAYLOADS) | st.text(max_size=20)
eighths = st.integers(-8000, 8000).map(lambda n: n / 8)
# Now and then YAML's .inf, which must be rejected.
bounds = st.integers(-8000, 8400).map(
    lambda n: n / 8 if n <= 8000 else math.copysign(math.inf, n % 2 - 0.5)
)


@st.composite
def string_schemas(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    mode = draw(st.sampled_from(["plain", "pattern", "format"]))
    low: int | None = None
    high: int | None = None
    if mode == "plain":
        low = draw(st.none() | st.integers(0, 4))
        high = draw(st.none() | st.integers(low or 0, 40))
    elif mode == "pattern":
        schema["pattern"] = draw(st.sampled_from(PATTERNS))
        low, high = draw(st.none() | st.just(1)), draw(st.none() | st.just(40))
    else:
        schema["format"] = draw(st.sampled_from(FORMATS))
        high = draw(st.none() | st.just(254))
    if low is not None:
        schema["minLength"] = low
    if high is not None:
        schema["maxLength"] = high
    return schema


@st.composite
def numeric_schemas(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": draw(st.sampled_from(["integer", "number"]))}
    low = draw(st.none() | bounds)
    # Gaps from a quarter upwards: some integer ranges hold no integer at all.
    high = draw(st.none() | st.integers(1, 8).map(lambda n: n / 4) | st.integers(1, 4000))
    if low is not None:
        schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if high is not None:
        top = high if low is None else low + high
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = top
    return schema


@st.composite
def enum_schemas(draw: st.DrawFn) -> dict[str, Any]:
    base = draw(st.sampled_from(["string", "integer", "number", "boolean"]))
    values: st.SearchStrategy[Any] = {
        "string": texts,
        "integer": st.integers(-5, 5),
        "number": eighths,
        "boolean": st.booleans(),
    }[base]
    chosen = draw(st.lists(values, min_size=1, max_size=4, unique_by=lambda v: (type(v), v)))
    schema: dict[str, Any] = {"type": base} if draw(st.booleans()) else {}
    if len(chosen) == 1 and draw(st.booleans()):
        schema["const"] = chosen[0]
    else:
        schema["enum"] = chosen + ([None] if draw(st.booleans()) else [])
    if draw(st.booleans()):
        schema["default"] = chosen[0]
    return schema


def scalar_schemas() -> st.SearchStrategy[dict[str, Any]]:
    simple = st.sampled_from([{"type": "boolean"}, {"type": "timestamp"}])
    return string_schemas() | numeric_schemas() | enum_schemas() | simple


@st.composite
def property_schemas(
    draw: st.DrawFn, depth: int, refs: tuple[str, ...], nullable: bool = True
) -> dict[str, Any]:
    kinds = ["scalar", "scalar", "scalar"]
    if depth > 0:
        kinds += ["array", "object"]
    if refs:
        kinds.append("ref")
    kind = draw(st.sampled_from(kinds))
    schema: dict[str, Any]
    if kind == "ref":
        schema = {"$ref": f"#/definitions/{draw(st.sampled_from(refs))}"}
    elif kind == "array":
        items = draw(property_schemas(depth - 1, refs, nullable=False))
        schema = {"type": "array", "items": items}
        low = draw(st.none() | st.integers(0, 3))
        high = draw(st.none() | st.integers(max(low or 0, 1), 5))
        for key, value in (("minItems", low), ("maxItems", high)):
            if value is not None:
                schema[key] = value
        if draw(st.booleans()):
            schema["uniqueItems"] = True
    elif kind == "object":
        props, required = draw(properties(depth - 1, refs, min_size=1))
        schema = {"type": "object", "properties": props, "required": required}
    else:
        schema = draw(scalar_schemas())
        if not nullable:
            if None in schema.get("enum", ()):
                schema["enum"].remove(None)
        elif "type" in schema and draw(st.booleans()):
            schema["type"] = [schema["type"], "null"]
    if draw(st.booleans()):
        schema["description"] = draw(texts)
    if draw(st.integers(0, 5)) == 0:
        schema["deprecated"] = draw(st.just(True) | texts.filter(bool))
    return schema


@st.composite
def properties(
    draw: st.DrawFn, depth: int, refs: tuple[str, ...], min_size: int = 0
) -> tuple[dict[str, Any], list[str]]:
    keys = draw(st.lists(names, min_size=min_size, max_size=3, unique=True))
    props = {key: draw(property_schemas(depth, refs)) for key in keys}
    required = [key for key in keys if draw(st.booleans())]
    return props, required


@st.composite
def taxonomies(draw: st.DrawFn) -> dict[str, Any]:
    refs = tuple(draw(st.lists(names, max_size=2, unique=True)))
    definitions = {name: draw(property_schemas(1, ())) for name in refs}
    events: dict[str, Any] = {}
    for wire in draw(st.lists(names, min_size=1, max_size=3, unique=True)):
        props, required = draw(properties(2, refs))
        event: dict[str, Any] = {"description": draw(texts), "properties": props}
        if required:
            event["required"] = required
        if draw(st.booleans()):
            event["anonymous"] = True
        if draw(st.integers(0, 4)) == 0:
            event["deprecated"] = draw(st.just(True) | texts.filter(bool))
        events[wire] = event
    attributes, attributes_required = draw(properties(1, refs))
    doc: dict[str, Any] = {
        "version": 1,
        "name": draw(texts.filter(bool)),
        "description": draw(texts),
        "attributes": {"properties": attributes, "required": attributes_required},
        "events": events,
    }
    if definitions:
        doc["definitions"] = definitions
    return doc


def _canary(*args: object) -> None:
    CANARY_HITS.append(repr(args))


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    setattr(builtins, CANARY, _canary)
    try:
        with tempfile.TemporaryDirectory(prefix="ciogen-fuzz-") as folder:
            yield Path(folder)
    finally:
        delattr(builtins, CANARY)
    assert not CANARY_HITS, f"schema text was executed: {CANARY_HITS}"


def test_canary_is_armed(workdir: Path) -> None:
    """The canary works: executed schema text would be noticed."""
    exec(compile(f"{CANARY}('self-test')", "<self-test>", "exec"))
    assert CANARY_HITS.pop() == "('self-test',)"
    assert not CANARY_HITS


# Settings the generated tests of each fuzzed package run with: a couple of
# examples per test, since every example of the fuzzer generates a package.
settings.register_profile(
    "ciogen-fuzz-inner",
    max_examples=2,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.nested_given],
)
_counter = itertools.count()


def _check_rejection(error: TaxonomyError) -> None:
    assert error.errors, "a TaxonomyError must carry at least one error"
    for problem in error.problems:
        assert problem.line >= 1 and problem.column >= 1, problem.format()
        assert problem.path, f"problem without a path: {problem.format()}"
        assert problem.severity in (Severity.ERROR, Severity.WARNING)


def _ruff(root: Path) -> None:
    result = ruff_generated([root], root.parent / "lint")
    assert result.returncode == 0, result.stdout + result.stderr


def _exercise(workdir: Path, text: str, data: st.DataObject | None = None) -> bool:
    """Everything one taxonomy must survive; False when it was (properly) rejected."""
    try:
        taxonomy, _warnings = load_text(text, "taxonomy.yaml")
    except TaxonomyError as error:
        _check_rejection(error)
        return False
    package = f"fuzz_pkg_{next(_counter)}"
    files = build_output(taxonomy, package)
    root = workdir / package
    for rel, content in files.items():
        target = root / package / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        if rel.endswith(".py"):
            compile(content, str(target), "exec")
        elif rel.endswith(".json"):
            jsonschema.Draft202012Validator.check_schema(json.loads(content))
    _ruff(root / package)
    previous = settings.get_current_profile_name()
    with imported(root, package) as module, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        settings.load_profile("ciogen-fuzz-inner")
        try:
            suite = importlib.import_module(f"{package}.tests.test_properties")
        finally:
            settings.load_profile(previous)
        assert run_generated_tests(suite) > 0
        if data is not None:
            _differential(module, root / package, data)
    assert not CANARY_HITS, f"schema text was executed: {CANARY_HITS}"
    return True


@settings(
    max_examples=max(10, settings().max_examples * 2 // 5),
    deadline=None,
    suppress_health_check=[
        HealthCheck.nested_given,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(doc=taxonomies(), data=st.data())
def test_generator_survives_random_hostile_taxonomies(
    workdir: Path, doc: dict[str, Any], data: st.DataObject
) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    if yaml.safe_load(text) != doc:
        # YAML reads some raw characters (NEL, for one) as line breaks; escape them.
        text = yaml.safe_dump(doc, allow_unicode=False, sort_keys=False)
    assert yaml.safe_load(text) == doc  # the fuzzer's own sanity: YAML says what we meant
    event("accepted" if _exercise(workdir, text, data) else "rejected")


# What the fuzzer found, kept as fixed examples. Each must be generated into a
# package that lints, imports and passes its own tests...
FOUND_ACCEPTED = {
    "ambiguous names (ruff E741/E742)": """
        events:
          O:
            description: d
            properties: {l: {type: string}, I: {type: integer}}
    """,
    "no timestamp, no pattern (unused imports)": """
        events:
          e: {description: d, properties: {n: {type: number}}}
    """,
    "a plan name that closes the module docstring": """
        events:
          e: {description: d}
    """,
}
# ...or rejected with located errors.
FOUND_REJECTED = {
    "an integer range that holds no integer": (
        "events:\n  e:\n    description: d\n    properties:\n"
        "      n: {type: integer, exclusiveMinimum: 1, maximum: 1.5}\n",
        "events.e.properties.n.exclusiveMinimum",
    ),
    "infinity, which JSON cannot carry": (
        "events:\n  e:\n    description: d\n    properties:\n"
        "      n: {type: number, maximum: .inf}\n",
        "events.e.properties.n.maximum",
    ),
    # Once generated cleanly; now refused: ECMA-262 has no inline flags (regex_portable).
    "global inline flags, which ECMA-262 lacks": (
        "events:\n  e:\n    description: d\n    properties:\n"
        '      a: {type: string, pattern: "(?i)abc"}\n',
        "events.e.properties.a.pattern",
    ),
    "more unique items than the items can take": (
        "events:\n  e:\n    description: d\n    properties:\n"
        "      b: {type: array, items: {type: boolean}, uniqueItems: true, minItems: 3}\n",
        "events.e.properties.b.minItems",
    ),
}
HEAD = f'version: 1\nname: "\\"\\"\\"; {CANARY}() #"\n'


@pytest.mark.parametrize("case", sorted(FOUND_ACCEPTED))
def test_fuzzer_findings_generate_clean_packages(workdir: Path, case: str) -> None:
    assert _exercise(workdir, HEAD + textwrap.dedent(FOUND_ACCEPTED[case]))


@pytest.mark.parametrize("case", sorted(FOUND_REJECTED))
def test_fuzzer_findings_are_rejected_with_located_errors(workdir: Path, case: str) -> None:
    body, path = FOUND_REJECTED[case]
    with pytest.raises(TaxonomyError) as info:
        load_text(HEAD + body, "taxonomy.yaml")
    _check_rejection(info.value)
    assert [p.path for p in info.value.errors] == [path]


def _differential(module: Any, folder: Path, data: st.DataObject) -> None:
    """One payload per exported schema from hypothesis-jsonschema: valid, loads, round-trips."""
    for model, path in _schema_models(module, folder):
        document = json.loads(path.read_text(encoding="utf-8"))
        payload = data.draw(from_schema(document, custom_formats=CUSTOM_FORMATS))
        validator = jsonschema.Draft202012Validator(
            document, format_checker=jsonschema.FormatChecker()
        )
        assert not [e.message for e in validator.iter_errors(payload)]
        value = from_payload(model, payload)
        assert to_payload(value) == payload


def _schema_models(module: Any, folder: Path) -> list[tuple[Any, Path]]:
    found = [(module.models.PersonAttributes, folder / "schemas" / "person_attributes.json")]
    for path in sorted((folder / "schemas").glob("*.json")):
        title = json.loads(path.read_text(encoding="utf-8"))["title"]
        if path.name != "person_attributes.json":
            found.append((module.models.EVENT_TYPES[title], path))
    return found
