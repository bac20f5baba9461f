"""Python fragments of unions (`type: [string, number]`, `oneOf`): tests, checks, wire forms.

A union's members differ in their Python type (the builder refuses the rest),
so the generated check picks the member with `isinstance` and runs that
member's own rules; the wire form of an object member is read back by its
discriminator or by a key only it has. The member fragments come from
`pycode`, passed in as functions (this module is what pycode calls for a union).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, assert_never

from .escape import py_string
from .model import (
    ArrayType,
    BooleanType,
    EnumType,
    MapType,
    NumericType,
    ObjectType,
    StringType,
    TimestampType,
    TypeNode,
    UnionType,
    as_enum,
    as_object,
)

CheckLines = Callable[[TypeNode, str, str, int, Any], list[str]]


def _class(node: TypeNode) -> str | None:
    """The one class `isinstance` tests a member with, or None for numbers (bool is an int)."""
    match node:
        case StringType(format="date"):
            return None  # a datetime is a date too: tested in `instance_test`
        case StringType():
            return node.date_class or "str"
        case EnumType(base="string"):
            return "str"
        case BooleanType() | EnumType(base="boolean"):
            return "bool"
        case TimestampType():
            return "_dt.datetime"
        case ArrayType():
            return "list"
        case MapType():
            return "_t.Mapping"
        case ObjectType():
            return node.class_name
        case NumericType() | EnumType() | UnionType():
            return None
        case _:
            assert_never(node)


def instance_test(node: TypeNode, var: str) -> str:
    """A condition that is true when `var` is of the member's Python type."""
    cls = _class(node)
    if cls is not None:
        return f"isinstance({var}, {cls})"
    match node:
        case NumericType(integer=True) | EnumType(base="integer"):
            return f"isinstance({var}, int) and not isinstance({var}, bool)"
        case NumericType() | EnumType():
            return f"isinstance({var}, int | float | _dec.Decimal) and not isinstance({var}, bool)"
        case StringType(format="date"):
            return f"isinstance({var}, _dt.date) and not isinstance({var}, _dt.datetime)"
        case UnionType():
            return _any(_tests(node.members, var))
        case (
            StringType() | BooleanType() | TimestampType() | ArrayType() | MapType() | ObjectType()
        ):  # pragma: no cover - `_class` named their class above
            raise AssertionError(node)
        case _:
            assert_never(node)


def _any(tests: list[str]) -> str:
    """`a or (b and c)`: the tests joined, each `and` in parentheses."""
    if len(tests) == 1:
        return tests[0]
    return " or ".join(f"({t})" if " and " in t else t for t in tests)


def _tests(members: tuple[TypeNode, ...] | list[TypeNode], var: str) -> list[str]:
    """The members' tests, the plain `isinstance` ones merged into one call (ruff SIM101)."""
    classes = [c for c in (_class(m) for m in members) if c is not None]
    out = [f"isinstance({var}, {' | '.join(classes)})"] if classes else []
    return out + [instance_test(m, var) for m in members if _class(m) is None]


def expected(node: UnionType, describe: Callable[[TypeNode], str]) -> str:
    """`must be a string or a number`, from each member's own `must be ...`."""
    words = [describe(m).removeprefix("must be ") for m in node.members]
    return "must be " + (", ".join(words[:-1]) + " or " + words[-1])


def union_lines(
    node: UnionType, var: str, label: str, depth: int, consts: Any, check: CheckLines, message: str
) -> list[str]:
    """`if`/`elif` on the member's type, each running that member's rules; else a type error."""
    branches: list[tuple[str, list[str]]] = []
    plain: list[TypeNode] = []
    for member in node.members:
        lines = check(member, var, label, depth, consts)
        # An enum's one check tests type and membership; the others start with the type test.
        rules = lines if as_enum(member) is not None else lines[2:]
        if rules:
            branches.append((instance_test(member, var), rules))
        else:
            plain.append(member)
    fail = f"    raise _c.fail({label}, {py_string('type')}, {py_string(message)}, {var})"
    out: list[str] = []
    for index, (test, rules) in enumerate(branches):
        out += [f"{'elif' if index else 'if'} {test}:", *("    " + r for r in rules)]
    if plain:
        tests = _tests(plain, var)
        cond = tests[0] if len(tests) == 1 and " and " not in tests[0] else f"({_any(tests)})"
        out += [f"{'elif' if branches else 'if'} not {cond}:", fail]
    else:
        out += ["else:", fail]
    return out


def union_to_wire(node: UnionType, expr: str, depth: int, to_wire: Callable[..., str]) -> str:
    """The member's wire expression, chosen by type; members already JSON pass through."""
    result = expr
    for member in reversed(node.members):
        wire = to_wire(member, expr, depth)
        if wire != expr:
            result = f"({wire} if {instance_test(member, expr)} else {result})"
    return result


def union_from_wire(
    node: UnionType, expr: str, label: str, depth: int, from_wire: Callable[..., str]
) -> str:
    """Each member's reader in turn (each leaves other JSON types alone); objects together."""
    result = expr
    objects = [o for o in map(as_object, node.members) if o is not None]
    for member in node.members:
        if as_object(member) is None:
            result = from_wire(member, result, label, depth)
    if len(objects) == 1:
        return f"_c.load_object({objects[0].class_name}._from_payload, {result})"
    if objects:
        key = "None" if node.discriminator is None else py_string(node.discriminator)
        marks = [py_literal(mark) for mark in node.markers]
        choices = ", ".join(
            f"({mark}, {o.class_name}._from_payload)"
            for mark, o in zip(marks, objects, strict=True)
        )
        return f"_c.load_choice({result}, {key}, ({choices},))"
    return result


def py_literal(value: object) -> str:
    return py_string(value) if isinstance(value, str) else repr(value)
