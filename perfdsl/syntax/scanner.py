"""Line scanner: `.perf` text -> one token per line for the LALR parser in grammar/perfdsl.lark.

The language is line-oriented, so the scanner classifies each line once (a field, an indicator, a block
opener, a closing brace) and hands the parser a single token carrying the line's pieces; a text block is one
token however many lines it spans. The grammar stays the reference for how blocks nest, while the parser
does one step per line instead of one per word — the difference between a tree-building parse and one as
fast as `tomllib`. What a line-level view sees best is checked here: the shape of a line (a name with no
target, a key with no value), quoting, comments and blank lines (kept for `fmt`), and brace balance (an
unclosed `{` or text block names the line it opened on).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterator

from lark.lexer import Lexer

from . import lexicon
from ..ast import Comment, Span
from ..diagnostics import Diagnostic, Related, Severity, diag
from ..messages import AnyOf, Phrase
from .vocab import BUDGET_WORDS, KEY_BY_SPELLING, PROJECT_NAME_LABEL, PROJECT_WORDS, key_spellings

MISSING = "MISSING"
"""The type of the error token: a piece a line lacks (an indicator's target, a project's name), made up by the
scanner after reporting it, so that the line still parses and later stages stay quiet about it. Its value
is empty: nothing of it reaches a document."""

# The pieces of a line, as the grammar defines them.
_BARE = lexicon.compiled("BARE")
_SPACE = re.compile(lexicon.pattern("_SP") + "?")
"""Spaces at a point of a line. The grammar's _SP is whitespace but a line break, which is what `str.strip`
takes away from a line: the scanner measures indentation so, a regular expression's match object per line
being three times the cost (a test holds the two to the same characters)."""
_QUOTED = lexicon.compiled("QUOTED")
_ESCAPE = re.compile(r"\\(.)")
_WORD_KIND = {w: "PROJECT" for w in PROJECT_WORDS} | {w: "BUDGET" for w in BUDGET_WORDS}
# What may start a line, by depth: the words of the old "expected" lists, for messages only.
_STARTERS = ("NAME", "KEY", "PROJECT", "BUDGET")


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
    leading: dict[int, tuple[Comment, ...]] = field(default_factory=dict)
    """Own-line comments, keyed by the line of the code they stand above."""
    trailing: dict[int, Comment] = field(default_factory=dict)
    blank_before: set[int] = field(default_factory=set)
    """Code lines directly preceded by a blank line."""
    end_comments: list[Comment] = field(default_factory=list)
    braces: list[Brace] = field(default_factory=list)
    pairs: list[tuple[Brace, int]] = field(default_factory=list)
    """Each closed `{` with the indentation of its `}` (to guess which `{` lacks one)."""
    tokens: Iterator[object] | None = None
    """The token stream, kept across the restarts of Lark's error recovery."""
    unmatched_close: int = 0
    """The first line whose `}` is indented like no block open then: the likely stray one, should one be."""
    stray_at_end: bool = False
    """A `}` closed nothing; `parser.parse` then reads the file again with `skip_close` set."""
    skip_close: int = 0
    """The line of the `}` to report as stray and read as if it were not there."""

    def span(self, line: int, col: int, end_line: int, end_col: int) -> Span:
        return Span(self.file, line, col, end_line, end_col)

    def error(self, code: str, at_line: int, col: int, end_col: int, key: str | None = None,
              related: tuple[Related, ...] = (), **args: object) -> None:
        span = self.span(at_line, col, at_line, end_col)
        self.diagnostics.append(diag(code, Severity.error, span, key, related, **args))

    def drop_open_brace(self) -> None:
        """Forget the innermost `{`: the parser rejected it, so its `}` must not close an outer block."""
        if self.braces:
            self.braces[-1].dropped = True


def _missing(line: int, column: int) -> Piece:
    return Piece(MISSING, "", line, column, line, column)


def unquote(body: str) -> str:
    return _ESCAPE.sub(r"\1", body)


