"""The overview: a row per project (made when its file is read), the filters, and the grouping by unit and
year with budget totals, as the build's index page groups them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .. import ast
from ..backends.view import by_unit_and_year, index_entry
from ..config import Config, ConfigError
from ..diffing.match import indicator_items
from ..evaluation.figures import has_evaluation
from ..evaluation.score import score_project
from ..syntax.values import show_money, show_number
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
        entry = index_entry(spec, p, key, ())  # what the build's index page reads of a project
        rows.append(ProjectRow(
            key=key, name=entry.name, unit=entry.unit, year=entry.year,
            framework=spec.framework_of(p) or config.settings_for(spec.file).framework or "",
            category=entry.category, total=entry.total, current=entry.current,
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


def overview(files: dict[str, FileState], filters: Filters) -> dict[str, Any]:
    """Everything the overview prints: the groups (units in name order, the latest year first), the
    choices of the filters, and the counts."""
    rows = [(f, r) for f in files.values() for r in f.rows]
    choices = {"units": sorted({r.unit for _, r in rows}),
               "years": sorted({str(r.year) for _, r in rows if r.year is not None}, reverse=True),
               "frameworks": sorted({r.framework for _, r in rows if r.framework})}
    kept = [(state, row) for state, row in rows if filters.keep(row)]
    state_of = {id(row): state for state, row in kept}

    def line(row: ProjectRow) -> dict[str, Any]:
        errors, warnings = state_of[id(row)].counts(row)
        return {"row": row, "errors": errors, "warnings": warnings,
                "total": show_money(row.total) if row.total is not None else "",
                "current": show_money(row.current) if row.current is not None else "",
                "score": show_number(row.score) if row.score is not None else ""}

    units = by_unit_and_year([row for _, row in kept], line, lambda row: row.key)
    shown_count = len(kept)
    errors = sum(f.totals[0] for f in files.values())
    warnings = sum(f.totals[1] for f in files.values())
    return {"units": units, "choices": choices, "filters": filters, "count": shown_count, "all": len(rows),
            "errors": errors, "warnings": warnings}
