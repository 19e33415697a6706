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

import re
from dataclasses import dataclass, field
from typing import Literal

from .. import ast
from ..syntax import lexicon
from ..diagnostics import Diagnostic
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
    spec: ast.Spec
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
