"""Planning a build: a job for each source file, with the output folder it mirrors; every folder's
configuration read once, before any job runs; the file name of each output."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..config import Config, ConfigError, find_config, load_config
from ..diagnostics import Diagnostic
from ..messages import Phrase
from ..syntax.loader import find_files
from .model import BuildRefused


FORMATS = ("text", "html", "md", "json")
"""Every output format, in the order they are built (see `backends.BACKENDS`)."""
MAX_NAME_BYTES = 150
"""Longest output name kept as is (file systems allow 255 bytes; the extension and a temp prefix need room)."""


@dataclass(frozen=True)
class Options:
    formats: tuple[str, ...] = FORMATS
    text_width: int = 40
    with_spans: bool = False
    encoding: str | None = None
    config: str | None = None
    """A configuration file for every spec; None looks one up from each spec's folder (as `perfdsl check`)."""


@dataclass(frozen=True)
class Job:
    path: str
    """The source file, as found."""
    folder: str
    """Its folder relative to the output folder (`/`-separated, "" for the top), mirroring the source tree."""
    options: Options


_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f/\\:*?"<>|]')
# Direction controls and zero-width characters would make a listed name read differently than it is, or two
# names look alike: they are dropped.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def safe_name(name: str) -> str:
    """A file name for a project name: the same name where it is safe on every common file system.

    Path separators, control characters and characters Windows refuses become `_`; direction controls and
    zero-width characters go, as do leading and trailing dots and spaces (no hidden files, no `..`); a Windows
    device name (CON, NUL, COM1 …) gets a leading `_`; a name longer than MAX_NAME_BYTES in UTF-8 is cut and
    given a hash of the whole name, so two long names stay apart.
    """
    text = _UNSAFE.sub("_", _INVISIBLE.sub("", unicodedata.normalize("NFC", name))).strip(" .")
    text = text or "_"
    if text.split(".")[0].strip().casefold() in _RESERVED:
        text = "_" + text
    if len(text.encode("utf-8")) > MAX_NAME_BYTES:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
        cut = text.encode("utf-8")[: MAX_NAME_BYTES - len(digest) - 1].decode("utf-8", "ignore").rstrip(" .")
        text = f"{cut}~{digest}"
    return text


def collision_key(path: str) -> str:
    # Case-insensitive file systems (macOS, Windows) would make these one file.
    return unicodedata.normalize("NFC", path).casefold()


def plan_jobs(paths: Iterable[str], out: str, options: Options, run: Run,
         notes: list[Diagnostic] | None = None) -> tuple[list[Job], list[str]]:
    """The jobs for the given files and folders, and the paths that do not exist; `notes` gets what the
    folders hold that is not read (see `find_files`). Each folder's configuration is read into `run`.

    Raises BuildRefused when the output folder equals or contains a source folder: a build must never write
    among (or over) its sources.
    """
    jobs: list[Job] = []
    missing: list[str] = []
    out_dir = Path(out).resolve()
    for given in paths:
        files, absent = find_files([given], notes)
        missing.extend(absent)
        if absent:
            continue
        root = given if os.path.isdir(given) else os.path.dirname(given) or "."
        if given != "-":
            source_dir = Path(root).resolve()
            if source_dir == out_dir or out_dir in source_dir.parents:
                raise BuildRefused("build.out_has_sources", out=out, source=given)
        folders: dict[str, str] = {}  # a folder's files share its output folder and its configuration
        for f in files:
            source_folder = os.path.dirname(f)
            if source_folder not in folders:
                _preflight(f, options, run)
                folder = "" if f == "-" else os.path.relpath(source_folder or ".", root)
                folders[source_folder] = "" if folder == "." else Path(folder).as_posix()
            jobs.append(Job(f, folders[source_folder], options))
    return jobs, missing


@dataclass
class Run:
    """What one build learns as it goes, for that build only: the next build reads the configurations
    again, since they may have been edited in between. The workers get it as it was after `plan`, with
    every folder's configuration already read."""

    configs: dict[str, Config] = field(default_factory=dict)
    """Configurations by absolute folder (find_config's cache) or, given by name, by "file:" and its path."""
    by_folder: dict[str, Config] = field(default_factory=dict)
    """`config_for`'s answers by folder as given: a folder's later files need no look around."""
    fingerprints: dict[int, str] = field(default_factory=dict)
    """A hash of each configuration in `configs` (by id: they live as long as the run), for the manifest."""

    def config_for(self, path: str, options: Options) -> Config:
        """The configuration `perfdsl check` would use for `path`. Raises ConfigError."""
        if options.config:
            key = "file:" + os.path.abspath(options.config)
            if key not in self.configs:
                self.configs[key] = load_config(options.config)
            return self.configs[key]
        folder = os.path.dirname(path) or "." if path != "-" else "."
        found = self.by_folder.get(folder)
        if found is None:
            found = self.by_folder[folder] = find_config(folder, self.configs)
        return found

    def fingerprint(self, config: Config) -> str:
        """What of the configuration shapes a source's outputs: its file, its data and its frameworks."""
        if id(config) not in self.fingerprints:
            parts = [config.path or "", repr(config.data), repr(sorted(config.frameworks))]
            if config.path:
                parts.append(hashlib.sha256(Path(config.path).read_bytes()).hexdigest())
            parts.extend(repr(fw) for _, fw in sorted(config.frameworks.items()))
            self.fingerprints[id(config)] = hashlib.sha256("|".join(parts).encode()).hexdigest()
        return self.fingerprints[id(config)]


def _preflight(path: str, options: Options, run: Run) -> None:
    # A broken configuration is a usage problem of the whole build: say so once, before any job runs.
    try:
        run.config_for(path, options)
    except ConfigError as e:
        raise BuildRefused("config.error", path=e.path, problem=Phrase(e.key, **e.params)) from e
