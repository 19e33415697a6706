"""Parser: `.perf` text -> `ast.Spec` plus diagnostics. Never raises on bad input.

Lark's LALR parser for grammar/perfdsl.lark (perfdsl/syntax/lexicon.py builds it) reads the line scanner's tokens
(perfdsl/syntax/scanner.py, its custom lexer), and each reduction calls the `Builder` (its inline transformer), so
no parse tree is built: the rule callbacks hand raw items up, and `build_spec` makes the typed nodes,
deciding levels by nesting and reporting misplaced items in the user's words. The scanner reports malformed
lines itself and hands over balanced, well-shaped ones; should the grammar still reject a token, Lark's
error recovery reports the line and goes on, so every error a file contains is reported in one run."""

from __future__ import annotations

import gc
from typing import Any, Iterable

from .. import ast
from . import lexicon, values
from ..diagnostics import Diagnostic, Severity, diag, sort_key
from ..messages import Phrase
from .scanner import MISSING, Piece, ProjectLine, Scan, suggest_keys
from .vocab import (ATTRIBUTE_FIELDS, BUDGET_ATTRIBUTE_FIELDS, EXECUTION_SOURCE_WORDS, FILE_LEVEL_FIELDS,
                    LEVEL1_WEIGHT_KEY, SOURCES_WORDS, Key, lookup_key)



class Raw:
    """An item the grammar recognised whose meaning depends on where it stands."""

    __slots__ = ("rule", "head", "value", "items", "close", "node")

    def __init__(self, rule: str, head: Piece, value: Piece | None = None, items: list[Any] | None = None,
                 close: Piece | None = None) -> None:
        self.rule, self.head, self.value, self.items, self.close = rule, head, value, items or [], close
        self.node: ast.Project | None = None
        """A project at the top of the file, built when its block closed."""


class Builder:
    """One method per grammar rule, called with the rule's children when it is reduced (an inline
    transformer, in Lark's words). Each token is a whole line with its pieces; field and indicator lines
    are items as they stand (`LineToken`), blocks become `Raw`."""

    def section(self, c: list[Any]) -> Raw:
        return Raw("section", c[0].head, None, c[1:-1], c[-1].head)

    def budget(self, c: list[Any]) -> Raw:
        return Raw("budget", c[0].head, None, c[1:-1], c[-1].head)

    def indicator(self, c: list[Any]) -> Raw:
        return Raw("indicator", c[0].head, c[0].value, c[1:-1], c[-1].head)

    def project(self, c: list[Any]) -> Raw:
        raw = Raw("project", c[0].value, c[0].head, c[1:-1], c[-1].head)
        if isinstance(c[0], ProjectLine):
            raw.node = build_project(c[0].scan, raw)
            raw.items = []
        return raw

    def start(self, items: list[Any]) -> list[Any]:
        return items  # the spec is built from them with the scan (`_parse_once`): the builder keeps no state


# ---------------------------------------------------------------------------------------------- building


def _node_meta(scan: Scan, head: Piece, close: Piece | None = None) -> dict[str, Any]:
    line = head.line
    end = close if close is not None else head
    return {
        "span": ast.Span(scan.file, line, head.column, end.end_line, end.end_column),
        "blank_before": line in scan.blank_before,
        "comments": scan.leading.get(line, ()),
        "trailing": scan.trailing.get(line),
    }


def _block_meta(scan: Scan, head: Piece, close: Piece | None) -> dict[str, Any]:
    """`_node_meta` and the comments of the closing `}` (in one dict: a file has thousands of blocks)."""
    line = head.line
    end = close if close is not None else head
    closed = close is not None and close.type == "RBRACE"
    return {
        "span": ast.Span(scan.file, line, head.column, end.end_line, end.end_column),
        "blank_before": line in scan.blank_before,
        "comments": scan.leading.get(line, ()),
        "trailing": scan.trailing.get(line),
        "end_comments": scan.leading.get(end.line, ()) if closed else (),
        "end_trailing": scan.trailing.get(end.line) if closed else None,
    }


