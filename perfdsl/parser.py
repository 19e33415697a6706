"""Parser: `.perf` text -> `ast.Spec` plus diagnostics. Never raises on bad input.

The line scanner's tokens run through the LALR tables of grammar/perfdsl.lark (built by Lark, saved by
perfdsl/tables.py) in `Driver`, and each reduction calls the `Builder`, so no parse tree is built: the
rule callbacks hand raw items up, and the `project` and `start` callbacks build the typed nodes, deciding
levels by nesting and reporting misplaced items in the user's words. The scanner reports malformed lines
itself and hands over balanced, well-shaped ones; should the tables still reject a stream, Lark's own
driver (perfdsl/larkparser.py) parses the file again, reports the line and recovers, so every error a file
contains is reported in one run."""

from __future__ import annotations

import functools
import gc
from typing import Any, Iterable

from . import ast, tables, values
from .diagnostics import Diagnostic, Severity, diag, sort_key
from .messages import AnyOf, Phrase
from .scanner import ERROR_MARK, LineToken, Piece, Scan, scan_lines, suggest_keys
from .vocab import ATTRIBUTE_FIELDS, FILE_LEVEL_FIELDS, Key, lookup_key



class Raw:
    """An item the grammar recognised whose meaning depends on where it stands."""

    __slots__ = ("rule", "head", "value", "items", "close")

    def __init__(self, rule: str, head: Piece, value: Piece | None = None, items: list[Any] | None = None,
                 close: Piece | None = None) -> None:
        self.rule, self.head, self.value, self.items, self.close = rule, head, value, items or [], close


class Builder:
    """One method per grammar rule, called with the rule's children when it is reduced (an inline
    transformer, in Lark's words). Each token is a whole line with its pieces; field and indicator lines
    are items as they stand (`LineToken`), blocks become `Raw`."""

    scan: Scan

    def section(self, c: list[Any]) -> Raw:
        return Raw("section", c[0].head, None, c[1:-1], c[-1].head)

    def budget(self, c: list[Any]) -> Raw:
        return Raw("budget", c[0].head, None, c[1:-1], c[-1].head)

    def indicator(self, c: list[Any]) -> Raw:
        return Raw("indicator", c[0].head, c[0].value, c[1:-1], c[-1].head)

    def project(self, c: list[Any]) -> Raw:
        return Raw("project", c[0].value, c[0].head, c[1:-1], c[-1].head)

    def start(self, items: list[Any]) -> ast.Spec:
        return build_spec(self.scan, items)


# ---------------------------------------------------------------------------------------------- building


def _node_meta(scan: Scan, head: Piece, close: Piece | None = None) -> dict[str, Any]:
    line = head.line
    end = close if close is not None else head
    return {
        "span": ast.span(scan.file, line, head.column, end.end_line, end.end_column),
        "blank_before": line in scan.blank_before,
        "comments": scan.leading.get(line, ()),
        "trailing": scan.trailing.get(line),
    }


def _block_meta(scan: Scan, head: Piece, close: Piece | None) -> dict[str, Any]:
    meta = _node_meta(scan, head, close)
    if close is not None and close.type == "RBRACE":
        meta["end_comments"] = scan.leading.get(close.line, ())
        meta["end_trailing"] = scan.trailing.get(close.line)
    return meta


def _error(scan: Scan, code: str, tok: Piece, key: str | None = None, severity: Severity = Severity.error,
           **args: Any) -> None:
    span = scan.span(tok.line, tok.column, tok.line, tok.end_column if tok.end_line == tok.line else tok.column + 1)
    scan.diagnostics.append(diag(code, severity, span, key, **args))


def _misplaced(scan: Scan, raw: Raw, where: str) -> None:
    """Report an item that stands where it cannot, in the words of the level it stands at."""
    if raw.head.value == ERROR_MARK:
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
    if raw.value is None or raw.value.value == ERROR_MARK:
        return
    if key.field in seen:
        _error(scan, "P012", raw.head, field=key.canonical, line=seen[key.field].line)
        return
    read = values.read(scan, key, raw.value)
    if read is None:
        return
    cls, content = read
    seen[key.field] = raw.head
    meta = _node_meta(scan, raw.head, raw.value)
    if raw.value.type == "TEXT":
        meta["trailing"] = scan.trailing.get(raw.value.end_line)
    into[key.field] = ast.build(cls, **meta, **content)


