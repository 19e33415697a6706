"""Finds the grammar and the templates in a source checkout and in an installed wheel, and keeps the
user's private cache of what is compiled from them.

The project keeps `grammar/` and `templates/` at the top of the repository; the wheel maps them into the
package (see pyproject.toml), so both places are looked at, the package first.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for base in (_PACKAGE, _PACKAGE.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"perfdsl is installed without its {name}/ folder")


def grammar_path() -> Path:
    return _find("grammar") / "perfdsl.lark"


def templates_dir() -> Path:
    return _find("templates")


def private_cache() -> Path | None:
    """The user's own cache folder for perfdsl (mode 0700), or None when there is none to be had.

    Caches of compiled things (Lark's tables, Jinja's template bytecode) are loaded as code, so they live
    here, never in a shared temp folder where another user could plant one, and never beside an installed
    package. A folder another user owns, or may write to (0777, 0775), is not used at all: whoever can put
    a file there could make the next run execute it.
    """
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "perfdsl"
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = base.stat()
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or not _private(st) or not os.access(base, os.W_OK):
        return None
    return base


def _private(st: os.stat_result) -> bool:
    """Owned by the user and writable by nobody else (where there are owners and modes: POSIX)."""
    if not hasattr(os, "getuid"):
        return True
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


# Each entry of the cache is the SHA-256 of its payload, then the payload. The digest is no signature: it
# finds an entry damaged on disk (a flipped bit, a write cut short), which is then removed and made anew
# instead of failing every run. Trust comes from who may write: the folder and each entry are checked to be
# the user's own and writable by nobody else before a byte is read, and entries are opened without
# following links — what pip and CPython's __pycache__ rely on too. Someone who can write as the user can
# already run code as the user; a secret key would not keep them out.
_DIGEST = hashlib.sha256().digest_size


def read_cached(name: str) -> bytes | None:
    """The payload of the cache entry `name`, or None: no cache, no such entry, or one not to be trusted or
    damaged (then it is removed, so that the caller's fresh one takes its place)."""
    base = private_cache()
    if base is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(base / name, flags)
    except FileNotFoundError:
        return None
    except OSError:  # a link, or unreadable
        discard_cached(name)
        return None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        data = f.read() if stat.S_ISREG(st.st_mode) and _private(st) else b""
    payload = data[_DIGEST:]
    if len(data) < _DIGEST or hashlib.sha256(payload).digest() != data[:_DIGEST]:
        discard_cached(name)
        return None
    return payload


def write_cached(name: str, payload: bytes) -> None:
    """Keep `payload` as the cache entry `name` (readable and writable by the user only); a cache that
    cannot be written is simply not kept."""
    base = private_cache()
    if base is None:
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=base)  # mode 0600
    except OSError:
        return
    kept = False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, base / name)  # whole or not at all: a run reading it meanwhile sees the old one
        kept = True
    except OSError:
        pass  # a full disk: no entry this time
    finally:
        if not kept:
            _unlink(tmp)


def discard_cached(name: str) -> None:
    base = private_cache()
    if base is not None:
        _unlink(base / name)


def _unlink(path: str | Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
