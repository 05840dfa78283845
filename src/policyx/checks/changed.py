"""The documents git says were added or modified since a revision (``policyx check --changed-since REV``).

``git diff --name-only --no-renames --diff-filter=AM REV`` compares REV with the working tree, so committed,
staged and unstaged changes all count; ``--no-renames`` makes a moved document an addition. Untracked files
(``git ls-files --others --exclude-standard``) count too: a document checked before it is committed (a
pre-commit run, a local try) must not pass just because git does not know it yet. Deleted files do not count.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(RuntimeError):
    """git is missing, this is not a repository, or REV is unknown: a usage error."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if done.returncode != 0:
        msg = (done.stderr.strip().splitlines() or [f"git {' '.join(args)} failed"])[-1]
        raise GitError(msg)
    return done.stdout


def changed_files(rev: str, cwd: Path | None = None) -> list[Path]:
    """Absolute paths of files added or modified since ``rev``, plus untracked files, sorted."""
    cwd = Path(cwd or Path.cwd())
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd)
    except GitError:
        raise GitError(f"unknown revision {rev!r} (in CI, fetch enough history: fetch-depth: 0)") from None
    names = _git(["diff", "--name-only", "--no-renames", "--diff-filter=AM", "-z", rev, "--"], top).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0")
    return sorted({(top / n).resolve() for n in names if n})


def within(paths: list[Path], roots: list[Path]) -> list[Path]:
    """The paths that are one of ``roots`` or lie under one of them (all roots when none are given)."""
    if not roots:
        return paths
    resolved = [r.resolve() for r in roots]
    return [p for p in paths if any(p == r or r in p.parents for r in resolved)]