class Piece:
    """A part of a line (its key, name or value) with where it stands."""

    __slots__ = ("type", "value", "line", "column", "end_line", "end_column")

    def __init__(self, type: str, value: str, line: int, column: int, end_line: int, end_column: int) -> None:
        self.type = type
        self.value = value
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column


_ITEM_RULE = {"FIELD": "field", "INDICATOR": "indicator"}


class LineToken:
    """A token for a whole line: its grammar terminal and its pieces (the head, and the value if any).

    A field or an indicator line is also, as it stands, an item of the block it is in: it answers to
    `rule`, `head`, `value`, `items` and `close` like the parser's `Raw` for blocks, so the parser makes
    no second object per line. For Lark's parser it answers to what a `lark.Token` carries (its type and
    where it stands) without being a `str` with eight attributes made per line.
    """

    __slots__ = ("type", "rule", "head", "value")
    items: tuple[object, ...] = ()
    close: Piece | None = None
    start_pos: int | None = None
    end_pos: int | None = None

    def __init__(self, type: str, head: Piece, value: Piece | None = None) -> None:
        self.type = type
        self.rule = _ITEM_RULE.get(type)
        self.head = head
        self.value = value

    @property
    def line(self) -> int:
        return self.head.line

    @property
    def column(self) -> int:
        return self.head.column

    @property
    def end_line(self) -> int:
        return (self.value or self.head).end_line

    @property
    def end_column(self) -> int:
        return (self.value or self.head).end_column

    def __repr__(self) -> str:  # what Lark prints of a token it did not expect
        return f"{self.type} at line {self.line}"


class LineLexer(Lexer):
    """The scanner as Lark's custom lexer: the parser's input is a `Scan`, and the tokens are its lines."""

    __future_interface__ = 2

    def __init__(self, lexer_conf: object) -> None:
        pass

    def lex(self, lexer_state: Any, parser_state: Any) -> Iterator[Any]:
        scan: Scan = lexer_state.text
        # Error recovery resumes the parse with a fresh call: hand back the same generator.
        if scan.tokens is None:
            scan.tokens = scan_lines(scan)
        return scan.tokens


def _comment(scan: Scan, lineno: int, line: str, pos: int, blank: bool) -> Comment:
    text = line[pos + 1:].strip()
    return Comment(text=text, span=scan.span(lineno, pos + 1, lineno, len(line) + 1),
                                   blank_before=blank)


def scan_lines(scan: Scan) -> Iterator[LineToken]:
    """The tokens of `scan.text`, one per logical line; problems go to `scan.diagnostics`."""
    lines = scan.text.split("\n")
    pending: list[Comment] = []
    blank = False
    lineno = 0
    n = len(lines)
    if _ANY_UNSEEN.search(scan.text) is not None:  # one pass over the text; a file rarely has any
        if not scan.text.isascii() and UNSEEN.search(scan.text) is not None:
            _unseen(scan, lines)
        if CONTROL.search(scan.text) is not None:
            _controls(scan, lines)
    wide = not scan.text.isascii() and (WIDE_LBRACE in scan.text or WIDE_RBRACE in scan.text)
    while lineno < n:
        line = lines[lineno]
        lineno += 1
        pos = len(line) - len(line.lstrip())  # the grammar's _SP, as `str.lstrip` reads it (see _SPACE)
        if pos == len(line):
            blank = True
            continue
        if line[pos] == "#":
            pending.append(_comment(scan, lineno, line, pos, blank))
            blank = False
            continue
        if wide and (WIDE_LBRACE in line or WIDE_RBRACE in line):
            # only where a line starts: inside a text block the brace is the text's own
            line = lines[lineno - 1] = _fullwidth_braces(scan, lineno, line)
        if pending:
            scan.leading[lineno] = tuple(pending)
            pending = []
        if blank:
            scan.blank_before.add(lineno)
            blank = False
        if line[pos] != "}":
            tok = _plain_line(scan, lineno, line, pos)
            if tok is not None:
                yield tok
                continue
        elif pos + 1 == len(line):  # `}` alone, as `_scan_line` reads it
            tok = _close_brace(scan, lineno, pos, pos)
            if tok is not None:
                yield tok
            continue
        tok, lineno = _scan_line(scan, lines, lineno, line, pos)
        if tok is not None:
            yield tok
    scan.end_comments = pending
    yield from _close_all(scan, lines)


