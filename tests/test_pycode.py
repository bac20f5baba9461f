"""Code fragments: the annotations, checks and wire conversions pycode.py writes per type."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ciogen import pycode
from ciogen.model import (
    ArrayType,
    BooleanType,
    EnumType,
    Field,
    NumericType,
    ObjectType,
    StringType,
    TimestampType,
    TypeNode,
)

TIMES = ArrayType(TimestampType(), max_items=2)


def test_annotations() -> None:
    assert pycode.annotation(StringType()) == "str"
    assert pycode.annotation(NumericType(True)) == "int"
    assert pycode.annotation(NumericType(False)) == "float | _dec.Decimal"
    assert pycode.annotation(BooleanType()) == "bool"
    assert pycode.annotation(TIMES) == "list[_dt.datetime]"
    assert pycode.annotation(ObjectType("Address"), "_m.") == "_m.Address"
    assert pycode.annotation(EnumType("Plan", "string", ("a",)), "_m.") == "_m.Plan"


def test_optional_and_nullable_fields_accept_none() -> None:
    required = Field("a", "a", StringType(), True, False, "e.a")
    optional = Field("a", "a", StringType(), False, False, "e.a")
    assert pycode.field_annotation(required) == "str"
    assert pycode.field_annotation(optional) == "str | None"
    assert pycode.default_source(required) is None and pycode.default_source(optional) == "None"


def test_enum_aliases() -> None:
    assert pycode.enum_literal(EnumType("A", "string", ("x", "y"))) == '_t.Literal["x", "y"]'
    # Literal cannot hold floats: the alias is float and the membership check remains.
    assert pycode.enum_literal(EnumType("B", "number", (0.5, 1))) == "float"


def _check(node: TypeNode, value: Any) -> str | None:
    """Run the generated checks on `value`; the rule broken, or None."""
    consts = pycode.Constants()
    lines = pycode.check_lines(node, "value", "'f'", 0, consts)

    class Failed(Exception):
        pass

    def fail(label: str, rule: str, message: str, value: Any) -> Failed:
        return Failed(rule)

    helpers = type(
        "C", (), {"fail": staticmethod(fail), "field_at": staticmethod(lambda label, i: label)}
    )

    scope: dict[str, Any] = {"_c": helpers, "_dt": dt, "value": value}
    scope.update({name: re.compile(regex) for name, regex in consts.patterns.items()})
    try:
        exec("\n".join(lines), scope)
    except Failed as exc:
        return str(exc)
    return None


def test_checks_report_the_first_broken_rule() -> None:
    node = StringType(min_length=2, max_length=3, pattern="[a-z]+")
    assert _check(node, "ab") is None
    assert _check(node, 1) == "type"
    assert _check(node, "a") == "minLength"
    assert _check(node, "abcd") == "maxLength"
    assert _check(node, "A1") == "pattern"
    bounded = NumericType(True, minimum=0, exclusive_maximum=10)
    assert _check(bounded, True) == "type"
    assert (_check(bounded, -1), _check(bounded, 10), _check(bounded, 9)) == (
        "minimum",
        "exclusiveMaximum",
        None,
    )
    assert _check(TIMES, [dt.datetime(2024, 1, 1)]) == "timezone"
    assert _check(TIMES, [dt.datetime(2024, 1, 1, tzinfo=dt.UTC)] * 3) == "maxItems"


def test_wire_conversions() -> None:
    assert pycode.to_wire(StringType(), "v") == "v"
    assert pycode.to_wire(TIMES, "v") == "[_c.unix(x0) for x0 in v]"
    assert pycode.to_wire(ObjectType("A"), "v") == "v._to_payload()"
    assert pycode.from_wire(NumericType(True), "v", "'f'") == "_c.load_int(v)"
    assert pycode.from_wire(ArrayType(StringType()), "v", "'f'") == "_c.load_list(v, lambda x0: x0)"
