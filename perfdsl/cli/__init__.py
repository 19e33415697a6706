"""The `perfdsl` command: argument parsing, exit codes, output and colour policy.

Exit codes: 0 clean, 1 problems found (or changes, for `diff`/`fmt --check`), 2 usage or configuration
errors. Messages are Chinese by default; `--lang en` or PERFDSL_LANG=en switches to English.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import signal
import sys
from typing import Any, Sequence

from .. import __version__
from ..diagnostics import default_lang

EPILOG = """examples:
  perfdsl build specs/                 check and write text, HTML, Markdown and JSON to build/
  perfdsl check specs/                 check every .perf file under specs/
  perfdsl check --format json a.perf   diagnostics as JSON
  perfdsl --lang en check specs/       messages in English
  perfdsl fmt --check specs/           list the files that are not in the canonical layout
  perfdsl import 绩效目标.txt -o specs/2020   published tables (text layout) -> .perf files
  perfdsl diff --git HEAD~1            what the last commit changed in the specs (targets, money, prose)
  perfdsl score specs/cycle/2025       the scores of a self-evaluation (自评表), with the arithmetic
  perfdsl build specs/ --format pdf,docx   every form as PDF and Word documents
  perfdsl serve specs/                 the specs in a browser, updated as they are saved
  perfdsl query satisfaction_below_90 specs/   SQL over every project and indicator (--list: the named ones)
  perfdsl review submissions/ -o review/        the batch review report, HTML and xlsx
"""

COMMANDS = ("check", "rules", "explain", "fmt", "import_", "diff", "build", "score", "schema", "new", "lsp", "query",
            "export", "review", "serve")
"""Sub-commands, in the order `--help` lists them; each is a module in perfdsl/cli/."""


def use_color(stream: object, choice: str = "auto") -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The argument parser; given the arguments, only the sub-command they name is set up (a one-file
    `perfdsl check` in an editor should not pay for every command's options), else all of them."""
    parser = argparse.ArgumentParser(prog="perfdsl", description="项目支出绩效目标表 as plain text: check, "
                                     "build, format, import, diff, score, serve, query and review .perf specs.", epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"perfdsl {__version__}")
    _add_global_options(parser, default_lang(), "auto")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    by_name = {module.rstrip("_"): module for module in COMMANDS}
    named = next((by_name[a] for a in argv or () if a in by_name), None)
    for module in (named,) if named else COMMANDS:
        # command modules are light: each imports what its run() needs only when it runs
        importlib.import_module(f"perfdsl.cli.{module}").register(sub)
    for command in sub.choices.values():
        # also after the command (`perfdsl check --lang en x.perf`); SUPPRESS: not given there, the value
        # before the command (or its default) is kept rather than overwritten by the sub-parser's default
        _add_global_options(command, argparse.SUPPRESS, argparse.SUPPRESS)
    return parser


def _add_global_options(parser: argparse.ArgumentParser, lang: str, color: str) -> None:
    given = parser._option_string_actions  # a command may declare one itself (diff: --color)
    if "--lang" not in given:
        parser.add_argument("--lang", choices=["zh", "en"], default=lang,
                            help="language of messages (default: zh, or PERFDSL_LANG)")
    if "--color" not in given:
        parser.add_argument("--color", choices=["auto", "always", "never"], default=color,
                            help="colour output (default: auto: only on a terminal, never with NO_COLOR)")


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    previous, hook = _on_sigterm(), sys.unraisablehook
    sys.unraisablehook = functools.partial(_terminated_again, hook)
    try:
        return int(args.func(args))
    except Terminated:
        return 143
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1
    except BaseException as e:
        # SIGTERM landing while pydantic-core builds a validator comes back as its Rust panic, not as ours
        if type(e).__name__ == "PanicException" and "Terminated" in str(e):
            return 143
        raise
    finally:
        sys.unraisablehook = hook
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class Terminated(KeyboardInterrupt):
    """SIGTERM (what `timeout` and service managers send), raised where the command is, so that its `finally`
    and `except BaseException` blocks run: temp files removed, no half-written file left."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def _terminated_again(hook: Any, unraisable: Any) -> None:
    """`Terminated` raised where Python prints and drops exceptions (a finaliser, an at-fork callback) would
    be lost, and the command would run on: the signal is sent again a moment later (from another thread),
    to be handled once this is over, where an exception is not dropped."""
    if not isinstance(unraisable.exc_value, Terminated):
        hook(unraisable)
        return
    import threading

    again = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGTERM))
    again.daemon = True
    again.start()


def _on_sigterm() -> Any:
    """Turn SIGTERM into `Terminated`; returns the handler it replaces (None where none can be set)."""
    try:
        return signal.signal(signal.SIGTERM, _raise_terminated)
    except (ValueError, OSError, AttributeError):  # not the main thread, or no SIGTERM on this platform
        return None
