"""Read the taxonomy as it was at a git revision, for `ciogen diff`.

The default base is the merge base of HEAD with the default branch, which is
what a pull request is reviewed against: the pull request's base branch in
GitHub Actions (`$GITHUB_BASE_REF`), else the remote's HEAD when known, else
`main` or `master` (local, then on `origin`). Git is run as a subprocess with a
fixed argument list (never a shell); every failure becomes a `GitError` whose
one-line message says what is wrong and what to do (a shallow clone, no merge
base, an unknown ref, no repository at all).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path


class GitError(Exception):
    """Git failed or is not usable here; the message says why, in one line."""


_FETCH = "fetch the history (actions/checkout: fetch-depth: 0) or pass --against REF"


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


def _exists(ref: str, root: Path) -> bool:
    try:
        _git(["rev-parse", "-q", "--verify", ref + "^{commit}"], root)
    except GitError:
        return False
    return True


def _shallow(root: Path) -> bool:
    with contextlib.suppress(GitError):
        return _git(["rev-parse", "--is-shallow-repository"], root).strip() == "true"
    return False


def repo_root(path: Path) -> Path:
    """The top of the work tree holding `path`."""
    try:
        return Path(_git(["rev-parse", "--show-toplevel"], path.parent).strip())
    except GitError as exc:
        if "not a git repository" in str(exc):
            raise GitError(
                f"{path.parent} is not in a git repository; pass --against PATH to compare "
                "with a taxonomy file"
            ) from None
        raise


def _candidates(root: Path) -> list[str]:
    refs: list[str] = []
    base_ref = os.environ.get("GITHUB_BASE_REF", "").strip()
    if base_ref:  # a pull request's base branch in GitHub Actions
        refs += [f"refs/remotes/origin/{base_ref}", f"refs/heads/{base_ref}"]
    with contextlib.suppress(GitError):
        refs.append(_git(["symbolic-ref", "-q", "refs/remotes/origin/HEAD"], root).strip())
    refs += [
        "refs/heads/main",
        "refs/heads/master",
        "refs/remotes/origin/main",
        "refs/remotes/origin/master",
    ]
    return [ref for ref in refs if ref]


def has_commits(root: Path) -> bool:
    """Whether the repository holds any commit (a fresh `git init` holds none)."""
    if _exists("HEAD", root):
        return True
    return bool(_git(["for-each-ref", "--count=1", "--format=%(refname)"], root).strip())


def default_base(root: Path) -> str:
    """The merge base of HEAD with the default branch, as a commit id."""
    if not _exists("HEAD", root):
        raise GitError("the repository has no commit yet; pass --against PATH")
    for ref in _candidates(root):
        if not _exists(ref, root):
            continue
        try:
            return _git(["merge-base", "HEAD", ref], root).strip()
        except GitError:
            short = ref.removeprefix("refs/heads/").removeprefix("refs/remotes/")
            if _shallow(root):
                raise GitError(
                    f"no merge base of HEAD and {short} in this shallow clone; {_FETCH}"
                ) from None
            raise GitError(
                f"HEAD and {short} have no commit in common (no merge base); pass --against REF"
            ) from None
    if _shallow(root):
        raise GitError(f"this shallow clone has no default branch (main, master); {_FETCH}")
    raise GitError("no default branch (origin/HEAD, main or master) found; pass --against REF")


def read_at(ref: str, file: Path) -> tuple[str | None, str]:
    """The text of `file` at `ref` (None when the file did not exist there), and a label."""
    root = repo_root(file.resolve())
    rel = file.resolve().relative_to(root).as_posix()
    try:
        commit = _git(["rev-parse", "-q", "--verify", ref + "^{commit}"], root).strip()
    except GitError:
        hint = f"; {_FETCH}" if _shallow(root) else ""
        raise GitError(
            f"unknown revision {ref!r}: not a branch, tag or commit here, nor a file{hint}"
        ) from None
    label = f"{ref}@{commit[:10]}:{rel}" if ref != commit else f"{commit[:10]}:{rel}"
    try:
        _git(["cat-file", "-e", f"{commit}:{rel}"], root)
    except GitError:
        return None, label
    return _git(["cat-file", "blob", f"{commit}:{rel}"], root), label
