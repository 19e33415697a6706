"""Lark's own parser over the line scanner's tokens: it builds the LALR tables from grammar/perfdsl.lark and
parses the rare file whose token stream the tables reject, with Lark's error recovery.

Kept apart from perfdsl/parser.py so that parsing well-formed files (nearly every run) never imports Lark:
its driver runs tables Lark made once (perfdsl/tables.py).
"""

from __future__ import annotations

import functools
import hashlib
import sys
from typing import Any, Iterator

import lark
from lark import Lark, Token
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from . import ast
from .diagnostics import Severity, diag
from .resources import grammar_path, private_cache
from .scanner import LineToken, Scan, scan_lines


class LarkLineToken(Token):
    """A line token as Lark's driver wants it (a `lark.Token`), carrying the scanner's own."""

    __slots__ = ("line_token",)
    line_token: LineToken


def _lark_token(tok: LineToken) -> LarkLineToken:
    last = tok.value or tok.head
    lark_tok = LarkLineToken(tok.type, tok.head.value, None, tok.head.line, tok.head.column, last.end_line,
                             last.end_column)
    lark_tok.line_token = tok
    return lark_tok


class _Unwrapped:
    """The builder as Lark's transformer: its callbacks get the scanner's tokens back, as from our driver."""

    def __init__(self, builder: Any) -> None:
        self.builder = builder

    def __getattr__(self, rule: str) -> Any:
        method = getattr(self.builder, rule)
        return lambda children: method([getattr(c, "line_token", c) for c in children])


class LineScanner(Lexer):
    """Lark custom lexer over a `Scan` passed as the parser's input."""

    __future_interface__ = 2

    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, lexer_state: object, parser_state: object) -> Iterator[Token]:
        scan: Scan = lexer_state.text  # type: ignore[attr-defined]
        # Error recovery resumes the parse with a fresh call: hand back the same generator.
        if scan.tokens is None:
            scan.tokens = map(_lark_token, scan_lines(scan))
        return scan.tokens  # type: ignore[return-value]


@functools.lru_cache(maxsize=None)
def lark_parser(transformer: Any = None) -> Lark:
    """The LALR parser Lark builds from the grammar; `transformer` gets one call per rule reduced."""
    grammar = grammar_path().read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer=LineScanner, transformer=transformer, maybe_placeholders=False,
                cache=_cache_file(grammar))


def _cache_file(grammar: str) -> str | bool:
    """Where Lark keeps its tables between runs (a pickle: in the user's private cache folder)."""
    base = private_cache()
    if base is None:
        return False
    key = hashlib.sha256(f"{grammar}{lark.__version__}{sys.version}".encode()).hexdigest()[:20]
    return str(base / f"grammar-{key}.lark")


def parse_with_lark(scan: Scan, builder: Any) -> ast.Spec:
    """Parse `scan` with Lark's driver; every line the grammar rejects is reported (X001) and skipped."""
    reported: set[int] = set()
    try:
        # the builder's `start` makes the result: a Spec, not a tree
        spec: ast.Spec = lark_parser(_Unwrapped(builder)).parse(  # type: ignore[assignment]
            scan, on_error=lambda e: _recover(scan, e, reported))  # type: ignore[arg-type]
        return spec
    except UnexpectedInput as e:
        _report_syntax(scan, e, reported)
        return ast.build(ast.Spec, file=scan.file, unit=None, year=None, framework=None, projects=(),
                         end_comments=())


def _recover(scan: Scan, e: UnexpectedInput, reported: set[int]) -> bool:
    """The scanner hands over balanced, well-shaped lines, so the grammar has nothing left to reject; should
    it ever, report the line and skip it rather than stop."""
    _report_syntax(scan, e, reported)
    return isinstance(e, UnexpectedToken) and e.token.type != "$END"


def _report_syntax(scan: Scan, e: UnexpectedInput, reported: set[int]) -> None:
    tok = getattr(e, "token", None)
    line = getattr(tok, "line", None) or 1
    if line in reported:
        return
    reported.add(line)
    column = getattr(tok, "column", None) or 1
    span = scan.span(line, column, line, column + 1)
    scan.diagnostics.append(diag("X001", Severity.error, span, reason=str(e).split("\n")[0]))