def build_indicator(scan: Scan, raw: Raw) -> ast.Indicator:
    assert raw.value is not None
    head, value = raw.head, raw.value
    target = values.target(scan, head, value)
    if raw.close is None:  # a one-line indicator, nearly all of them: no attributes, no end of block
        line = head.line
        return ast.build(ast.Indicator, name=head.value, target=target,
                         span=ast.span(scan.file, line, head.column, value.end_line, value.end_column),
                         blank_before=line in scan.blank_before, comments=scan.leading.get(line, ()),
                         trailing=scan.trailing.get(line))
    attrs: dict[str, Any] = {}
    seen: dict[str, Piece] = {}
    for item in raw.items:
        key = lookup_key(item.head.value) if item.rule == "field" else None
        if key is not None and key.field in ATTRIBUTE_FIELDS:
            _fields_into(scan, item, key, attrs, seen)
        else:
            _misplaced(scan, item, "where.indicator")
    return ast.build(ast.Indicator, name=raw.head.value, target=target, **attrs,
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
    return ast.build(ast.Level2, name=raw.head.value, indicators=tuple(indicators),
                                      **_block_meta(scan, raw.head, raw.close))


def build_level1(scan: Scan, raw: Raw) -> ast.Level1:
    sections = []
    for item in raw.items:
        if item.rule == "section":
            sections.append(build_level2(scan, item))
        elif item.rule == "indicator":
            _error(scan, "P013", item.head, name=item.head.value)
        else:
            _misplaced(scan, item, "where.section")
    return ast.build(ast.Level1, name=raw.head.value, sections=tuple(sections),
                                      **_block_meta(scan, raw.head, raw.close))


def build_budget(scan: Scan, raw: Raw) -> ast.Budget:
    amounts: dict[str, Any] = {}
    seen: dict[str, Piece] = {}
    for item in raw.items:
        key = lookup_key(item.head.value) if item.rule == "field" else None
        if key is not None and key.kind == "money":
            _fields_into(scan, item, key, amounts, seen)
        else:
            _misplaced(scan, item, "where.budget")
    return ast.build(ast.Budget, **amounts, **_block_meta(scan, raw.head, raw.close))


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
    if name == ERROR_MARK:
        name = ""
    project_kw = raw.value
    assert project_kw is not None
    return ast.build(ast.Project, name=name, sections=tuple(sections), **fields,
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
            projects.append(build_project(scan, item))
        else:
            _misplaced(scan, item, "where.file")
    return ast.build(ast.Spec, file=scan.file, projects=tuple(projects), end_comments=tuple(scan.end_comments),
                                    **fields)


# ---------------------------------------------------------------------------------------------- driving

_BUILDER = Builder()


class _Rejected(Exception):
    """The tables have no action for a token: Lark's own driver takes the file over to report it."""


class Driver:
    """Runs the LALR tables Lark built from grammar/perfdsl.lark (perfdsl/tables.py), reducing straight
    into the `Builder`.

    Lark's generic driver wraps every reduction in tree-building callbacks (child
    filters for the inlined star rules); this loop does the same shifts and reductions with one call per
    reduction, and needs no import of Lark. Only well-formed token streams run here: on the first token the
    tables reject, the caller re-parses the file with Lark's driver and its error recovery, so diagnostics
    come from one place. A test holds both drivers to the same results.
    """

    def __init__(self, table: tables.Tables, builder: Builder) -> None:
        self.start, self.end = table.start, table.end
        reductions = [(rule.size, rule.origin, _reduction(rule, builder)) for rule in table.rules]
        # a shift is the next state (an int); a reduction is (size, nonterminal, callback)
        self.states: dict[int, dict[str, Any]] = {
            state: {sym: arg if action == "shift" else reductions[arg] for sym, (action, arg) in row.items()}
            for state, row in table.states.items()}

    def run(self, tokens: Iterable[LineToken]) -> ast.Spec:
        states, end = self.states, self.end
        stack = [self.start]
        values: list[Any] = []
        for tok in tokens:
            kind = tok.type
            while True:
                act = states[stack[-1]].get(kind)
                if act.__class__ is int:
                    stack.append(act)
                    values.append(tok)
                    break
                if act is None:
                    raise _Rejected
                # a reduction, written out here: the loop runs several times per line
                size, origin, callback = act
                if callback is None:  # a star rule taking one more item: the commonest, done in place
                    item = values.pop()
                    values[-1].append(item)
                    del stack[-2:]
                    stack.append(states[stack[-1]][origin])
                    continue
                if size:
                    children = values[-size:]
                    del values[-size:]
                    del stack[-size:]
                else:
                    children = []
                values.append(callback(children))
                stack.append(states[stack[-1]][origin])
        while stack[-1] != end:
            act = states[stack[-1]].get("$END")
            if act is None or act.__class__ is int:
                raise _Rejected
            size, origin, callback = act
            if callback is None:
                callback = _append
            children = values[-size:] if size else []
            del values[len(values) - size:]
            del stack[len(stack) - size:]
            values.append(callback(children))
            stack.append(states[stack[-1]][origin])
        return values[-1]  # type: ignore[no-any-return]


def _append(children: list[Any]) -> list[Any]:
    items: list[Any] = children[0]
    items.append(children[1])
    return items


def _reduction(rule: tables.Rule, builder: Builder) -> Any:
    """The callback of one rule, shaped as Lark shapes trees: inlined rules (`_items`, Lark's `__x_star`)
    return their children as a list, spliced into the parent's; the others call the builder."""
    splice = rule.splice
    inline = rule.origin.startswith("_")
    make = (lambda children: children) if inline else getattr(builder, rule.origin)
    if not any(splice):
        return make
    if inline and splice == (True, False):
        return None  # a star rule taking one more item: `Driver.run` does it in place

    def reduce(children: list[Any]) -> Any:
        # the first spliced list is reused, which keeps left-recursive star rules linear
        out: list[Any] = children[0] if splice[0] else [children[0]]
        for child, spliced in zip(children[1:], splice[1:]):
            if spliced:
                out += child
            else:
                out.append(child)
        return make(out)

    return reduce


@functools.lru_cache(maxsize=1)
def _driver() -> Driver:
    return Driver(tables.load(), _BUILDER)


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
    scan = Scan(text=text, file=file, skip_close=skip_close)
    _BUILDER.scan = scan  # the builder is bound to the cached parser; one parse at a time per process
    try:
        return scan, _driver().run(scan_lines(scan))
    except _Rejected:
        return _parse_with_lark(text, file, skip_close)


def _parse_with_lark(text: str, file: str, skip_close: int = 0) -> tuple[Scan, ast.Spec]:
    from .larkparser import parse_with_lark

    scan = Scan(text=text, file=file, skip_close=skip_close)
    _BUILDER.scan = scan
    return scan, parse_with_lark(scan, _BUILDER)
