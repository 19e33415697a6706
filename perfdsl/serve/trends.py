"""Projects and indicators across years, matched as `perfdsl diff` matches them (diffing.match): the
previous and next year of a project, one indicator's target and actual over the years, budget totals per
unit per year; and the charts of those, as SVG drawn here (no script, nothing fetched)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import ast
from ..diffing.match import Entry, Item, indicator_items, pair_indicators, pair_projects
from ..syntax.values import show_money, show_number, show_target
from .workspace import FileState

Ref = tuple[str, str]
"""A project: its file's key and its name."""


@dataclass
class Lineage:
    """Each project's counterpart in the year before and the year after (within its 单位)."""

    before: dict[Ref, Ref] = field(default_factory=dict)
    after: dict[Ref, Ref] = field(default_factory=dict)

    def chain(self, ref: Ref) -> list[Ref]:
        first = ref
        while first in self.before and self.before[first] != ref:
            first = self.before[first]
        out = [first]
        while out[-1] in self.after and len(out) <= len(self.after):
            out.append(self.after[out[-1]])
        return out


def lineage(files: dict[str, FileState]) -> Lineage:
    """Pairs the projects of each year with those of the next year that holds any, unit by unit: by name,
    then a renamed one by name and indicators, as diff pairs two years."""
    years: dict[str, dict[int, list[tuple[Entry, Ref]]]] = defaultdict(lambda: defaultdict(list))
    for state in files.values():
        for p in state.spec.projects:
            year = state.spec.year_of(p)
            if year is not None:
                years[state.spec.unit_of(p) or ""][year].append(((state.spec, p), (state.key, p.name)))
    found = Lineage()
    for by_year in years.values():
        order = sorted(by_year)
        for a, b in zip(order, order[1:]):
            refs = {id(e[1]): r for e, r in by_year[a] + by_year[b]}
            pairs, _, _ = pair_projects([e for e, _ in by_year[a]], [e for e, _ in by_year[b]])
            for pair in pairs:
                old, new = refs[id(pair.old[1])], refs[id(pair.new[1])]
                found.after[old], found.before[new] = new, old
    return found


@dataclass(frozen=True)
class Point:
    year: int | None
    ref: Ref
    indicator: str
    target: str
    actual: str
    target_value: Decimal | None
    actual_value: Decimal | None
    unit: str


def _value(node: ast.Target | ast.TargetValue | None) -> tuple[str, Decimal | None, str]:
    """(the value as the form prints it, its number where it has one, its unit)."""
    if isinstance(node, ast.TargetValue):
        return _value(node.target)
    if isinstance(node, ast.Quantitative):
        return show_target(node), node.value, node.unit
    return ("" if node is None else show_target(node)), None, ""


def indicator_trend(files: dict[str, FileState], found: Lineage, ref: Ref, index: int) -> list[Point] | None:
    """The indicator `index` (in `indicator_items` order) of project `ref`, followed through the years of
    its chain: one point per year where a matched indicator exists."""
    chain = found.chain(ref)
    entries = {r: e for r in chain if (e := _entry(files, r)) is not None}
    if ref not in entries:
        return None
    # each year's items made once: the pairs hold them, and are followed by identity
    items_of = {r: indicator_items(*e) for r, e in entries.items()}
    if not 0 <= index < len(items_of[ref]):
        return None
    at = chain.index(ref)
    picked: dict[Ref, Item] = {ref: items_of[ref][index]}
    for step in (1, -1):
        here, current = at, items_of[ref][index]
        while 0 <= here + step < len(chain) and chain[here + step] in items_of:
            mine, theirs = items_of[chain[here]], items_of[chain[here + step]]
            pairs, _, _ = pair_indicators(mine, theirs) if step == 1 else pair_indicators(theirs, mine)
            if step == 1:
                match = next((b for a, b, _ in pairs if a is current), None)
            else:
                match = next((a for a, b, _ in pairs if b is current), None)
            if match is None:
                break
            here, current = here + step, match
            picked[chain[here]] = match
    points = []
    for r in chain:
        if r in picked:
            spec, project = entries[r]
            ind = picked[r].indicator
            target, target_value, unit = _value(ind.target)
            actual, actual_value, _ = _value(ind.actual)
            points.append(Point(spec.year_of(project), r, ind.name, target, actual, target_value, actual_value,
                                unit))
    return points


def _entry(files: dict[str, FileState], ref: Ref) -> Entry | None:
    state = files.get(ref[0])
    if state is None:
        return None
    found = [p for p in state.spec.projects if p.name == ref[1]]
    return (state.spec, found[0]) if found else None


def budget_by_unit(files: dict[str, FileState]) -> tuple[list[int], list[dict[str, Any]]]:
    """当年预算 added up per unit and year: (the years, a row per unit with its figure per year)."""
    sums: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for state in files.values():
        for row in state.rows:
            if row.year is not None and row.current is not None:
                sums[row.unit][row.year] += row.current
    years = sorted({y for by_year in sums.values() for y in by_year})
    units = [{"unit": unit, "values": [sums[unit].get(y) for y in years],
              "shown": [show_money(sums[unit][y]) if y in sums[unit] else "" for y in years]}
             for unit in sorted(sums)]
    return years, units


PALETTE = ("#1f5fa8", "#b8452b", "#2e7d32", "#7b3fa0", "#a86b00", "#00727a", "#555555")
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 640, 260, 90, 20, 20, 40


def chart(years: list[int], series: list[tuple[str, list[Decimal | None]]]) -> dict[str, Any] | None:
    """Coordinates for a line chart: years along x, one polyline per series (a gap where a year has no
    value), y from the smallest to the largest value (from 0 when every value is positive)."""
    values = [v for _, vs in series for v in vs if v is not None]
    if not years or not values:
        return None
    low, high = min(min(values), Decimal(0)), max(values)
    if high == low:
        high = low + (abs(low) or Decimal(1))
    span_x = WIDTH - LEFT - RIGHT
    step = span_x / (len(years) - 1) if len(years) > 1 else 0.0

    def x(i: int) -> float:
        return round(LEFT + (step * i if len(years) > 1 else span_x / 2), 1)

    def y(v: Decimal) -> float:
        return round(TOP + float((high - v) / (high - low)) * (HEIGHT - TOP - BOTTOM), 1)

    lines = []
    for n, (label, vs) in enumerate(series):
        dots = [{"x": x(i), "y": y(v), "label": show_number(v), "year": years[i]}
                for i, v in enumerate(vs) if v is not None]
        lines.append({"label": label, "color": PALETTE[n % len(PALETTE)], "dashed": n % 2 == 1 and len(series) == 2,
                      "points": " ".join(f"{d['x']},{d['y']}" for d in dots), "dots": dots})
    ticks = [{"y": y(v), "label": show_number(v)} for v in (low, (low + high) / 2, high)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "bottom": HEIGHT - BOTTOM, "years": [{"x": x(i), "label": str(yr)} for i, yr in enumerate(years)],
            "lines": lines, "ticks": ticks}
