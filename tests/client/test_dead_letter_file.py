"""The dead-letter file itself: later failures are appended, never replace earlier ones."""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from types import ModuleType


def test_each_write_appends_its_lines_and_keeps_the_file_private(
    rt: ModuleType, tmp_path: Path
) -> None:
    deadletters = sys.modules[rt.__name__ + ".deadletters"]
    path = str(tmp_path / "dead.jsonl")
    lock = threading.Lock()
    first = [rt.FailedOperation({"n": 1}, "rejected", 400), rt.FailedOperation({"n": 2}, "x")]
    deadletters.write_dead_letters(path, lock, first, durable=False)
    deadletters.write_dead_letters(path, lock, [rt.FailedOperation({"n": 3}, "y")], durable=True)
    lines = [json.loads(line) for line in Path(path).read_text().splitlines()]
    assert [line["operation"] for line in lines] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert lines[0]["status"] == 400 and lines[2]["reason"] == "y"
    assert os.stat(path).st_mode & 0o777 == 0o600
