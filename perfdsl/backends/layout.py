"""Column widths of the printed form, measured from what the columns hold.

A fixed share per column broke the national tables' narrow columns mid-word (`一级指` / `标`, `分` / `值`,
`<=2023-12-` / `31`) and left `务` alone under 是否含有政府购买服务. Here each column gets the room its
heading and its values need, within a cap; text longer than the cap wraps into lines of even length (no lone
last character); the 三级 name takes what is left. The HTML page, its print and the PDF share these widths,
and the Word document (`backends.docx`) lays out its grid by the same shares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from .view import ProjectView

PAGES = ((False, False, 48.6), (True, False, 68.6), (True, True, 80.0))
"""The pages a table is tried on, in order, until its columns fit: (landscape, small text, its width in em).
A4 less two 15 mm margins is 180 mm, 48.6 em of the form's 10.5 pt text; on its side 267 mm, 68.6 em, or
80 em of 9 pt text (the national tables of 2021 have up to thirteen columns)."""
NAME_MIN = 7.0
"""The least room (em) the 三级 name must keep for a page to be taken."""
PAD_EM = 1.4
"""A cell's padding (6 px each side) and rules, and half an em of slack for rounding and the font's own widths."""
_CAPS = {"level1": 5.0, "level2": 5.0, "target": 11.0, "weight": 3.0, "nature": 4.0}
"""The columns as wide as they need, up to a cap (em of text) past which their text wraps (a target wider
than its cap too). The other columns (the 三级 name, 绩效标准, 指标解释) share what these leave."""
_SHARES = {"name": 3.0, "explanation": 1.5}
"""How the remaining room is shared: the 三级 name three parts, 指标解释 one and a half, any other one."""
LABEL_SHARE = (21.0, 28.0)
"""The least and the most share (per cent) of a label column of the header and budget blocks."""


def em(text: str) -> float:
    """The width of one line of `text` in em: a CJK character is one, Latin letters and digits about half."""
    return sum(1.0 if ord(c) >= 0x2e80 else 0.55 for c in text)


def _need(heading: str, texts: Sequence[str], cap: float) -> float:
    """The em a column needs: its heading on one line, each value on one line up to `cap`, a longer value on
    as many lines of even length as it takes (so that its last line is not a single character)."""
    need = em(heading)
    for text in texts:
        for line in text.split("\n"):
            width = em(line)
            if width > cap:  # lines of whole characters
                width = math.ceil(width / math.ceil(width / cap))
            need = max(need, width)
    # a value that wraps at that width must not leave a single character on its last line: the nearest width
    # (a little narrower or wider, never narrower than the heading) at which none does
    lines = [em(line) for text in texts for line in text.split("\n")]
    if not any(_orphan(width, need) for width in lines):
        return need
    widths = [w for w in range(max(math.ceil(em(heading)), int(need) - 2), int(cap) + 3)
              if not any(_orphan(width, w) for width in lines)]
    return float(min(widths, key=lambda w: (abs(w - need), -w))) if widths else need


def _orphan(width: float, line: float) -> bool:
    per_line = math.floor(line)
    return width > line and per_line > 1 and 0 < width % per_line <= 1


def _share(width_em: float, page_em: float) -> float:
    return round((width_em + PAD_EM) / page_em * 100, 1)


@dataclass(frozen=True)
class Widths:
    columns: tuple[float, ...]
    """The indicator table's columns (per cent): 一级, 二级, 三级, target, then the attribute columns."""
    label: float
    """The header and budget blocks' label columns (per cent); each value column takes 50 less it."""
    wrapped_targets: frozenset[str]
    """Targets wider than their column: these wrap, the others never break."""
    landscape: bool = False
    """The form is printed on A4 turned on its side: the table has too many columns for the page upright."""
    small: bool = False
    """The indicator table is in 9 pt type."""
    crowded: bool = False
    """Even so its headings and targets do not fit: every column gave up room in proportion, and they wrap."""


