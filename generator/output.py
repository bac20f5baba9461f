"""Write the generated files into the output folder, or compare them with it.

`generate` and `check` share `build_output`; this module is the only place
that touches the output folder, and it touches nothing but the generated file
set:

- **Refusals.** Before anything is written, `refusals` lists what would make
  the write destroy a user's work: an output folder that is `.`, a home
  folder, a repository or project root, a file or a link; a file at a
  generated path without ciogen's header; Python code (or anything Python
  would execute) that ciogen did not write. `--force` overrides all but the
  ones no write can get past (a folder or a link where a file goes).
- **A journal.** Every new file is staged beside its target (a temporary
  name), every file about to be replaced or removed is kept as a hard link,
  and `.ciogen-journal.json` lists them all before the first rename; every
  staged file is synced to disk (all together, in threads) before it. A failure
  rolls everything back; a kill leaves the journal, and the next run rolls the
  interrupted one back (and says so) before it plans. `check` reports a
  journal or a temporary file as drift.
- **Only changes.** Unchanged files are not opened for writing (their mode
  and mtime stay); replaced files keep their mode; new files and folders get
  the umask's permissions.
- **Exact comparison.** Bytes, not text: CRLF line ends are drift. A file is
  compared in full whatever its size (streamed, never read past the length
  ciogen would write); the diff `check` prints is bounded (`output_diff`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import stat
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .output_scan import (
    HEAD_BYTES,
    JOURNAL,
    TEMP_MARK,
    Entry,
    classify,
    differs_at,
    read_regular,
    walk,
)
from .render import is_generated


@dataclasses.dataclass
class Plan:
    """What writing `files` into a folder would change, and what stands in the way."""

    changed: list[str] = dataclasses.field(default_factory=list)
    missing: list[str] = dataclasses.field(default_factory=list)
    unchanged: list[str] = dataclasses.field(default_factory=list)
    stale: list[str] = dataclasses.field(default_factory=list)
    """Files with ciogen's header that the taxonomy no longer produces: removed by generate."""
    foreign: list[str] = dataclasses.field(default_factory=list)
    """Files without ciogen's header that nothing executes: never touched."""
    hazards: list[Entry] = dataclasses.field(default_factory=list)
    """What Python, pytest or the loader would run that ciogen did not write, and links,
    FIFOs and devices: never opened, never touched; drift for `check`."""
    headerless: list[str] = dataclasses.field(default_factory=list)
    """Generated paths holding a file without ciogen's header (also in `changed`)."""
    blocked: list[Entry] = dataclasses.field(default_factory=list)
    """Generated paths no write can take: a folder, a link, a special file, a linked folder."""
    leftovers: list[str] = dataclasses.field(default_factory=list)
    """The journal or temporary files of an interrupted run."""

    @property
    def drifted(self) -> bool:
        return bool(
            self.changed
            or self.missing
            or self.stale
            or self.hazards
            or self.blocked
            or self.leftovers
        )


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _blocked_parent(root: Path, rel: str) -> str:
    """Why a parent folder of `rel` cannot be written through ('' if it can)."""
    parts = rel.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        info = _lstat(root.joinpath(*parts[:depth]))
        if info is None:
            return ""
        if not stat.S_ISDIR(info.st_mode):
            kind = "a link" if stat.S_ISLNK(info.st_mode) else "not a folder"
            return f"{'/'.join(parts[:depth])} is {kind}: never written through"
    return ""


def plan(root: Path, files: Mapping[str, str]) -> Plan:
    """Compare `files` with the folder `root`, byte for byte, without following links."""
    result = Plan()
    info = _lstat(root)
    if info is None or not stat.S_ISDIR(info.st_mode):
        result.missing = sorted(files)
        return result
    for rel in sorted(files):
        why = _blocked_parent(root, rel)
        entry = _lstat(root / rel) if not why else None
        if why:
            result.blocked.append(Entry(rel, "blocked", why))
        elif entry is None:
            result.missing.append(rel)
        elif not stat.S_ISREG(entry.st_mode):
            what = "a link" if stat.S_ISLNK(entry.st_mode) else "not a regular file"
            result.blocked.append(Entry(rel, "blocked", f"{what} where ciogen writes a file"))
        else:
            expected = files[rel].encode("utf-8")
            if entry.st_size == len(expected) and differs_at(root / rel, expected) is None:
                result.unchanged.append(rel)
                continue
            result.changed.append(rel)
            head = read_regular(root / rel, HEAD_BYTES)
            if head is None or not is_generated(head.decode("utf-8", "replace")):
                result.headerless.append(rel)
    expected_set = frozenset(files)
    for rel, entry_info in walk(root):
        if rel in expected_set:
            continue
        found = classify(root, rel, entry_info, expected_set)
        if found is None:
            continue
        if found.kind == "stale":
            result.stale.append(rel)
        elif found.kind == "foreign":
            result.foreign.append(rel)
        elif found.kind == "leftover":
            result.leftovers.append(rel)
        elif found.kind == "hazard":
            result.hazards.append(found)
    return result


_PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg", ".hg")


def folder_refusals(root: Path, *, force: bool) -> list[str]:
    """Why `root` itself is no package folder; checked before anything in it is read, so
    `--out .` or `--out ~` is refused in one line, without a walk of the whole tree."""
    info = _lstat(root)
    if info is not None and not stat.S_ISDIR(info.st_mode) and not stat.S_ISLNK(info.st_mode):
        return [f"{root} is a file, not a folder: ciogen writes a package folder"]
    if force:
        return []
    if info is not None and stat.S_ISLNK(info.st_mode):
        return [f"{root} is a symbolic link: ciogen does not write through links"]
    resolved = root.resolve()
    if resolved == Path.cwd().resolve():
        return [f"{root} is the current folder: name a package folder, e.g. --out generated"]
    if resolved == Path.home().resolve() or resolved == Path(resolved.anchor):
        return [f"{root} is a home or root folder"]
    markers = [m for m in _PROJECT_MARKERS if info is not None and _lstat(root / m) is not None]
    return [f"{root} is a project root (it holds {', '.join(markers)})"] if markers else []


def refusals(root: Path, result: Plan, *, force: bool) -> list[str]:
    """Why writing `result` into the folder `root` would destroy something; empty when safe."""
    reasons: list[str] = [f"{e.rel}: {e.reason}" for e in result.blocked]
    if force:
        return reasons
    reasons += [f"{root}/{rel}: exists without ciogen's header" for rel in result.headerless]
    return reasons + [f"{root}/{e.rel}: {e.reason}" for e in result.hazards]


class Refused(Exception):
    """The write would overwrite, remove or run beside what ciogen did not write.

    `forceable` says whether `--force` would have let it through, so the advice
    printed with the refusal never suggests a flag that cannot help.
    """

    def __init__(self, reasons: list[str], *, forceable: bool) -> None:
        self.reasons = reasons
        self.forceable = forceable
        super().__init__("; ".join(reasons))


# ---------------------------------------------------------------- the journal


def _temp_name(rel: str, pid: int) -> str:
    folder, _, name = rel.rpartition("/")
    return f"{folder}/{'.' + name}{TEMP_MARK}{pid}".lstrip("/")


def _target_of(temp: str) -> str:
    """The file a temporary name stands for ('' for the journal's own temporary)."""
    folder, _, name = temp.rpartition("/")
    stem = name.split(TEMP_MARK, 1)[0]
    if not stem.startswith(".") or stem == JOURNAL:
        return ""
    return f"{folder}/{stem[1:]}".lstrip("/")


def _write_journal(root: Path, journal: dict[str, object]) -> None:
    path = root / JOURNAL
    temp = root / f"{JOURNAL}{TEMP_MARK}{os.getpid()}"
    _write_new(temp, json.dumps(journal, separators=(",", ":")).encode("utf-8"), None)
    os.replace(temp, path)


