"""The names of a generated method's own parameters, moved aside when the plan takes them.

A user's field name wins over the generated code's internals (docs/taxonomy.md,
Names). A model's `__init__` and the client's methods have parameters of their own
besides the plan's fields: `self`, the person (`person`, or `anonymous_id` for an
anonymous variant) and the `timestamp` option. When a field has one of those names,
the generated parameter gives way: `self` becomes `_self` (a Python name made from a
taxonomy name never starts with `_`), the person becomes a positional-only `_person`
/ `_anonymous_id` (its name is invisible to callers), and the option becomes
`timestamp_` (it is keyword-only, so it keeps a readable name; `generate` reports it).
The App client's send options (`to`, `subject`, `language`, ...) give way the same
way: `option_names`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable


@dataclasses.dataclass(frozen=True)
class CallNames:
    """The generated parameters of one model's `__init__` and client methods."""

    self: str
    person: str
    anonymous_id: str
    timestamp: str

    @property
    def person_only(self) -> bool:
        """Whether the person parameter is positional-only (a field took its name)."""
        return self.person != "person"

    @property
    def anonymous_only(self) -> bool:
        return self.anonymous_id != "anonymous_id"


def option_names(options: Iterable[str], field_names: Iterable[str]) -> dict[str, str]:
    """The parameter of each App send option next to data fields named `field_names`:
    the option's own name, or `<name>_` (`subject_`) when a field takes it."""
    options = list(options)
    taken = set(field_names)
    names: dict[str, str] = {}
    for option in options:
        name = option
        while name in taken or (name != option and name in options):
            name += "_"
        taken.add(name)
        names[option] = name
    return names


def call_names(field_names: Iterable[str]) -> CallNames:
    """The parameter names next to fields named `field_names`."""
    taken = set(field_names)
    return CallNames(
        self="_self" if "self" in taken else "self",
        person="_person" if "person" in taken else "person",
        anonymous_id="_anonymous_id" if "anonymous_id" in taken else "anonymous_id",
        timestamp="timestamp_" if "timestamp" in taken else "timestamp",
    )
