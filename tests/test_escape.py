"""Every escaper round-trips arbitrary text through Python's own parser."""

from __future__ import annotations

import ast

from hypothesis import example, given
from hypothesis import strategies as st

from ciogen.escape import comment, docstring, py_string

# Any text except lone surrogates, which UTF-8 files cannot hold (the escapers
# spell them as escapes, tested separately below).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)
HOSTILE = [
    '"""',
    "'''",
    "\\",
    'x"',
    "x\\",
    "{}",
    "{{ x }}",
    "\r\n",
    "\x00",
    "\u2028",
    "",
    '""""""',
    "\\'",
]


@given(TEXT)
@example('a"""b')
@example('ends with quote"')
@example("trailing backslash\\")
@example('""""""""')
@example('\\"""')
@example("{% raw %}{{ x }}")
def test_docstring_evaluates_to_the_original(text: str) -> None:
    source = f'def f():\n    """{docstring(text)}"""\n    return 1\n'
    tree = ast.parse(source)
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    # Nothing closed early: the body is still exactly a docstring and a return.
    assert len(func.body) == 2
    first = func.body[0]
    assert isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    assert first.value.value == text


@given(TEXT)
@example("")
@example("\\")
@example("'\"")
def test_string_literal_evaluates_to_the_original(text: str) -> None:
    literal = py_string(text)
    assert ast.literal_eval(literal) == text
    assert "\n" not in literal and "\r" not in literal


@given(TEXT)
def test_comment_stays_on_one_line(text: str) -> None:
    line = comment(text)
    source = f"x = 1  # {line}\ny = 2\n"
    tree = ast.parse(source)
    assert len(tree.body) == 2
    assert len(source.splitlines()) == 2


def test_hostile_strings_and_surrogates() -> None:
    for text in [*HOSTILE, "\ud800", "a\udfffb"]:
        assert ast.literal_eval(py_string(text)) == text
        assert ast.literal_eval(f'"""{docstring(text)}"""') == text
        assert py_string(text).isascii() or "\ud800" not in py_string(text)
