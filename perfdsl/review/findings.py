"""The findings of `perfdsl review`: SQL over the tables of `perfdsl query`, one row per thing a reviewer
should look at, each marked answered when a 审核意见 speaks to it.

Every query gives the same columns (unit, year, project, file, line, indicator, severity, a, b): `a` and `b`
are what the kind's sentence (`review.kind.<kind>` in the catalogue) says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..messages import say
from ..diffing.match import plain
from ..syntax.values import write_money

QUERIES: dict[str, str] = {
    # what perfdsl check says; two of its rules are kinds of their own, a reviewer asks for them by name
    "diagnostic": """
        SELECT d.unit, d.year, d.project, d.file, d.line, i.name, d.severity, d.code, d.message
        FROM diagnostics d LEFT JOIN indicators i ON i.file = d.file AND i.line = d.line
        WHERE d.code NOT IN ('C607', 'C411') AND d.severity <> 'info'""",
    "below_last_actual": """
        SELECT d.unit, d.year, d.project, d.file, d.line, i.name, d.severity, d.code, d.message
        FROM diagnostics d LEFT JOIN indicators i ON i.file = d.file AND i.line = d.line
        WHERE d.code = 'C607'""",
    "no_cost": """
        SELECT unit, year, project, file, line, NULL, severity, code, message FROM diagnostics
        WHERE code = 'C411'""",
    "target_lowered": """
        SELECT c.unit, c.new_year, c.project, c.new_file, i.line, c.indicator, 'warning', c.old, c.new
        FROM changes c LEFT JOIN indicators i
             ON i.file = c.new_file AND i.project = c.project AND i.name = c.indicator
        WHERE c.direction = 'lowered'""",
    "indicator_removed": """
        SELECT c.unit, c.new_year, c.project, c.new_file, p.line, c.indicator, 'warning', c.old, NULL
        FROM changes c LEFT JOIN projects p ON p.file = c.new_file AND p.name = c.project
        WHERE c.kind = 'indicator_removed'""",
    "budget_changed": """
        SELECT c.unit, c.new_year, c.project, c.new_file, p.line, NULL, 'info',
               [c.old_value, c.new_value], c.percent
        FROM changes c LEFT JOIN projects p ON p.file = c.new_file AND p.name = c.project
        WHERE c.kind = 'budget_changed' AND c.field = 'current'""",
    "no_satisfaction": """
        SELECT unit, year, name, file, line, NULL, 'warning', NULL, NULL FROM projects p
        WHERE NOT EXISTS (SELECT 1 FROM indicators i WHERE i.file = p.file AND i.project = p.name
                          AND (i.level1 LIKE '%满意度%' OR i.level2 LIKE '%满意度%'))""",
    "no_core": """
        SELECT unit, year, name, file, line, NULL, 'info', NULL, NULL FROM projects WHERE core_indicators = 0""",
}
"""Each kind of finding and its query, in the order a project's findings are listed."""

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    unit: str | None
    year: int | None
    project: str | None
    file: str
    line: int | None
    indicator: str | None
    kind: str
    severity: str
    detail: str
    answer: str | None
    """The last 审核意见 on the finding's indicator, else on its project (`第2轮 通过：…`); None: unanswered."""


def _money(value: Any) -> str:
    from ..query.output import cell

    return cell(value)


def _detail(kind: str, a: Any, b: Any, lang: str) -> str:
    text: str
    if kind in ("diagnostic", "below_last_actual", "no_cost"):
        return f"{a}: {b}"
    if kind == "budget_changed":
        old, new = (write_money(plain(v)) if v is not None else "—" for v in a)
        text = say("review.kind.budget_changed", lang, old=old, new=new, percent=_money(b) if b is not None else "—")
    else:
        text = say(f"review.kind.{kind}", lang, old=a, new=b)
    return text


def _answers(con: Any, lang: str) -> dict[tuple[str, str, str | None], str]:
    """The last opinion (highest round, then last line) per (spec file, project, indicator or None)."""
    rows = con.execute("SELECT spec_file, project, indicator, round, verdict, text FROM opinions "
                       "ORDER BY round, file, line").fetchall()
    return {(f, p, i): say("review.answer", lang, round=say("review.round", lang, round=r), verdict=v, text=t)
            for f, p, i, r, v, t in rows}


def findings(con: Any, lang: str) -> list[Finding]:
    """Every finding, by unit, year, project and kind."""
    answers = _answers(con, lang)
    out = []
    for kind, sql in QUERIES.items():
        for unit, year, project, file, line, indicator, severity, a, b in con.execute(sql).fetchall():
            answer = answers.get((file, project, indicator)) if indicator else None
            answer = answer or answers.get((file, project, None))
            out.append(Finding(unit, year, project, file, line, indicator, kind, severity,
                               _detail(kind, a, b, lang), answer))
    order = list(QUERIES)
    out.sort(key=lambda f: (f.unit or "", f.year or 0, f.project or "", f.file, SEVERITIES.index(f.severity),
                            order.index(f.kind), f.line or 0, f.detail))
    return out
