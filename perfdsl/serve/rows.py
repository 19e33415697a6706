"""The overview: a row per project (made when its file is read), the filters, and the grouping by unit and
year with budget totals, as the build's index page groups them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable

from .. import ast
from ..config import Config, ConfigError
from ..diffing.match import indicator_items
from ..evaluation.score import has_evaluation, score_project
from ..syntax.values import show_money, show_number, shown
from .workspace import FileState, ProjectRow

_PROSE = ("overview", "basis", "necessity", "measures", "plan", "goals", "midterm_goals", "annual_goals")


def project_rows(key: str, spec: ast.Spec, config: Config) -> list[ProjectRow]:
    rows = []
    for p in spec.projects:
        score: Decimal | None = None
        grade = ""
        if has_evaluation(p):
            try:
                scored = score_project(spec, p, config.rule_set())
                score, grade = scored.total, scored.grade
            except (ConfigError, ArithmeticError):  # check reports a broken rule set; the row shows no score
                pass
        texts = [p.name, *(i.name for i in indicator_items(spec, p))]
        for name in _PROSE:
            text = getattr(p, name, None)
            if isinstance(text, ast.Text):
                texts.extend(text.paragraphs)
        budget = p.budget
        rows.append(ProjectRow(
            key=key, name=p.name, unit=spec.unit_of(p) or "", year=spec.year_of(p),
            framework=spec.framework_of(p) or config.settings_for(spec.file).framework or "",
            category=shown(p.category) or "",
            total=budget.total.value if budget is not None and budget.total is not None else None,
            current=budget.current.value if budget is not None and budget.current is not None else None,
            score=score, grade=grade, span=p.span, haystack="\n".join(texts).casefold()))
    return rows


@dataclass(frozen=True)
class Filters:
    unit: str = ""
    year: str = ""
    framework: str = ""
    q: str = ""

    @classmethod
    def of(cls, params: Any) -> Filters:
        return cls(*(str(params.get(k, "")).strip()[:200] for k in ("unit", "year", "framework", "q")))

    def keep(self, row: ProjectRow) -> bool:
        return ((not self.unit or row.unit == self.unit)
                and (not self.year or str(row.year or "") == self.year)
                and (not self.framework or row.framework == self.framework)
                and (not self.q or self.q.casefold() in row.haystack))


def _sum(values: Iterable[Decimal | None]) -> str:
    present = [v for v in values if v is not None]
    return show_money(sum(present, Decimal(0))) if present else ""


def overview(files: dict[str, FileState], filters: Filters) -> dict[str, Any]:
    """Everything the overview prints: the groups (units in name order, the latest year first), the
    choices of the filters, and the counts."""
    rows = [(f, r) for f in files.values() for r in f.rows]
    choices = {"units": sorted({r.unit for _, r in rows}),
               "years": sorted({str(r.year) for _, r in rows if r.year is not None}, reverse=True),
               "frameworks": sorted({r.framework for _, r in rows if r.framework})}
    groups: dict[tuple[str, int | None], list[dict[str, Any]]] = defaultdict(list)
    for state, row in rows:
        if filters.keep(row):
            errors, warnings = state.counts(row)
            groups[(row.unit, row.year)].append({
                "row": row, "errors": errors, "warnings": warnings,
                "total": show_money(row.total) if row.total is not None else "",
                "current": show_money(row.current) if row.current is not None else "",
                "score": show_number(row.score) if row.score is not None else ""})
    units: list[dict[str, Any]] = []
    for unit, year in sorted(groups, key=lambda k: (k[0], -(k[1] or 0))):
        members = sorted(groups[(unit, year)], key=lambda m: (m["row"].name, m["row"].key))
        if not units or units[-1]["name"] != unit:
            units.append({"name": unit, "years": []})
        units[-1]["years"].append({"year": year, "projects": members,
                                   "total": _sum(m["row"].total for m in members),
                                   "current": _sum(m["row"].current for m in members)})
    shown_count = sum(len(v) for v in groups.values())
    errors = sum(f.totals[0] for f in files.values())
    warnings = sum(f.totals[1] for f in files.values())
    return {"units": units, "choices": choices, "filters": filters, "count": shown_count, "all": len(rows),
            "errors": errors, "warnings": warnings}