def _write_new(path: Path, data: bytes, mode: int | None, *, sync: bool = True) -> None:
    """Create `path` (never through a link, never over a file) holding `data`; on disk
    before it returns unless `sync` is off (the caller then runs `_sync_all`)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o666)  # the umask decides, as for any new file
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if sync:
            os.fsync(fd)
    except OSError as exc:
        # os.write and os.fsync name no file: a full disk must still say where.
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
    finally:
        os.close(fd)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.filename is None:
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
    finally:
        os.close(fd)


# fsync waits for the disk; a few at once let it flush them together. One fsync per
# file in turn cost a 1,000-event plan's 2,000 files 0.5-1.2 s, threads 0.15-0.3 s.
_SYNC_THREADS = 8


def _sync_all(paths: list[Path]) -> None:
    """Every file of `paths` on disk (the first failure is raised, naming its file)."""
    with ThreadPoolExecutor(max_workers=_SYNC_THREADS) as pool:
        for _ in pool.map(_sync, paths):
            pass


def _backup(path: Path, backup: Path) -> None:
    """Keep the current `path` at `backup`: a hard link, or a copy where links fail."""
    try:
        os.link(path, backup, follow_symlinks=False)
    except OSError:
        data = read_regular(path, os.lstat(path).st_size)  # the whole file, whatever its size
        if data is None:
            raise
        _write_new(backup, data, stat.S_IMODE(os.lstat(path).st_mode))


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _roll_back(root: Path, journal: Mapping[str, object]) -> None:
    """Undo a journaled write, whatever point it reached; then delete the journal."""
    entries = journal.get("entries", [])
    assert isinstance(entries, list)
    for item in reversed(entries):
        rel, temp, backup = str(item["rel"]), item.get("temp"), item.get("backup")
        if temp:
            _remove(root / str(temp))
        if backup and _lstat(root / str(backup)) is not None:
            os.replace(root / str(backup), root / rel)
        elif not backup and item.get("new") and journal.get("state") == "committing":
            _remove(root / rel)
    created = journal.get("created", [])
    assert isinstance(created, list)
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            os.rmdir(root / str(folder))
    _remove(root / f"{JOURNAL}{TEMP_MARK}{journal.get('pid', '')}")
    _remove(root / JOURNAL)


def _finish(root: Path, journal: Mapping[str, object]) -> None:
    entries = journal.get("entries", [])
    assert isinstance(entries, list)
    for item in entries:
        if item.get("backup"):
            _remove(root / str(item["backup"]))
    _remove(root / JOURNAL)


def recover(root: Path) -> list[str]:
    """Undo what an interrupted run left in `root`; say what was done."""
    notes: list[str] = []
    journal_path = root / JOURNAL
    raw = read_regular(journal_path)
    if raw is not None:
        try:
            journal = json.loads(raw)
        except ValueError:
            journal = {}
        if journal.get("state") == "done":
            _finish(root, journal)
            notes.append("finished cleaning up after an interrupted run")
        else:
            _roll_back(root, journal)
            notes.append(
                f"rolled back an interrupted run (pid {journal.get('pid', '?')}): "
                "the folder is as it was before it"
            )
    stray = [rel for rel, info in walk(root) if TEMP_MARK in rel and stat.S_ISREG(info.st_mode)]
    for rel in stray:
        target = _target_of(rel)
        if rel.endswith(".old") and target and _lstat(root / target) is None:
            os.replace(root / rel, root / target)  # a kept original whose journal is gone
        else:
            _remove(root / rel)
    if stray:
        notes.append(f"removed {len(stray)} temporary file(s) of an interrupted run")
    return notes


def _ensure_folders(root: Path, rels: list[str]) -> list[str]:
    """Create the missing folders of `rels` (umask permissions); return those created."""
    created: list[str] = []
    for rel in rels:
        parts = rel.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder in created or _lstat(root / folder) is not None:
                continue
            os.mkdir(root / folder)
            created.append(folder)
    return created


def write(root: Path, files: Mapping[str, str], *, force: bool = False) -> tuple[Plan, list[str]]:
    """Make the generated files of `root` exactly `files`; return the plan and recovery notes.

    Raises `Refused` (nothing touched) when the write would destroy something.
    """
    reasons = folder_refusals(root, force=force)
    if reasons:
        raise Refused(reasons, forceable=not force and not folder_refusals(root, force=True))
    info = _lstat(root)
    notes = recover(root) if info is not None and stat.S_ISDIR(info.st_mode) else []
    result = plan(root, files)
    reasons = refusals(root, result, force=force)
    if reasons:
        raise Refused(reasons, forceable=not force and not result.blocked)
    if not (result.changed or result.missing or result.stale):
        return result, notes
    if info is None:
        os.makedirs(root)  # parents too; the umask decides their permissions
    root = root.resolve()
    pid = os.getpid()
    journal: dict[str, object] = {"version": 1, "pid": pid, "state": "staging", "entries": []}
    entries: list[dict[str, object]] = []
    journal["entries"] = entries
    try:
        journal["created"] = _ensure_folders(root, result.missing)
        _write_journal(root, journal)
        for rel in result.changed + result.missing:
            temp = _temp_name(rel, pid)
            old = _lstat(root / rel)
            item: dict[str, object] = {"rel": rel, "temp": temp, "new": old is None}
            if old is not None:
                item["backup"] = f"{temp}.old"
            entries.append(item)
        for rel in result.stale:
            entries.append({"rel": rel, "backup": f"{_temp_name(rel, pid)}.old", "remove": True})
        _write_journal(root, journal)
        staged: list[Path] = []
        for item in entries:
            rel = str(item["rel"])
            if item.get("backup"):
                _backup(root / rel, root / str(item["backup"]))
            if item.get("temp"):
                old = _lstat(root / rel)
                mode = stat.S_IMODE(old.st_mode) if old is not None else None
                path = root / str(item["temp"])
                _write_new(path, files[rel].encode("utf-8"), mode, sync=False)
                staged.append(path)
        _sync_all(staged)  # every staged file is on disk before the first rename
        journal["state"] = "committing"
        _write_journal(root, journal)
        for item in entries:
            rel = str(item["rel"])
            if item.get("remove"):
                os.unlink(root / rel)
            else:
                os.replace(root / str(item["temp"]), root / rel)
                item["temp"] = None
        journal["state"] = "done"
        _write_journal(root, journal)
    except BaseException:
        with contextlib.suppress(OSError):
            _roll_back(root, journal)
            if info is None:
                os.rmdir(root)  # the folder this run created (empty again after the roll-back)
        raise
    _finish(root, journal)
    return result, notes


def old_leftovers(root: Path) -> list[str]:
    """Folders an older ciogen's interrupted swap left beside `root` (reported, never deleted:
    they may hold the only copy of the previous folder)."""
    parent = root.absolute().parent
    prefixes = (f".{root.absolute().name}.ciogen-new-", f".{root.absolute().name}.ciogen-old-")
    try:
        names = sorted(os.listdir(parent))
    except OSError:
        return []
    return [str(parent / name) for name in names if name.startswith(prefixes)]