def _fit(fields: list[str], columns: tuple[str, ...], cells: dict[str, list[str]],
         page_em: float) -> dict[str, float]:
    shares = {f: _share(_need(heading, cells[f], _CAPS[f]), page_em)
              for f, heading in zip(fields, columns) if f in _CAPS}
    flexible = [(f, heading) for f, heading in zip(fields, columns) if f not in _CAPS]
    room = 100 - sum(shares.values())
    parts = sum(_SHARES.get(f, 1.0) for f, _ in flexible)
    # each takes its part of the room, but never less than its heading needs: the name gives way first
    for f, heading in flexible:
        least = max(em(heading), NAME_MIN if f == "name" else 0.0)
        shares[f] = max(round(room * _SHARES.get(f, 1.0) / parts, 1), _share(least, page_em))
    shares["name"] = round(shares["name"] - (sum(shares.values()) - 100), 1)
    return shares


def widths(view: ProjectView) -> Widths:
    columns = view.columns
    fields = ["level1", "level2", "name", "target", *view.attribute_fields]
    cells: dict[str, list[str]] = {f: [] for f in fields}
    for row in view.rows:
        cells["level1"].append(row.level1)
        cells["level2"].append(row.level2)
        cells["target"].append(row.target)
        for field, paragraphs in zip(view.attribute_fields, row.attributes):
            cells[field].extend(paragraphs)
    labels = [p.label for line in (*view.header, *view.budget) for p in line] + [s.label for s in view.prose]
    crowded = False
    for landscape, small, page_em in PAGES:
        shares = _fit(fields, columns, cells, page_em)
        if shares["name"] >= _share(NAME_MIN, page_em):
            break
    else:  # nothing fits: every column gives up room in proportion, the name keeps its least
        crowded = True
        name = _share(NAME_MIN, page_em)
        scale = (100 - name) / (sum(shares.values()) - shares["name"])
        shares = {f: round(s * scale, 1) for f, s in shares.items()}
        shares["name"] = round(100 - sum(s for f, s in shares.items() if f != "name"), 1)
    wrapped = frozenset(t for t in cells["target"] if crowded or em(t) > _CAPS["target"])
    # the header and budget blocks keep the form's own 10.5 pt, whatever the table's type
    label = _share(max((_need("", [t], 12.0) for t in labels), default=0.0), PAGES[1 if landscape else 0][2])
    return Widths(tuple(shares[f] for f in fields), min(max(label, LABEL_SHARE[0]), LABEL_SHARE[1]), wrapped,
                  landscape, small, crowded)


PROSE = 12.0
"""A cell of a 自评表's table wider than this (em) is prose (偏差原因…): its column shares the room left."""


def _cell_need(text: str) -> float:
    """A figure, a target or a date (anything with Latin letters or digits) on one line; names wrap onto
    lines of even length, five characters or so to a line."""
    if any(c.isascii() and c.isalnum() for c in text):
        return max(em(line) for line in text.split("\n"))
    return _need("", [text], 5.0)


def table_widths(columns: Sequence[str], rows: Sequence[Sequence[tuple[str, int]]],
                 page_em: float) -> tuple[float, ...] | None:
    """The columns (per cent) of a 自评表's or 监控表's table, from its headings and its cells' (text, rowspan)
    (0: covered by the cell above): a column of short values (names, targets, dates, figures) as wide as its
    widest value, so that none breaks; the columns of longer text (偏差原因…) share the rest. None when they
    do not fit on a page `page_em` wide (one of PAGES)."""
    cells: list[list[str]] = [[] for _ in columns]
    for row in rows:
        for j, (text, span) in enumerate(row[:len(columns)]):
            if span:
                cells[j].append(text)
    fixed = {j: _share(max([_need("", [heading], 4.0), *(_cell_need(t) for t in cells[j])]), page_em)
             for j, heading in enumerate(columns) if all(em(t) <= PROSE for t in cells[j])}
    flexible = [j for j in range(len(columns)) if j not in fixed]
    floors = {j: _share(max(_need("", [columns[j]], 6.0), 8.0), page_em) for j in flexible}
    room = 100 - sum(fixed.values())
    if room < sum(floors.values()):
        return None
    shares = dict(fixed)
    for j in flexible:
        shares[j] = max(room / len(flexible), floors[j])
    total = sum(shares.values())
    return tuple(round(shares[j] * 100 / total, 1) for j in range(len(columns)))


def crowded(columns: Sequence[str]) -> tuple[float, ...]:
    """Even shares, for a table too wide for any page: its cells wrap."""
    return tuple(round(100 / len(columns), 1) for _ in columns)
