"""Rendering a `Diff`: a view model of ready-made strings, printed by the templates under templates/diff/.

`diff_compare.py` decides what changed; this module decides the reading order (targets that got stricter or looser
first, then added, removed, moved indicators, then money, fields and prose) and the words, in the reader's
language. Templates only lay the rows out: text (optionally coloured), Markdown for a pull-request comment,
a self-contained HTML page; JSON is the `Diff` model itself.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import compare as d
from .model import LEVEL1_FIELD, SCORE_FIELD, SOURCE_BLOCKS
from ..diagnostics import display_width, undecodable_shown
from ..messages import say
from ..syntax.vocab import EXECUTION_SOURCE_WORDS, KEY_BY_FIELD, SOURCES_WORDS
from ..syntax.values import show_money

CONTEXT = 10
"""Characters of unchanged prose shown on each side of an edit in the inline (text, Markdown) views."""

_ROW_ORDER = ("raised", "lowered", "changed", "unit", "word", "renamed", "moved", "added", "removed", "attribute")
_SIGN = {"raised": "↑", "lowered": "↓", "changed": "≠", "unit": "≠", "word": "≠", "renamed": "≈", "moved": "→",
         "added": "+", "removed": "-", "attribute": "≠"}
_TONE = {"raised": "good", "lowered": "bad", "added": "good", "removed": "bad"}
_ANSI = {"good": "\x1b[32m", "bad": "\x1b[31m", "warn": "\x1b[33m", "bold": "\x1b[1m", "dim": "\x1b[2m",
         "ins": "\x1b[32m", "del": "\x1b[31m"}


@dataclass
class Row:
    """One indicator edit."""

    kind: str
    label: str
    what: str
    old: str
    new: str
    note: str = ""

    @property
    def sign(self) -> str:
        return _SIGN[self.kind]

    @property
    def tone(self) -> str:
        return _TONE.get(self.kind, "warn")


@dataclass
class Money:
    label: str
    old: str
    new: str
    delta: str
    tone: str


@dataclass
class Prose:
    label: str
    inline: list[tuple[str, str]]
    """(op, text) with op equal/del/ins/gap, unchanged runs cut to their context."""
    old: list[tuple[str, str]]
    """The whole old text as (op, text), op equal/del: the left column of the side-by-side view."""
    new: list[tuple[str, str]]


@dataclass
class ProjectView:
    status: str
    name: str
    years: str
    file: str
    stat: str = ""
    raised: int = 0
    lowered: int = 0
    budget: Money | None = None
    note: str = ""
    rows: list[Row] = field(default_factory=list)
    money: list[Money] = field(default_factory=list)
    fields: list[tuple[str, str, str]] = field(default_factory=list)
    prose: list[Prose] = field(default_factory=list)


# --------------------------------------------------------------------------------------------- formatting


def money(value: Decimal | None) -> str:
    return "—" if value is None else show_money(value)


def signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + format(value, ",f")


def change(b: d.BudgetChanged, lang: str) -> Money:
    """`+675,000, +5.3%`: how much and how far the money moved."""
    if b.delta is None:
        delta = ""
    else:
        delta = signed(b.delta) + (f", {'+' if b.percent > 0 else ''}{b.percent}%" if b.percent is not None else "")
    tone = "" if not b.delta else "good" if b.delta > 0 else "bad"
    return Money(field_label(b.field, lang), money(b.old), money(b.new), delta, tone)


SOURCE_BLOCK_WORDS = {"sources": SOURCES_WORDS[0], **{f: w for w, f in EXECUTION_SOURCE_WORDS.items()}}


def field_label(name: str, lang: str) -> str:
    """A field in the reader's language: the key's canonical Chinese word, or its English alias."""
    block, _, source = name.partition(".")
    if block in SOURCE_BLOCKS and source:  # a source of the year's funds (年初, 全年预算, 全年执行), by its name
        return f"{block} {source}" if lang == "en" else f"{SOURCE_BLOCK_WORDS[block]} {source}"
    if name == SCORE_FIELD:
        return str(say("diff.computed_score", lang))
    if name.startswith(LEVEL1_FIELD):  # the 分值 of a 一级
        return name.removeprefix(LEVEL1_FIELD) + (" weight" if lang == "en" else " 分值")
    key = KEY_BY_FIELD[name]
    return key.field if lang == "en" else key.canonical


def _path(section: tuple[str, str], name: str) -> str:
    return f"{section[0]}/{section[1]}/{name}"


def _percent(ratio: float) -> str:
    return f"{round(ratio * 100)}%"


# ----------------------------------------------------------------------------------------------- the view


def _rows(edits: tuple[Any, ...], lang: str) -> list[Row]:
    rows = []

    def add(kind: str, what: str, old: str, new: str, note: str = "") -> None:
        rows.append(Row(kind, say("diff.kind." + kind, lang), what, old, new, note))

    for e in edits:
        if isinstance(e, d.TargetChanged):
            add(e.direction.value, _path(e.section, e.name), e.old.text, e.new.text)
        elif isinstance(e, d.IndicatorAdded):
            add("added", _path(e.section, e.name), "", e.target.text)
        elif isinstance(e, d.IndicatorRemoved):
            add("removed", _path(e.section, e.name), e.target.text, "")
        elif isinstance(e, d.IndicatorMoved):
            add("moved", f"{_path(e.old_section, e.name)} → {e.new_section[0]}/{e.new_section[1]}", e.old.text,
                e.new.text, _turn(e.direction, lang))
        elif isinstance(e, d.IndicatorRenamed):
            where = _path(e.old_section, e.old_name) + " → " + (
                e.new_name if e.old_section == e.new_section else _path(e.new_section, e.new_name))
            notes = [say("diff.alike", lang, percent=_percent(e.similarity)), _turn(e.direction, lang)]
            add("renamed", where, e.old.text, e.new.text, "; ".join(n for n in notes if n))
        elif isinstance(e, d.AttributeChanged):
            add("attribute", f"{_path(e.section, e.name)}.{field_label(e.field, lang)}", e.old or "", e.new or "")
    rows.sort(key=lambda r: _ROW_ORDER.index(r.kind))  # stable: within a kind, the order of the edits
    return rows


def _turn(direction: d.Direction | None, lang: str) -> str:
    return say("diff.kind." + direction.value, lang) if direction else ""


def _prose(e: d.TextChanged, lang: str) -> Prose:
    inline: list[tuple[str, str]] = []
    old: list[tuple[str, str]] = []
    new: list[tuple[str, str]] = []
    last = len(e.ops) - 1
    for i, op in enumerate(e.ops):
        if op.op == "equal":
            old.append(("equal", op.old))
            new.append(("equal", op.new))
            inline.extend(_context(op.old, first=i == 0, final=i == last))
            continue
        if op.old:
            old.append(("del", op.old))
            inline.append(("del", op.old))
        if op.new:
            new.append(("ins", op.new))
            inline.append(("ins", op.new))
    return Prose(field_label(e.field, lang), inline, old, new)


def _context(text: str, first: bool, final: bool) -> list[tuple[str, str]]:
    """An unchanged run, cut to CONTEXT characters next to the edits around it."""
    head = "" if first else text[:CONTEXT]
    tail = "" if final else text[-CONTEXT:]
    if len(text) <= len(head) + len(tail) + 1:
        return [("equal", text)]
    return [(op, t) for op, t in (("equal", head), ("gap", "…"), ("equal", tail)) if t]


def _changed(p: d.ProjectChanged, lang: str) -> ProjectView:
    years = f"{p.old_year} → {p.new_year}" if p.old_year != p.new_year else str(p.new_year or "")
    view = ProjectView("changed", p.new_name, years, p.new_file)
    if p.similarity is not None:
        view.note = say("diff.project_renamed", lang, old=p.old_name, new=p.new_name,
                        similarity=_percent(p.similarity), overlap=_percent(p.overlap or 0.0))
    view.rows = _rows(p.edits, lang)
    for e in p.edits:
        if isinstance(e, d.BudgetChanged):
            view.money.append(change(e, lang))
        elif isinstance(e, d.FieldChanged):
            view.fields.append((field_label(e.field, lang), e.old or "—", e.new or "—"))
        elif isinstance(e, d.TextChanged):
            view.prose.append(_prose(e, lang))
    current = [e for e in p.edits if isinstance(e, d.BudgetChanged) and e.field == "current"]
    view.budget = change(current[0], lang) if current else None
    count = {k: sum(r.kind == k for r in view.rows) for k in _ROW_ORDER}
    changed = len(view.rows) - count["added"] - count["removed"]
    view.stat = f"+{count['added']} -{count['removed']} ~{changed}"
    view.raised, view.lowered = count["raised"], count["lowered"]
    return view


def _lone(p: d.ProjectAdded | d.ProjectRemoved, lang: str) -> ProjectView:
    status = "added" if isinstance(p, d.ProjectAdded) else "removed"
    view = ProjectView(status, p.name, str(p.year or ""), p.file)
    view.stat = f"+{p.indicators} -0 ~0" if status == "added" else f"+0 -{p.indicators} ~0"
    old, new = (None, p.budget) if status == "added" else (p.budget, None)
    view.budget = change(d.BudgetChanged.of("current", old, new), lang)
    view.note = say("diff.project." + status, lang, count=p.indicators)
    return view


def view(diff: d.Diff, lang: str = "zh") -> dict[str, Any]:
    """Everything the templates print, in reading order: changed projects, then added, then removed."""
    order = {"changed": 0, "added": 1, "removed": 2}
    projects = [_changed(p, lang) if isinstance(p, d.ProjectChanged) else _lone(p, lang) for p in diff.projects]
    projects.sort(key=lambda v: order[v.status])
    counts = {s: sum(v.status == s for v in projects) for s in order}
    summary = say("diff.summary", lang, changed=counts["changed"], added=counts["added"],
                  removed=counts["removed"], unchanged=len(diff.unchanged))
    totals = change(diff.totals, lang) if diff.totals else None
    return {"old": diff.old, "new": diff.new, "projects": projects, "summary": summary, "totals": totals,
            "empty": diff.empty, "raised": sum(v.raised for v in projects),
            "lowered": sum(v.lowered for v in projects)}


# -------------------------------------------------------------------------------------------- the printers


def _pad(text: object, width: int) -> str:
    text = str(text)
    return text + " " * max(width - display_width(text), 0)


def render(diff: d.Diff, fmt: str = "text", lang: str = "zh", color: bool = False, stat: bool = False) -> str:
    """Print a diff as `text`, `markdown`, `json` or `html`."""
    if fmt == "json":
        import json

        from ..backends.json import plain

        # the build's JSON convention: numbers as JSON numbers unless a double would lose a digit
        return json.dumps(_names_shown(plain(diff.model_dump(mode="python"))), ensure_ascii=False,
                          indent=2) + "\n"
    name = {"text": "diff.txt.jinja", "markdown": "diff.md.jinja", "html": "diff.html.jinja"}[fmt]
    # a file name that is not UTF-8 carries its bytes as surrogates, which no output can be written with
    return undecodable_shown(_environment(fmt, color).get_template(f"diff/{name}").render(
        t=lambda key, **args: say(key, lang, **args), lang=lang, stat=stat, **view(diff, lang)))


def _names_shown(value: Any) -> Any:
    """JSON data with the bytes of file names that are not UTF-8 written as `\\xb1`, as `check` writes them."""
    if isinstance(value, str):
        return undecodable_shown(value)
    if isinstance(value, dict):
        return {k: _names_shown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_names_shown(v) for v in value]
    return value


def page_environment() -> Any:
    """The environment of the HTML diff, for pages that extend `diff/diff.html.jinja` (perfdsl serve)."""
    return _environment("html", False)


@functools.lru_cache(maxsize=None)
def _environment(fmt: str, color: bool) -> Any:
    """The Jinja environment of one format, coloured or not: built once, as compiling the templates costs
    more than printing a diff."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from ..backends.env import md_cell, md_text, one_line
    from ..resources import templates_dir

    def paint(text: object, tone: str) -> Painted:
        # tone "" is money that did not move (`(0, 0.0%)` of unchanged totals): printed, in no colour
        clean = one_line(text)
        return Painted(f"{_ANSI[tone]}{clean}\x1b[0m" if color and clean and tone else clean)

    def finalize(value: object) -> object:
        # In text output every value goes through one_line, so a control character in a spec cannot reach
        # the terminal; only the colour codes `paint` adds itself pass as they are.
        return value if isinstance(value, Painted) or fmt != "text" else one_line(value)

    env = Environment(loader=FileSystemLoader(str(templates_dir())), undefined=StrictUndefined,
                      autoescape=fmt == "html", finalize=finalize, keep_trailing_newline=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(md_cell=md_cell, md_text=md_text, pad=_pad, paint=paint,
                       width=lambda t: display_width(str(t)))
    return env


class Painted(str):
    """Text output already made safe and coloured by `paint`."""
