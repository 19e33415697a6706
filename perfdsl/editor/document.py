"""Editor features over one document's text: what `perfdsl lsp` answers, without the protocol.

Beside the pipeline, for editors: `analyse` runs the parser and the checks on the text being typed (as
`perfdsl check` does on a file), `formatted` is `perfdsl fmt`, `symbols` is the outline, `hover` explains a
rule code, a key or a section. perfdsl/editor/lsp.py turns these plain results into LSP messages; completion lives in
perfdsl/editor/completion.py.

Positions here are LSP's: 0-based lines and UTF-16 code units (what editors count), while a `Span` counts
1-based lines and code points. `Lines` converts: a CJK character is one unit either way, an astral one
(😀, 𠀋) is one code point but two UTF-16 units.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from dataclasses import dataclass, field
from typing import Iterable, Literal

from .. import ast
from ..syntax import lexicon
from ..diagnostics import Diagnostic, Severity
from ..messages import say

# ------------------------------------------------------------------------------------------------ positions


@dataclass(frozen=True)
class Position:
    line: int
    character: int


@dataclass(frozen=True)
class Range:
    start: Position
    end: Position


def _width(char: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(char.encode("utf-8"))
    if encoding == "utf-32":
        return 1
    return 2 if ord(char) > 0xFFFF else 1


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Lines:
    """A document's lines, split as the scanner and LSP split them (LF, CRLF or CR), and the conversion of
    positions; `encoding` is the one client and server agreed on (`utf-16` unless the client offers another)."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.encoding = encoding

    def text(self, line: int) -> str:
        return self.lines[line] if 0 <= line < len(self.lines) else ""

    def units(self, text: str) -> int:
        if self.encoding == "utf-16":
            return utf16_len(text)
        return sum(_width(c, self.encoding) for c in text)

    def position(self, line: int, column: int) -> Position:
        """A Span's (1-based line, 1-based code-point column) as an LSP position, clamped to the document."""
        index = min(max(line - 1, 0), len(self.lines) - 1)
        text = self.lines[index]
        return Position(index, self.units(text[: max(column - 1, 0)]))

    def range(self, span: ast.Span) -> Range:
        start = self.position(span.line, span.column)
        end = self.position(span.end_line, span.end_column)
        return Range(start, end if (end.line, end.character) >= (start.line, start.character) else start)

    def index(self, pos: Position) -> int:
        """The code-point index in its line of an LSP position (one inside a character rounds down)."""
        units = 0
        for i, char in enumerate(self.text(pos.line)):
            units += _width(char, self.encoding)
            if units > pos.character:
                return i
        return len(self.text(pos.line))

    def end(self) -> Position:
        return Position(len(self.lines) - 1, self.units(self.lines[-1]))


# ------------------------------------------------------------------------------------------------- analysis


@dataclass
class Analysis:
    spec: ast.Spec | None
    """The parsed text (None from an update of one part: the document's tree is not made again)."""
    diagnostics: list[Diagnostic]
    problem: str | None = None
    """A configuration that cannot be read: said once, since no check could run."""


def analyse(text: str, path: str, lang: str = "zh") -> Analysis:
    """What `perfdsl check` reports for this text at `path` (its configuration is found from there)."""
    from ..checks import not_a_spec, run
    from ..config import ConfigError, find_config
    from ..messages import Phrase
    from ..syntax.parser import parse

    spec, diags = parse(text, path)
    alien = not_a_spec(text, spec, diags)
    if alien:
        return Analysis(spec, [alien])
    try:
        found = run(spec, find_config(path), diags)  # as `check`: the projects that parsed cleanly
    except ConfigError as e:
        return Analysis(spec, diags, say("config.error", lang, path=e.path, problem=Phrase(e.key, **e.params)))
    return Analysis(spec, sorted([*diags, *found], key=lambda d: (d.span.line, d.span.column, d.code)))


