"""Each shortcut the generator takes for speed gives what the general path gives.

The shortcuts: ASCII names skip the Unicode walk (`names._ascii_words`) and
identifiers are cached (`names.snake_case_renamed`, `names.pascal_case`), plain
docstring text skips the escaper's loop (`escape.docstring`), string literals,
natural sort keys and pattern verdicts come from caches (`escape.py_string`,
`layout.natural_key`, `regex_safety.analyse`, `regex_portable.problem`), YAML
mapping keys are interned (`source.py`, which diff's cache relies on instead of
re-interning paths), the model looks for `.inf`/`.nan` only when the loader read
one (`Source.non_finite`), the size limits are walked only when a collection
is big enough (`Source.largest`), the YAML composer inlines its common events
(`yaml_compose.Composer.fast`), the command line pauses the cycle collector (`cli.main`),
and jsonschema runs only for a plan that needs it (`lazy_modules.lazy`).
Each is checked against the path it short-cuts, on generated text that hits the
edges (controls, quotes, backslashes, tabs, newlines, digits, case changes).
"""

from __future__ import annotations

import dataclasses
import gc
import random
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import MINIMAL
from hypothesis import given
from hypothesis import strategies as st

from ciogen import (
    cli,
    diff_cache,
    escape,
    layout,
    names,
    regex_portable,
    regex_safety,
    yaml_compose,
)
from ciogen.build_model import _non_finite_numbers
from ciogen.errors import TaxonomyError
from ciogen.load import count_problems, load_text
from ciogen.source import load_source

ASCII = st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40)
# Mostly what plans hold (letters, digits, separators, quotes), with every ASCII control.
PLAIN = st.text(alphabet=st.sampled_from(string.printable + '"\\\x00\x07\x1b\x7f'), max_size=60)


@given(st.one_of(ASCII, PLAIN))
def test_ascii_names_split_as_the_unicode_walk_splits_them(name: str) -> None:
    assert names._ascii_words(name) == names._unicode_words(name)


@given(st.one_of(ASCII, PLAIN, st.text(max_size=20)), st.sampled_from(["field", "Model"]))
def test_cached_identifiers_are_the_computed_ones(name: str, prefix: str) -> None:
    for _ in range(2):  # the second round is answered from the caches
        assert names.snake_case_renamed(name, prefix=prefix, ambiguous=True) == (
            names.snake_case_renamed.__wrapped__(name, prefix=prefix, ambiguous=True)
        )
        reserved = frozenset({"signed_up", "SignedUp"})
        assert names.pascal_case(name, prefix=prefix, reserved=reserved) == (
            names.pascal_case.__wrapped__(name, prefix=prefix, reserved=reserved)
        )


def test_the_unicode_walk_still_serves_other_names() -> None:
    assert names._ascii_words("Café Straße 日本") == names._unicode_words("Café Straße 日本")
    assert names.snake_case("Café Straße", prefix="f") == "cafe_strasse"


@given(st.one_of(ASCII, PLAIN, st.text(max_size=20)))
def test_docstring_shortcut_gives_the_escapers_text(text: str) -> None:
    assert escape.docstring(text) == escape._escaped_docstring(text)


@given(st.one_of(ASCII, PLAIN, st.text(max_size=20)))
def test_cached_literals_and_keys_are_the_computed_ones(text: str) -> None:
    assert escape.py_string(text) == escape._py_string(text)
    assert escape.py_string(text) == escape._py_string(text)  # a second ask hits the cache
    assert eval(escape.py_string(text)) == text  # the literal ciogen wrote, read back
    assert layout.natural_key(text) == layout.natural_key.__wrapped__(text)


def test_a_str_subclass_is_not_answered_from_the_cache() -> None:
    class Shown(str):
        def __repr__(self) -> str:
            return "'shown'"

    assert escape.py_string("plain") == '"plain"'
    assert escape.py_string(Shown("plain")) == '"shown"'


