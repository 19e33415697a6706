"""Line scanner: `.perf` text -> tokens for the LALR parser in grammar/perfdsl.lark.

The language is line-oriented, so one regular expression per line classifies it and the parser sees a few
tokens per line (a whole target or value is one token, a whole text block is one token). That keeps Lark's
grammar the single source of truth for structure and error reporting while avoiding a per-character lexer.
The scanner also owns what the grammar cannot see: comments and blank lines (kept for `fmt`), brace balance
(an unclosed `{` or text block names the line it opened on) and quoting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from lark import Token
from lark.lexer import Lexer

from .ast import Comment, Span
from .diagnostics import Diagnostic, Related, Severity, diag
from .vocab import BUDGET_WORDS, KEY_BY_SPELLING, PROJECT_WORDS

ERROR_MARK = "\x00"
"""Value of tokens invented by error recovery: already reported, so the builder stays quiet about them."""

_BARE = re.compile(r'[^\s{}"#]+')
_SPACE = re.compile(r"[ \t\u3000]*")
# A quoted string: `\"` and `\\` are the only escapes.
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(.)")
_WORD_KIND = {w: "PROJECT" for w in PROJECT_WORDS} | {w: "BUDGET" for w in BUDGET_WORDS}


@dataclass
class Brace:
    line: int
    column: int
    indent: int
    dropped: bool = False


@dataclass
class Scan:
    """Per-file scanning state; also what the AST builder needs besides the tokens."""

    text: str
    file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    leading: dict[int, list[Comment]] = field(default_factory=dict)
    """Own-line comments, keyed by the line of the code they stand above."""
    trailing: dict[int, Comment] = field(default_factory=dict)
    blank_before: set[int] = field(default_factory=set)
    """Code lines directly preceded by a blank line."""
    end_comments: list[Comment] = field(default_factory=list)
    braces: list[Brace] = field(default_factory=list)
    pairs: list[tuple[Brace, int]] = field(default_factory=list)
    """Each closed `{` with the indentation of its `}` (to guess which `{` lacks one)."""
    tokens: Iterator[Token] | None = None

    def span(self, line: int, col: int, end_line: int, end_col: int) -> Span:
        return Span.model_construct(file=self.file, line=line, column=col, end_line=end_line, end_column=end_col)

    def error(self, code: str, at_line: int, col: int, end_col: int, key: str | None = None,
              related: tuple[Related, ...] = (), **args: object) -> None:
        span = self.span(at_line, col, at_line, end_col)
        self.diagnostics.append(diag(code, Severity.error, span, key, related, **args))

    def drop_open_brace(self) -> None:
        """Forget the innermost `{`: the parser rejected it, so its `}` must not close an outer block."""
        if self.braces:
            self.braces[-1].dropped = True


def unquote(body: str) -> str:
    return _ESCAPE.sub(r"\1", body)


def _tok(kind: str, value: str, line: int, col: int, end_line: int, end_col: int) -> Token:
    return Token(kind, value, None, line, col, end_line, end_col)


class LineScanner(Lexer):
    """Lark custom lexer over a `Scan` passed as the parser's input."""

    __future_interface__ = 2

    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, lexer_state: object, parser_state: object) -> Iterator[Token]:
        scan: Scan = lexer_state.text  # type: ignore[attr-defined]
        # Error recovery resumes the parse with a fresh call: hand back the same generator.
        if scan.tokens is None:
            scan.tokens = _scan(scan)
        return scan.tokens


def _comment(scan: Scan, lineno: int, line: str, pos: int, blank: bool) -> Comment:
    text = line[pos + 1:].strip()
    return Comment.model_construct(text=text, span=scan.span(lineno, pos + 1, lineno, len(line) + 1),
                                   blank_before=blank)