# The characters the grammar names INVISIBLE, DIRECTION and CONTROL, reported on every line.
_INVISIBLE = lexicon.compiled("INVISIBLE")
INVISIBLE_NAMES = {"\u00a0": "NBSP", "\u2007": "NBSP", "\u202f": "NBSP", "\u200b": "ZWSP", "\u200c": "ZWNJ",
                   "\u200d": "ZWJ", "\u2060": "WJ", "\ufeff": "BOM"}
"""How a message names each invisible character; a no-break space (NBSP) reads as a space, the others as
nothing, so they never silently become part of a name (预算\u200b执行率 and 预算执行率 would be two indicators)."""
# Removing a direction control would give text the reader never saw: an error where it stands. A terminal or
# a spreadsheet would act on a control character or refuse it: an error too.
DIRECTION = lexicon.compiled("DIRECTION")
UNSEEN = re.compile(f"{lexicon.pattern('INVISIBLE')}|{lexicon.pattern('DIRECTION')}")
CONTROL = lexicon.compiled("CONTROL")
_ANY_UNSEEN = re.compile(f"{UNSEEN.pattern}|{lexicon.pattern('CONTROL')}")
"""Any of the three: the expression compiles to one set of characters, so a file is read once, not twice."""


def _unseen(scan: Scan, lines: list[str]) -> None:
    """Report invisible characters on every line, text blocks and comments too, and read the line as seen."""
    for i, line in enumerate(lines):
        first = DIRECTION.search(line)
        if first is not None:
            found = dict.fromkeys(DIRECTION.findall(line, first.start()))
            at = first.start() + 1
            scan.diagnostics.append(diag(
                "P024", Severity.error, scan.span(i + 1, at, i + 1, at + 1),
                chars=", ".join(f"U+{ord(c):04X} {unicodedata.name(c)}" for c in found),
                codes=", ".join(f"U+{ord(c):04X}" for c in found)))
        if _INVISIBLE.search(line):
            lines[i] = _visible(scan, i + 1, line)


def _controls(scan: Scan, lines: list[str]) -> None:
    """Report control characters, one error per line, and read the line without them so the rest still parses."""
    for i, line in enumerate(lines):
        first = CONTROL.search(line)
        if first is None:
            continue
        found = dict.fromkeys(CONTROL.findall(line, first.start()))
        at = first.start() + 1
        scan.diagnostics.append(diag("P025", Severity.error, scan.span(i + 1, at, i + 1, at + 1),
                                     codes=", ".join(f"U+{ord(c):04X}" for c in found)))
        lines[i] = CONTROL.sub("", line)


# An IME left in full-width mode types ｛ and ｝: read where a brace belongs (ending a line, starting one) as
# the brace, with a warning, so the blocks still nest and nothing cascades.
WIDE_LBRACE, WIDE_RBRACE = lexicon.literal("WIDE_LBRACE"), lexicon.literal("WIDE_RBRACE")
_FULLWIDTH_OPEN = re.compile(f"{lexicon.pattern('WIDE_LBRACE')}(?={_SPACE.pattern}{lexicon.pattern('COMMENT')}?$)")
_FULLWIDTH_CLOSE = re.compile(f"^{_SPACE.pattern}({lexicon.pattern('WIDE_RBRACE')})")


def _fullwidth_braces(scan: Scan, lineno: int, line: str) -> str:
    for pattern, normal in ((_FULLWIDTH_OPEN, "{"), (_FULLWIDTH_CLOSE, "}")):
        m = pattern.search(line)
        if m is not None:
            at = m.start(m.lastindex or 0)
            if any(q.start() < at < q.end() for q in _QUOTED.finditer(line)):
                continue  # in a quoted name (`"验｛#" 9`) it is the name's own
            scan.diagnostics.append(diag("P020", Severity.warning, scan.span(lineno, at + 1, lineno, at + 2),
                                         "P020.brace", value=line[at], normal=normal))
            line = line[:at] + normal + line[at + 1:]
    return line


