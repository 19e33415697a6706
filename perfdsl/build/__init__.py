"""`perfdsl build` logic: .perf files -> documents in an output folder that mirrors the source tree.

The work is cut into per-file jobs. `build_file(job)` is a pure function of one source file (read, parse,
check, render every project in every format) returning `{output path: text}` and the diagnostics, so jobs can
run in worker processes (`--jobs N`). Only the parent touches the output folder: it refuses colliding output
names, writes atomically in a stable order, and leaves an output whose content did not change alone (its
mtime too). Jinja is imported by the jobs only, so `perfdsl check` never pays for it.

The stages, one module each: `plan` (the jobs, every folder's configuration, output names), `manifest` (what
the last build made: the sources not to read again), `workers` (building one file, here or in worker
processes), `publish` (putting the outputs in place; the staging folder). `model` holds what they hand each
other, and `build` below runs them in that order.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from .. import ast
from ..diagnostics import Diagnostic
from .manifest import (MANIFEST, Manifest, Record, build_key, entry_data, index_digest, index_entries, record_key,
                       source_digest)
from .model import BuildRefused, FileResult, Report, Staged
from .plan import FORMATS, Job, Options, Run, collision_key, plan_jobs, safe_name
from .publish import INDEX, STAGE_PREFIX, lock_stage, refuse_collisions, sweep_stages, write_outputs
from ..pool import WorkerDied, signals_held
from .workers import run_jobs

__all__ = ["FORMATS", "MANIFEST", "BuildRefused", "Options", "Report", "build", "collision_key", "safe_name"]


def build(paths: Iterable[str], out: str, options: Options = Options(), workers: int = 1,
          progress: Callable[[int, int, str], None] | None = None) -> Report:
    """Build every project of `paths` into `out`. Raises BuildRefused for usage problems.

    A source whose bytes, configuration and perfdsl itself are unchanged since the last build into `out`
    (the manifest says so, and its outputs are still there) is not read again: its outputs stay as they are.
    """
    started = time.monotonic()
    skipped: list[Diagnostic] = []
    run = Run()
    jobs, missing = plan_jobs(paths, out, options, run, skipped)
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
    sweep_stages(out)
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
            lock = lock_stage(stage)
        except OSError as e:
            ours = not isinstance(e, FileExistsError)
            raise BuildRefused("build.write_failed", path=out, reason=e.strerror or str(e)) from e
        return _build(jobs, out, stage, options, run, workers, progress, report, started)
    except WorkerDied as e:  # a worker killed (SIGTERM to it alone, out of memory): nothing was published
        raise BuildRefused("build.worker_died") from e
    finally:
        with signals_held():  # a second Ctrl-C must not leave half a staging folder
            if ours:
                shutil.rmtree(stage, ignore_errors=True)
            if lock is not None:
                os.close(lock)


def _build(jobs: list[Job], out: str, stage: str, options: Options, run: Run, workers: int,
           progress: Callable[[int, int, str], None] | None, report: Report, started: float) -> Report:
    manifest = Manifest.load(Path(out), build_key(options))
    digests = {job.path: source_digest(job, manifest.records.get(record_key(job)), run) for job in jobs}
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
    report.diagnostics.extend(refuse_collisions(results, with_index))
    # the index's entries as the manifest keeps them: a source not read again needs no objects made
    entries: list[dict[str, Any]] = []
    files: list[tuple[str, Staged | str | None]] = []
    for job in jobs:
        if job.path in built:
            outputs = built[job.path].outputs
            entries.extend(entry_data(o.entry) for o in outputs)
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
    listed = index_digest(entries)
    if with_index and not report.errors:
        # the index only changes when a listed project does: an unchanged one is not rendered again
        if listed != manifest.index_digest or not (Path(out) / INDEX).is_file():
            from ..backends.html import render_index

            files.append((INDEX, render_index(index_entries(entries))))
        else:
            report.unchanged.append(INDEX)
    failed = write_outputs(out, files, report)
    # a source with an output not written is built again next time
    unwritten = {r.path for r in results if r.failures or any(not failed.isdisjoint(o.files) for o in r.outputs)}
    manifest.update(jobs, built, cached, digests, refused | unwritten)
    manifest.index_digest = listed if with_index and not report.errors else ""
    manifest.save(Path(out))
    report.seconds = time.monotonic() - started
    return report


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
        keys += [ProjectKey(k["name"], k["unit"], k["year"], ast.Span(**k["span"])) for k in found]
    return list(duplicate_projects(keys))
