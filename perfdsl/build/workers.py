"""Building one source file (read, check, render, stage its outputs), here or in a pool of worker processes.

`build_file` runs in the workers (perfdsl/pool.py): it and what the pool calls (`_worker_setup`,
`_build_in_worker`) are module functions, so that a worker finds them by name."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generator

from .. import ast
from ..config import Config
from ..diagnostics import Diagnostic, Severity, diag
from ..frameworks import Framework
from ..pool import ordered_map
from ..syntax.loader import load_file
from .model import FileResult, ProjectOutput, Staged
from .plan import Job, Options, Run, safe_name
from .publish import INDEX, holds

if TYPE_CHECKING:
    from ..backends.cycle import Sheet


WORKBOOK = "xlsx"
"""The format written once per spec file (a workbook, a sheet per project), and only when asked: openpyxl."""


def framework_for(config: Config, spec: ast.Spec, project: ast.Project) -> Framework | None:
    """The framework the checks judge the project by: its own `框架`, else the configuration's."""
    return config.framework(spec.framework_of(project) or config.settings_for(spec.file).framework)


def _render(kind: str, spec: ast.Spec, project: ast.Project, options: Options, index_href: str | None,
            framework: Framework | None) -> str | bytes:
    from ..backends import BACKENDS, DOCUMENTS, render_document

    if kind in DOCUMENTS:
        return render_document(kind, spec, project, framework)
    if kind == "text":
        return BACKENDS[kind](spec, project, width=options.text_width, framework=framework)
    if kind == "html":
        return BACKENDS[kind](spec, project, index_href=index_href, framework=framework)
    if kind == "json":
        return BACKENDS[kind](spec, project, with_spans=options.with_spans)
    return BACKENDS[kind](spec, project, framework=framework)


def checked(spec: ast.Spec, config: Config, parsed: list[Diagnostic]) -> list[Diagnostic]:
    """The checks of one parsed file (of the projects that parsed, given its parse errors), a broken check
    reported rather than raised: build and serve read files alike."""
    from ..checks import run

    try:
        return list(run(spec, config, parsed))
    except Exception as e:  # a broken check (or its configuration) must not take the whole build down
        span = ast.Span(file=spec.file, line=1, column=1, end_line=1, end_column=2)
        return [diag("X000", Severity.error, span, check="checks", reason=repr(e))]


def build_file(job: Job, out: str, stage: str, run: Run) -> FileResult:
    """Read, check and render one source file; its outputs are written into `stage` (a folder of `out`),
    never into place: the parent publishes them once the whole build allows it."""
    from ..backends import EXTENSIONS
    from ..backends.view import index_entry

    src = load_file(job.path, job.options.encoding)
    config = run.config_for(job.path, job.options)
    diags = list(src.diagnostics)
    diags.extend(checked(src.spec, config, src.diagnostics))  # with errors, of the projects that parsed
    result = FileResult(job.path, src.text, diags, [], [_project_key(src.spec, p) for p in src.spec.projects])
    if any(d.severity is Severity.error for d in diags):
        return result
    depth = job.folder.count("/") + 1 if job.folder else 0
    index_href = "../" * depth + INDEX if "html" in job.options.formats else None
    kinds = tuple(k for k in job.options.formats if k != WORKBOOK)
    book = "/".join(p for p in (job.folder, safe_name(Path(job.path).stem)) if p) + ".xlsx"
    book_links = ((WORKBOOK, book),) if WORKBOOK in job.options.formats else ()
    forms: list[tuple[str, Sheet]] = []
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
        links += _forms(files, result, src.spec, project, config, kinds, stem, index_href, forms)
        result.outputs.append(ProjectOutput(project.name, project.span, files,
                                            index_entry(src.spec, project, job.path, links)))
    if book_links and result.outputs:
        _add_workbook(result, src.spec, config, book, forms)
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


def _project_key(spec: ast.Spec, project: ast.Project) -> dict[str, Any]:
    return {"unit": spec.unit_of(project), "year": spec.year_of(project), "name": project.name,
            "span": dataclasses.asdict(project.span)}


_STAGED = itertools.count()


def _stage(out: str, stage: str, rel: str, content: str | bytes) -> Staged | None:
    """Write one output into the staging folder; None when the output folder already holds exactly it
    (then it is left alone and keeps its mtime)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if holds(os.path.join(out, *rel.split("/")), data):
        return None
    # the workers write in parallel, each under its own names; the parent only renames
    staged = os.path.join(stage, f"{os.getpid()}-{next(_STAGED)}")
    with open(staged, "xb") as f:
        f.write(data)
    return Staged(staged)


def _forms(files: dict[str, str | bytes], result: FileResult, spec: ast.Spec, project: ast.Project,
           config: Config, kinds: tuple[str, ...], stem: str, index_href: str | None,
           sheets: list[tuple[str, Sheet]]) -> tuple[tuple[str, str], ...]:
    """The project's 监控表 and 自评表 in every format asked for, beside its target table (`名称.自评表.html`);
    their sheets go into `sheets` for the workbook. Returns the index page's links to their HTML pages."""
    from ..backends import EXTENSIONS, render_form
    from ..backends.cycle import forms

    links = []
    try:
        made = forms(spec, project, config.rule_set())
    except Exception as e:  # a bug in scoring: reported on the project, as a backend's would be
        result.diagnostics.append(diag("X004", Severity.error, project.span, format="score", name=project.name,
                                       reason=repr(e)))
        return ()
    for suffix, sheet, data in made:
        sheets.append((project.name + "·" + suffix if len(spec.projects) > 1 else suffix, sheet))
        for kind in kinds:
            path = f"{stem}.{suffix}{EXTENSIONS[kind]}"
            try:
                files[path] = render_form(kind, sheet, data, index_href=index_href)
            except Exception as e:
                result.diagnostics.append(diag("X004", Severity.error, project.span, format=kind,
                                               name=project.name, reason=repr(e)))
            if kind == "html":
                links.append((suffix, path))
    return tuple(links)


def _add_workbook(result: FileResult, spec: ast.Spec, config: Config, path: str,
                  forms: list[tuple[str, Sheet]]) -> None:
    """The spec's workbook, carried with its first project's outputs (one file for all its projects), with a
    sheet for each 监控表 and 自评表 after the projects'."""
    from ..backends.xlsx import workbook

    try:
        result.outputs[0].files[path] = workbook(spec, [framework_for(config, spec, p) for p in spec.projects],
                                                 forms)
    except Exception as e:  # a bug in the backend: report it, as for the other formats
        first = spec.projects[0]
        result.diagnostics.append(diag("X004", Severity.error, first.span, format=WORKBOOK, name=first.name,
                                       reason=repr(e)))


def run_jobs(jobs: list[Job], out: str, stage: str, run: Run,
             workers: int = 1) -> Generator[FileResult, None, None]:
    """Results in job order, built here or in `workers` processes (the first file here: that imports the
    backends and compiles their templates once, before the workers are forked)."""
    yield from ordered_map(functools.partial(_build_in_worker, out=out, stage=stage), jobs, workers,
                           here=functools.partial(build_file, out=out, stage=stage, run=run),
                           setup=_worker_setup, setup_args=(run,))


_WORKER_RUN = Run()
"""In a worker, the run of the build that started it (a worker serves one build, then ends)."""


def _worker_setup(run: Run) -> None:
    global _WORKER_RUN
    _WORKER_RUN = run


def _build_in_worker(job: Job, out: str, stage: str) -> FileResult:
    return build_file(job, out, stage, _WORKER_RUN)
