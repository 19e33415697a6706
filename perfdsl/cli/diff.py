"""`perfdsl diff OLD NEW` and `perfdsl diff --git REV1 [REV2] [PATH...]`: what changed, for code review.

Reads both sides (files, folders, `REV:path`, revisions; see revisions.py), parses them, compares them with
diff_compare.py and prints with diff_render.py. `--textconv FILE` prints one spec in the line form that git shows
for `*.perf diff=perfdsl` (README, "Reviewing changes"). Exit status as diff(1): 0 no semantic change,
1 changes, 2 trouble (usage, git, or an input with errors, whose diagnostics are printed).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from . import use_color
from ..diagnostics import shown
from ..messages import say

EXAMPLES = """examples:
  perfdsl diff specs/2020 specs/2021          what changed from one year to the next
  perfdsl diff HEAD~1:specs specs             a revision's specs against the working tree
  perfdsl diff --git HEAD~1                   the last commit and the working tree (REV2: the working tree)
  perfdsl diff --git main HEAD specs/         two revisions, only under specs/
  perfdsl diff --format markdown OLD NEW      a pull-request comment (also: json, html)
  perfdsl diff --stat OLD NEW                 one line per project
  perfdsl diff --textconv FILE                the line form git shows with `*.perf diff=perfdsl`
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("diff", help="semantic diff of specs: two years, files, folders or git revisions",
                       epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="ARG",
                   help="OLD NEW (a .perf file, a folder or REV:path each); with --git: REV1 [REV2] [PATH...]")
    p.add_argument("--git", action="store_true", help="compare revisions (REV2 default: the working tree)")
    p.add_argument("--format", choices=["text", "markdown", "json", "html"], default="text")
    p.add_argument("--stat", action="store_true", help="only the summary: one line per project")
    p.add_argument("--textconv", action="store_true", help="print one spec as stable lines (for git diff)")
    p.add_argument("--encoding", help="read files in this encoding instead of UTF-8 (e.g. gb18030)")
    # SUPPRESS keeps `perfdsl --color always diff` working: a sub-parser default would overwrite it
    p.add_argument("--color", choices=["auto", "always", "never"], default=argparse.SUPPRESS,
                   help="colour output (default: auto)")
    p.set_defaults(func=run)


def _fail(lang: str, key: str, **args: Any) -> int:
    print("perfdsl diff: " + shown(say(key, lang, **args)), file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    if args.textconv:
        return _textconv(args) if len(args.paths) == 1 else _fail(lang, "diff.usage.textconv")
    if args.stat and args.format not in ("text", "markdown"):
        return _fail(lang, "diff.usage.stat")
    sides = _sides(args)
    if isinstance(sides, int):
        return sides
    old, new = sides
    notes = old.notes + new.notes
    if notes:
        from ..diagnostics import render_text

        sys.stderr.write(render_text(notes, {}, lang, use_color(sys.stderr, getattr(args, "color", "auto"))))
    problems = old.problems + new.problems
    if problems:
        return _fail(lang, problems[0][0], **problems[0][1])
    if not old.blobs and not new.blobs:
        return _fail(lang, "cli.no_files", path=f"{old.label} {new.label}")
    return _compare(args, old, new)


def _sides(args: argparse.Namespace) -> Any:
    from ..diffing.revisions import is_commit, read_side, revision, worktree

    rest = list(args.paths)
    if not args.git:
        if len(rest) != 2:
            return _fail(args.lang, "diff.usage.two")
        return read_side(rest[0]), read_side(rest[1])
    if not rest:
        return _fail(args.lang, "diff.usage.git")
    first = rest.pop(0)
    if rest and is_commit(rest[0]):
        second = rest.pop(0)
        return revision(first, rest), revision(second, rest)
    return revision(first, rest), worktree(rest)


def _compare(args: argparse.Namespace, old: Any, new: Any) -> int:
    from ..diagnostics import Severity, render_text
    from ..diffing.compare import diff
    from ..diffing.render import render
    from ..syntax.loader import decode, load_text

    # A file that is byte-for-byte the same on both sides is read once, only for the totals, and its errors
    # are nobody's business here: nothing in it changed.
    old_data = {b.key: b.data for b in old.blobs}
    same = {b.key for b in new.blobs if old_data.get(b.key) == b.data}
    untouched = []
    for blob in new.blobs:
        if blob.key in same:
            text, _ = decode(blob.data, blob.path, args.encoding)
            src = load_text(text, blob.path) if text is not None else None
            if src is not None and not any(d.severity is Severity.error for d in src.diagnostics):
                untouched.append(src.spec)
    specs: tuple[list[Any], list[Any]] = ([], [])
    errors, sources = [], {}
    for side, out in ((old, specs[0]), (new, specs[1])):
        for blob in side.blobs:
            if blob.key in same:
                continue
            text, problems = decode(blob.data, blob.path, args.encoding)
            if text is None:
                errors.extend(problems)
                sources[blob.path] = blob.data.decode("utf-8", "replace")
                continue
            src = load_text(text, blob.path)
            sources[blob.path] = text
            errors.extend(d for d in src.diagnostics if d.severity is Severity.error)
            out.append(src.spec)
    color = use_color(sys.stdout, getattr(args, "color", "auto"))
    if errors:
        sys.stdout.write(render_text(errors, sources, args.lang, color))
        return _fail(args.lang, "diff.input_errors", errors=len(errors))
    result = diff(specs[0], specs[1], old.label, new.label, untouched)
    sys.stdout.write(render(result, args.format, args.lang, color, args.stat))
    return 0 if result.empty else 1


def _textconv(args: argparse.Namespace) -> int:
    from ..diagnostics import Severity
    from ..diffing.readable import readable
    from ..syntax.loader import load_file

    src = load_file(args.paths[0], args.encoding)
    if any(d.severity is Severity.error for d in src.diagnostics):
        # git shows whatever textconv prints; a file being edited into shape is still worth a plain diff
        # (its control characters shown, never sent to the terminal)
        sys.stdout.write("\n".join(map(shown, src.text.split("\n"))))
        return 0
    sys.stdout.write(readable(src.spec))
    return 0
