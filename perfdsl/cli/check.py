"""`perfdsl check PATH...`: parse and check specs, print diagnostics."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Iterator

import functools
import gc
import os

from . import use_color
from ..diagnostics import Diagnostic, Severity, render_json, render_text, shown, sort_key
from ..messages import Phrase, say

if TYPE_CHECKING:
    from ..checks import FileFindings
    from ..config import Config

    Checked = tuple[str, str, list[Diagnostic], int, FileFindings]
    """A file checked: its path, text, parse diagnostics, number of projects and the checks' findings."""

EXAMPLES = """examples:
  perfdsl check specs/                 check every .perf file under specs/
  perfdsl check --format json a.perf   diagnostics as JSON
  perfdsl check --format github specs/ annotations on a GitHub pull request (workflow commands)
  perfdsl check --format gitlab specs/ > gl-code-quality-report.json   GitLab Code Quality report
  perfdsl check --config ci.toml specs/   use this configuration instead of looking one up

configuration: perfdsl.toml or [tool.perfdsl] in pyproject.toml, found from each file's folder upwards;
perfdsl rules lists the rules, perfdsl explain CODE explains one.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check", help="check .perf files and folders", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched for *.perf)")
    p.add_argument("--format", choices=["text", "json", "github", "gitlab"], default="text")
    p.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    p.add_argument("--encoding", help="read files in this encoding instead of UTF-8 (e.g. gb18030)")
    p.add_argument("--config", metavar="PATH", help="perfdsl.toml (or pyproject.toml) to use for every file")
    p.add_argument("--jobs", "-j", type=int, metavar="N",
                   help=f"check N files at once (default: one per CPU, from {PARALLEL_FROM} files on)")
    p.set_defaults(func=run)


PARALLEL_FROM = 32
"""Files from which `check` spreads over the CPUs by default: below, starting the workers costs more than
they save."""


def run(args: argparse.Namespace) -> int:
    from ..checks import gather
    from ..config import ConfigError, load_config
    from ..pool import WorkerDied, ordered_map
    from ..syntax.loader import find_files

    if args.jobs is not None and args.jobs < 1:
        print(say("check.bad_jobs", args.lang), file=sys.stderr)
        return 2
    skipped: list[Diagnostic] = []  # links that lead out of a folder given: said, not read
    files, missing = find_files(args.paths, skipped)
    for m in missing:
        print(shown(say("cli.not_found", args.lang, path=m)), file=sys.stderr)
    if missing:
        return 2
    if not files:
        sys.stderr.write(render_text(skipped, {}, args.lang, use_color(sys.stderr, args.color)))
        print(shown(say("cli.no_files", args.lang, path=" ".join(args.paths))), file=sys.stderr)
        return 2
    jobs = args.jobs or (_cpus() if len(files) >= PARALLEL_FROM else 1)
    texts: dict[str, str] = {}
    parse_diags: dict[str, list[Diagnostic]] = {}
    projects = 0

    def findings(results: Iterator[Checked]) -> Iterator[FileFindings]:
        # one file at a time: only what the checks keep of each file is held, no tree of the whole run
        nonlocal projects
        for path, text, diagnostics, count, found in results:
            texts[path], parse_diags[path] = text, diagnostics
            projects += count
            yield found

    try:
        config = load_config(args.config) if args.config else None
        here = functools.partial(check_path, encoding=args.encoding, config=config, cache={})
        found = gather(findings(ordered_map(_check_in_worker, files, jobs, here=here, setup=_worker_setup,
                                            setup_args=(args.encoding, args.config))))
    except ConfigError as e:
        print(say("config.error", args.lang, path=e.path, problem=Phrase(e.key, **e.params)), file=sys.stderr)
        return 2
    except WorkerDied:  # a worker killed (SIGTERM to it alone, out of memory): no partial report
        print(say("check.worker_died", args.lang), file=sys.stderr)
        return 2
    all_diags = sorted(skipped, key=sort_key) + [d for path in files for d in sorted((*parse_diags[path], *found.get(path, ())), key=sort_key)]
    all_diags = _with_opinions(all_diags, files, texts, args.encoding)
    if args.format == "json":
        sys.stdout.write(render_json(all_diags, args.lang))
    elif args.format in ("github", "gitlab"):
        from .ci_report import render_github, render_gitlab

        sys.stdout.write(render_github(all_diags, args.lang) if args.format == "github"
                         else render_gitlab(all_diags, texts, args.lang))
    else:
        sys.stdout.write(render_text(all_diags, texts, args.lang, use_color(sys.stdout, args.color)))
    errors = sum(d.severity is Severity.error for d in all_diags)
    warnings = sum(d.severity is Severity.warning for d in all_diags)
    if errors or warnings:
        print(say("summary.found", args.lang, files=len(files), projects=projects, errors=errors,
                  warnings=warnings), file=sys.stderr)
    else:
        print(say("summary.clean", args.lang, files=len(files), projects=projects), file=sys.stderr)
    return 1 if errors or (args.strict and warnings) else 0


def _with_opinions(diags: list[Diagnostic], files: list[str], texts: dict[str, str],
                   encoding: str | None) -> list[Diagnostic]:
    """The 审核意见 of the `.review` files beside the specs as notes at their projects and indicators, and
    the problems of those files; the specs of their folders are read again (only those)."""
    from ..review.opinions import opinion_notes, read_all, review_files
    from ..syntax.loader import load_file

    reviews = review_files(files)
    if not reviews:
        return diags
    folders = {os.path.dirname(r) for r in reviews}
    specs = [load_file(f, encoding).spec for f in files if os.path.dirname(f) in folders]
    opinions, problems = read_all(specs, texts)
    order = {f: n for n, f in enumerate(files)}  # the specs in check's order, then the .review files
    return sorted([*diags, *opinion_notes(opinions), *problems],
                  key=lambda d: (order.get(d.span.file, len(files)), *sort_key(d)))


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use, not those the machine has
    except AttributeError:
        return os.cpu_count() or 1


def check_path(path: str, encoding: str | None, config: Config | None, cache: dict[str, Config]) -> Checked:
    """Read, parse and check one file (here, or in a worker process)."""
    from ..checks import check_file, not_a_spec
    from ..syntax.loader import load_file

    collecting = gc.isenabled()
    gc.disable()  # many small objects, no cycles: see checks.check_sources
    try:
        src = load_file(path, encoding)
        alien = not_a_spec(src.text, src.spec, src.diagnostics)
        diagnostics = [alien] if alien else src.diagnostics
        # what parsed cleanly of a file with errors is checked too
        return path, src.text, diagnostics, len(src.spec.projects), check_file(src.spec, diagnostics, config, cache)
    finally:
        if collecting:
            gc.enable()


_WORKER: tuple[str | None, Config | None, dict[str, Config]] = (None, None, {})
"""In a worker process, what every file of the run is checked with: the encoding, the configuration given
(else each folder's, found once per folder and kept)."""


def _worker_setup(encoding: str | None, config_path: str | None) -> None:
    from ..config import load_config

    global _WORKER
    _WORKER = (encoding, load_config(config_path) if config_path else None, {})


def _check_in_worker(path: str) -> Checked:
    encoding, config, cache = _WORKER
    return check_path(path, encoding, config, cache)
