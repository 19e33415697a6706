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
from typing import TYPE_CHECKING, Iterable, Iterator

from .. import ast
from ..build.plan import Options, Run
from ..build.workers import checked
from ..config import Config, ConfigError
from ..diagnostics import Diagnostic, Severity, sort_key
from ..messages import Phrase
from ..review.opinions import review_files
from ..syntax.loader import find_files, load_file

if TYPE_CHECKING:
    from .trends import Lineage

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
    """The file's own and, after `refresh`, the projects it shares with another file (C108)."""
    rows: list[ProjectRow] = field(default_factory=list)
    own: list[Diagnostic] = field(default_factory=list)
    """What reading and checking the file alone gave."""
    totals: tuple[int, int] = (0, 0)
    """(errors, warnings) of the whole file."""

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
        self._keys: dict[str, str] = {}
        self._lineage: tuple[int, Lineage] | None = None
        self._reviews: dict[str, tuple[int, int]] = {}
        """The `.review` files beside the specs, by path, with their stamps."""
        self.review_texts: dict[str, str] = {}
        """Their texts, for the excerpts of their problems."""

    def key_of(self, path: str) -> str:
        """The URL key of a path (as found, or absolute as the watcher gives it)."""
        key = self._keys.get(path)
        if key is None:
            key = self._keys[path] = Path(os.path.relpath(path, self._base)).as_posix()
        return key

    def refresh(self, changed: Iterable[str] = ()) -> bool:
        """Read what is new or changed (and the files `changed` names, whatever their stamp); forget what is
        gone. Returns whether anything changed."""
        changed = list(changed)
        named = {self.key_of(p) for p in changed}
        with self._lock:
            # a new dict, put in place at the end: pages rendering meanwhile read the old one whole
            files = dict(self.files)
            if any(os.path.basename(p) in CONFIG_NAMES for p in changed):  # every file is checked again
                self._run, self.problems, files = Run(), {}, {}
            notes: list[Diagnostic] = []
            found, _ = find_files([r for r in self.roots if os.path.exists(r)], notes)
            seen: set[str] = set()
            moved = False
            todo: list[tuple[str, str, tuple[int, int]]] = []
            for path in found:
                key = self.key_of(path)
                seen.add(key)
                stamp = _stamp(path)
                known = files.get(key)
                if known is None or known.stamp != stamp or key in named:
                    todo.append((path, key, stamp))
            for state, problem in self._read_all(todo):
                files[state.key] = state
                if problem is not None:
                    self.problems[problem.args["path"]] = problem
                moved = True
            for key in [k for k in files if k not in seen]:
                del files[key]
                moved = True
            reviews = {path: _stamp(path) for path in review_files([f.path for f in files.values()])}
            if reviews != self._reviews:
                self._reviews = reviews
                moved = True
            if moved:
                notes += self._add_across(files)
            self.notes = notes
            if moved:
                self.files = files
                self.version += 1
            return moved

    def _read_all(self, todo: list[tuple[str, str, tuple[int, int]]]) -> Iterator[tuple[FileState, Phrase | None]]:
        # In this process, even for a first read of thousands: worker processes parse faster, but sending
        # each parsed spec back costs about as much as parsing it (the 2,000 specs of benchmarks/corpus.py
        # took 4.1-4.5 s here, 5.6-6.8 s in two workers on two cores).
        for job in todo:
            yield read_file(job, self.options.encoding, self._run)

    def config(self, state: FileState) -> Config:
        """The configuration the file was checked by (the defaults where it cannot be read)."""
        try:
            return self._run.config_for(state.path, self.options)
        except ConfigError:
            return Config()

    def _add_across(self, files: dict[str, FileState]) -> list[Diagnostic]:
        """What needs every file, added to the files it concerns: C108, as `perfdsl check` runs it, and the
        审核意见 of the `.review` files as notes at their projects and indicators. Returns the problems of
        the `.review` files (they are no spec the workspace holds)."""
        from ..checks.structure import ProjectKey, duplicate_projects
        from ..review.opinions import opinion_notes, read_all

        keys = [ProjectKey(p.name, f.spec.unit_of(p), f.spec.year_of(p), p.span)
                for f in files.values() for p in f.spec.projects]
        found: dict[str, list[Diagnostic]] = {}
        for d in duplicate_projects(keys):
            found.setdefault(d.span.file, []).append(d)
        self.review_texts = {}
        opinions, problems = read_all([f.spec for f in files.values()], self.review_texts)
        for d in opinion_notes(opinions):
            found.setdefault(d.span.file, []).append(d)
        for state in files.values():
            extra = found.get(state.path, [])
            if extra or state.diagnostics is not state.own:
                state.diagnostics = sorted([*state.own, *extra], key=sort_key) if extra else state.own
                state.totals = state.counts()
        return problems

    # ------------------------------------------------------------------------------------------- reading it

    def diagnostics(self, state: FileState) -> list[Diagnostic]:
        """The file's diagnostics, the duplicates found across files included."""
        return state.diagnostics

    def lineage(self) -> Lineage:
        """`trends.lineage` of the files, made once per version."""
        from .trends import lineage

        files, version = self.files, self.version
        if self._lineage is None or self._lineage[0] != version:
            self._lineage = (version, lineage(files))
        return self._lineage[1]

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


def read_file(job: tuple[str, str, tuple[int, int]], encoding: str | None,
              run: Run) -> tuple[FileState, Phrase | None]:
    """Read, parse and check one file (here or in a worker), and what made its configuration unusable."""
    from .rows import project_rows

    path, key, stamp = job
    src = load_file(path, encoding)
    problem = None
    try:
        config = run.config_for(path, Options(formats=("html",), encoding=encoding))
    except ConfigError as e:
        problem = Phrase("config.error", path=e.path, problem=Phrase(e.key, **e.params))
        config = Config()
    diagnostics = sorted([*src.diagnostics, *checked(src.spec, config, src.diagnostics)], key=sort_key)
    state = FileState(path, key, stamp, src.text, src.spec, diagnostics)
    state.rows, state.own = project_rows(key, src.spec, config), diagnostics
    state.totals = state.counts()
    return state, problem


def _stamp(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


def _base(roots: list[str]) -> str:
    """The folder URLs are relative to: the one folder given, else what the roots have in common."""
    folders = [os.path.abspath(r if os.path.isdir(r) else os.path.dirname(r) or ".") for r in roots]
    return os.path.commonpath(folders) if folders else os.getcwd()
