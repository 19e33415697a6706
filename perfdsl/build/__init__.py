"""`perfdsl build` logic: .perf files -> documents in an output folder that mirrors the source tree.

The work is cut into per-file jobs. `build_file(job)` is a pure function of one source file (read, parse,
check, render every project in every format) returning `{output path: text}` and the diagnostics, so jobs can
run in worker processes (`--jobs N`). Only the parent touches the output folder: it refuses colliding output
names, writes atomically in a stable order, and leaves an output whose content did not change alone (its
mtime too). Jinja is imported by the jobs only, so `perfdsl check` never pays for it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import os
import re
import secrets
import shutil
import signal
import stat
import sys
import time
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Generator, Iterable, Iterator, NamedTuple

from .. import ast
from ..atomic import publish, write_atomic
from ..config import Config, ConfigError, find_config, load_config
from ..diagnostics import Diagnostic, Related, Severity, diag
from ..frameworks import Framework
from ..syntax.loader import find_files, load_file, read_regular
from ..messages import Phrase

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; staging folders of killed builds are then left alone
    fcntl = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from ..backends.view import IndexEntry

FORMATS = ("text", "html", "md", "json")
"""Every output format, in the order they are built (see `backends.BACKENDS`)."""
WORKBOOK = "xlsx"
"""The format written once per spec file (a workbook, a sheet per project), and only when asked: openpyxl."""
INDEX = "index.html"
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


@dataclass(frozen=True)
class Staged:
    """An output written in full into the build's staging folder, to be moved into place."""

    path: str


@dataclass
class ProjectOutput:
    name: str
    span: ast.Span
    files: dict[str, Any]
    """Output path (relative, `/`-separated) -> its content (bytes for a workbook) while the worker makes
    it; then where it was staged, or None when the output folder already holds exactly it."""
    entry: IndexEntry


@dataclass
class FileResult:
    path: str
    text: str
    diagnostics: list[Diagnostic]
    outputs: list[ProjectOutput]
    keys: list[dict[str, Any]] = field(default_factory=list)
    """Each project's 单位, 年度, name and span: what the cross-file duplicate check needs."""
    failures: list[tuple[str, str]] = field(default_factory=list)
    """(path, reason) of outputs that could not be staged (a full disk): then none of the file's is written."""


@dataclass
class Report:
    """What a build did; the command prints it."""

    files: int = 0
    projects: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    failures: list[tuple[str, str | Phrase]] = field(default_factory=list)
    """(path, reason) of outputs that could not be written."""
    seconds: float = 0.0
    skipped: int = 0
    """Sources not read again: unchanged since the last build into the same folder."""

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.error for d in self.diagnostics) + len(self.failures)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.warning for d in self.diagnostics)


class BuildRefused(Exception):
    """The build cannot start (a usage problem, exit 2): `key` and `values` make the catalogue message."""

    def __init__(self, key: str, **args: Any) -> None:
        super().__init__(key)
        self.key, self.values = key, args


# ---------------------------------------------------------------------------------------------- output names

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


def _collision_key(path: str) -> str:
    # Case-insensitive file systems (macOS, Windows) would make these one file.
    return unicodedata.normalize("NFC", path).casefold()


# ---------------------------------------------------------------------------------------------------- jobs