def _visible(scan: Scan, lineno: int, line: str) -> str:
    first = _INVISIBLE.search(line)
    assert first is not None
    found = sorted({INVISIBLE_NAMES[c] for c in _INVISIBLE.findall(line)})
    scan.diagnostics.append(diag("P023", Severity.warning, scan.span(lineno, first.start() + 1, lineno,
                                                                     first.start() + 2), chars=", ".join(found)))
    return _INVISIBLE.sub(lambda m: " " if INVISIBLE_NAMES[m.group()] == "NBSP" else "", line)


def _close_all(scan: Scan, lines: list[str]) -> Iterator[LineToken]:
    """At the end of the file: report braces left open and close them so the parse can finish."""
    open_braces = [b for b in scan.braces if not b.dropped]
    scan.braces.clear()
    if not open_braces:
        return
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
    scan.error("P003", end, end_col, end_col + 1, related=related, line=innermost.line, count=len(open_braces))
    for _ in open_braces:
        yield LineToken("RBRACE", Piece("RBRACE", "}", end, end_col, end, end_col))


def _unclosed_culprit(scan: Scan, outer: Brace) -> Brace | None:
    """Guess which inner `{` really lacks its `}`: the first whose `}` was indented differently."""
    for opened, closed_indent in scan.pairs:
        if opened.line > outer.line and opened.indent != closed_indent:
            return opened
    return None


def _unexpected(scan: Scan, piece: Piece, expected: tuple[str, ...]) -> None:
    """The generic complaint, in the words of what may stand there instead."""
    text = piece.value.strip() if piece.type != MISSING else ""
    scan.error("P001", piece.line, piece.column, piece.end_column, found=Phrase("token." + piece.type, text=text),
               expected=AnyOf(Phrase("expect." + k) for k in expected))


# The two commonest lines, `name value` and `name {`, with nothing that needs a closer look (no quote,
# brace, comment or keyword): read in one match. Any other line takes the general path below, which reads
# these two the same way (a test runs every file of the repository through both).
_SP = lexicon.pattern("_SP")
# INDICATOR and FIELD with a bare head; SECTION with a bare name
_PLAIN_VALUE = re.compile(f"({lexicon.pattern('BARE')}){_SP}({lexicon.pattern('VALUE')}){_SP}?")
_PLAIN_OPEN = re.compile(f"({lexicon.pattern('BARE')}){_SP}?\\{{{_SP}?")


def _plain_line(scan: Scan, lineno: int, line: str, pos: int) -> LineToken | None:
    m = _PLAIN_VALUE.fullmatch(line, pos)
    if m is not None:
        word, text = m.group(1, 2)
        # `标签：值` is looked at closer (a label pasted from the form), `名称 目标 {` opens a block
        if word in _WORD_KIND or text[-1] == "{" or _LABEL_COLON.search(word):
            return None
        start, end = m.span(2)  # a VALUE ends on a character that is no space
        if word in KEY_BY_SPELLING:
            return LineToken("FIELD", Piece("KEY", word, lineno, pos + 1, lineno, m.end(1) + 1),
                             Piece("VALUE", text, lineno, start + 1, lineno, end + 1))
        return LineToken("INDICATOR", Piece("NAME", word, lineno, pos + 1, lineno, m.end(1) + 1),
                         Piece("VALUE", text, lineno, start + 1, lineno, end + 1))
    m = _PLAIN_OPEN.fullmatch(line, pos)
    if m is not None:
        word = m.group(1)
        kind = _WORD_KIND.get(word) or ("KEY" if word in KEY_BY_SPELLING else "NAME")
        if kind in ("PROJECT", "KEY"):
            return None
        scan.braces.append(Brace(lineno, line.index("{", m.end(1)) + 1, pos))
        return LineToken("BUDGET" if kind == "BUDGET" else "SECTION",
                         Piece(kind, word, lineno, pos + 1, lineno, m.end(1) + 1))
    return None


