"""Read the taxonomy as it was at a git revision, for `ciogen diff`.

The default base is the merge base of HEAD with the default branch (the
remote's HEAD when known, else `main` or `master`), which is what a pull
request is reviewed against. Git is run as a subprocess with a fixed argument
list (never a shell); every failure becomes a `GitError` with git's message.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path


class GitError(Exception):
    """Git failed or is not usable here; the message says why, in one line."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed; pass --against PATH to compare with a file") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args)} took longer than 60 s") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return done.stdout.decode("utf-8", "surrogateescape")


def repo_root(path: Path) -> Path:
    """The top of the work tree holding `path`."""
    return Path(_git(["rev-parse", "--show-toplevel"], path.parent).strip())


def default_base(root: Path) -> str:
    """The merge base of HEAD with the default branch, as a commit id."""
    candidates: list[str] = []
    with contextlib.suppress(GitError):
        candidates.append(_git(["symbolic-ref", "-q", "refs/remotes/origin/HEAD"], root).strip())
    candidates += ["refs/heads/main", "refs/heads/master", "refs/remotes/origin/main"]
    for ref in candidates:
        if not ref:
            continue
        try:
            _git(["rev-parse", "-q", "--verify", ref + "^{commit}"], root)
        except GitError:
            continue
        return _git(["merge-base", "HEAD", ref], root).strip()
    raise GitError("no default branch (origin/HEAD, main or master) found; pass --against REF")


def read_at(ref: str, file: Path) -> tuple[str | None, str]:
    """The text of `file` at `ref` (None when the file did not exist there), and a label."""
    root = repo_root(file.resolve())
    rel = file.resolve().relative_to(root).as_posix()
    commit = _git(["rev-parse", "-q", "--verify", ref + "^{commit}"], root).strip()
    label = f"{ref}@{commit[:10]}:{rel}" if ref != commit else f"{commit[:10]}:{rel}"
    try:
        _git(["cat-file", "-e", f"{commit}:{rel}"], root)
    except GitError:
        return None, label
    return _git(["cat-file", "blob", f"{commit}:{rel}"], root), label
