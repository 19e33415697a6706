"""`perfdsl check PATH...`: parse and check specs, print diagnostics."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Iterator

from . import use_color
from ..diagnostics import Diagnostic, Severity, render_json, render_text, shown, sort_key
from ..messages import Phrase, say

if TYPE_CHECKING:
    from .. import ast

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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..checks import check_sources, not_a_spec
    from ..config import ConfigError, load_config
    from ..syntax.loader import find_files, load_file

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
    texts: dict[str, str] = {}
    parse_diags: dict[str, list[Diagnostic]] = {}
    projects = 0

    def parsed() -> Iterator[tuple[ast.Spec, list[Diagnostic]]]:
        # one file at a time: the checks keep what they need, so no tree of the whole run is held
        nonlocal projects
        for path in files:
            src = load_file(path, args.encoding)
            alien = not_a_spec(src.text, src.spec, src.diagnostics)
            texts[path], parse_diags[path] = src.text, [alien] if alien else src.diagnostics
            projects += len(src.spec.projects)
            yield src.spec, parse_diags[path]  # what parsed cleanly of a file with errors is checked too

    try:
        config = load_config(args.config) if args.config else None
        found = check_sources(parsed(), config)
    except ConfigError as e:
        print(say("config.error", args.lang, path=e.path, problem=Phrase(e.key, **e.params)), file=sys.stderr)
        return 2
    all_diags = sorted(skipped, key=sort_key) + [d for path in files for d in sorted((*parse_diags[path], *found.get(path, ())), key=sort_key)]
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
