"""The incremental build's record: what the last build into a folder made from which source, so that a
source unchanged since (and perfdsl and the options with it) is not read again."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..diagnostics import Severity
from ..syntax.loader import read_regular
from .model import FileResult
from .plan import Job, Options, Run
from .publish import write_if_changed

if TYPE_CHECKING:
    from ..backends.view import IndexEntry


MANIFEST = ".perfdsl-build.json"
"""What the last build into a folder made from which source (hidden: it is the build's, not the user's)."""
MANIFEST_VERSION = 3


def record_key(job: Job) -> str:
    """A source and where its outputs go: the same file given alone (its outputs at the top of the output
    folder) or within its folder (in a sub-folder) makes other files, so each has its own record."""
    return f"{os.path.abspath(job.path)}\0{job.folder}"


def build_key(options: Options) -> str:
    """Everything besides a source that shapes its outputs: perfdsl's own files (code, grammar, templates,
    frameworks) and the options. A change to any of them makes every output stale."""
    from .. import __version__
    from ..resources import grammar_path, templates_dir

    digest = hashlib.sha256(f"{__version__}|{options!r}".encode())
    package = Path(__file__).resolve().parent.parent
    for root in (package, templates_dir(), grammar_path().parent):
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".toml", ".jinja", ".css", ".lark"):
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _settled(stamp: list[int]) -> bool:
    """The file had not been modified for two seconds when it was hashed."""
    return stamp[1] < stamp[2] - 2 * 10**9


class Source(NamedTuple):
    digest: str
    """The source's bytes and its configuration, hashed: what decides whether it is built again."""
    content: str
    """The bytes alone, hashed."""
    stamp: list[int]
    """Size and modification time (ns) of the file, and the time (ns) `content` was taken."""


def source_digest(job: Job, known: Record | None, run: Run) -> Source | None:
    """What the manifest compares a source by; None for standard input (never cached).

    A file whose size and modification time are those recorded with its content hash is not read again
    (as `make` and `git` trust them) — unless it had been modified less than two seconds before it was
    hashed: a change within the same tick of the file system's clock would not show (git's "racily
    clean" files). Any other file is read and hashed.
    """
    if job.path == "-":
        return None
    try:
        st = os.stat(job.path)
        if not stat.S_ISREG(st.st_mode):
            return None  # a named pipe would block the read: `load_file` refuses it
        stamp = [st.st_size, st.st_mtime_ns, time.time_ns()]
        if known is not None and known.stamp[:2] == stamp[:2] and _settled(known.stamp):
            content, stamp = known.content, known.stamp
        else:
            content = hashlib.sha256(read_regular(job.path)).hexdigest()
            if known is not None and known.stamp[:2] == stamp[:2] and content == known.content and \
                    not _settled(stamp):
                stamp = known.stamp  # nothing new to record until the file has settled
    except OSError:
        return None
    fingerprint = run.fingerprint(run.config_for(job.path, job.options))
    return Source(hashlib.sha256((content + fingerprint).encode()).hexdigest(), content, stamp)


@dataclass
class Record:
    """The manifest's entry for one source."""

    digest: str
    outputs: list[str]
    index: list[dict[str, Any]]
    keys: list[dict[str, Any]]
    content: str
    stamp: list[int]



@dataclass
class Manifest:
    key: str
    records: dict[str, Record] = field(default_factory=dict)
    index_digest: str = ""
    """What the index page listed when it was last written."""
    _listings: dict[str, set[str]] = field(default_factory=dict, repr=False)
    """Files found in each output folder, listed once (see `fresh`)."""

    @classmethod
    def load(cls, out: Path, key: str) -> Manifest:
        """The manifest of the last build into `out`; an empty one if there is none, it is unreadable, or
        perfdsl or the options changed since."""
        try:
            data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
            if data.get("version") != MANIFEST_VERSION or data.get("key") != key:
                return cls(key)
            return cls(key, {path: Record(**r) for path, r in data["sources"].items()}, data.get("index", ""))
        except (OSError, ValueError, TypeError, KeyError):
            return cls(key)

    def fresh(self, job: Job, source: Source | None, out: Path) -> Record | None:
        record = self.records.get(record_key(job))
        if source is None or record is None or record.digest != source.digest:
            return None
        if not all(self._exists(out, rel) for rel in record.outputs):
            return None  # someone removed an output: build the source again
        return record

    def _exists(self, out: Path, rel: str) -> bool:
        # one listing per output folder rather than a look-up per output file
        folder, _, name = rel.rpartition("/")
        names = self._listings.get(folder)
        if names is None:
            try:
                with os.scandir(os.path.join(out, folder)) as entries:
                    # a link is no output of a build: it is replaced by one
                    names = {e.name for e in entries if e.is_file(follow_symlinks=False)}
            except OSError:
                names = set()
            self._listings[folder] = names
        return name in names

    def update(self, jobs: list[Job], built: dict[str, FileResult], cached: dict[str, Record | None],
               digests: dict[str, Source | None], refused: set[str]) -> None:
        records: dict[str, Record] = {}
        for job in jobs:
            source = digests[job.path]
            if source is None or job.path in refused:
                continue
            if job.path in built:
                result = built[job.path]
                if any(d.severity is Severity.error for d in result.diagnostics):
                    continue  # build it again next time, and say again what is wrong
                records[record_key(job)] = Record(
                    source.digest, [p for o in result.outputs for p in o.files],
                    [entry_data(o.entry) for o in result.outputs], result.keys, source.content, source.stamp)
            elif (record := cached[job.path]) is not None:
                record.stamp = source.stamp  # the same content, perhaps touched since: no need to read it again
                records[record_key(job)] = record
        self.records = records

    def save(self, out: Path) -> None:
        data = {"version": MANIFEST_VERSION, "key": self.key, "index": self.index_digest,
                "sources": {path: vars(r) for path, r in sorted(self.records.items())}}
        try:
            # one line: with `indent`, json encodes in Python, ten times slower on a big tree
            write_if_changed(out / MANIFEST, json.dumps(data, ensure_ascii=False, sort_keys=True))
        except OSError:
            pass  # without a manifest the next build is simply a full one


def index_digest(entries: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(entries, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def index_entries(entries: list[dict[str, Any]]) -> list[IndexEntry]:
    from decimal import Decimal

    from ..backends.view import IndexEntry

    return [IndexEntry(**{**e, "total": None if e["total"] is None else Decimal(e["total"]),
                          "current": None if e["current"] is None else Decimal(e["current"]),
                          "links": tuple(tuple(link) for link in e["links"])}) for e in entries]


def entry_data(entry: IndexEntry) -> dict[str, Any]:
    data = dict(vars(entry))
    data["total"] = None if entry.total is None else str(entry.total)
    data["current"] = None if entry.current is None else str(entry.current)
    return data
