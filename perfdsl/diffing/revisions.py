"""Inputs of `perfdsl diff`: files, folders and git revisions -> the bytes of every `.perf` file of one side.

Git is only read, never checked out: `git cat-file`, `git ls-tree` and `git ls-files`, run with argument
lists (no shell) in the current folder. A revision is first resolved to an object id with `git rev-parse
--verify --end-of-options`, so what the user typed never stands where git reads options. Problems (no such path, an unknown
revision, no git) are returned as catalogue entries for the command to print, not raised.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..diagnostics import Diagnostic
from ..syntax.loader import SUFFIX, NotRegularFile, find_files, read_regular
from ..messages import Phrase

Problem = tuple[str, dict[str, Any]]
"""A catalogue key and its arguments."""


@dataclass(frozen=True)
class Blob:
    key: str
    """The file's path inside what was given (a folder, a tree): the same file on both sides has the same key."""
    path: str
    """Where it comes from, as shown to the user (`specs/a.perf`, `HEAD~1:specs/a.perf`)."""
    data: bytes


@dataclass
class Side:
    label: str
    blobs: list[Blob] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)
    """Warnings about what was not read (a link in a folder that leads out of it)."""


class _GitFailed(Exception):
    """Internal: a git command failed; turned into a Problem at this module's boundary."""

    def __init__(self, problem: Problem, said: bool = True) -> None:
        super().__init__(problem[0])
        self.problem = problem
        self.said = said  # whether git gave a reason: `rev-parse --verify --quiet` says nothing


def _git(*args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], input=stdin, capture_output=True, timeout=120)
    except FileNotFoundError:
        raise _GitFailed(("diff.no_git", {})) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitFailed(("diff.git_failed", {"command": "git " + " ".join(args),
                                              "reason": reason[0] if reason else f"exit {done.returncode}"}),
                         said=bool(reason))
    return done.stdout


def _resolve(rev: str, kind: str) -> str:
    """The id of the commit or tree (`kind`) that `rev` names, for the commands that read it."""
    if rev.startswith("-"):  # no ref may start with `-`: a typo, or an option put in the wrong place
        raise _GitFailed(("diff.option_revision", {"rev": rev}))
    try:
        return _git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{{kind}}}").decode().strip()
    except _GitFailed as e:
        if e.said:  # not a repository, …: git's own words say it best
            raise
        raise _GitFailed(("diff.no_revision", {"rev": rev})) from None


def _guarded(label: str, read: Any, *args: Any) -> Side:
    try:
        return Side(label, read(*args))
    except _GitFailed as e:
        return Side(label, [], [e.problem])


def is_commit(rev: str) -> bool:
    """Whether `rev` names a commit here (so `perfdsl diff --git A B` can tell a revision from a path)."""
    try:
        _git("rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}")
        return True
    except _GitFailed:
        return False


def read_side(spec: str) -> Side:
    """One side of `perfdsl diff OLD NEW`: a file, a folder, or `REV:path` (a file or a tree of a revision)."""
    if os.path.exists(spec) or spec == "-":
        notes: list[Diagnostic] = []
        side = _guarded(spec, _filesystem, spec, notes)
        side.notes = notes
        return side
    if ":" in spec:
        rev, path = spec.split(":", 1)
        return _guarded(spec, _revision_path, rev, path)
    return Side(spec, [], [("cli.not_found", {"path": spec})])


def _filesystem(path: str, notes: list[Diagnostic]) -> list[Blob]:
    if not os.path.isdir(path):
        return [Blob(os.path.basename(path), path, _read(path))]
    files, _ = find_files([path], notes)
    return [Blob(os.path.relpath(f, path).replace(os.sep, "/"), f, _read(f)) for f in files]


def _read(path: str) -> bytes:
    if path == "-":
        return os.fdopen(0, "rb", closefd=False).read()
    try:
        return read_regular(path)  # a named pipe called x.perf would block the read for ever
    except OSError as e:
        reason = Phrase("P000.not_regular") if isinstance(e, NotRegularFile) else e.strerror or str(e)
        raise _GitFailed(("cli.unreadable", {"path": path, "reason": reason})) from None


