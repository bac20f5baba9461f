"""Builders of the compound constructs: open maps (`additionalProperties`).

`TypeBuilder` (build_types.py) dispatches here for an object whose keys are
not known in advance; the value schema is built by the same `TypeBuilder`
(passed in as `Builds`), so values may be anything a property may be.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from .model import MapType, TypeNode
from .rename_checks import refuse_renamed_from
from .reporting import Reporter
from .source import JsonPath


class Builds(Protocol):
    """What these builders need of `TypeBuilder`: its reporter and `build_type`."""

    report: Reporter

    def build_type(
        self, spec: Any, path: JsonPath, name_hint: str, label: str
    ) -> tuple[TypeNode, bool, str] | None: ...


def is_open_map(spec: Mapping[str, Any]) -> bool:
    """Whether an object property declares a value schema for keys it does not list."""
    extra = spec.get("additionalProperties", False)
    return extra is not False


def build_map(
    builder: Builds, spec: Mapping[str, Any], path: JsonPath, name_hint: str, label: str
) -> MapType | None:
    """`additionalProperties: <schema>` without `properties`: a `Mapping[str, V]`."""
    report = builder.report
    extra = spec["additionalProperties"]
    extra_path = (*path, "additionalProperties")
    if extra is True:
        report.error(
            extra_path,
            "additionalProperties: true leaves the values untyped",
            "give the values' schema, e.g. `additionalProperties: {type: string}`",
        )
        return None
    if spec.get("properties"):
        report.error(
            extra_path,
            "an object has either listed properties or additionalProperties, not both",
            "move the open part into a property of its own (a map)",
        )
        return None
    if "required" in spec:
        report.error((*path, "required"), "a map has no required keys", key=True)
        return None
    refuse_renamed_from(report, extra, extra_path, "map values")
    built = builder.build_type(extra, extra_path, name_hint + "Value", label + "[*]")
    if built is None:
        return None
    values, nullable, _ = built
    if nullable:
        report.error(extra_path, "map values cannot be nullable", "drop null from the value type")
        return None
    return MapType(values)
