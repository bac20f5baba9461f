"""One field's checks in a model's `__init__`: its rules as data where its type allows.

A string, number, nested object or list of nested objects at the top of a field is
checked by one call, `_r.check_string(name, label, max_length=16, pattern=...)`,
whose keyword arguments are the field's rules and whose messages are the ones the
spelled-out checks raise (issue #10: the per-field `if`/`raise` pairs were most of
each event's source). Every other type, and every value inside a list, map or
union, keeps the spelled-out checks of `pycode.check_lines`.
"""

from __future__ import annotations

from typing import assert_never

from .escape import py_string
from .model import (
    FORMATS,
    ArrayType,
    BooleanType,
    EnumType,
    Field,
    MapType,
    NumericType,
    ObjectType,
    StringType,
    TimestampType,
    TypeNode,
    UnionType,
)
from .pycode import Constants, check_lines
from .shadowed_builtins import qualify


def _rules_call(node: TypeNode, var: str, label: str, consts: Constants) -> str | None:
    """A field's rules as one `_r.check_*` call (rules as data, checked by `_rules.py`), or
    None for a type whose checks are spelled out."""
    args: list[tuple[str, str]] = []
    match node:
        case StringType(format="date" | "date-time"):
            return None
        case StringType():
            function = "check_string"
            if node.min_length is not None:
                args.append(("min_length", str(node.min_length)))
            if node.max_length is not None:
                args.append(("max_length", str(node.max_length)))
            if node.pattern is not None:
                args.append(("pattern", consts.pattern(node.pattern)))
            if node.format is not None:
                check = FORMATS[node.format]
                args.append(("format", f"(_c.{check}, {py_string(node.format)})"))
        case NumericType():
            function = "check_number"
            if node.integer:
                args.append(("integer", "True"))
            for name, bound in (
                ("minimum", node.minimum),
                ("exclusive_minimum", node.exclusive_minimum),
                ("maximum", node.maximum),
                ("exclusive_maximum", node.exclusive_maximum),
            ):
                if bound is not None:
                    args.append((name, repr(bound)))
        case ObjectType():
            return f"_r.check_instance({var}, {label}, {node.class_name})"
        case ArrayType():
            function = "check_list"
            if node.min_items is not None:
                args.append(("min_items", str(node.min_items)))
            if node.max_items is not None:
                args.append(("max_items", str(node.max_items)))
            if node.unique_items:
                args.append(("unique_items", "True"))
            match node.items:
                case ObjectType():
                    args.append(("of", node.items.class_name))
                case (
                    StringType()
                    | NumericType()
                    | BooleanType()
                    | TimestampType()
                    | EnumType()
                    | UnionType()
                    | ArrayType()
                    | MapType()
                ):
                    return None  # the items' own rules are spelled out in a loop
                case _:
                    assert_never(node.items)
        case EnumType() | UnionType() | BooleanType() | TimestampType() | MapType():
            return None
        case _:
            assert_never(node)
    return f"_r.{function}({var}, {label}{''.join(f', {k}={v}' for k, v in args)})"


def field_checks(
    field: Field, consts: Constants, hidden: frozenset[str] = frozenset()
) -> list[str]:
    """The `__init__` statements that check one field (its parameter, before it is set);
    the spelled-out checks name the builtins in `hidden` (hidden by fields) as `_b.<name>`."""
    var = field.name
    label = py_string(field.label)
    # `CLEAR` has no rules to check: it is checked as a field left out (None).
    first = f"_v = None if {var} is _c.CLEAR else {var}" if field.clearable else f"_v = {var}"
    checked = "_v" if field.clearable else var
    call = _rules_call(field.type, checked, label, consts)
    if call is not None:  # the parameter itself unless `_v` stands for it
        optional = field.nullable or not field.required or field.clearable
        lines = [first] if field.clearable else []
        lines += [f"if {checked} is not None:", "    " + call] if optional else [call]
        return lines + _deprecation_lines(field)
    body = [qualify(line, hidden) for line in check_lines(field.type, "_v", label, 0, consts)]
    lines = [first]
    if (field.nullable or not field.required) and len(body) == 2 and body[0].startswith("if "):
        # One rule: fold the None test into it (what ruff's SIM102 asks for).
        lines += [f"if _v is not None and ({body[0][3:-1]}):", body[1]]
    elif field.nullable or not field.required:
        lines += ["if _v is not None:", *("    " + line for line in body)]
    else:
        lines += body
    return lines + _deprecation_lines(field)


def _deprecation_lines(field: Field) -> list[str]:
    if field.deprecated is None:
        return []
    return [
        f"if {field.name} is not None:",
        f"    _c.warn_deprecated({py_string(field.deprecated)}, 3)",
    ]