def _scan_line(scan: Scan, lines: list[str], lineno: int, line: str, pos: int) -> tuple[LineToken | None, int]:
    """The token of one logical line starting at `pos` (a text block makes it span several lines)."""
    indent = pos
    if line[pos] == "}":
        tok = _close_brace(scan, lineno, pos, indent)
        if pos + 1 < len(line):
            _end_of_line(scan, lineno, line, pos + 1)
        return tok, lineno
    if line[pos] == "{":
        # `{` with nothing before it: say what may open a block, then read it as a block without a name
        brace = Piece("LBRACE", "{", lineno, pos + 1, lineno, pos + 2)
        _unexpected(scan, brace, (("RBRACE",) if scan.braces else ()) + _STARTERS)
        _open_brace(scan, lineno, pos, indent)
        _end_of_line(scan, lineno, line, pos + 1)
        return LineToken("SECTION", _missing(lineno, pos + 1)), lineno
    head, pos = _head(scan, lineno, line, pos)
    if head is None:
        return None, lineno
    if head.type == "PROJECT":
        return _project_line(scan, lines, lineno, line, pos, head, indent), lineno
    # only outside sections, where no indicator may stand: inside one, `分值：20…` may be an indicator's name
    if head.type == "NAME" and len(scan.braces) <= 1 and line[indent] != '"' and _LABEL_COLON.search(head.value):
        return _form_label(scan, lineno, line, head, indent), lineno
    if pos < len(line) and line[pos] == "}":
        # `名称}`: the `}` is a block's end written on its last item's line (no line shape has it): the item
        # is reported and the brace kept, so that the blocks after it stay where they are
        scan.error("P017", lineno, head.column, head.end_column, "P017.brace", text=head.value)
        tok = _close_brace(scan, lineno, pos, indent)
        _end_of_line(scan, lineno, line, pos + 1)
        return tok, lineno
    pos = _SPACE.match(line, pos).end()  # type: ignore[union-attr]
    if pos >= len(line) or line[pos] == "#":
        _end_of_line(scan, lineno, line, pos)
        return _alone(scan, lines, lineno, head, indent)
    if line[pos] == "{":
        if head.type == "KEY":
            _missing_value(scan, head)
            scan.braces.append(Brace(lineno, pos + 1, indent, dropped=True))
            _end_of_line(scan, lineno, line, pos + 1)
            return None, lineno
        _open_brace(scan, lineno, pos, indent)
        _end_of_line(scan, lineno, line, pos + 1)
        return LineToken("BUDGET" if head.type == "BUDGET" else "SECTION", head), lineno
    if head.type == "BUDGET":
        _unexpected(scan, Piece("VALUE", line[pos:].split("#")[0].strip(), lineno, pos + 1, lineno, len(line) + 1),
                    ("LBRACE",))
        return None, lineno
    if line.startswith('"""', pos):
        value, lineno = _text_block(scan, lines, lineno, line, pos)
    elif line[pos] == '"':
        m = _QUOTED.match(line, pos)
        if m is None:
            scan.error("P016", lineno, pos + 1, len(line) + 1)
            return None, lineno
        value = Piece("STRING", unquote(m.group()[1:-1]), lineno, pos + 1, lineno, m.end() + 1)
        _end_of_line(scan, lineno, line, m.end())
    else:
        return _value_line(scan, lineno, line, pos, head, indent), lineno
    if head.type == "NAME":
        scan.error("P002", head.line, head.column, head.end_column, name=head.value)
        value = _missing(value.line, value.column)
        return LineToken("INDICATOR", head, value), lineno
    return LineToken("FIELD", head, value), lineno