def _error(scan: Scan, code: str, tok: Piece, key: str | None = None, severity: Severity = Severity.error,
           **args: Any) -> None:
    span = scan.span(tok.line, tok.column, tok.line, tok.end_column if tok.end_line == tok.line else tok.column + 1)
    scan.diagnostics.append(diag(code, severity, span, key, **args))


def _misplaced(scan: Scan, raw: Raw, where: str) -> None:
    """Report an item that stands where it cannot, in the words of the level it stands at."""
    if raw.head.type == MISSING:
        return
    if raw.rule == "field":
        group = _key_group(lookup_key(raw.head.value))
        _error(scan, "P019", raw.head, field=raw.head.value, kind=Phrase("kind." + group), where=Phrase(where),
               fix=Phrase("fix." + group))
    elif raw.rule == "project":
        _error(scan, "P014", raw.head, name=raw.head.value, where=_say_key("P014.project"))
    elif raw.rule == "budget":
        _error(scan, "P014", raw.head, name=raw.head.value, where=_say_key("P014.budget"))
    elif raw.rule == "section":
        _error(scan, "P014", raw.head, name=raw.head.value,
               where=_say_key("P014.top" if where == "where.file" else "P014.section"))
    else:
        _indicator_misplaced(scan, raw)


def _indicator_misplaced(scan: Scan, raw: Raw) -> None:
    # A `word value` line outside sections is most often a mistyped header key: say so when one is close.
    close = suggest_keys(raw.head.value)
    if close:
        _error(scan, "P006", raw.head, name=raw.head.value, suggestion=close)
    else:
        _error(scan, "P013", raw.head, name=raw.head.value)


def _say_key(key: str) -> Phrase:
    return Phrase(key)


def _key_group(key: Key | None) -> str:
    if key is not None and key.field in ATTRIBUTE_FIELDS:
        return "attribute"
    return {"text": "text", "money": "money"}.get(key.kind if key else "", "header")


def _fields_into(scan: Scan, raw: Raw, key: Key, into: dict[str, Any], seen: dict[str, Piece]) -> None:
    """Read one `key value` line into `into` (keyed by the English field name), reporting duplicates."""
    if raw.value is None or raw.value.type == MISSING:
        return
    if key.field in seen:
        _error(scan, "P012", raw.head, field=key.canonical, line=seen[key.field].line)
        return
    read = values.read(scan, key, raw.value)
    if read is None:
        return
    cls, content = read
    head, value = raw.head, raw.value
    seen[key.field] = head
    line = head.line
    # `_node_meta` written out (a file has thousands of fields); a text block's comment follows its `"""`
    into[key.field] = cls(span=ast.Span(scan.file, line, head.column, value.end_line, value.end_column),
                          blank_before=line in scan.blank_before, comments=scan.leading.get(line, ()),
                          trailing=scan.trailing.get(value.end_line if value.type == "TEXT" else line), **content)


def _with_basis(scan: Scan, value: Piece) -> tuple[Piece, ast.Word | None]:
    """The target of `100%(历史标准)` and the 标准 written after it (see `values.split_basis`)."""
    text, basis = values.split_basis(value.value)
    if basis is None:
        return value, None
    at = value.column + len(text)
    target = Piece(value.type, text, value.line, value.column, value.line, at)
    return target, ast.Word(value=basis, span=ast.Span(scan.file, value.line, at, value.end_line, value.end_column))


def build_indicator(scan: Scan, raw: Raw) -> ast.Indicator:
    assert raw.value is not None
    head, value = raw.head, raw.value
    basis = None
    if value.value.endswith((")", "）")):  # a 标准 in brackets may follow: rare, so only then looked at
        value, basis = _with_basis(scan, value)
    target = values.target(scan, head, value)
    if raw.close is None and basis is None:  # a one-line indicator, nearly all of them: no attributes
        line = head.line
        return ast.Indicator(name=head.value, target=target,
                             span=ast.Span(scan.file, line, head.column, value.end_line, value.end_column),
                             blank_before=line in scan.blank_before, comments=scan.leading.get(line, ()),
                             trailing=scan.trailing.get(line))
    # a 标准 in the target's brackets counts as the block's first: written again in the block, it is a repeat
    attrs: dict[str, Any] = {} if basis is None else {"standard": basis}
    seen: dict[str, Piece] = {} if basis is None else {"standard": head}
    for item in raw.items:
        key = lookup_key(item.head.value) if item.rule == "field" else None
        if key is not None and key.field in ATTRIBUTE_FIELDS:
            _fields_into(scan, item, key, attrs, seen)
        else:
            _misplaced(scan, item, "where.indicator")
    return ast.Indicator(name=raw.head.value, target=target, **attrs,
                         **_block_meta(scan, raw.head, raw.close or raw.value))


