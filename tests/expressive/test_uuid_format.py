"""The `uuid` format check is a regular expression that accepts exactly what
`str(uuid.UUID(value)) == value.lower()` accepted, so the generated runtime need not
import `uuid` (which pulls in `platform`: milliseconds for every importing process).
The template itself is loaded, not a generated copy."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import uuid
from types import ModuleType

import pytest
from helpers import REPO
from hypothesis import given, settings
from hypothesis import strategies as st

TEMPLATE = REPO / "templates" / "_checks.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_checks_template", TEMPLATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checks = _load()


def by_uuid_module(value: str) -> bool:
    """The check as it was: the standard library's parser, canonical form only."""
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


CANONICAL = "12345678-9abc-def0-1234-56789abcdef0"
EXAMPLES = [
    CANONICAL,
    CANONICAL.upper(),
    "12345678-9ABC-def0-1234-56789AbCdEf0",
    "00000000-0000-0000-0000-000000000000",
    "{" + CANONICAL + "}",
    "urn:uuid:" + CANONICAL,
    CANONICAL.replace("-", ""),
    CANONICAL + "\n",
    " " + CANONICAL,
    CANONICAL + " ",
    CANONICAL[:-1],
    CANONICAL + "0",
    CANONICAL.replace("-", "_"),
    "1234567-89abc-def0-1234-56789abcdef0",  # hyphen moved
    CANONICAL.replace("a", "g"),
    CANONICAL.replace("1", "\u0661"),  # ARABIC-INDIC DIGIT ONE: int() reads it as 1
    CANONICAL.replace("a", "\uff41"),  # FULLWIDTH LATIN SMALL LETTER A
    CANONICAL.replace("a", "\u212a"),  # KELVIN SIGN, lower() is ASCII "k"
    "",
    "-" * 36,
]


@pytest.mark.parametrize("value", EXAMPLES)
def test_the_regex_agrees_with_the_uuid_module(value: str) -> None:
    assert checks.is_uuid(value) is by_uuid_module(value)


@st.composite
def near_uuids(draw: st.DrawFn) -> str:
    """A valid UUID in some case, then up to three characters replaced, inserted or removed."""
    text = str(draw(st.uuids()))
    text = "".join(c.upper() if draw(st.booleans()) else c for c in text)
    odd = st.sampled_from("-_{}:gG \n\t0fF\u0661\uff10\u212a") | st.characters()
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        match draw(st.sampled_from(["replace", "insert", "remove"])):
            case "replace":
                text = text[:at] + draw(odd) + text[at + 1 :]
            case "insert":
                text = text[:at] + draw(odd) + text[at:]
            case _:
                text = text[:at] + text[at + 1 :]
    return text


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(value=near_uuids() | st.text(max_size=40))
def test_the_regex_agrees_with_the_uuid_module_on_near_misses(value: str) -> None:
    assert checks.is_uuid(value) is by_uuid_module(value)


def test_the_checks_module_does_not_import_uuid() -> None:
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('_checks', {str(TEMPLATE)!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(module)\n"
        f"assert module.is_uuid({CANONICAL!r})\n"
        "print(sorted({'uuid', 'platform'} & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout == "[]\n"
