"""What `perfdsl serve` holds in memory: every spec of the served roots, parsed and checked, re-read only
when its file changed.

The reading is `perfdsl build`'s: the same loader, the same configuration look-up per folder (`build.plan.Run`),
the same checks (`build.workers`), C108 over every file. A file is read again when its stamp (mtime and size)
moved or the watcher named it; a configuration file that changed makes every file be checked again (its
rules apply to all of them). Everything lives on the instance: two apps never share a cache.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable

from .. import ast
from ..build.plan import Options, Run
from ..build.workers import _checks
from ..config import Config, ConfigError
from ..diagnostics import Diagnostic, Severity, sort_key
from ..messages import Phrase
from ..syntax.loader import find_files, load_file

CONFIG_NAMES = ("perfdsl.toml", "pyproject.toml")
"""Files whose change re-checks every spec: where the configuration is read from."""


@dataclass(frozen=True)
class ProjectRow:
    """One project as the overview lists and filters it, made once when its file is read."""

    key: str
    name: str
    unit: str
    year: int | None
    framework: str
    category: str
    total: Decimal | None
    current: Decimal | None
    score: Decimal | None
    grade: str
    span: ast.Span
    haystack: str
    """Name, indicator names and prose, case-folded: what the text search looks through."""


@dataclass
class FileState:
    path: str
    """The path as found (what diagnostics name)."""
    key: str
    """Its name in URLs: `/`-separated, relative to the served roots."""
    stamp: tuple[int, int]
    text: str
    spec: ast.Spec
    diagnostics: list[Diagnostic]
    rows: list[ProjectRow] = field(default_factory=list)

    def counts(self, row: ProjectRow | None = None) -> tuple[int, int]:
        """(errors, warnings) of the file, or of one project: those inside its lines, and the file's own."""
        found = [d for d in self.diagnostics if row is None or _belongs(d, row, self.rows)]
        return (sum(d.severity is Severity.error for d in found),
                sum(d.severity is Severity.warning for d in found))


def _belongs(d: Diagnostic, row: ProjectRow, rows: list[ProjectRow]) -> bool:
    inside = [r for r in rows if r.span.line <= d.span.line <= r.span.end_line]
    return row in inside if inside else True  # a header problem concerns every project of the file


class Workspace:
    """The served roots, read. `refresh` brings it up to date; `version` counts the changes seen."""

    def __init__(self, roots: Iterable[str], encoding: str | None = None) -> None:
        self.roots = [os.path.normpath(r) for r in roots]
        self.options = Options(formats=("html",), encoding=encoding)
        self.files: dict[str, FileState] = {}
        self.notes: list[Diagnostic] = []
        self.problems: dict[str, Phrase] = {}
        """Configurations that could not be read: the files under them are checked by the defaults."""
        self.version = 0
        self._run = Run()
        self._base = _base(self.roots)
        self._lock = threading.Lock()
        self._duplicates: list[Diagnostic] = []

    def key_of(self, path: str) -> str:
        return Path(os.path.relpath(path, self._base)).as_posix()

    def refresh(self, changed: Iterable[str] = ()) -> bool:
        """Read what is new or changed (and the files `changed` names, whatever their stamp); forget what is
        gone. Returns whether anything changed."""
        named = {os.path.realpath(p) for p in changed}
        with self._lock:
            if any(os.path.basename(p) in CONFIG_NAMES for p in named):
                self._run, self.files, self.problems = Run(), {}, {}
            # a new dict, put in place at the end: pages rendering meanwhile read the old one whole
            files = dict(self.files)
            notes: list[Diagnostic] = []
            found, _ = find_files([r for r in self.roots if os.path.exists(r)], notes)
            seen: set[str] = set()
            moved = False
            for path in found:
                key = self.key_of(path)
                seen.add(key)
                try:
                    st = os.stat(path)
                    stamp = (st.st_mtime_ns, st.st_size)
                except OSError:
                    stamp = (0, 0)
                known = files.get(key)
                if known is not None and known.stamp == stamp and os.path.realpath(path) not in named:
                    continue
                files[key] = self._read(path, key, stamp)
                moved = True
            for key in [k for k in files if k not in seen]:
                del files[key]
                moved = True
            self.notes = notes
            if moved:
                self.files = files
                self._duplicates = self._find_duplicates()
                self.version += 1
            return moved

    def _read(self, path: str, key: str, stamp: tuple[int, int]) -> FileState:
        from .rows import project_rows

        src = load_file(path, self.options.encoding)
        try:
            config = self._run.config_for(path, self.options)
        except ConfigError as e:
            self.problems[e.path] = Phrase("config.error", path=e.path, problem=Phrase(e.key, **e.params))
            config = Config()
        diagnostics = sorted([*src.diagnostics, *_checks(src.spec, config, src.diagnostics)], key=sort_key)
        state = FileState(path, key, stamp, src.text, src.spec, diagnostics)
        state.rows = project_rows(key, src.spec, config)
        return state

    def config(self, state: FileState) -> Config:
        """The configuration the file was checked by (the defaults where it cannot be read)."""
        try:
            return self._run.config_for(state.path, self.options)
        except ConfigError:
            return Config()

    def _find_duplicates(self) -> list[Diagnostic]:
        from ..checks.structure import ProjectKey, duplicate_projects

        keys = [ProjectKey(p.name, f.spec.unit_of(p), f.spec.year_of(p), p.span)
                for f in self.files.values() for p in f.spec.projects]
        return list(duplicate_projects(keys))

    # ------------------------------------------------------------------------------------------- reading it

    def diagnostics(self, state: FileState) -> list[Diagnostic]:
        """The file's diagnostics with the duplicates found across files."""
        extra = [d for d in self._duplicates if d.span.file == state.path]
        return sorted([*state.diagnostics, *extra], key=sort_key) if extra else state.diagnostics

    def rows(self) -> list[ProjectRow]:
        return [r for f in self.files.values() for r in f.rows]

    def project(self, key: str, name: str | None) -> tuple[FileState, ast.Project] | None:
        """The project a URL names: a file the workspace holds (nothing else is ever looked up) and one of
        its projects (by name; a file of one project needs none)."""
        state = self.files.get(key)
        if state is None:
            return None
        projects = state.spec.projects
        if name is None:
            return (state, projects[0]) if len(projects) == 1 else None
        found = [p for p in projects if p.name == name]
        return (state, found[0]) if found else None


def _base(roots: list[str]) -> str:
    """The folder URLs are relative to: the one folder given, else what the roots have in common."""
    folders = [os.path.abspath(r if os.path.isdir(r) else os.path.dirname(r) or ".") for r in roots]
    return os.path.commonpath(folders) if folders else os.getcwd()