def _scan(scan: Scan) -> Iterator[Token]:
    lines = scan.text.split("\n")
    pending: list[Comment] = []
    blank = False
    lineno = 0
    n = len(lines)
    while lineno < n:
        line = lines[lineno]
        lineno += 1
        pos = _SPACE.match(line).end()  # type: ignore[union-attr]
        if pos == len(line):
            blank = True
            continue
        ch = line[pos]
        if ch == "#":
            pending.append(_comment(scan, lineno, line, pos, blank))
            blank = False
            continue
        if pending:
            scan.leading[lineno] = pending
            pending = []
        if blank:
            scan.blank_before.add(lineno)
            blank = False
        toks, lineno = _scan_line(scan, lines, lineno, line, pos)
        yield from toks
        if toks:
            last = toks[-1]
            yield _tok("_NL", "\n", lineno, last.end_column, lineno, last.end_column + 1)
    scan.end_comments = pending
    open_braces = [b for b in scan.braces if not b.dropped]
    scan.braces.clear()
    if open_braces:
        # Point at the end of the last line with content: that is where the `}` is missing.
        end = len(lines)
        while end > 1 and not lines[end - 1].strip():
            end -= 1
        end_col = len(lines[end - 1]) + 1 if lines else 1
        innermost = open_braces[-1]
        related = tuple(Related(span=scan.span(b.line, b.column, b.line, b.column + 1), key="P003.opened")
                        for b in reversed(open_braces))
        culprit = _unclosed_culprit(scan, open_braces[0])
        if culprit is not None:
            related += (Related(span=scan.span(culprit.line, culprit.column, culprit.line, culprit.column + 1),
                                key="P003.culprit"),)
        scan.error("P003", end, end_col, end_col + 1, related=related, line=innermost.line,
                   count=len(open_braces))
        for _ in open_braces:
            yield _tok("RBRACE", "}", end, end_col, end, end_col)
            yield _tok("_NL", "\n", end, end_col, end, end_col)


def _unclosed_culprit(scan: Scan, outer: Brace) -> Brace | None:
    """Guess which inner `{` really lacks its `}`: the first whose `}` was indented differently."""
    for opened, closed_indent in scan.pairs:
        if opened.line > outer.line and opened.indent != closed_indent:
            return opened
    return None


def _scan_line(scan: Scan, lines: list[str], lineno: int, line: str, pos: int) -> tuple[list[Token], int]:
    """Tokens of one logical line starting at `pos` (a text block makes it span several physical lines)."""
    toks: list[Token] = []
    indent = pos
    if line[pos] == "}":
        _close_brace(scan, toks, lineno, pos, indent)
        _end_of_line(scan, lineno, line, pos + 1)
        return toks, lineno
    head, pos = _head(scan, lineno, line, pos, toks)
    if head is None:
        return toks, lineno
    if head.type == "PROJECT":
        pos = _SPACE.match(line, pos).end()  # type: ignore[union-attr]
        name, pos = _name(scan, lineno, line, pos)
        if name is not None:
            toks.append(name)
    pos = _SPACE.match(line, pos).end()  # type: ignore[union-attr]
    if pos >= len(line) or line[pos] == "#":
        _end_of_line(scan, lineno, line, pos)
        return toks, lineno
    if line[pos] == "{":
        _open_brace(scan, toks, lineno, pos, indent)
        _end_of_line(scan, lineno, line, pos + 1)
        return toks, lineno
    if line.startswith('"""', pos):
        return _text_block(scan, lines, lineno, line, pos, toks)
    if line[pos] == '"':
        m = _QUOTED.match(line, pos)
        if m is None:
            scan.error("P016", lineno, pos + 1, len(line) + 1)
            return toks, lineno
        toks.append(_tok("STRING", unquote(m.group(1)), lineno, pos + 1, lineno, m.end() + 1))
        _end_of_line(scan, lineno, line, m.end())
        return toks, lineno
    hash_at = line.find("#", pos)
    stop = len(line) if hash_at < 0 else hash_at
    value = line[pos:stop].rstrip()
    brace_open = value.endswith("{") and len(value) > 1 and value[-2] in " \t\u3000"
    if brace_open:
        value = value[:-1].rstrip()
    toks.append(_tok("VALUE", value, lineno, pos + 1, lineno, pos + len(value) + 1))
    if brace_open:
        _open_brace(scan, toks, lineno, line.rindex("{", 0, stop), indent)
    _end_of_line(scan, lineno, line, stop)
    return toks, lineno


