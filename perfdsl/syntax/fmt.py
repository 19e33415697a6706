"""Canonical printer: `ast.Spec` (with its attached comments) -> `.perf` text.

`fmt` is a pure printer: the parser attached every comment to a node, so printing the AST in canonical order
(header keys in the order of the official form, canonical Chinese keys, `>= 90%` spacing, money with
thousands commas, text blocks re-indented and wrapped) loses nothing. `format_proven` (and `format_source`,
`perfdsl fmt` and `perfdsl.render(spec, "perf")` through it) proves each result before it is used: the
output must parse back to the same AST with the same comments and format to itself.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from .. import ast
from . import lexicon, textblock, values
from ..diagnostics import Diagnostic, Severity, diag
from .vocab import (ATTRIBUTE_KEYS, BUDGET_ATTRIBUTE_KEYS, BUDGET_KEYS, BUDGET_WEIGHT_KEY, BUDGET_WORDS,
                    EXECUTION_SOURCE_WORDS, HEADER_KEYS,
                    KEY_BY_SPELLING, LEVEL1_WEIGHT_KEY, PROJECT_WORDS, SOURCES_WORDS, FORM_TEXT_KEYS,
                    CONCLUSION_KEYS)

INDENT = "  "
DEFAULT_WIDTH = 80
"""Text blocks wrap at 80 columns: the 40 full-width characters of the official printed form."""

_BARE = lexicon.compiled("BARE")
_KEYWORDS = {*PROJECT_WORDS, *BUDGET_WORDS, *KEY_BY_SPELLING}
_COLON = lexicon.compiled("LABEL_COLON")
_OPENS, _CLOSES = lexicon.literal("WIDE_LBRACE"), lexicon.literal("WIDE_RBRACE")
"""｛ ending a line of the structure and ｝ starting one, the reader takes for braces (an IME in full-width mode);
inside a text block they are the text's own."""


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def block_holds(paragraph: str) -> bool:
    """Tell whether a `\"\"\"` block gives this paragraph back (it has no escapes, and the reader strips lines)."""
    return '"""' not in paragraph and "\n" not in paragraph and paragraph == paragraph.strip(textblock.EDGE)


def name(text: str, after_keyword: bool = False, top: bool = False) -> str:
    """A name as written: bare when the scanner would read it back as the same name, else quoted.

    `top`: a level-1 name, where a bare word with a colon reads as a label pasted from the form (`项目类别：`).
    """
    # a line starting with ｝ is read as a closing brace
    if (_BARE.fullmatch(text) and (after_keyword or text not in _KEYWORDS) and not text.startswith(_CLOSES)
            and not (top and _COLON.search(text))):
        return text
    return quote(text)


def word(text: str) -> str:
    """A one-line value: bare unless it could be misread (a comment sign, quotes, a trailing `{` or `｛`, spaces
    at either end)."""
    if (text and text == text.strip() and "#" not in text and not text.startswith(('"', "{", "}"))
            and not text.endswith(("{", _OPENS)) and "\n" not in text):
        return text
    return quote(text)


