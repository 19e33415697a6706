"""Loader: paths on the command line -> source texts -> parsed specs.

Reads bytes and decides the encoding (UTF-8, with or without BOM; anything else is refused with a diagnostic
that names the encoding found and the `--encoding` option), expands folders into their `*.perf` files in a
stable order, and parses each.
"""

from __future__ import annotations

import codecs
import os
import stat
from dataclasses import dataclass, field
from typing import Iterable

from .. import ast
from ..diagnostics import Diagnostic, Severity, diag
from .parser import parse

SUFFIX = ".perf"


@dataclass
class Source:
    path: str
    """The path as shown in diagnostics (as given, or relative to the folder given)."""
    text: str
    spec: ast.Spec
    diagnostics: list[Diagnostic] = field(default_factory=list)


def find_files(paths: Iterable[str], notes: list[Diagnostic] | None = None) -> tuple[list[str], list[str]]:
    """Expand folders recursively into `*.perf` files (sorted). Returns (files, paths that do not exist).

    A folder's specs are its files and those of its folders, hidden ones (`.git`) left out. A link is
    followed when it leads to a file or folder inside the folder given, and every file is taken once, by its
    own path rather than a link's. A link that leads out of the folder is not read (perfdsl reads what it is
    given and nothing else): `notes` gets a warning naming it.
    """
    files: list[str] = []
    missing: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            files.extend(_scan(p, [] if notes is None else notes))
        elif os.path.exists(p) or p == "-":
            files.append(p)  # not necessarily a regular file: `load_file` says so then
        else:
            missing.append(p)
    return files, missing


def _scan(folder: str, notes: list[Diagnostic]) -> list[str]:
    top = os.path.realpath(folder)
    found: dict[str, str] = {}
    """A file's real path -> the path it is read by."""
    entered: set[str] = set()
    """Real paths of the folders read: a link back up the tree, or to a folder read already, adds nothing."""
    pending: list[tuple[str, str]] = [(folder, top)]
    """Folders to read (as found, and their real path)."""
    linked: list[tuple[str, str]] = []
    links: dict[str, str] = {}
    """Files that are links, by real path: taken when no path of the tree's own leads to them."""
    # the tree itself first, then where links lead: a file is found by its own path where it has one
    while pending or linked:
        where, real = pending.pop() if pending else linked.pop()
        if real in entered:
            continue
        entered.add(real)
        try:
            with os.scandir(where) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue  # as os.walk: a folder that cannot be listed holds nothing to read
        for entry in entries:
            is_link = entry.is_symlink()
            target = os.path.realpath(entry.path) if is_link else os.path.join(real, entry.name)
            if is_link and not _inside(target, top):
                span = ast.Span(file=entry.path, line=1, column=1, end_line=1, end_column=2)
                notes.append(diag("P000", Severity.warning, span, "P000.link_outside", target=target))
            elif entry.is_dir():
                if not entry.name.startswith("."):
                    (linked if is_link else pending).append((entry.path, target))
            elif entry.name.endswith(SUFFIX):
                (links if is_link else found).setdefault(target, entry.path)
    for target, path in links.items():
        found.setdefault(target, path)
    return sorted(found.values())


def _inside(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def decode(data: bytes, path: str, encoding: str | None = None) -> tuple[str | None, list[Diagnostic]]:
    """Decode a file's bytes; on failure say why, where, and how to fix it."""
    span = ast.Span(file=path, line=1, column=1, end_line=1, end_column=2)
    if encoding:
        try:
            return data.decode(encoding), []
        except (UnicodeDecodeError, LookupError) as e:
            return None, [diag("P000", Severity.error, span, "P000.encoding", encoding=encoding, reason=str(e))]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, [diag("P000", Severity.error, span, "P000.utf16")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        return None, [_undecodable(data, path, e.start)]


def _undecodable(data: bytes, path: str, start: int) -> Diagnostic:
    """Why bytes that are not UTF-8 cannot be read: another encoding (named, for --encoding), or no text at
    all (a NUL byte, which GB18030 would decode, or bytes that no encoding tried reads)."""
    nul = data.find(b"\0")
    guess = None if nul >= 0 else _guess(data)
    at = nul if nul >= 0 else start
    line = data.count(b"\n", 0, at) + 1
    col = at - (data.rfind(b"\n", 0, at) + 1) + 1
    where = ast.Span(file=path, line=line, column=col, end_line=line, end_column=col + 1)
    byte = f"0x{data[at]:02X}"
    if guess:
        return diag("P000", Severity.error, where, "P000.utf8", offset=at, byte=byte, guess=guess)
    return diag("P000", Severity.error, where, "P000.binary" if nul >= 0 else "P000.undecodable", offset=at, byte=byte)


def _guess(data: bytes) -> str | None:
    for name in ("gb18030", "big5"):
        try:
            data.decode(name)
            return name
        except UnicodeDecodeError:
            continue
    return None


class NotRegularFile(OSError):
    """A path that names something else than a regular file (a named pipe, a device, a socket)."""


def read_regular(path: str, follow_links: bool = True) -> bytes:
    """The bytes of a regular file; raises OSError, and NotRegularFile for anything else (and for a link,
    unless `follow_links`).

    A named pipe called `x.perf` would block the read until someone writes to it, a device such as /dev/zero
    never ends: the file is opened without blocking (which a pipe allows without a writer) and what was
    opened is checked before a byte is read, so nothing can be swapped in between a check and the read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags if follow_links else flags | getattr(os, "O_NOFOLLOW", 0))
    except OSError as e:
        if not follow_links and os.path.islink(path):  # ELOOP (Linux), EMLINK (FreeBSD) …
            raise NotRegularFile(path) from e
        raise
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(path)
        return f.read()


def load_text(text: str, path: str) -> Source:
    spec, diags = parse(text, path)
    return Source(path, text, spec, diags)


def load_file(path: str, encoding: str | None = None) -> Source:
    """Read and parse one file; problems reading it become diagnostics, not exceptions."""
    try:
        data = read_regular(path) if path != "-" else os.fdopen(0, "rb", closefd=False).read()
    except (OSError, ValueError) as e:  # ValueError: a NUL byte in the path
        span = ast.Span(file=path, line=1, column=1, end_line=1, end_column=1)
        empty = ast.Spec(file=path, unit=None, year=None, framework=None, projects=(), end_comments=())
        if isinstance(e, NotRegularFile):
            return Source(path, "", empty, [diag("P000", Severity.error, span, "P000.not_regular")])
        reason = getattr(e, "strerror", None) or str(e)
        return Source(path, "", empty, [diag("P000", Severity.error, span, reason=reason)])
    text, problems = decode(data, path, encoding)
    if text is None:
        empty = ast.Spec(file=path, unit=None, year=None, framework=None, projects=(), end_comments=())
        # keep a readable version of the text so the diagnostic can show the offending line
        return Source(path, data.decode("utf-8", "replace"), empty, problems)
    return load_text(text, path)