def test_the_command_line_restores_the_cycle_collector(tmp_path: Path) -> None:
    plan = tmp_path / "taxonomy.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    out = tmp_path / "pkg"
    assert gc.isenabled()
    assert cli.main(["generate", "--taxonomy", str(plan), "--out", str(out), "--quiet"]) == 0
    assert gc.isenabled()
    gc.disable()
    try:
        assert cli.main(["check", "--taxonomy", str(plan), "--out", str(out), "--quiet"]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()


def _generate_reports_jsonschema(tmp_path: Path, plan: str) -> list[str]:
    (tmp_path / "taxonomy.yaml").write_text(plan, encoding="utf-8")
    code = (
        "import sys; from ciogen import cli; rc = cli.main(['generate', '--out', 'pkg', '-q']);"
        " print(rc, 'jsonschema.validators' in sys.modules)"
    )
    got = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return got.stdout.split()[-2:]


def test_jsonschema_is_imported_only_for_a_plan_that_needs_it(tmp_path: Path) -> None:
    """Importing jsonschema costs ~50-70 ms; it writes the messages of a plan the fast verdict
    (meta_fast) rejects and checks defaults and examples. A plan with neither never runs it
    (`lazy_modules.lazy` puts a placeholder in `sys.modules`: its submodules tell)."""
    assert _generate_reports_jsonschema(tmp_path, MINIMAL) == ["0", "False"]
    broken = MINIMAL.replace("type: string", "type: strng")
    assert _generate_reports_jsonschema(tmp_path, broken) == ["2", "True"]


PATTERNS = ["^[A-Z]{3}-[0-9]+$", "(a+)+$", "^(?P<x>a)$", "(?i)abc", "[a-z]*[a-z]*x", ".*"]


def test_cached_pattern_verdicts_are_the_analysed_ones() -> None:
    for pattern in PATTERNS * 2:  # the second round is answered from the caches
        assert regex_safety.analyse(pattern) == regex_safety.analyse.__wrapped__(pattern)
        assert regex_portable.problem(pattern) == regex_portable.problem.__wrapped__(pattern)
    assert regex_safety.problem("(a+)+$", None) is not None  # still refused when cached


def test_mapping_keys_are_interned_and_diff_reads_the_same_from_its_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = MINIMAL.replace("  signed_up:", "  signed_up:\n    deprecated: true") + (
        "  logged_in:\n    description: x\n    properties:\n      method: {type: string}\n"
    )
    src = load_source(text, "taxonomy.yaml")
    first, second = src.data["events"]["signed_up"], src.data["events"]["logged_in"]
    assert next(k for k in first["properties"]) is next(k for k in second["properties"])
    monkeypatch.setenv("CIOGEN_CACHE_DIR", str(tmp_path))
    built = diff_cache.load_text(text, "taxonomy.yaml")  # built, then stored
    cached = diff_cache.load_text(text, "taxonomy.yaml")  # read back
    assert list(tmp_path.glob("diff-*.pickle"))
    assert cached == built


NUMBERS = [
    "a: 1.5\nb: [1, 2e3, -0.0]\n",
    "a: .inf\n",
    "a: [-.Inf]\n",
    "a: {b: .NaN}\n",
    "a: 1.0e+999\n",  # YAML 1.1 reads it as a float, and Python's float is infinite
    "a: !!float 1e999\n",
    "a: &x .inf\nb: *x\n",
    "a: &x {n: .nan}\nb: {<<: *x, m: 1}\n",
    "a: .inf\nb: .inf\n",  # the second is the loader's cached value
    "a: '.inf'\nb: !!str .nan\n",  # strings, not numbers
]


@pytest.mark.parametrize("text", NUMBERS)
def test_the_loader_flags_every_document_the_finite_walk_would_fault(text: str) -> None:
    src = load_source(text, "t.yaml")
    assert src.non_finite == bool(_non_finite_numbers(src.data, ()))


def test_a_non_finite_number_reached_through_an_alias_is_still_located() -> None:
    text = MINIMAL.replace(
        "{type: string, enum: [email, google]}", "&n {type: number, maximum: .inf}"
    )
    text += "  second:\n    properties:\n      m: *n\n"
    with pytest.raises(TaxonomyError) as caught:
        load_text(text, "taxonomy.yaml")
    found = [(p.line, p.path) for p in caught.value.problems if p.message == "not a finite number"]
    assert found == [
        (7, "events.signed_up.properties.method.maximum"),
        (11, "events.second.properties.m.maximum"),  # where the alias is used
    ]


SCALARS = ["a", "1", "2.5", ".inf", "yes", "'q'", '"d"', "~", "!!str 3", "!!int 7", "x y", "<<"]
KEYS = ["k", "m", "k", "<<", "1", "true", "'k'"]


def _node(rng: random.Random, depth: int, anchors: list[str]) -> str:
    """Flow YAML with what the fast path must leave alone: anchors, aliases, merge keys,
    duplicate and non-string keys, tags, repeated scalars (answered from the caches)."""
    if depth > 3 or rng.random() < 0.4:
        if anchors and rng.random() < 0.15:
            return "*" + rng.choice(anchors)
        return rng.choice([*SCALARS, "&s v"])
    anchor = f"a{len(anchors)}" if rng.random() < 0.2 else ""
    if rng.random() < 0.6:
        items = [f"{rng.choice(KEYS)}: {_node(rng, depth + 1, anchors)}" for _ in range(4)]
        body = "{" + ", ".join(items[: rng.randint(0, 4)]) + "}"
    else:
        body = (
            "[" + ", ".join(_node(rng, depth + 1, anchors) for _ in range(rng.randint(0, 4))) + "]"
        )
    if anchor:
        anchors.append(anchor)
        return f"&{anchor} {body}"
    return body


def _seen(text: str) -> tuple[object, ...]:
    src = load_source(text, "t.yaml")
    data = re.sub("0x[0-9a-f]+", "", repr(src.data))  # the merge marker's address
    positions, keys = list(src.positions.items()), list(src.key_positions.items())
    return data, positions, keys, [str(p) for p in src.problems], src.non_finite


def test_the_composers_fast_path_records_what_the_general_path_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(12)
    texts = [MINIMAL, MINIMAL.replace("  signed_up:", "  signed_up:\n    description: dup")]
    for _ in range(400):
        anchors: list[str] = []
        lines = [f"{rng.choice(['x', 'y', 'x', '<<'])}: {_node(rng, 0, anchors)}" for _ in range(3)]
        texts.append("\n".join(lines) + "\n")
    fast = [_seen(text) for text in texts]
    monkeypatch.setattr(yaml_compose.Composer, "fast", False)
    assert [_seen(text) for text in texts] == fast
    assert sum(1 for f in fast if f[3]) > 50  # many documents with problems were compared


def _plan_with(properties: int, enum: int, aliased: bool = False) -> str:
    props = ", ".join(f"p{i}: {{type: string}}" for i in range(properties))
    values = ", ".join(f"v{i}" for i in range(enum))
    text = f"version: 1\nname: t\nevents:\n  a:\n    properties: &p {{{props}}}\n"
    text += f"  b:\n    properties: {{kind: {{type: string, enum: [{values}]}}}}\n"
    return text + ("  c:\n    properties: *p\n" if aliased else "")


@pytest.mark.parametrize(
    "text",
    [
        MINIMAL,
        _plan_with(2000, 10000),
        _plan_with(2001, 3),
        _plan_with(3, 10001),
        _plan_with(2001, 3, aliased=True),
    ],
)
def test_the_size_limits_find_without_the_walk_what_the_walk_finds(text: str) -> None:
    src = load_source(text, "t.yaml")
    assert src.largest is not None
    assert count_problems(src) == count_problems(dataclasses.replace(src, largest=None))