class Printer:
    def __init__(self, width: int = DEFAULT_WIDTH) -> None:
        self.width = width
        self.lines: list[str] = []
        self.parts: list[int] = []
        """Where each project's lines begin, then where the file's last comments do."""

    def blank(self) -> None:
        """One blank line, never two, and none right after a `{` or at the top of the file."""
        if self.lines and self.lines[-1] != "" and not self.lines[-1].endswith("{"):
            self.lines.append("")

    def comment_lines(self, comments: Iterable[ast.Comment], depth: int) -> None:
        for c in comments:
            if c.blank_before:
                self.blank()
            self.lines.append(f"{INDENT * depth}# {c.text}".rstrip())

    def open_node(self, node: ast.Node, depth: int) -> None:
        """Leading comments of a node, and the blank lines around them as written."""
        self.comment_lines(node.comments, depth)
        if node.blank_before:
            self.blank()

    def line(self, node: ast.Node, depth: int, text: str) -> None:
        self.open_node(node, depth)
        trailing = f"  # {node.trailing.text}".rstrip() if node.trailing else ""
        self.lines.append(f"{INDENT * depth}{text}{trailing}")

    def close(self, block: ast.Block, depth: int) -> None:
        self.comment_lines(block.end_comments, depth + 1)
        trailing = f"  # {block.end_trailing.text}".rstrip() if block.end_trailing else ""
        self.lines.append(f"{INDENT * depth}}}{trailing}")

    def text(self, key: str, node: ast.Text, depth: int) -> None:
        self.open_node(node, depth)
        pad = INDENT * (depth + 1)
        trailing = f"  # {node.trailing.text}".rstrip() if node.trailing else ""
        if not node.paragraphs:
            self.lines.append(f'{INDENT * depth}{key} ""{trailing}')
            return
        if len(node.paragraphs) == 1 and not block_holds(node.paragraphs[0]):
            # from a one-line string: a block would end at its `"""` or drop the spaces at its ends
            self.lines.append(f"{INDENT * depth}{key} {quote(node.paragraphs[0])}{trailing}")
            return
        self.lines.append(f'{INDENT * depth}{key} """')
        for i, para in enumerate(node.paragraphs):
            if i:
                self.lines.append("")
            self.lines.extend(pad + part for part in textblock.wrap(para, self.width))
        self.lines.append(f'{INDENT * depth}"""{trailing}')

    def value(self, key: str, node: ast.Node, depth: int) -> None:
        if isinstance(node, ast.Text):
            self.text(key, node, depth)
            return
        shown = (word(node.value) if isinstance(node, ast.Word)
                 else values.write_value(node, money=key in _MONEY_KEYS))
        self.line(node, depth, f"{key} {shown}")

    def spec(self, spec: ast.Spec) -> str:
        for key in HEADER_KEYS:
            node = getattr(spec, key.field, None)
            if node is not None:
                self.value(key.canonical, node, 0)
        for project in spec.projects:
            self.parts.append(len(self.lines))
            self.project(project)
        self.parts.append(len(self.lines))
        if spec.end_comments:
            self.comment_lines(spec.end_comments, 0)
        return "\n".join(self.lines) + "\n" if self.lines else ""

    def project(self, p: ast.Project) -> None:
        self.line(p, 0, f"项目 {name(p.name, after_keyword=True)} {{")
        for key in HEADER_KEYS:
            node = getattr(p, key.field)
            if node is not None:
                self.value(key.canonical, node, 1)
        if p.budget is not None:
            self.line(p.budget, 1, "预算 {")
            for key in BUDGET_KEYS:
                node = getattr(p.budget, key.field)
                if node is not None:
                    self.value(key.canonical, node, 2)
            if p.budget.weight is not None:
                self.value(BUDGET_WEIGHT_KEY.canonical, p.budget.weight, 2)
            for key in BUDGET_ATTRIBUTE_KEYS:
                node = getattr(p.budget, key.field)
                if node is not None:
                    self.value(key.canonical, node, 2)
            for word, sources in ((SOURCES_WORDS[0], p.budget.sources),
                                  *((w, getattr(p.budget, f)) for w, f in EXECUTION_SOURCE_WORDS.items())):
                if sources is not None:
                    self.line(sources, 2, f"{word} {{")
                    for source in sources.items:
                        self.line(source, 3, f"{name(source.name)} {values.write_money(source.value)}")
                    self.close(sources, 2)
            self.close(p.budget, 1)
        for key in FORM_TEXT_KEYS:
            node = getattr(p, key.field)
            if node is not None:
                self.text(key.canonical, node, 1)
        for level1 in p.sections:
            self.line(level1, 1, f"{name(level1.name, top=True)} {{")
            if level1.weight is not None:
                self.value(LEVEL1_WEIGHT_KEY.canonical, level1.weight, 2)
            for level2 in level1.sections:
                self.line(level2, 2, f"{name(level2.name)} {{")
                for ind in level2.indicators:
                    self.indicator(ind, 3)
                self.close(level2, 2)
            self.close(level1, 1)
        for key in CONCLUSION_KEYS:  # after the indicator table, where the 自评表 prints them
            node = getattr(p, key.field)
            if node is not None:
                self.text(key.canonical, node, 1)
        self.close(p, 0)

    def indicator(self, ind: ast.Indicator, depth: int) -> None:
        attrs = [(k, getattr(ind, k.field)) for k in ATTRIBUTE_KEYS if getattr(ind, k.field) is not None]
        head = f"{name(ind.name)} {values.write_target(ind.target)}"
        # a target word ending in ｛ cannot end its line (the reader takes it for a brace): a block then
        if not attrs and not ind.end_comments and ind.end_trailing is None and not head.endswith(_OPENS):
            self.line(ind, depth, head)
            return
        self.line(ind, depth, head + " {")
        for key, node in attrs:
            self.value(key.canonical, node, depth + 1)
        self.close(ind, depth)


