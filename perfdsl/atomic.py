"""Atomic file writes: a temp file in the target's folder, fsync, then rename over the target.

Every command that writes files goes through here, so an error or Ctrl-C never leaves a half-written file
and an existing file keeps its permissions.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], data: str | bytes, durable: bool = True) -> None:
    """Replace `path` with `data` in one step (readers see the old or the new file, never a mix).

    `durable` also flushes the data and the rename to disk, so a power cut cannot leave an empty file in
    place of a user's source; outputs that can be rebuilt skip it.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:80]}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            # mkstemp creates 0600; a new file gets the usual permissions (umask applied)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
        if durable:
            _sync_folder(target.parent)
    except BaseException:
        # covers KeyboardInterrupt too: the target is untouched and no temp file is left behind
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def publish(staged: str | os.PathLike[str], path: str | os.PathLike[str]) -> None:
    """Put a file written in full elsewhere on the same file system in place of `path`, in one step
    (a rename), with the permissions `path` had, or the usual ones for a new file."""
    target = Path(path)
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(staged, mode)
    os.replace(staged, target)


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry of a rename (POSIX; elsewhere the rename itself is what there is)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