def _alone(scan: Scan, lines: list[str], lineno: int, head: Piece, indent: int) -> tuple[LineToken | None, int]:
    """A word alone on its line: a block whose `{` is missing, a paragraph without quotes, or a missing value."""
    if head.type == "NAME" and _is_prose(head.value):
        scan.error("P028", head.line, head.column, head.end_column, fix="概况 ")
        return None, _prose_end(lines, lineno)
    if head.type == "KEY" and KEY_BY_SPELLING[head.value].kind == "text":
        end = _prose_end(lines, lineno)
        if end > lineno:
            scan.error("P028", head.line, head.column, head.end_column, fix=head.value + " ")
            first = lines[lineno]
            body = "\n".join(text.strip() for text in lines[lineno:end])
            start = _SPACE.match(first).end() + 1  # type: ignore[union-attr]
            return LineToken("FIELD", head, Piece("TEXT", body, lineno + 1, start, end, len(lines[end - 1]) + 1)), end
    if head.type != "KEY" and _indented_below(lines, lineno, indent):
        scan.error("P026", head.line, head.column, head.end_column, name=head.value, fix=head.value + " {")
        scan.braces.append(Brace(lineno, head.end_column, indent))
        return LineToken("BUDGET" if head.type == "BUDGET" else "SECTION", head), lineno
    return _missing_value(scan, head), lineno


def _next_content(lines: list[str], lineno: int) -> int:
    """The index of the first line from `lineno` on with code (not blank, not a comment), or len(lines)."""
    while lineno < len(lines):
        rest = lines[lineno].lstrip()
        if rest and rest[0] != "#":
            break
        lineno += 1
    return lineno


def _indented_below(lines: list[str], lineno: int, indent: int) -> bool:
    """Whether the next line of code is indented deeper: the word above it opens a block."""
    at = _next_content(lines, lineno)
    return at < len(lines) and _SPACE.match(lines[at]).end() > indent  # type: ignore[union-attr]


# Prose pasted from the form: sentence punctuation and no comparator, which no target or name has together.
_PROSE = re.compile("[\u3002\uff0c\uff1b]")
_COMPARISON = re.compile("[<>=\u2265\u2264\uff1e\uff1c\uff1d{}\"]")


def _is_prose(text: str) -> bool:
    return _PROSE.search(text) is not None and _COMPARISON.search(text) is None


def _prose_end(lines: list[str], lineno: int) -> int:
    """The line after the paragraph of prose starting at index `lineno` (itself if there is none)."""
    while lineno < len(lines) and _is_prose(lines[lineno]) and lines[lineno].lstrip()[:1] not in ("#", "}"):
        lineno += 1
    return lineno


_LABEL_COLON = lexicon.compiled("LABEL_COLON")


def _label_key(head: Piece) -> str | None:
    """The key a `label：value` head names by its official label, or None."""
    label = _LABEL_COLON.split(head.value, 1)[0]
    key = KEY_BY_SPELLING.get(label)
    return key.canonical if key is not None else None


def _form_label(scan: Scan, lineno: int, line: str, head: Piece, indent: int) -> LineToken | None:
    """`项目类别：其他一次性项目`, pasted from the official form: say how the language writes it, read it so."""
    label = _LABEL_COLON.split(head.value, 1)[0]
    colon = head.column + len(label)  # 1-based column of the colon
    value_at = _SPACE.match(line, colon).end()  # type: ignore[union-attr]
    rest = line[value_at:].split("#")[0].rstrip()
    canonical = _label_key(head)
    label_span = (head.line, head.column, colon + 1)
    if label == PROJECT_NAME_LABEL:
        scan.error("P027", *label_span, "P027.name", fix=f"项目 {rest} {{")
        _end_of_line(scan, lineno, line, value_at + len(rest))
        return None
    if canonical is None:
        close = suggest_keys(label)
        if close:
            scan.error("P006", *label_span, name=label, suggestion=close)
        else:
            scan.error("P006", *label_span, "P006.label", name=label)
        return None
    scan.error("P027", *label_span, label=label + line[colon - 1], fix=f"{canonical} {rest}")
    key = Piece("KEY", label, head.line, head.column, head.line, colon)
    if not rest:
        _end_of_line(scan, lineno, line, value_at)
        return None
    return _value_line(scan, lineno, line, value_at, key, indent)


def suggest_keys(word: str) -> AnyOf | None:
    """The keys whose spelling is close to `word`, for a did-you-mean; None when none is."""
    import difflib  # only when something is misspelt: start-up stays light
    close = difflib.get_close_matches(word, key_spellings(), n=2, cutoff=0.5)
    return AnyOf(Phrase("quoted", text=c) for c in close) if close else None


