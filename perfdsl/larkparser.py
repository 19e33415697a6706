"""Lark's own parser over the line scanner's tokens: it builds the LALR tables from grammar/perfdsl.lark and
parses the rare file whose token stream the tables reject, with Lark's error recovery.

Kept apart from perfdsl/parser.py so that parsing well-formed files (nearly every run) never imports Lark:
its driver runs tables Lark made once (perfdsl/tables.py).
"""

from __future__ import annotations

import functools
import hashlib
import io
import sys
from typing import Any, Iterator

import lark
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from . import ast
from .diagnostics import Severity, diag
from .resources import discard_cached, grammar_path, read_cached, write_cached
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
def lark_parser() -> Lark:
    """The LALR parser Lark builds from the grammar, kept between runs in the user's private cache (as
    Lark's own pickle, so only an entry `resources.read_cached` trusts is loaded)."""
    grammar = grammar_path().read_text(encoding="utf-8")
    name = "grammar-" + hashlib.sha256(f"{grammar}{lark.__version__}{sys.version}".encode()).hexdigest()[:20]
    data = read_cached(name)
    if data is not None:
        try:
            return Lark.load(io.BytesIO(data))
        except Exception:  # whole but not what this Lark reads: build the tables anew, keep those
            discard_cached(name)
    parser = Lark(grammar, parser="lalr", lexer=LineScanner, maybe_placeholders=False)
    saved = io.BytesIO()
    parser.save(saved)
    write_cached(name, saved.getvalue())
    return parser


def _built(tree: Tree[Token], builder: Any) -> Any:
    """What the builder makes of Lark's tree: a call per rule, children first, with the scanner's own tokens
    (as Lark's transformer option would while parsing). No recursion: a tree is as deep as blocks nest."""
    done: list[Any] = []
    todo: list[tuple[Any, bool]] = [(tree, False)]
    while todo:
        node, children_done = todo.pop()
        if not isinstance(node, Tree):
            done.append(getattr(node, "line_token", node))
        elif not children_done:
            todo.append((node, True))
            todo.extend((child, False) for child in reversed(node.children))
        else:
            count = len(node.children)
            children = done[len(done) - count:]
            del done[len(done) - count:]
            done.append(getattr(builder, node.data)(children))
    return done[0]


def parse_with_lark(scan: Scan, builder: Any) -> ast.Spec:
    """Parse `scan` with Lark's driver; every line the grammar rejects is reported (X001) and skipped."""
    reported: set[int] = set()
    try:
        tree = lark_parser().parse(scan, on_error=lambda e: _recover(scan, e, reported))
        spec: ast.Spec = _built(tree, builder)  # the builder's `start` makes a Spec
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
