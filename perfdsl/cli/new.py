"""`perfdsl new NAME --unit UNIT --year YEAR`: write a starter spec to fill in (see perfdsl/frameworks/starter.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..messages import say

EXAMPLES = """examples:
  perfdsl new 档案数字化 --unit 某区人民法院 --year 2022                writes 档案数字化.perf
  perfdsl new 档案数字化 --unit 某区人民法院 --year 2022 --framework national-2021 -o specs/2022/档案数字化.perf
  perfdsl new 档案数字化 --unit 某区人民法院 --year 2022 -o -          to stdout

The spec has every field the framework requires and its sections, empty: perfdsl check lists what is still
to fill in (C201 the fields, C105 the sections without indicators).
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("new", help="write a starter spec with the framework's fields and sections",
                       epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", metavar="NAME", help="the project's name (项目名称)")
    p.add_argument("--unit", required=True, help="the budget unit (单位)")
    p.add_argument("--year", required=True, type=int, help="the budget year (年度)")
    p.add_argument("--framework", help="the indicator framework (default: the configured one, else shanghai-2020)")
    p.add_argument("-o", "--output", metavar="FILE", help="where to write (default: NAME.perf here; - for stdout)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..build import safe_name
    from ..diagnostics import shown
    from ..config import ConfigError, find_config
    from ..frameworks import DEFAULT_FRAMEWORK
    from ..messages import Phrase
    from ..frameworks.starter import refusal, starter

    refused = refusal(args.name, args.unit, args.year)
    if refused is not None:
        print(say(refused[0], args.lang, **refused[1]), file=sys.stderr)
        return 2
    output = args.output or safe_name(args.name) + ".perf"
    where = output if output != "-" else "."
    try:
        config = find_config(where)
        default = config.settings_for(where).framework
    except ConfigError as e:
        print(say("config.error", args.lang, path=e.path, problem=Phrase(e.key, **e.params)), file=sys.stderr)
        return 2
    chosen = args.framework or default
    framework = config.framework(chosen)
    if framework is None:
        known = ", ".join(f.name for f in config.known_frameworks())
        print(say("config.unknown_framework", args.lang, name=chosen, known=known), file=sys.stderr)
        return 2
    text = starter(args.name, args.unit, args.year, framework, args.lang,
                   name_framework=framework.name != DEFAULT_FRAMEWORK)
    if output == "-":
        sys.stdout.write(text)
        return 0
    path = Path(output)
    if path.exists() and not args.force:
        print(say("new.exists", args.lang, path=shown(output)), file=sys.stderr)
        return 1
    try:
        _write(path, text)
    except OSError as e:
        reason = e.strerror or str(e)
        print(say("build.write_failed", args.lang, path=shown(output), reason=reason), file=sys.stderr)
        return 1
    print(say("new.wrote", args.lang, path=shown(output)), file=sys.stderr)
    return 0


def _write(path: Path, text: str) -> None:
    """Write the file in one step (perfdsl/atomic.py); on failure the folders made for it go again."""
    from ..atomic import write_atomic

    made = [folder for folder in path.parents if not folder.exists()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except OSError:
        for folder in made:  # innermost first; one that is no longer empty stays, and so do those above it
            try:
                folder.rmdir()
            except OSError:
                break
        raise
