"""Putting outputs in place, done by the parent alone: refusing two that would make one file, writing only
what changed, never through a link; and the staging folder the workers write into, locked while in use."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from ..atomic import publish, write_atomic
from ..diagnostics import Diagnostic, Related, Severity, diag
from ..messages import Phrase
from ..syntax.loader import read_regular
from .model import FileResult, ProjectOutput, Report, Staged
from .plan import collision_key

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; staging folders of killed builds are then left alone
    fcntl = None  # type: ignore[assignment]


INDEX = "index.html"


def refuse_collisions(results: list[FileResult], index: bool) -> list[Diagnostic]:
    """Two projects (or a project and the index page) that would write the same file: an error for each
    project involved, and none of their outputs is written."""
    owners: dict[str, ProjectOutput | None] = {collision_key(INDEX): None} if index else {}
    blocked: set[int] = set()
    diags: list[Diagnostic] = []
    for output in (o for r in results for o in r.outputs):
        for path in output.files:
            key = collision_key(path)
            if key not in owners:
                owners[key] = output
                continue
            first = owners[key]
            if first is output:
                continue
            blocked.add(id(output))
            if first is None:
                diags.append(diag("B001", Severity.error, output.span, "B001.index", name=output.name, path=path))
            else:
                blocked.add(id(first))
                related = [Related(span=first.span, key="B001.first", args={"name": first.name})]
                diags.append(diag("B001", Severity.error, output.span, related=related, name=output.name,
                                  other=first.name, path=path))
            break
    for r in results:
        r.outputs = [o for o in r.outputs if id(o) not in blocked]
    return diags


def holds(path: str, data: bytes) -> bool:
    """Whether `path` is a file of the output folder's own holding exactly `data`. A link is not (it is
    replaced by a file, never read or written through: it may lead out of the output folder), nor is
    anything that is not a regular file."""
    try:
        return read_regular(path, follow_links=False) == data
    except OSError:
        return False  # not there yet, or not a file to keep: write it


def _linked_folder(out: str, folder: str, known: dict[str, str | None]) -> str | None:
    """The first folder from `out` down to `folder` (relative, `/`-separated) that is a link, or None.
    Outputs are not written through one: it may lead anywhere, and the build never writes outside `out`."""
    if not folder:
        return None
    if folder not in known:
        above = _linked_folder(out, folder.rpartition("/")[0], known)
        path = os.path.join(out, *folder.split("/"))
        known[folder] = above if above is not None else path if os.path.islink(path) else None
    return known[folder]


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Write `content` atomically unless the file already holds exactly it; tell whether it was written."""
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    if holds(str(path), data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    # outputs can always be built again: atomic (never half-written) but not flushed file by file, which
    # would make a build of thousands of files wait on the disk for each one
    write_atomic(path, data, durable=False)
    return True


def write_outputs(out: str, files: list[tuple[str, Staged | str | None]], report: Report) -> set[str]:
    """Put each output in place, in the order given, and note in `report` what was written, what was left
    unchanged and what failed; the paths not written (under a linked folder, a full disk) are returned."""
    made: set[Path] = set()
    links: dict[str, str | None] = {}
    failed: set[str] = set()
    for rel, content in files:
        target = Path(out, *rel.split("/"))
        link = _linked_folder(out, rel.rpartition("/")[0], links)
        if link is not None:
            report.failures.append((str(target), Phrase("build.through_link", link=link)))
            failed.add(rel)
            continue
        try:
            if isinstance(content, Staged):
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                publish(content.path, target)
                report.written.append(rel)
            elif content is None:
                report.unchanged.append(rel)
            else:
                (report.written if write_if_changed(target, content) else report.unchanged).append(rel)
        except OSError as e:
            report.failures.append((str(target), e.strerror or str(e)))
            failed.add(rel)
    return failed


STAGE_PREFIX = ".perfdsl-stage-"
STAGE_LOCK = ".lock"
"""A file in each staging folder, locked (flock) by the build using the folder for as long as it runs."""
STALE_AFTER = 60
"""Seconds after which a staging folder without a lock file is taken for one a killed build left (a build
locks its folder the moment it has made it; earlier versions of perfdsl did not lock them)."""


def lock_stage(stage: str) -> int | None:
    """Lock the staging folder for this build; the system releases the lock however the process ends,
    even killed outright, which is how a later build tells a folder left behind (`sweep_stages`)."""
    if fcntl is None:
        return None
    fd = os.open(os.path.join(stage, STAGE_LOCK), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def sweep_stages(out: str) -> None:
    """Remove the staging folders that builds killed before they could clean up left in `out`; never one
    a build running at this moment uses."""
    try:
        with os.scandir(out) as entries:
            stale = [e.path for e in entries
                     if e.name.startswith(STAGE_PREFIX) and e.is_dir(follow_symlinks=False) and not _in_use(e.path)]
    except OSError:
        return
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


def _in_use(stage: str) -> bool:
    if fcntl is None:
        return True  # no way to tell
    try:
        fd = os.open(os.path.join(stage, STAGE_LOCK), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        try:
            return time.time() - os.lstat(stage).st_mtime < STALE_AFTER
        except OSError:
            return True
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True  # its build holds the lock
    finally:
        os.close(fd)  # and with it the lock just taken
    return False