def _revision_path(rev: str, path: str) -> list[Blob]:
    where = f"{rev}:{path}"
    if not rev:  # `:path`, the index, has no id of its own
        kind = _git("cat-file", "-t", where)
        item = where
    else:
        item = f"{_resolve(rev, 'tree')}:{path}"
        try:
            kind = _git("cat-file", "-t", item)
        except _GitFailed:  # the revision exists (resolved above): the path does not, in it
            raise _GitFailed(("cli.not_found", {"path": where})) from None
    if kind.strip() == b"blob":
        return [Blob(os.path.basename(path), where, _git("cat-file", "blob", item))]
    entries = _tree(_git("ls-tree", "-r", "-z", item))
    prefix = f"{where.rstrip('/')}/" if path else where
    return [Blob(name, prefix + name, data) for name, data in zip(entries, _cat(list(entries.values())))]


def revision(rev: str, paths: Sequence[str], suffixes: tuple[str, ...] = (SUFFIX,)) -> Side:
    """Every `.perf` file (or file ending in one of `suffixes`) of revision `rev` under `paths` (relative to
    the current folder, as git reads them; none: the current folder)."""
    def read() -> list[Blob]:
        # not `--end-of-options`: git then takes the `--` after it for a path
        entries = _tree(_git("ls-tree", "-r", "-z", "--full-name", _resolve(rev, "commit"), "--", *paths),
                        suffixes)
        return [Blob(name, f"{rev}:{name}", data) for name, data in zip(entries, _cat(list(entries.values())))]

    return _guarded(rev, read)


def top() -> str:
    """The top folder of the working tree of the repository the current folder is in."""
    return _git("rev-parse", "--show-toplevel").decode().strip()


def worktree(paths: Sequence[str]) -> Side:
    """Every `.perf` file of the working tree under `paths`: tracked or new, not ignored, as on disk."""
    def read() -> list[Blob]:
        root = top()
        names = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", "--full-name", "--",
                     *paths).decode("utf-8", "surrogateescape").split("\0")
        blobs = []
        for name in sorted({n for n in names if n.endswith(SUFFIX)}):
            full = os.path.join(root, name)
            if os.path.isfile(full):  # tracked files deleted from the working tree are gone from this side
                blobs.append(Blob(name, os.path.relpath(full), _read(full)))
        return blobs

    return _guarded(" ".join(paths) or ".", read)


def changed(old: str, new: str, paths: Sequence[str]) -> tuple[set[str], list[Problem]]:
    """The files (paths from the top of the repository) added or modified between two revisions under
    `paths`, and what kept git from saying (an unknown revision, no repository)."""
    try:
        out = _git("diff", "--name-only", "-z", "--no-renames", "--diff-filter=AM", _resolve(old, "commit"),
                   _resolve(new, "commit"), "--", *paths)
    except _GitFailed as e:
        return set(), [e.problem]
    return {n for n in out.decode("utf-8", "surrogateescape").split("\0") if n}, []


def _tree(listing: bytes, suffixes: tuple[str, ...] = (SUFFIX,)) -> dict[str, str]:
    """`git ls-tree -r -z` output -> {path: blob id} of the `.perf` files (those ending in `suffixes`),
    sorted by path."""
    found = {}
    for line in listing.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, name = line.partition("\t")
        parts = meta.split()
        if len(parts) == 3 and parts[1] == "blob" and name.endswith(suffixes):
            found[name] = parts[2]
    return dict(sorted(found.items()))


def _cat(ids: list[str]) -> list[bytes]:
    """The contents of blobs, in one `git cat-file --batch` call rather than one process per file."""
    if not ids:
        return []
    out = _git("cat-file", "--batch", stdin="".join(i + "\n" for i in ids).encode())
    blobs, pos = [], 0
    for _ in ids:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        blobs.append(out[header_end + 1: header_end + 1 + size])
        pos = header_end + 1 + size + 1
    return blobs
