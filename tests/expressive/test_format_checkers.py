"""The format checks the generated tests claim are real: jsonschema's `FormatChecker`
has checkers for `date-time` and `uri` only when `rfc3339-validator` and
`rfc3986-validator` are installed (pinned in the `test` extra). Without them,
`"next tuesday"` would validate as a date-time and the generated tests would check
nothing.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema
import pytest

import generated.tests.test_properties as generated_tests


@pytest.mark.parametrize(
    ("value", "fmt", "valid"),
    [
        ("next tuesday", "date-time", False),
        ("2018-08-28", "date-time", False),
        ("2018-08-28T04:09:47", "date-time", False),  # no offset
        ("2018-08-28T04:09:47Z", "date-time", True),
        ("2018-08-28T04:09:47.5+05:30", "date-time", True),
        ("no scheme here", "uri", False),
        ("//example.com/relative", "uri", False),
        ("https://www.example.com/product/path", "uri", True),
        ("2018-02-30", "date", False),
        ("2018-08-28", "date", True),
        ("not-an-email", "email", False),
    ],
)
def test_formats_are_really_checked(value: str, fmt: str, valid: bool) -> None:
    checker = jsonschema.FormatChecker()
    assert checker.conforms(value, fmt) is valid


def test_a_schema_with_a_format_rejects_what_breaks_it() -> None:
    schema = {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert [e.message for e in validator.iter_errors({"at": "next tuesday"})] == [
        "'next tuesday' is not a 'date-time'"
    ]


def test_the_generated_tests_fail_where_jsonschema_cannot_check_a_used_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a project without jsonschema's format extras, the generated tests say so
    instead of passing `"next tuesday"` as a date-time."""
    schema = {"type": "object", "properties": {"at": {"type": "string", "format": "date-time"}}}
    (tmp_path / "e.json").write_text(json.dumps(schema), encoding="utf-8")
    monkeypatch.setattr(generated_tests, "SCHEMAS", tmp_path)
    generated_tests.test_the_format_checks_are_real()  # the real checkers: passes
    without_extras = functools.partial(jsonschema.FormatChecker, formats=("date", "email"))
    monkeypatch.setattr(generated_tests.jsonschema, "FormatChecker", without_extras)
    with pytest.raises(AssertionError, match="cannot check format 'date-time'"):
        generated_tests.test_the_format_checks_are_real()
