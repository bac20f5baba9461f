"""The ``failed`` list ``on_error`` is given for a group of drops: its report objects
are built on first use, all at once.

A group of drops is reported by the client's reporting thread, beside the calls
(``report_thread``), and building one :class:`FailedOperation` per drop was a third
of that work. A callback that counts the drops (``len(failed)``) or logs its
summary never reads one. So the list answers ``len()`` (and truth) from the queued
bytes it holds, and builds every report object the first time anything else is asked
of it (iteration, indexing, comparison, ``in``, ``repr``, any method): from then on
it is an ordinary list of :class:`FailedOperation`. It copies and pickles as a
plain ``list``; ``isinstance(failed, list)`` holds, ``type(failed) is list`` does not.
Called like ``list`` (``type(failed)(items)``, as ``dataclasses.asdict`` does), the
class makes a list of those items, built already.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, SupportsIndex

from .values import FailedOperation, _Dropped


def dropped(items: list[bytes]) -> list[FailedOperation]:
    """The reports of a group of drops of batch operations: two stores each, the rest
    is the class's."""
    new = _Dropped.__new__
    out: list[FailedOperation] = []
    append = out.append
    for item in items:
        failed = new(_Dropped)
        failed._raw = item
        failed._operation = None
        append(failed)
    return out


class DropReports(list[FailedOperation]):
    """A list of reports; made by :func:`lazy_reports`, those of dropped batch operations,
    built on first use."""

    __slots__ = ("_building", "_raws")

    def __init__(self, items: Iterable[FailedOperation] = ()) -> None:
        super().__init__(items)
        self._raws: list[bytes] | None = None
        self._building = threading.Lock()  # on_error may hand the list to other threads

    def _build(self) -> DropReports:
        if self._raws is not None:
            with self._building:
                raws = self._raws
                if raws is not None:
                    list.extend(self, dropped(raws))
                    self._raws = None
        return self

    def __len__(self) -> int:
        raws = self._raws
        return len(raws) if raws is not None else list.__len__(self)

    def __radd__(self, other: object) -> object:
        """``plain + failed`` and ``plain += failed``: ``list``'s own code does them
        (in place for ``+=``) once the reports are built; it reads their items
        directly."""
        self._build()
        return NotImplemented

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        return (list, (list.copy(self._build()),))


def lazy_reports(raws: list[bytes]) -> DropReports:
    """The reports of ``raws`` (dropped batch operations, in call order), built on
    first use."""
    reports = DropReports()
    reports._raws = raws
    return reports


def _built(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` of ``list``, called once the reports are built (those of a
    :class:`DropReports` argument too: ``list``'s C code reads its items directly)."""

    def call(self: DropReports, *args: Any, **kwargs: Any) -> Any:
        built = [a._build() if type(a) is DropReports else a for a in args]
        return method(self._build(), *built, **kwargs)

    call.__name__ = method.__name__
    call.__doc__ = method.__doc__
    return call


_READ_OR_CHANGE: Iterable[str] = (
    "__iter__", "__reversed__", "__getitem__", "__setitem__", "__delitem__",
    "__contains__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
    "__add__", "__iadd__", "__mul__", "__rmul__", "__imul__", "__repr__", "__sizeof__",
    "append", "extend", "insert", "remove", "pop", "clear", "index", "count", "sort",
    "reverse", "copy",
)  # fmt: skip
"""Every method of ``list`` but ``len``: each builds the reports first."""

for _name in _READ_OR_CHANGE:
    setattr(DropReports, _name, _built(getattr(list, _name)))