def build_level2(scan: Scan, raw: Raw) -> ast.Level2:
    indicators = []
    for item in raw.items:
        if item.rule == "indicator":
            indicators.append(build_indicator(scan, item))
        elif item.rule == "section":
            _error(scan, "P014", item.head, name=item.head.value, where=_say_key("P014.section"))
        else:
            _misplaced(scan, item, "where.section")
    return ast.Level2(name=raw.head.value, indicators=tuple(indicators),
                      **_block_meta(scan, raw.head, raw.close))


def build_level1(scan: Scan, raw: Raw) -> ast.Level1:
    sections = []
    fields: dict[str, Any] = {}
    seen: dict[str, Piece] = {}
    # `产出指标(50分) {`, as the forms print it: the 分值 counts as the block's own
    name, score, at = values.split_weight(raw.head.value)
    if score is not None:
        head = raw.head
        fields["weight"] = ast.Score(span=ast.Span(scan.file, head.line, head.column + at, head.line,
                                                   head.column + len(head.value)), **score)
        seen["weight"] = head
    for item in raw.items:
        key = lookup_key(item.head.value) if item.rule == "field" else None
        if item.rule == "section":
            sections.append(build_level2(scan, item))
        elif item.rule == "indicator":
            _error(scan, "P013", item.head, name=item.head.value)
        elif key is not None and key.field == LEVEL1_WEIGHT_KEY.field:
            _fields_into(scan, item, LEVEL1_WEIGHT_KEY, fields, seen)
        else:
            _misplaced(scan, item, "where.section")
    return ast.Level1(name=name, sections=tuple(sections), **fields,
                      **_block_meta(scan, raw.head, raw.close))


def build_sources(scan: Scan, raw: Raw) -> ast.Sources:
    """`其中 { 财政拨款 800,000 … }`: each line a source of the year's funds and its amount."""
    items = []
    names: dict[str, Piece] = {}
    for item in raw.items:
        if item.rule == "indicator" and item.close is not None:
            _error(scan, "P013", item.head, key="P013.sources", name=item.head.value)
            continue
        if item.rule != "indicator" or item.value is None:
            _misplaced(scan, item, "where.sources")
            continue
        if item.value.type == MISSING:
            continue
        amount = values.money(item.value.value)
        if amount is None:
            _error(scan, "P009", item.value, value=item.value.value)
            continue
        if item.head.value in names:
            _error(scan, "P012", item.head, field=item.head.value, line=names[item.head.value].line)
            continue
        names[item.head.value] = item.head
        items.append(ast.Source(name=item.head.value, value=amount, **_node_meta(scan, item.head, item.value)))
    return ast.Sources(items=tuple(items), **_block_meta(scan, raw.head, raw.close))


def build_budget(scan: Scan, raw: Raw) -> ast.Budget:
    amounts: dict[str, Any] = {}
    seen: dict[str, Piece] = {}
    for item in raw.items:
        key = lookup_key(item.head.value) if item.rule == "field" else None
        # 分值 here is the weight of 预算执行, kept outside the indicator tree
        if key is not None and (key.kind == "money" or key.field == "weight" or key.field in BUDGET_ATTRIBUTE_FIELDS):
            _fields_into(scan, item, key, amounts, seen)
        elif item.rule == "section" and (item.head.value in SOURCES_WORDS
                                         or item.head.value in EXECUTION_SOURCE_WORDS):
            which = EXECUTION_SOURCE_WORDS.get(item.head.value, "sources")
            if which in seen:
                _error(scan, "P012", item.head, field=item.head.value, line=seen[which].line)
                continue
            seen[which] = item.head
            amounts[which] = build_sources(scan, item)
        else:
            _misplaced(scan, item, "where.budget")
    return ast.Budget(**amounts, **_block_meta(scan, raw.head, raw.close))


