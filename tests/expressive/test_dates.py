"""`format: date` and `date-time`: `datetime.date` and aware `datetime` objects in Python,
ISO 8601 text on the wire, read back as objects; naive datetimes are rejected.

The golden case `dates` has them as required, nullable, array items (unique), map
values and a union member; `dates_errors` the string rules that cannot apply to a
date object, a default (which would be a string) and an example that is no date.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from generated_suite import imported
from golden_cases import GOLDEN, package_name, package_root
from helpers import from_payload

START = dt.datetime(2018, 8, 28, 4, 9, 47, tzinfo=dt.UTC)
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))


@pytest.fixture(scope="module")
def dates() -> Iterator[ModuleType]:
    with imported(package_root("dates"), package_name("dates")) as package:
        yield package


def _schema(name: str) -> dict[str, Any]:
    path = package_root("dates") / package_name("dates") / "schemas" / name
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_dates_travel_as_iso_text_and_come_back_as_objects(dates: ModuleType) -> None:
    transport = dates.RecordingTransport()
    client = dates.Client("site", "key", transport=transport, mode="sync")
    try:
        client.trial_started(
            "42",
            trial_start_date=START,
            trial_end_date=dt.datetime(2018, 9, 20, 9, 39, 47, 5, tzinfo=IST),
            holidays=[dt.date(2018, 12, 25)],
            milestones={"half": START},
            due=dt.date(2018, 9, 1),
        )
        client.identify("42", birthday=dt.date(1990, 4, 1), trial_ends_at=START)
    finally:
        client.close()
    event, person = transport.operations()
    assert event["attributes"] == {
        "trial_start_date": "2018-08-28T04:09:47+00:00",
        "trial_end_date": "2018-09-20T09:39:47.000005+05:30",
        "holidays": ["2018-12-25"],
        "milestones": {"half": "2018-08-28T04:09:47+00:00"},
        "due": "2018-09-01",
    }
    assert person["attributes"] == {
        "birthday": "1990-04-01",
        "trial_ends_at": "2018-08-28T04:09:47+00:00",
    }
    checker = jsonschema.FormatChecker()
    jsonschema.validate(event["attributes"], _schema("trial_started.json"), format_checker=checker)
    back = from_payload(dates.models.TrialStarted, event["attributes"])
    assert back.trial_end_date == dt.datetime(2018, 9, 20, 9, 39, 47, 5, tzinfo=IST)
    assert back.holidays == [dt.date(2018, 12, 25)]
    assert back.due == dt.date(2018, 9, 1)
    zulu = from_payload(
        dates.models.TrialStarted,
        {"trial_start_date": "2018-08-28T04:09:47Z", "trial_end_date": None},
    )
    assert zulu.trial_start_date == START
    assert zulu.trial_start_date.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"trial_start_date": "2018-08-28T04:09:47Z"}, "trial_started.trial_start_date", "type"),
        (
            {"trial_start_date": dt.datetime(2018, 8, 28)},
            "trial_started.trial_start_date",
            "timezone",
        ),
        ({"holidays": [START]}, "trial_started.holidays[0]", "type"),
        ({"holidays": ["2018-12-25"]}, "trial_started.holidays[0]", "type"),
        (
            {"milestones": {"m": START.replace(tzinfo=None)}},
            "trial_started.milestones['m']",
            "timezone",
        ),
        ({"due": START}, "trial_started.due", "type"),
    ],
)
def test_strings_datetimes_for_dates_and_naive_datetimes_are_rejected(
    dates: ModuleType, kwargs: dict[str, Any], field: str, rule: str
) -> None:
    arguments: dict[str, Any] = {"trial_start_date": START, "trial_end_date": None, **kwargs}
    with pytest.raises(dates.ValidationError) as caught:
        dates.models.TrialStarted(**arguments)
    assert (caught.value.field, caught.value.rule) == (field, rule)


def test_a_string_that_is_no_date_time_stays_a_type_error(dates: ModuleType) -> None:
    with pytest.raises(dates.ValidationError) as caught:
        from_payload(
            dates.models.TrialStarted, {"trial_start_date": "next tuesday", "trial_end_date": None}
        )
    assert (caught.value.field, caught.value.rule) == ("trial_started.trial_start_date", "type")


def test_the_signature_takes_date_objects() -> None:
    root = package_root("dates") / package_name("dates")
    source = (root / "_events" / "trial_started.py").read_text(encoding="utf-8")
    assert "trial_start_date: _dt.datetime," in source
    assert "holidays: list[_dt.date] | None = None," in source
    assert "due: _dt.date | int | None = None," in source


def test_date_mistakes_are_located() -> None:
    errors = (GOLDEN / "dates_errors" / "expected_errors.txt").read_text(encoding="utf-8")
    assert "patterned.pattern: 'pattern' does not apply to format 'date'" in errors
    assert "sized.maxLength: 'maxLength' does not apply to format 'date-time'" in errors
    assert "bad_example.examples[0]: example does not fit its own schema: 'next tuesday'" in errors
