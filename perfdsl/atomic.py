"""Atomic file writes: a temp file in the target's folder, fsync, then rename over the target.

Every command that writes files goes through here, so an error, Ctrl-C or SIGTERM never leaves a half-written
file or a temp file, and an existing file keeps its permissions, owner and group. `rewrite` is for a user's
own source (`perfdsl fmt`): it also writes through a symbolic link and keeps hard links together.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import BinaryIO

from .pool import signals_held


def write_atomic(path: str | os.PathLike[str], data: str | bytes, durable: bool = True) -> None:
    """Replace `path` with `data` in one step (readers see the old or the new file, never a mix).

    `durable` also flushes the data and the rename to disk, so a power cut cannot leave an empty file in
    place of a user's source; outputs that can be rebuilt skip it.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        before: os.stat_result | None = target.stat()
    except FileNotFoundError:
        before = None
    made: list[Path] = []
    try:
        fd = _create(target, made)
        tmp = made[0]
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        if before is not None:
            _keep_owner(tmp, before)
            os.chmod(tmp, stat.S_IMODE(before.st_mode))
        else:
            os.chmod(tmp, _usual_mode())
        os.replace(tmp, target)
        if durable:
            sync_folder(target.parent)
    except BaseException:
        # covers KeyboardInterrupt (and SIGTERM, which the command turns into one): the target is untouched
        # and no temp file is left behind
        for tmp in made:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        raise


def rewrite(path: str | os.PathLike[str], data: bytes) -> None:
    """Put `data` in place of an existing file's content, the file staying the one it was.

    A symbolic link stays a link and the file it leads to is rewritten (in that file's folder). A file with
    several names (hard links) is written over in place, since a rename would give only this name the new
    text: the others would silently keep the old one. In place is less safe than a rename only for the
    moment of one write of a small file: an exception within it (Ctrl-C, SIGTERM, a full disk) puts the old
    bytes back, and the text written was proven before it came here. Refusing such files instead would
    leave them unformattable for no gain in what is kept.
    """
    real = os.path.realpath(path)
    if os.stat(real).st_nlink > 1:
        _overwrite(real, data)
    else:
        write_atomic(real, data)


def _overwrite(path: str, data: bytes) -> None:
    # a write in place, which a rename cannot make atomic: Ctrl-C and SIGTERM arrive when it is whole
    with signals_held(), open(path, "r+b") as f:
        old = f.read()
        try:
            _put(f, data)
        except BaseException:
            _put(f, old)
            raise


def _put(f: BinaryIO, data: bytes) -> None:
    f.seek(0)
    f.write(data)
    f.truncate()
    f.flush()
    os.fsync(f.fileno())


def publish(staged: str | os.PathLike[str], path: str | os.PathLike[str]) -> None:
    """Put a file written in full elsewhere on the same file system in place of `path`, in one step
    (a rename), with the permissions, owner and group `path` had, or the usual ones for a new file."""
    target = Path(path)
    try:
        before = target.stat()
    except FileNotFoundError:
        os.chmod(staged, _usual_mode())
    else:
        _keep_owner(staged, before)
        os.chmod(staged, stat.S_IMODE(before.st_mode))
    os.replace(staged, target)


def _create(target: Path, made: list[Path]) -> int:
    """Open a new temp file beside `target`, its name put in `made` before it exists: an interruption at any
    moment after it is made (even before this returns) finds it there to remove."""
    while True:
        made[:] = [target.parent / f".{target.name[:80]}.{secrets.token_hex(4)}.tmp"]
        try:
            return os.open(made[0], os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        except FileExistsError:
            made.clear()  # another writer's: not ours to remove


def _usual_mode() -> int:
    """What a new file gets: 0666 less the umask (the temp file is made 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _keep_owner(path: str | os.PathLike[str], before: os.stat_result) -> None:
    """Give the new file the old one's owner and group, so that a run as root does not hand a user's file to
    root. Others may not give a file away (EPERM): their files stay theirs, with the group kept if they can."""
    if not hasattr(os, "chown"):
        return
    try:
        os.chown(path, before.st_uid, before.st_gid)
    except PermissionError:
        try:
            os.chown(path, -1, before.st_gid)
        except PermissionError:
            pass


def write_staged(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write a new file of a staging folder in full and flush it to disk: it is published by a rename later
    (`publish`), and the folder it ends in is flushed once for all of them (`sync_folder`), not per file."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with open(path, "xb") as f:
        f.write(payload)
        f.flush()
        os.fsync(f.fileno())


def sync_folder(folder: str | os.PathLike[str]) -> None:
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
