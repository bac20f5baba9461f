"""Everything ciogen prints, in one of three formats, with every name escaped.

`ciogen check` runs in CI on pull requests, so the names it prints (event
keys, property names, file names in the output folder) are chosen by whoever
opened the pull request. A name holding a newline followed by `::error ...`
would otherwise become a GitHub Actions annotation; ESC and CR sequences would
recolour or overwrite the log; bidi controls would reorder what a reviewer
reads. So no text reaches a stream except through `Console`, which passes each
line through `escape.terminal` and never lets a line start like a workflow
command. `--format github` is the only way ciogen emits annotations, and it
builds them itself with the runner's own escaping; `--format json` prints one
JSON document (ASCII only) at the end of the run.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from typing import Any, Literal, TextIO

from .errors import Problem
from .escape import terminal

Format = Literal["text", "github", "json"]
FORMATS: tuple[Format, ...] = ("text", "github", "json")

# The runner reads a line as a workflow command when, after leading blanks,
# it starts with `::` (or `##[` in the old syntax).
_COMMAND_STARTS = ("::", "##[")


def safe_line(text: str) -> str:
    """One printable line: escaped, and never a workflow command."""
    line = terminal(text)
    if line.lstrip().startswith(_COMMAND_STARTS):
        line = "\\" + line
    return line


def _annotation_data(text: str) -> str:
    """The runner's escaping of an annotation's message."""
    return terminal(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _annotation_property(text: str) -> str:
    """The runner's escaping of an annotation property (file=, title=)."""
    return _annotation_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclasses.dataclass
class Console:
    """The run's output streams; `finish` writes the JSON document in json format."""

    format: Format = "text"
    command: str = ""
    quiet: bool = False
    out: TextIO = dataclasses.field(default_factory=lambda: sys.stdout)
    err: TextIO = dataclasses.field(default_factory=lambda: sys.stderr)
    _record: dict[str, Any] = dataclasses.field(default_factory=dict)

    def _emit(self, stream: TextIO, text: str) -> None:
        """`text` as exactly one line: any newline in it is escaped, never obeyed."""
        self._write(stream, safe_line(text) + "\n")

    def _write(self, stream: TextIO, text: str) -> None:
        """Write `text`; a stream that fails (a full disk, a closed pipe) is named in the error.

        The OS error of a redirected stdout carries no file name; the run's one
        failure line must still say where it happened (`<stdout>: No space left
        on device`).
        """
        try:
            stream.write(text)
        except OSError as exc:
            raise _located(exc, stream is self.out) from None

    def document(self, text: str) -> None:
        """A document printed verbatim on stdout (`ciogen schema`, a diff report)."""
        self._write(self.out, text)

    def _append(self, key: str, value: Any) -> None:
        self._record.setdefault(key, []).append(value)

    def problems(self, problems: Sequence[Problem]) -> None:
        """Taxonomy errors and warnings, each located."""
        for problem in problems:
            if self.format == "json":
                self._append("problems", _problem_record(problem))
                continue
            if self.format == "github":
                kind = problem.severity.value
                props = (
                    f"file={_annotation_property(problem.file)},line={problem.line},"
                    f"col={problem.column},title={_annotation_property('ciogen ' + problem.path)}"
                )
                message = problem.message + (f" ({problem.hint})" if problem.hint else "")
                self._write(self.err, f"::{kind} {props}::{_annotation_data(message)}\n")
                continue
            self._emit(self.err, problem.format())

    def info(self, message: str) -> None:
        """A summary line on stdout (silenced by `quiet`)."""
        if self.format == "json":
            self._append("messages", {"level": "info", "text": message})
        elif not self.quiet:
            self._emit(self.out, message)

    def failure(self, message: str, *, file: str = "") -> None:
        """Why the run failed (stderr), prefixed `ciogen:`; an annotation in github format."""
        if self.format == "json":
            self._append("messages", {"level": "error", "text": message, "file": file})
            return
        if self.format == "github":
            where = f" file={_annotation_property(file)}" if file else ""
            self._write(self.err, f"::error{where}::{_annotation_data(message)}\n")
            return
        self._emit(self.err, f"ciogen: {message}")

    def warning(self, message: str) -> None:
        """Something the user should know that does not fail the run (stderr)."""
        if self.format == "json":
            self._append("messages", {"level": "warning", "text": message})
        elif self.format == "github":
            self._write(self.err, f"::warning::{_annotation_data(message)}\n")
        else:
            self._emit(self.err, f"ciogen: {message}")

    def file_status(self, status: str, path: str, detail: str = "") -> None:
        """One file of the output folder that `check` found wrong: missing, extra, ..."""
        if self.format == "json":
            self._append("files", {"status": status, "path": path, "detail": detail})
            return
        suffix = f" ({detail})" if detail else ""
        if self.format == "github":
            self._write(
                self.err,
                f"::error file={_annotation_property(path)}::{_annotation_data(status + suffix)}\n",
            )
        self._emit(self.out, f"{status}: {path}{suffix}")

    def diff(self, text: str) -> None:
        """A unified diff, escaped line by line (text and github formats only)."""
        if self.format == "json" or not text:
            return
        for line in text.removesuffix("\n").split("\n"):
            self._emit(self.out, line)

    def data(self, key: str, value: Any) -> None:
        """A machine-readable fact for the json document (ignored by other formats)."""
        self._record[key] = value

    def finish(self, exit_code: int) -> int:
        """Print the json document (json format) and return `exit_code`."""
        if self.format == "json":
            document = {"command": self.command, "exit_code": exit_code, **self._record}
            document.setdefault("problems", [])
            self._write(self.out, json.dumps(document, indent=2, ensure_ascii=True) + "\n")
        for stream in (self.out, self.err):
            try:
                stream.flush()
            except OSError as exc:
                raise _located(exc, stream is self.out) from None
        return exit_code


def _located(exc: OSError, stdout: bool) -> OSError:
    """`exc` naming the stream it happened on, when the OS gave no file name."""
    if exc.filename is not None:
        return exc
    return OSError(exc.errno, exc.strerror or str(exc), "<stdout>" if stdout else "<stderr>")


def _problem_record(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "path": problem.path,
        "severity": problem.severity.value,
        "message": problem.message,
        "hint": problem.hint,
    }