class Analyser:
    """The analyses of one document as it is typed: each says what `analyse` says of the whole text.

    The first is of the whole text. After an edit that stays inside one project at the top of the file (its
    lines, the comments above it, the blank lines after it), only that project is read and checked again,
    with the file's header lines before it (which it inherits), and the other projects' diagnostics are kept,
    moved by the lines the edit added or removed: on a file of a thousand projects that is a few
    milliseconds instead of a second. Anything else is analysed whole: an edit in the header or across two
    projects, one that leaves a block open or closes one too many, that leaves no project or two in its
    place, that makes an error outside every project (which leaves the whole file unchecked), or that
    touches a project found twice in the file (C108 looks at all of them). A test holds the two ways to the
    same diagnostics over random edits.
    """

    def __init__(self, path: str, lang: str = "zh") -> None:
        self.path, self.lang = path, lang
        self.lines: list[str] = []
        self.parts: list[_Part] = []
        """The header (lines before the first project), then each project with the lines after it."""
        self.whole = False
        """Whether the last analysis may be updated part by part."""

    def update(self, text: str, changed: tuple[int, int, int] | None = None) -> Analysis:
        """The analysis of the document's new `text`; `changed` (first line, end in the old text, end in the
        new, 0-based, ends excluded), when the editor said where it edited, spares finding it."""
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if changed is not None and changed[2] - changed[1] != len(lines) - len(self.lines):
            changed = None  # not what the text says: look for it
        found = self._in_part(lines, changed) if self.whole else None
        if found is None:
            return self._whole(text, lines)
        self.lines = lines
        return found

    def _whole(self, text: str, lines: list[str]) -> Analysis:
        result = analyse(text, self.path, self.lang)
        spec = result.spec
        assert spec is not None  # analyse always parses
        self.lines, self.parts = lines, []
        projects = spec.projects
        starts = [min([p.span.line, *(c.span.line for c in p.comments)]) - 1 for p in projects]
        bounds = [0, *starts, len(lines)]
        errors = [d for d in result.diagnostics if d.severity is Severity.error]
        outside = any(not any(_inside(d.span, p.span) for p in projects) for d in errors)
        self.whole = (result.problem is None and bool(projects) and not outside
                      and not any(d.code == "C108" for d in result.diagnostics) and bounds == sorted(bounds))
        for i, (start, end) in enumerate(zip(bounds, bounds[1:])):
            mine = [d for d in result.diagnostics if start < d.span.line <= end]
            self.parts.append(_Part(start, end, mine, _key(spec, projects[i - 1]) if i else None))
        return result

    def _in_part(self, lines: list[str], changed: tuple[int, int, int] | None) -> Analysis | None:
        old = self.lines
        if changed is not None:
            first, last = changed[0], len(old) - changed[1]
        else:
            limit = min(len(old), len(lines))
            first = _equal_run(old, lines, limit)
            if first == len(old) == len(lines):
                return Analysis(None, [d for part in self.parts for d in part.diagnostics])
            # lines equal at the end, not overlapping the equal start
            last = _equal_run(reversed(old), reversed(lines), limit - first)
        at = next((i for i, part in enumerate(self.parts)
                   if part.start <= first and len(old) - last <= part.end and (first < part.end or i == len(self.parts) - 1)),
                  None)
        if not at:  # in the header, across parts, or nowhere
            return None
        part, shift = self.parts[at], len(lines) - len(old)
        header = self.parts[0]
        body = lines[part.start:part.end + shift]
        return self._reread(at, part, shift, lines[header.start:header.end], body)

    def _reread(self, at: int, part: _Part, shift: int, header: list[str], body: list[str]) -> Analysis | None:
        text = "\n".join([*header, *body])
        result = analyse(text, self.path, self.lang)
        spec = result.spec
        assert spec is not None  # analyse always parses
        if result.problem is not None or len(spec.projects) != 1 or spec.end_comments:
            return None  # a comment after the project would stand above the next one: it may silence a rule there
        project = spec.projects[0]
        offset = part.start - len(header)  # the part's lines in the document, from their place in `text`
        mine = [d for d in result.diagnostics if d.span.line > len(header)]
        if any(d.code in ("P003", "P004", "C108") for d in mine) or any(
                d.severity is Severity.error and not _inside(d.span, project.span) for d in mine):
            return None
        key = _key(spec, project)
        if key in {p.key for i, p in enumerate(self.parts) if i and i != at}:
            return None  # a project found twice: C108 must see the whole file
        moved = [_moved(d, offset) for d in mine]
        self.parts[at] = _Part(part.start, part.end + shift, moved, key)
        for later in self.parts[at + 1:]:
            later.start, later.end = later.start + shift, later.end + shift
            later.diagnostics = [_moved(d, shift) for d in later.diagnostics]
        found = [d for p in self.parts for d in p.diagnostics]
        return Analysis(None, sorted(found, key=lambda d: (d.span.line, d.span.column, d.code)))


@dataclass
class _Part:
    start: int
    """0-based index of the part's first line."""
    end: int
    """0-based index of the line after its last."""
    diagnostics: list[Diagnostic]
    key: tuple[str, int | None, str] | None
    """What the duplicate check compares: 单位, 年度 and 名称 (None for the header)."""


def _equal_run(a: Iterable[str], b: Iterable[str], limit: int) -> int:
    """How many lines the two sequences have equal from their start, at most `limit`: compared in C (`map`
    over both, then `index`), which on a hundred thousand lines is a few milliseconds, not a Python loop."""
    differ = list(map(operator.ne, a, b))
    try:
        return min(differ.index(True), limit)
    except ValueError:
        return min(len(differ), limit)


def _inside(span: ast.Span, outer: ast.Span) -> bool:
    return (outer.line, outer.column) <= (span.line, span.column) and span.end_line <= outer.end_line


def _key(spec: ast.Spec, project: ast.Project) -> tuple[str, int | None, str]:
    from ..checks.registry import plain

    return plain(spec.unit_of(project) or ""), spec.year_of(project), plain(project.name)