def _missing_value(scan: Scan, head: Piece) -> LineToken | None:
    """A name or key alone on its line: say what is missing; an indicator is kept without its target."""
    if head.type == "KEY":
        key = KEY_BY_SPELLING[head.value]
        scan.error("P015", head.line, head.column, head.end_column, field=head.value,
                   example=Phrase("example." + key.kind))
        return None
    if head.type == "BUDGET":
        _unexpected(scan, Piece("_NL", "\n", head.line, head.end_column, head.line, head.end_column + 1),
                    ("LBRACE",))
        return None
    scan.error("P002", head.line, head.column, head.end_column, name=head.value)
    return LineToken("INDICATOR", head, _missing(head.line, head.end_column))


def _value_line(scan: Scan, lineno: int, line: str, pos: int, head: Piece, indent: int) -> LineToken:
    hash_at = line.find("#", pos)
    stop = len(line) if hash_at < 0 else hash_at
    text = line[pos:stop].rstrip()
    opens = text.endswith("{") and len(text) > 1 and text[-2] in " \t\u3000"
    if opens:
        text = text[:-1].rstrip()
    value = Piece("VALUE", text, lineno, pos + 1, lineno, pos + len(text) + 1)
    _end_of_line(scan, lineno, line, stop)
    if not opens:
        return LineToken("FIELD" if head.type == "KEY" else "INDICATOR", head, value)
    brace_at = line.rindex("{", 0, stop)
    if head.type == "KEY":
        # `类别 其他类 {`: a field cannot open a block; its `}` must not close the enclosing one
        _unexpected(scan, Piece("LBRACE", "{", lineno, brace_at + 1, lineno, brace_at + 2), ("_NL",))
        scan.braces.append(Brace(lineno, brace_at + 1, indent, dropped=True))
        return LineToken("FIELD", head, value)
    _open_brace(scan, lineno, brace_at, indent)
    return LineToken("INDICATOR_BLOCK", head, value)


class ProjectLine(LineToken):
    """The line opening a project at the top of the file: it carries the scan, so that the parser builds the
    project's nodes as soon as its block closes and lets its line tokens go (a big file then never holds the
    tokens of every project beside their nodes)."""

    __slots__ = ("scan",)

    def __init__(self, scan: Scan, head: Piece, value: Piece) -> None:
        super().__init__("PROJECT", head, value)
        self.scan = scan


def _project_token(scan: Scan, keyword: Piece, name: Piece) -> LineToken:
    # the brace of this line is open already: a project at the top has no other around it
    return ProjectLine(scan, keyword, name) if len(scan.braces) == 1 else LineToken("PROJECT", keyword, name)


def _project_line(scan: Scan, lines: list[str], lineno: int, line: str, pos: int, keyword: Piece,
                  indent: int) -> LineToken | None:
    pos = _SPACE.match(line, pos).end()  # type: ignore[union-attr]
    quoted = line.startswith('"', pos)
    name, pos = _name(scan, lineno, line, pos)
    if name is None:
        if not quoted:
            scan.error("P018", keyword.line, keyword.column, keyword.end_column)
            name = _missing(lineno, pos + 1)
        else:
            return None  # an unclosed quote, already reported
    pos = _SPACE.match(line, pos).end()  # type: ignore[union-attr]
    if pos < len(line) and line[pos] == "{":
        _open_brace(scan, lineno, pos, indent)
        _end_of_line(scan, lineno, line, pos + 1)
        return _project_token(scan, keyword, name)
    rest = line[pos:].split("#")[0].rstrip()
    if rest.endswith("{"):
        # `项目 名称 多余 {`: complain about the extra words, still open the project
        extra = rest[:-1].rstrip()
        _unexpected(scan, Piece("VALUE", extra, lineno, pos + 1, lineno, pos + len(extra) + 1), ("LBRACE",))
        _open_brace(scan, lineno, line.index("{", pos), indent)
        return _project_token(scan, keyword, name)
    if not rest and name.type != MISSING and _indented_below(lines, lineno, indent):
        written = line[keyword.column - 1:name.end_column - 1]
        scan.error("P026", keyword.line, keyword.column, name.end_column, name=written, fix=written + " {")
        scan.braces.append(Brace(lineno, name.end_column, indent))
        return _project_token(scan, keyword, name)
    found = Piece("_NL", "\n", lineno, pos + 1, lineno, pos + 2) if not rest else \
        Piece("VALUE", rest, lineno, pos + 1, lineno, pos + len(rest) + 1)
    _unexpected(scan, found, ("LBRACE",))
    return None


