"""The interactive shell of `perfdsl query PATH...`: one SQL statement per line (readline editing and
history where Python has it), `.tables`, `.schema TABLE`, `.queries`, `.quit`."""

from __future__ import annotations

import cmd
import sys
from typing import Any

from ..messages import say
from . import output
from .database import QueryError, run_sql, sql_error
from .queries import named, named_sql
from .tables import TABLES


class Shell(cmd.Cmd):
    prompt = "perfdsl> "

    def __init__(self, con: Any, lang: str) -> None:
        super().__init__()
        self.con, self.lang = con, lang
        self.intro = say("query.shell", lang)

    def default(self, line: str) -> bool:  # type: ignore[override]  # True ends cmdloop, as onecmd reads it
        text = line.strip()
        if text in (".quit", ".exit", "EOF"):
            return True
        if text == ".tables":
            print(" ".join(TABLES))
        elif text.startswith(".schema"):
            for name in text.split()[1:] or list(TABLES):
                columns = TABLES.get(name, ())
                print(f"{name}(" + ", ".join(f"{c.name} {c.type}" for c in columns) + ")")
        elif text == ".queries":
            for name, summary in named().items():
                print(f"{name:28} {summary}")
        elif text:
            self._answer(named_sql(text) or text)
        return False

    def do_EOF(self, arg: str) -> bool:
        print()
        return True

    def emptyline(self) -> bool:
        return False

    def _answer(self, sql: str) -> None:
        try:
            names, rows = run_sql(self.con, sql)
        except QueryError as e:
            print(sql_error(e, self.lang), file=sys.stderr)
            return
        if names:
            sys.stdout.write(output.table(names, rows))