def _moved(d: Diagnostic, lines: int) -> Diagnostic:
    """`d` where it stands after `lines` lines were added above it (removed, if negative)."""
    if not lines:
        return d

    def span(s: ast.Span) -> ast.Span:
        return ast.Span(s.file, s.line + lines, s.column, s.end_line + lines, s.end_column)

    related = tuple(dataclasses.replace(r, span=span(r.span)) if r.span.file == d.span.file else r
                    for r in d.related)
    args = d.args
    if isinstance(args.get("line"), int):  # a message naming another line of the file (P003, P012)
        args = {**args, "line": args["line"] + lines}
    return dataclasses.replace(d, span=span(d.span), related=related, args=args)


def formatted(text: str, path: str) -> str | None:
    """The text as `perfdsl fmt` writes it; None when it has errors (formatting would lose content)."""
    from ..syntax.fmt import format_source

    return format_source(text, path)[0]


# -------------------------------------------------------------------------------------------------- outline

SymbolKind = Literal["project", "level1", "level2", "indicator"]


@dataclass
class Symbol:
    name: str
    kind: SymbolKind
    range: Range
    selection: Range
    detail: str = ""
    children: list[Symbol] = field(default_factory=list)


def _selection(lines: Lines, node: ast.Node, name: str) -> Range:
    """The name on the node's first line (for a project, after the keyword), else the first line."""
    span = node.span
    line = lines.text(span.line - 1)
    for written in ('"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"', name):
        at = line.find(written, span.column - 1)
        if at >= 0:
            return Range(lines.position(span.line, at + 1), lines.position(span.line, at + 1 + len(written)))
    return Range(lines.position(span.line, span.column), lines.position(span.line, len(line) + 1))


def _target(t: ast.Target) -> str:
    from ..checks.registry import target_text

    return target_text(t)


def symbols(spec: ast.Spec, lines: Lines) -> list[Symbol]:
    """The outline: projects, their 一级 and 二级 sections, and the indicators (detail: the target)."""

    def make(node: ast.Node, name: str, kind: SymbolKind, detail: str = "") -> Symbol:
        return Symbol(name, kind, lines.range(node.span), _selection(lines, node, name), detail)

    out = []
    for project in spec.projects:
        p = make(project, project.name, "project", str(spec.year_of(project) or ""))
        for l1 in project.sections:
            s1 = make(l1, l1.name, "level1")
            for l2 in l1.sections:
                s2 = make(l2, l2.name, "level2")
                s2.children = [make(i, i.name, "indicator", _target(i.target)) for i in l2.indicators]
                s1.children.append(s2)
            p.children.append(s1)
        out.append(p)
    return out


# ---------------------------------------------------------------------------------------------------- hover

_CODE = re.compile(r"[A-Z]\d{3}")
# a name, or in one the word between the marks that list things (`ignore[C301，C302]`, `分值：20`)
_WORD = re.compile(f"{lexicon.pattern('QUOTED')}|(?:(?![\\[\\]，,]|{lexicon.pattern('LABEL_COLON')}){lexicon.pattern('WORD_CHAR')})+")


def _under(pattern: re.Pattern[str], line: str, index: int) -> str | None:
    for m in pattern.finditer(line):
        if m.start() <= index <= m.end() and m.end() > m.start():
            return m.group()
    return None


def explain_code(code: str, lang: str) -> str | None:
    """`perfdsl explain CODE` as Markdown (its examples are indented, so they show as code)."""
    from ..checks.describe import explain, find

    rule = find(code)
    if rule is None:
        return None
    first, _, rest = explain(rule, lang).partition("\n")
    return f"**{first}**\n\n{rest}"


def explain_key(word: str, lang: str) -> str | None:
    """The key's official label, English alias, what it holds and where it goes."""
    from ..syntax.vocab import BUDGET_KEYS, TEXT_KEYS, ATTRIBUTE_KEYS, lookup_key

    key = lookup_key(word)
    if key is None:
        return None
    head = say("lsp.key", lang, name=key.canonical, official=key.official or key.canonical, alias=key.field)
    kind = ("text" if key in TEXT_KEYS else "money" if key in BUDGET_KEYS else
            "attribute" if key in ATTRIBUTE_KEYS else "header")
    meaning = say("lsp.key.meaning", lang, meaning=say("lsp.key." + key.field, lang), kind=say("kind." + kind, lang))
    return f"{head}\n\n{meaning}"


def hover(lines: Lines, pos: Position, path: str, diagnostics: list[Diagnostic], lang: str = "zh") -> str | None:
    """Markdown for what is under the cursor: a rule code (in a comment or anywhere), a key, a diagnostic's
    rule, a section name of the project's framework."""
    line, index = lines.text(pos.line), lines.index(pos)
    code = _under(_CODE, line, index)
    if code and (found := explain_code(code, lang)):
        return found
    word = _under(_WORD, line, index)
    stripped = line.lstrip()
    if word and stripped.startswith(word) and (found := explain_key(word, lang)):
        return found
    for d in diagnostics:
        r = lines.range(d.span)
        if (r.start.line, r.start.character) <= (pos.line, pos.character) <= (r.end.line, r.end.character):
            found = explain_code(d.code, lang)
            if found:
                return found
    if word and stripped.startswith(word):
        from .completion import section_hover

        return section_hover(lines, pos, word.strip('"'), path, lang)
    return None