def plan(paths: Iterable[str], out: str, options: Options, run: Run,
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


def framework_for(config: Config, spec: ast.Spec, project: ast.Project) -> Framework | None:
    """The framework the checks judge the project by: its own `框架`, else the configuration's."""
    return config.framework(spec.framework_of(project) or config.settings_for(spec.file).framework)


def _render(kind: str, spec: ast.Spec, project: ast.Project, options: Options, index_href: str | None,
            framework: Framework | None) -> str:
    from ..backends import BACKENDS

    if kind == "text":
        return BACKENDS[kind](spec, project, width=options.text_width, framework=framework)
    if kind == "html":
        return BACKENDS[kind](spec, project, index_href=index_href, framework=framework)
    if kind == "json":
        return BACKENDS[kind](spec, project, with_spans=options.with_spans)
    return BACKENDS[kind](spec, project, framework=framework)


def _checks(spec: ast.Spec, config: Config, parsed: list[Diagnostic]) -> list[Diagnostic]:
    from ..checks import run

    try:
        return list(run(spec, config, parsed))
    except Exception as e:  # a broken check (or its configuration) must not take the whole build down
        span = ast.Span.model_construct(file=spec.file, line=1, column=1, end_line=1, end_column=2)
        return [diag("X000", Severity.error, span, check="checks", reason=repr(e))]


def build_file(job: Job, out: str, stage: str, run: Run) -> FileResult:
    """Read, check and render one source file; its outputs are written into `stage` (a folder of `out`),
    never into place: the parent publishes them once the whole build allows it."""
    from ..backends import EXTENSIONS
    from ..backends.view import index_entry

    src = load_file(job.path, job.options.encoding)
    config = run.config_for(job.path, job.options)
    diags = list(src.diagnostics)
    diags.extend(_checks(src.spec, config, src.diagnostics))  # with errors, of the projects that parsed
    result = FileResult(job.path, src.text, diags, [], [_project_key(src.spec, p) for p in src.spec.projects])
    if any(d.severity is Severity.error for d in diags):
        return result
    depth = job.folder.count("/") + 1 if job.folder else 0
    index_href = "../" * depth + INDEX if "html" in job.options.formats else None
    kinds = tuple(k for k in job.options.formats if k != WORKBOOK)
    book = "/".join(p for p in (job.folder, safe_name(Path(job.path).stem)) if p) + ".xlsx"
    book_links = ((WORKBOOK, book),) if WORKBOOK in job.options.formats else ()
    for project in src.spec.projects:
        stem = "/".join(p for p in (job.folder, safe_name(project.name)) if p)
        files: dict[str, str | bytes] = {}
        for kind in kinds:
            try:
                files[stem + EXTENSIONS[kind]] = _render(kind, src.spec, project, job.options, index_href,
                                                         framework_for(config, src.spec, project))
            except Exception as e:  # a bug in a backend: report it on the project, build the rest
                result.diagnostics.append(diag("X004", Severity.error, project.span, format=kind,
                                               name=project.name, reason=repr(e)))
        links = tuple((kind, stem + EXTENSIONS[kind]) for kind in kinds) + book_links
        result.outputs.append(ProjectOutput(project.name, project.span, files,
                                            index_entry(src.spec, project, job.path, links)))
    if book_links and result.outputs:
        _add_workbook(result, src.spec, config, book)
    if any(d.severity is Severity.error for d in result.diagnostics):
        result.outputs = []
    for output in result.outputs:
        for rel, content in output.files.items():
            try:
                output.files[rel] = _stage(out, stage, rel, content)
            except OSError as e:  # the disk is full: the file's outputs stay as they were, all of them
                result.failures.append((os.path.join(out, *rel.split("/")), e.strerror or str(e)))
                result.outputs = []
                return result
    return result


_STAGED = itertools.count()


def _stage(out: str, stage: str, rel: str, content: str | bytes) -> Staged | None:
    """Write one output into the staging folder; None when the output folder already holds exactly it
    (then it is left alone and keeps its mtime)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if _holds(os.path.join(out, *rel.split("/")), data):
        return None
    # the workers write in parallel, each under its own names; the parent only renames
    staged = os.path.join(stage, f"{os.getpid()}-{next(_STAGED)}")
    with open(staged, "xb") as f:
        f.write(data)
    return Staged(staged)


def _add_workbook(result: FileResult, spec: ast.Spec, config: Config, path: str) -> None:
    """The spec's workbook, carried with its first project's outputs (one file for all its projects)."""
    from ..backends.xlsx import workbook

    try:
        result.outputs[0].files[path] = workbook(spec, [framework_for(config, spec, p) for p in spec.projects])
    except Exception as e:  # a bug in the backend: report it, as for the other formats
        first = spec.projects[0]
        result.diagnostics.append(diag("X004", Severity.error, first.span, format=WORKBOOK, name=first.name,
                                       reason=repr(e)))


def run_jobs(jobs: list[Job], out: str, stage: str, run: Run,
             workers: int = 1) -> Generator[FileResult, None, None]:
    """Results in job order, built here or in `workers` processes."""
    build_one = functools.partial(build_file, out=out, stage=stage, run=run)
    if workers <= 1 or len(jobs) <= 1:
        yield from map(build_one, jobs)
        return
    # The first file is built here: that imports the backends and compiles their templates once, before
    # the workers are forked, instead of once in every worker.
    yield build_one(jobs[0])
    parent = os.getpid()
    pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs) - 1), initializer=_worker_start,
                               initargs=(parent, run))
    try:
        # The workers are forked while the tasks are handed out. A signal handled during a fork would raise
        # where Python drops exceptions (its at-fork callbacks) and be lost, or hit a worker before it has
        # set its own handlers: signals wait until the workers are made, and the workers inherit that.
        with _signals_held():
            # a few files per task: fewer round trips to the parent, still even work for both workers
            results = pool.map(functools.partial(_build_in_worker, out=out, stage=stage, parent=parent),
                               jobs[1:], chunksize=max(1, min(16, len(jobs) // (8 * workers))))
        yield from results
    finally:
        # stopped early (an error, Ctrl-C, SIGTERM): the files not begun are dropped, and the workers finish
        # the few they hold and leave before the parent removes the staging folder they write into. A signal
        # raised inside the shutdown would leave the pool half shut, its threads waiting on each other: it
        # waits until the shutdown is over.
        with _signals_held():
            pool.shutdown(wait=True, cancel_futures=True)


PR_SET_PDEATHSIG = 1
"""Linux prctl(2): the signal the kernel sends a process when the thread that started it ends."""


_WORKER_RUN = Run()
"""In a worker, the run of the build that started it (a worker serves one build, then ends)."""


def _worker_start(parent: int, run: Run) -> None:
    """A worker lives no longer than the build that started it, which it tells by its pid.

    Ctrl-C and SIGTERM (`timeout`, a cancelled CI job) reach a whole process group, and the parent decides
    what happens: it drops the files not begun and waits for the few the workers hold. So a worker ignores
    Ctrl-C and leaves the parent's process group: a worker killed while it sends a result back would leave
    half a message in the pool's pipe, which the parent (holding the pipe's other end) would wait on for
    ever. SIGTERM sent to a worker itself (the pool does so when another worker died) still ends it. A
    parent killed outright can stop nobody: on Linux the kernel then kills the
    worker (the pool starts workers from the parent's main thread, which lives as long as the parent);
    elsewhere the worker sees it before its next file (`_build_in_worker`). Either way no worker keeps the
    build's standard output open, which a CI step reading it would wait on for ever.
    """
    global _WORKER_RUN
    _WORKER_RUN = run
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(os, "setpgid"):
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
    if hasattr(signal, "pthread_sigmask"):  # held by the parent while it forked (see run_jobs)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the kernel was told: no signal will come
        os._exit(1)


def _build_in_worker(job: Job, out: str, stage: str, parent: int) -> FileResult:
    if os.getppid() != parent:
        os._exit(1)  # the build that asked for this is gone: nobody would read the result
    return build_file(job, out, stage, _WORKER_RUN)


# ----------------------------------------------------------------------------------------------- the parent

def _refuse_collisions(results: list[FileResult], index: bool) -> list[Diagnostic]:
    """Two projects (or a project and the index page) that would write the same file: an error for each
    project involved, and none of their outputs is written."""
    owners: dict[str, ProjectOutput | None] = {_collision_key(INDEX): None} if index else {}
    blocked: set[int] = set()
    diags: list[Diagnostic] = []
    for output in (o for r in results for o in r.outputs):
        for path in output.files:
            key = _collision_key(path)
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


def _holds(path: str, data: bytes) -> bool:
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
    if _holds(str(path), data):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    # outputs can always be built again: atomic (never half-written) but not flushed file by file, which
    # would make a build of thousands of files wait on the disk for each one
    write_atomic(path, data, durable=False)
    return True


def build(paths: Iterable[str], out: str, options: Options = Options(), workers: int = 1,
          progress: Callable[[int, int, str], None] | None = None) -> Report:
    """Build every project of `paths` into `out`. Raises BuildRefused for usage problems.

    A source whose bytes, configuration and perfdsl itself are unchanged since the last build into `out`
    (the manifest says so, and its outputs are still there) is not read again: its outputs stay as they are.
    """
    started = time.monotonic()
    skipped: list[Diagnostic] = []
    run = Run()
    jobs, missing = plan(paths, out, options, run, skipped)
    if missing:
        raise BuildRefused("cli.not_found", path=missing[0])
    if not jobs:
        raise BuildRefused("cli.no_files", path=" ".join(paths))
    report = Report(files=len(jobs), diagnostics=skipped)
    if os.path.exists(out) and not os.path.isdir(out):
        raise BuildRefused("build.out_not_folder", path=out)
    try:
        Path(out).mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise BuildRefused("build.write_failed", path=out, reason=e.strerror or str(e)) from e
    _sweep_stages(out)
    # Workers write what they make into a staging folder of `out` (so that publishing is a rename on the
    # same file system); what is not published, and the folder, are removed however the build ends. Its
    # name is chosen before it is made, so that `finally` knows it from the first moment.
    stage = os.path.join(out, STAGE_PREFIX + secrets.token_hex(8))
    ours = False
    lock: int | None = None
    try:
        try:
            ours = True
            os.mkdir(stage, 0o700)
            lock = _lock(stage)
        except OSError as e:
            ours = not isinstance(e, FileExistsError)
            raise BuildRefused("build.write_failed", path=out, reason=e.strerror or str(e)) from e
        return _build(jobs, out, stage, options, run, workers, progress, report, started)
    except BrokenProcessPool as e:  # a worker killed (SIGTERM to it alone, out of memory): nothing was published
        raise BuildRefused("build.worker_died") from e
    finally:
        with _signals_held():  # a second Ctrl-C must not leave half a staging folder
            if ours:
                shutil.rmtree(stage, ignore_errors=True)
            if lock is not None:
                os.close(lock)


STAGE_PREFIX = ".perfdsl-stage-"
STAGE_LOCK = ".lock"
"""A file in each staging folder, locked (flock) by the build using the folder for as long as it runs."""
STALE_AFTER = 60
"""Seconds after which a staging folder without a lock file is taken for one a killed build left (a build
locks its folder the moment it has made it; earlier versions of perfdsl did not lock them)."""


def _lock(stage: str) -> int | None:
    """Lock the staging folder for this build; the system releases the lock however the process ends,
    even killed outright, which is how a later build tells a folder left behind (`_sweep_stages`)."""
    if fcntl is None:
        return None
    fd = os.open(os.path.join(stage, STAGE_LOCK), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _sweep_stages(out: str) -> None:
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


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done (POSIX), then take effect."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _build(jobs: list[Job], out: str, stage: str, options: Options, run: Run, workers: int,
           progress: Callable[[int, int, str], None] | None, report: Report, started: float) -> Report:
    manifest = Manifest.load(Path(out), _build_key(options))
    digests = {job.path: _source_digest(job, manifest.records.get(_record_key(job)), run) for job in jobs}
    cached = {job.path: manifest.fresh(job, digests[job.path], Path(out)) for job in jobs}
    fresh_jobs = [job for job in jobs if cached[job.path] is None]
    built: dict[str, FileResult] = {}
    # closed here, not when collected: the workers stop before the staging folder is removed
    with contextlib.closing(run_jobs(fresh_jobs, out, stage, run, workers)) as finished:
        for done, result in enumerate(finished, 1):
            built[result.path] = result
            report.sources[result.path] = result.text
            report.diagnostics.extend(result.diagnostics)
            report.failures.extend(result.failures)
            if progress is not None:
                progress(done, len(fresh_jobs), result.path)
    report.skipped = len(jobs) - len(fresh_jobs)
    duplicates = _duplicates(jobs, built, cached)
    report.diagnostics.extend(duplicates)
    refused = {d.span.file for d in duplicates}
    results = [built[job.path] for job in jobs if job.path in built]
    for r in results:
        if r.path in refused:
            r.outputs = []
    with_index = "html" in options.formats
    report.diagnostics.extend(_refuse_collisions(results, with_index))
    # the index's entries as the manifest keeps them: a source not read again needs no objects made
    entries: list[dict[str, Any]] = []
    files: list[tuple[str, Staged | str | None]] = []
    for job in jobs:
        if job.path in built:
            outputs = built[job.path].outputs
            entries.extend(_entry_data(o.entry) for o in outputs)
            files.extend((p, c) for o in outputs for p, c in o.files.items())
            report.projects += len(outputs)
        elif job.path not in refused:
            record = cached[job.path]
            assert record is not None
            entries.extend(record.index)
            report.unchanged.extend(record.outputs)
            report.projects += len(record.keys)
    # The index lists what the folder holds: with a spec refused, its old outputs are still there, so the
    # index it had is kept rather than replaced by one that leaves them out.
    index_digest = _index_digest(entries)
    if with_index and not report.errors:
        # the index only changes when a listed project does: an unchanged one is not rendered again
        if index_digest != manifest.index_digest or not (Path(out) / INDEX).is_file():
            from ..backends.html import render_index

            files.append((INDEX, render_index(_index_entries(entries))))
        else:
            report.unchanged.append(INDEX)
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
    # a source with an output not written is built again next time
    unwritten = {r.path for r in results if r.failures or any(not failed.isdisjoint(o.files) for o in r.outputs)}
    manifest.update(jobs, built, cached, digests, refused | unwritten)
    manifest.index_digest = index_digest if with_index and not report.errors else ""
    manifest.save(Path(out))
    report.seconds = time.monotonic() - started
    return report


# ------------------------------------------------------------------------------------- incremental builds

MANIFEST = ".perfdsl-build.json"
"""What the last build into a folder made from which source (hidden: it is the build's, not the user's)."""
MANIFEST_VERSION = 3


def _record_key(job: Job) -> str:
    """A source and where its outputs go: the same file given alone (its outputs at the top of the output
    folder) or within its folder (in a sub-folder) makes other files, so each has its own record."""
    return f"{os.path.abspath(job.path)}\0{job.folder}"


def _build_key(options: Options) -> str:
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


def _source_digest(job: Job, known: Record | None, run: Run) -> Source | None:
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


def _project_key(spec: ast.Spec, project: ast.Project) -> dict[str, Any]:
    return {"unit": spec.unit_of(project), "year": spec.year_of(project), "name": project.name,
            "span": project.span.model_dump()}


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
        record = self.records.get(_record_key(job))
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
                records[_record_key(job)] = Record(
                    source.digest, [p for o in result.outputs for p in o.files],
                    [_entry_data(o.entry) for o in result.outputs], result.keys, source.content, source.stamp)
            elif (record := cached[job.path]) is not None:
                record.stamp = source.stamp  # the same content, perhaps touched since: no need to read it again
                records[_record_key(job)] = record
        self.records = records

    def save(self, out: Path) -> None:
        data = {"version": MANIFEST_VERSION, "key": self.key, "index": self.index_digest,
                "sources": {path: vars(r) for path, r in sorted(self.records.items())}}
        try:
            # one line: with `indent`, json encodes in Python, ten times slower on a big tree
            write_if_changed(out / MANIFEST, json.dumps(data, ensure_ascii=False, sort_keys=True))
        except OSError:
            pass  # without a manifest the next build is simply a full one


def _index_digest(entries: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(entries, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _index_entries(entries: list[dict[str, Any]]) -> list[IndexEntry]:
    from decimal import Decimal

    from ..backends.view import IndexEntry

    return [IndexEntry(**{**e, "total": None if e["total"] is None else Decimal(e["total"]),
                          "current": None if e["current"] is None else Decimal(e["current"]),
                          "links": tuple(tuple(link) for link in e["links"])}) for e in entries]


def _entry_data(entry: IndexEntry) -> dict[str, Any]:
    data = dict(vars(entry))
    data["total"] = None if entry.total is None else str(entry.total)
    data["current"] = None if entry.current is None else str(entry.current)
    return data


def _duplicates(jobs: list[Job], built: dict[str, FileResult], cached: dict[str, Record | None]) -> list[Diagnostic]:
    """C108 over every file of the build, as `perfdsl check` runs it, from what each file's projects are
    called (a file not read again keeps its names in the manifest)."""
    from ..checks.structure import ProjectKey, duplicate_projects

    keys = []
    for job in jobs:
        if job.path in built:
            found = built[job.path].keys
        else:
            record = cached[job.path]
            found = record.keys if record is not None else []
        keys += [ProjectKey(k["name"], k["unit"], k["year"], ast.span(**k["span"])) for k in found]
    return list(duplicate_projects(keys))
