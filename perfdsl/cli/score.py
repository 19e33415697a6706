"""`perfdsl score PATH...`: the scores of every self-evaluated project, with the arithmetic of each."""

from __future__ import annotations

import argparse
import json
import os
import sys
from decimal import Decimal

from ..diagnostics import Severity, display_width, render_text, shown
from ..messages import say

EXAMPLES = """examples:
  perfdsl score specs/cycle/2025             every indicator's score, 预算执行, the total and the grade
  perfdsl score --format json a.perf         the same as data (decimal strings, the arithmetic of each)
  perfdsl score --rules linear-reverse a.perf   another rule set than the configuration's

rule sets: central-2020 (default, 财预〔2020〕10号), linear-reverse; [score] in perfdsl.toml (docs/score.md).
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("score", help="score self-evaluations (自评表)", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched for *.perf)")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    p.add_argument("--rules", metavar="NAME", help="a rule set by name, instead of the configuration's")
    p.set_defaults(func=run)


def _table(rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        from ..backends.env import md_cell

        return ["| " + " | ".join(md_cell(c) for c in rows[0]) + " |", "|" + " --- |" * len(rows[0]),
                *("| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows[1:])]
    rows = [[shown(c) for c in r] for r in rows]  # a control character in a name must not reach the terminal
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c + " " * (w - display_width(c)) for c, w in zip(r, widths)).rstrip() for r in rows]


def run(args: argparse.Namespace) -> int:
    from ..backends.cycle import score_json
    from ..config import ConfigError, find_config
    from ..evaluation.rules import RULE_SETS, rule_set
    from ..evaluation.figures import has_evaluation
    from ..evaluation.score import score_project
    from ..syntax.loader import find_files, load_file

    if args.rules is not None and args.rules not in RULE_SETS:
        print(say("config.unknown_rules", args.lang, name=args.rules, known=", ".join(RULE_SETS)), file=sys.stderr)
        return 2
    files, missing = find_files(args.paths)
    for m in missing:
        print(shown(say("cli.not_found", args.lang, path=m)), file=sys.stderr)
    if missing or not files:
        if not files and not missing:
            print(shown(say("cli.no_files", args.lang, path=" ".join(args.paths))), file=sys.stderr)
        return 2
    results, failed, lines = [], False, []
    for path in files:
        src = load_file(path)
        errors = [d for d in src.diagnostics if d.severity is Severity.error]
        if errors:  # a file that does not read is said, with its places; the others are still scored
            sys.stderr.write(render_text(errors, {path: src.text}, args.lang))
            failed = True
            continue
        try:
            rules = rule_set(args.rules) if args.rules else find_config(os.path.dirname(path) or ".").rule_set()
        except ConfigError as e:
            print(f"{e.path}: {say(e.key, args.lang, **e.params)}", file=sys.stderr)
            return 2
        for project in src.spec.projects:
            if not has_evaluation(project):
                continue
            score = score_project(src.spec, project, rules)
            results.append(score_json(src.spec, project, score))
            lines += _project_lines(path, project.name, score, args.format == "markdown")
    if not results:
        print(say("score.none", args.lang, path=" ".join(args.paths)), file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        print("\n".join(lines).rstrip())
    return 1 if failed else 0


def _project_lines(path: str, name: str, score: object, markdown: bool) -> list[str]:
    from ..evaluation.score import ProjectScore
    from ..backends.cycle import actual_shown
    from ..syntax.values import show_number, write_target
    from ..syntax.vocab import NOT_APPLICABLE

    assert isinstance(score, ProjectScore)
    title = f"{name}（{path}，{score.rules.name}）"
    if markdown:
        from ..backends.env import md_text

        title = "## " + md_text(title)
    out = [title if markdown else shown(title), ""]
    rows = [["指标", "指标值", "实际", "分值", "得分", "计算"]]
    b = score.budget
    if b is not None:
        rows.append(["预算执行", "", f"{show_number(b.rate)}%" if b.rate is not None else "", show_number(b.weight),
                     show_number(b.score), b.how])
    for s in score.lines:
        actual = actual_shown(s.indicator)
        rows.append([f"{s.level1} › {s.level2} › {s.indicator.name}", write_target(s.target, explicit=True), actual,
                     show_number(s.weight.quantize(Decimal("0.01"))) if not s.weight_given
                     else show_number(s.weight), NOT_APPLICABLE if s.not_applicable else
                     (show_number(s.score) if s.score is not None else "—"), s.how])
    rows.append(["总分", "", "", show_number(score.full - score.dropped), show_number(score.total),
                 f"{score.how}；{score.grade}"])
    out += _table(rows, markdown)
    if score.unscored:
        out.append(f"（{score.unscored} 项未能计分，按 0 计）")
    return out + [""]