_MONEY_KEYS = {k.canonical for k in BUDGET_KEYS}


def format_spec(spec: ast.Spec, width: int = DEFAULT_WIDTH) -> str:
    """Print a spec in the canonical layout."""
    return Printer(width).spec(spec)


def comment_texts(spec: ast.Spec) -> Counter[str]:
    """Every comment text in a spec (the formatter must keep this multiset)."""
    found = Counter(c.text for c in spec.end_comments)
    for node in ast.nodes(spec):
        found.update(c.text for c in getattr(node, "comments", ()))
        found.update(c.text for c in getattr(node, "end_comments", ()))
        for one in (getattr(node, "trailing", None), getattr(node, "end_trailing", None)):
            if one is not None:
                found[one.text] += 1
    return found


def format_source(text: str, path: str = "<input>",
                  width: int = DEFAULT_WIDTH) -> tuple[str | None, list[Diagnostic]]:
    """Format one file's text. Returns None (and the diagnostics) when the file has errors or the result
    would not be equivalent, so callers never write something that loses content."""
    from .parser import parse

    spec, diags = parse(text, path)
    if any(d.severity is Severity.error for d in diags):
        return None, diags
    out, problems = format_proven(spec, width, path)
    return out, [*diags, *problems]


def format_proven(spec: ast.Spec, width: int = DEFAULT_WIDTH,
                  path: str | None = None) -> tuple[str | None, list[Diagnostic]]:
    """Print a spec in the canonical layout and prove the text: it parses back to the same AST with the
    same comments and formats to itself. Returns the text, or None and an X002 diagnostic.

    The proof goes part by part — the file's header, each project, the file's last comments — over the very
    lines of the text, so that it holds one project's second tree at a time, not a second tree of the file.
    """
    path = spec.file if path is None else path
    printer = Printer(width)
    out = printer.spec(spec)
    lines = printer.lines
    bounds = [0, *printer.parts, len(lines)]
    parts = [ast.Spec(file=spec.file, unit=spec.unit, year=spec.year, framework=spec.framework)]
    parts += [ast.Spec(file=spec.file, projects=(p,)) for p in spec.projects]
    parts.append(ast.Spec(file=spec.file, end_comments=spec.end_comments))
    for part, start, end in zip(parts, bounds, bounds[1:]):
        text = "".join(line + "\n" for line in lines[start:end])
        if not _proven(part, text, width, path):
            # a formatter bug must never reach the user's file: refuse, and say so
            span = ast.Span(file=path, line=start + 1, column=1, end_line=start + 1, end_column=2)
            return None, [diag("X002", Severity.error, span)]
    return out, []


def _proven(part: ast.Spec, text: str, width: int, path: str) -> bool:
    """Whether `text`, the lines printed for `part`, parse back as the same and print as themselves."""
    from .parser import parse

    again, again_diags = parse(text, path)
    return (not any(d.severity is Severity.error for d in again_diags) and ast.same(part, again)
            and comment_texts(part) == comment_texts(again) and format_spec(again, width) == text.lstrip("\n"))
