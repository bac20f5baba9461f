"""Small summaries shared by every benchmark: median and spread of repeated runs.

Each benchmark repeats its measurements on a shared, noisy machine, so every
figure it reports is a median with its min and max (never a single run).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from typing import Any


def median_range(values: Iterable[float | None]) -> dict[str, float] | None:
    """``{"median", "min", "max", "n"}`` of the values that were measured, or None."""
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals)}


def jsonable(x: Any) -> Any:
    """``x`` as something ``json.dumps`` accepts (dataclasses as dicts, the rest as repr)."""
    try:
        json.dumps(x)
        return x
    except TypeError:
        if hasattr(x, "__dataclass_fields__"):
            import dataclasses

            return jsonable(dataclasses.asdict(x))
        if isinstance(x, dict):
            return {str(k): jsonable(v) for k, v in x.items()}
        return repr(x)