def _head(scan: Scan, lineno: int, line: str, pos: int) -> tuple[Piece | None, int]:
    if line[pos] == '"':
        return _name(scan, lineno, line, pos)
    m = _BARE.match(line, pos)
    assert m is not None  # the line does not start with space, `#`, `{`, `}` or `"`
    word = m.group()
    kind = _WORD_KIND.get(word) or ("KEY" if word in KEY_BY_SPELLING else "NAME")
    return Piece(kind, word, lineno, pos + 1, lineno, m.end() + 1), m.end()


def _name(scan: Scan, lineno: int, line: str, pos: int) -> tuple[Piece | None, int]:
    if pos < len(line) and line[pos] == '"':
        m = _QUOTED.match(line, pos)
        if m is None:
            scan.error("P016", lineno, pos + 1, len(line) + 1)
            return None, len(line)
        return Piece("NAME", unquote(m.group()[1:-1]), lineno, pos + 1, lineno, m.end() + 1), m.end()
    m = _BARE.match(line, pos)
    if m is None:
        return None, pos
    return Piece("NAME", m.group(), lineno, pos + 1, lineno, m.end() + 1), m.end()


def _open_brace(scan: Scan, lineno: int, pos: int, indent: int) -> None:
    scan.braces.append(Brace(lineno, pos + 1, indent))


def _close_brace(scan: Scan, lineno: int, pos: int, indent: int) -> LineToken | None:
    if lineno == scan.skip_close:
        scan.error("P004", lineno, pos + 1, pos + 2, "P004.unopened")
        return None
    if not scan.braces:
        scan.stray_at_end = scan.unmatched_close > 0
        scan.error("P004", lineno, pos + 1, pos + 2)
        return None
    brace = scan.braces.pop()
    scan.pairs.append((brace, indent))
    if brace.indent != indent and not scan.unmatched_close and all(b.indent != indent for b in scan.braces):
        scan.unmatched_close = lineno
    if brace.dropped:
        return None
    return LineToken("RBRACE", Piece("RBRACE", "}", lineno, pos + 1, lineno, pos + 2))


def _end_of_line(scan: Scan, lineno: int, line: str, pos: int) -> None:
    """After the content of a line only a comment may follow."""
    pos = _SPACE.match(line, pos).end()  # type: ignore[union-attr]
    if pos >= len(line):
        return
    if line[pos] == "#":
        scan.trailing[lineno] = _comment(scan, lineno, line, pos, False)
        return
    scan.error("P017", lineno, pos + 1, len(line) + 1, text=line[pos:].strip())


def _text_block(scan: Scan, lines: list[str], lineno: int, line: str, pos: int) -> tuple[Piece, int]:
    start_line, start_col = lineno, pos + 1
    body_start = pos + 3
    close = line.find('"""', body_start)
    if close >= 0:
        _end_of_line(scan, lineno, line, close + 3)
        return Piece("TEXT", line[body_start:close], lineno, start_col, lineno, close + 4), lineno
    parts = [line[body_start:]]
    while lineno < len(lines):
        line = lines[lineno]
        lineno += 1
        close = line.find('"""')
        if close >= 0:
            parts.append(line[:close])
            _end_of_line(scan, lineno, line, close + 3)
            return Piece("TEXT", "\n".join(parts), start_line, start_col, lineno, close + 4), lineno
        parts.append(line)
    scan.error("P005", start_line, start_col, start_col + 3)
    return Piece("TEXT", "\n".join(parts), start_line, start_col, lineno, len(line) + 1), lineno
