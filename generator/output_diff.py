"""The unified diff `check` prints for changed files, bounded in size and time.

A CI log is read by a person: a diff of thousands of lines helps nobody, and
difflib's time grows with the product of the lines that differ (a whole
39 MB generated file took minutes). So the common start and end of the two
versions are cut before difflib sees them (hunk line numbers are shifted
back), a file too large or too different gets one line saying where it first
differs instead of a diff, and each file's diff stops after
`MAX_DIFF_OUTPUT_LINES` lines with a count of what was left out.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from .limits import MAX_DIFF_BYTES, MAX_DIFF_LINES, MAX_DIFF_OUTPUT_LINES
from .output import Plan
from .output_scan import differs_at, read_regular

_CONTEXT = 3
_HUNK = re.compile(r"^@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@$")


def _size(path: Path) -> int:
    try:
        return os.lstat(path).st_size
    except OSError:
        return 0


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _trimmed(old: Sequence[str], new: Sequence[str]) -> tuple[int, int]:
    """(start, end): how many lines the two versions share at the start and at the end."""
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, end


def _shifted(lines: Iterator[str], shift: int) -> Iterator[str]:
    """`lines` with each hunk header's line numbers moved down by `shift`."""
    for line in lines:
        match = _HUNK.match(line) if line.startswith("@@") else None
        if match is None:
            yield line
            continue
        old_at, old_len, new_at, new_len = match.groups()
        yield f"@@ -{int(old_at) + shift}{old_len} +{int(new_at) + shift}{new_len} @@"


def _file_diff(label: str, old_bytes: bytes, new_text: str) -> list[str]:
    old = old_bytes.decode("utf-8", "replace").split("\n")
    new = new_text.split("\n")
    start, end = _trimmed(old, new)
    if len(old) + len(new) - 2 * (start + end) > MAX_DIFF_LINES:
        return [
            f"{label}: differs from line {start + 1} on, in more than {MAX_DIFF_LINES} lines;"
            " diff not shown"
        ]
    first = max(start - _CONTEXT, 0)
    lines = difflib.unified_diff(
        old[first : len(old) - max(end - _CONTEXT, 0)],
        new[first : len(new) - max(end - _CONTEXT, 0)],
        fromfile=f"{label} (on disk)",
        tofile=f"{label} (from taxonomy)",
        lineterm="",
    )
    shown: list[str] = []
    left = 0
    for line in _shifted(lines, first):
        if len(shown) < MAX_DIFF_OUTPUT_LINES:
            shown.append(line)
        else:
            left += 1
    if left:
        shown.append(f"... {left} more diff lines of {label} not shown")
    return shown


def unified_diff(root: Path, files: Mapping[str, str], result: Plan, display: str) -> str:
    """The changed files as a unified diff (CR shown, so CRLF drift is visible)."""
    chunks: list[str] = []
    for rel in result.changed:
        label = f"{display}/{rel}"
        expected = files[rel].encode("utf-8")
        disk = _size(root / rel)
        if max(disk, len(expected)) > MAX_DIFF_BYTES:
            offset = differs_at(root / rel, expected) or 0
            chunks.append(
                f"{label}: differs from line {_line_of(expected, offset)} on (on disk"
                f" {disk:,} bytes, from taxonomy {len(expected):,}); diff not shown:"
                f" over {MAX_DIFF_BYTES // (1024 * 1024)} MiB"
            )
            continue
        chunks.extend(
            _file_diff(label, read_regular(root / rel, MAX_DIFF_BYTES) or b"", files[rel])
        )
    return "\n".join(chunks) + ("\n" if chunks else "")