def _head(scan: Scan, lineno: int, line: str, pos: int, toks: list[Token]) -> tuple[Token | None, int]:
    if line[pos] == "{":
        _open_brace(scan, toks, lineno, pos, pos)
        return None, pos
    if line[pos] == '"':
        tok, end = _name(scan, lineno, line, pos)
        if tok is not None:
            toks.append(tok)
        return tok, end
    m = _BARE.match(line, pos)
    assert m is not None  # the line does not start with space, `#`, `{`, `}` or `"`
    word = m.group()
    kind = _WORD_KIND.get(word) or ("KEY" if word in KEY_BY_SPELLING else "NAME")
    tok = _tok(kind, word, lineno, pos + 1, lineno, m.end() + 1)
    toks.append(tok)
    return tok, m.end()


def _name(scan: Scan, lineno: int, line: str, pos: int) -> tuple[Token | None, int]:
    if pos < len(line) and line[pos] == '"':
        m = _QUOTED.match(line, pos)
        if m is None:
            scan.error("P016", lineno, pos + 1, len(line) + 1)
            return None, len(line)
        return _tok("NAME", unquote(m.group(1)), lineno, pos + 1, lineno, m.end() + 1), m.end()
    m = _BARE.match(line, pos)
    if m is None:
        return None, pos
    return _tok("NAME", m.group(), lineno, pos + 1, lineno, m.end() + 1), m.end()


def _open_brace(scan: Scan, toks: list[Token], lineno: int, pos: int, indent: int) -> None:
    scan.braces.append(Brace(lineno, pos + 1, indent))
    toks.append(_tok("LBRACE", "{", lineno, pos + 1, lineno, pos + 2))


def _close_brace(scan: Scan, toks: list[Token], lineno: int, pos: int, indent: int) -> None:
    if not scan.braces:
        scan.error("P004", lineno, pos + 1, pos + 2)
        return
    brace = scan.braces.pop()
    scan.pairs.append((brace, indent))
    if not brace.dropped:
        toks.append(_tok("RBRACE", "}", lineno, pos + 1, lineno, pos + 2))


def _end_of_line(scan: Scan, lineno: int, line: str, pos: int) -> None:
    """After the content of a line only a comment may follow."""
    pos = _SPACE.match(line, pos).end()  # type: ignore[union-attr]
    if pos >= len(line):
        return
    if line[pos] == "#":
        scan.trailing[lineno] = _comment(scan, lineno, line, pos, False)
        return
    scan.error("P017", lineno, pos + 1, len(line) + 1, text=line[pos:].strip())


def _text_block(scan: Scan, lines: list[str], lineno: int, line: str, pos: int,
                toks: list[Token]) -> tuple[list[Token], int]:
    start_line, start_col = lineno, pos + 1
    body_start = pos + 3
    close = line.find('"""', body_start)
    if close >= 0:
        toks.append(_tok("TEXT", line[body_start:close], lineno, start_col, lineno, close + 4))
        _end_of_line(scan, lineno, line, close + 3)
        return toks, lineno
    parts = [line[body_start:]]
    while lineno < len(lines):
        line = lines[lineno]
        lineno += 1
        close = line.find('"""')
        if close >= 0:
            parts.append(line[:close])
            toks.append(_tok("TEXT", "\n".join(parts), start_line, start_col, lineno, close + 4))
            _end_of_line(scan, lineno, line, close + 3)
            return toks, lineno
        parts.append(line)
    scan.error("P005", start_line, start_col, start_col + 3)
    toks.append(_tok("TEXT", "\n".join(parts), start_line, start_col, lineno, len(line) + 1))
    return toks, lineno