def build_project(scan: Scan, raw: Raw) -> ast.Project:
    fields: dict[str, Any] = {}
    seen: dict[str, Piece] = {}
    sections = []
    for item in raw.items:
        key = lookup_key(item.head.value) if item.rule == "field" else None
        if key is not None and key.kind != "money" and key.field not in ATTRIBUTE_FIELDS:
            _fields_into(scan, item, key, fields, seen)
        elif item.rule == "budget":
            if "budget" in seen:
                _error(scan, "P012", item.head, field=item.head.value, line=seen["budget"].line)
                continue
            seen["budget"] = item.head
            fields["budget"] = build_budget(scan, item)
        elif item.rule == "section":
            sections.append(build_level1(scan, item))
        else:
            _misplaced(scan, item, "where.project")
    name = raw.head.value
    project_kw = raw.value
    assert project_kw is not None
    return ast.Project(name=name, sections=tuple(sections), **fields,
                       **_block_meta(scan, project_kw, raw.close))


def build_spec(scan: Scan, items: Iterable[Raw]) -> ast.Spec:
    fields: dict[str, Any] = {}
    seen: dict[str, Piece] = {}
    projects = []
    for item in items:
        key = lookup_key(item.head.value) if item.rule == "field" else None
        if key is not None and key.field in FILE_LEVEL_FIELDS:
            _fields_into(scan, item, key, fields, seen)
        elif item.rule == "project":
            projects.append(item.node or build_project(scan, item))
        else:
            _misplaced(scan, item, "where.file")
    return ast.Spec(file=scan.file, projects=tuple(projects), end_comments=tuple(scan.end_comments),
                    **fields)


# ---------------------------------------------------------------------------------------------- driving


def parse(text: str, file: str = "<input>") -> tuple[ast.Spec, list[Diagnostic]]:
    """Parse one file's text. Returns the AST (as much as could be recovered) and every diagnostic."""
    text = values.normalise_newlines(text)
    # The parse allocates many small objects and no cycles; the cyclic collector would re-scan every live
    # node again and again (quadratic on a big file), so it rests until the parse is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        scan, spec = _parse_once(text, file)
        if scan.stray_at_end:
            # A `}` closed nothing at the end, and an earlier one was indented like no open block: that one
            # is the stray `}`. Read the file again without it, so the blocks after it are where they stand.
            scan, spec = _parse_once(text, file, skip_close=scan.unmatched_close)
    finally:
        if collecting:
            gc.enable()
    diags = sorted(scan.diagnostics, key=sort_key)
    return spec, diags


def _parse_once(text: str, file: str, skip_close: int = 0) -> tuple[Scan, ast.Spec]:
    """One run of Lark's LALR parser over the scanner's line tokens (the `Scan` is the parser's input, which
    the scanner, Lark's custom lexer here, reads); the builder's `start` hands the top-level items back."""
    from lark.exceptions import UnexpectedInput

    scan = Scan(text=text, file=file, skip_close=skip_close)
    reported: set[int] = set()
    try:
        items = lexicon.parser().parse(scan, on_error=lambda e: _recover(scan, e, reported))
    except UnexpectedInput as e:
        _report_syntax(scan, e, reported)
        items = []
    return scan, build_spec(scan, items)


def _recover(scan: Scan, e: Any, reported: set[int]) -> bool:
    """The scanner hands over balanced, well-shaped lines, so the grammar has nothing left to reject; should
    it ever, report the line and skip its token rather than stop."""
    from lark.exceptions import UnexpectedToken

    _report_syntax(scan, e, reported)
    return isinstance(e, UnexpectedToken) and e.token.type != "$END"


def _report_syntax(scan: Scan, e: Any, reported: set[int]) -> None:
    tok = getattr(e, "token", None)
    line = getattr(tok, "line", None) or 1
    if line in reported:
        return
    reported.add(line)
    column = getattr(tok, "column", None) or 1
    span = scan.span(line, column, line, column + 1)
    scan.diagnostics.append(diag("X001", Severity.error, span, reason=str(e).split("\n")[0]))
