"""The review report as one self-contained HTML page and an Excel workbook (one row per finding).

A view model is made here (units worst first, each unit's projects worst first, their findings and
opinions); the page is the template `review/review.html.jinja` of the HTML environment, which autoescapes
every user string."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..messages import say
from ..query.output import cell, put_rows
from .findings import SEVERITIES, Finding


@dataclass
class ProjectReport:
    unit: str | None
    year: int | None
    name: str
    file: str
    line: int
    budget: str
    score: str
    weights: str
    findings: list[Finding] = field(default_factory=list)
    opinions: list[dict[str, Any]] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    @property
    def rank(self) -> tuple[int, int, int]:
        return (-self.count("error"), -self.count("warning"), -sum(f.answer is None for f in self.findings))


@dataclass
class UnitReport:
    name: str
    projects: list[ProjectReport]

    def total(self, severity: str) -> int:
        return sum(p.count(severity) for p in self.projects)

    @property
    def answered(self) -> int:
        return sum(f.answer is not None for p in self.projects for f in p.findings)

    @property
    def findings(self) -> int:
        return sum(len(p.findings) for p in self.projects)


def _weights(budget_weight: Any, indicator_weights: Any) -> str:
    if budget_weight is None and indicator_weights is None:
        return ""
    parts = [cell(w) for w in (budget_weight, indicator_weights) if w is not None]
    total = sum(w for w in (budget_weight, indicator_weights) if w is not None)
    return " + ".join(parts) + f" = {cell(total)}" if len(parts) > 1 else parts[0]


def build(con: Any, found: Sequence[Finding], only: set[str] | None = None) -> list[UnitReport]:
    """The units, worst first (most errors, then warnings, then findings unanswered); `only`: the projects of
    these files alone (the submissions of a git range)."""
    from ..syntax.values import write_money
    from ..diffing.match import plain

    projects: dict[tuple[str, str], ProjectReport] = {}
    for file, line, unit, year, name, current, score, grade, bw, iw in con.execute(
            "SELECT file, line, unit, year, name, current, score, grade, budget_weight, indicator_weights "
            "FROM projects ORDER BY unit, year, name, file").fetchall():
        if only is not None and file not in only:
            continue
        projects[(file, name)] = ProjectReport(unit, year, name, file, line,
                                               write_money(plain(current)) if current is not None else "",
                                               f"{cell(score)}（{grade}）" if score is not None else "",
                                               _weights(bw, iw))
    for f in found:
        key = (f.file, f.project or "")
        if key not in projects:  # outside any project (a file's header, a file that does not parse): its own entry
            projects[key] = ProjectReport(f.unit, f.year, "", f.file, 1, "", "", "")
        projects[key].findings.append(f)
    for spec_file, project, indicator, rnd, verdict, text, file, line in con.execute(
            "SELECT spec_file, project, indicator, round, verdict, text, file, line FROM opinions "
            "ORDER BY file, line").fetchall():
        if (spec_file, project) in projects:
            projects[(spec_file, project)].opinions.append(
                {"indicator": indicator, "round": rnd, "verdict": verdict, "text": text, "place": f"{file}:{line}"})
    by_unit: dict[str, list[ProjectReport]] = {}
    for p in projects.values():
        by_unit.setdefault(p.unit or "", []).append(p)
    units = [UnitReport(name, sorted(ps, key=lambda p: (p.rank, p.year or 0, p.name)))
             for name, ps in by_unit.items()]
    return sorted(units, key=lambda u: (-u.total("error"), -u.total("warning"), u.answered - u.findings, u.name))


def html(units: list[UnitReport], found: Sequence[Finding], lang: str, title: str) -> str:
    from ..backends.env import render

    counts = Counter(f.kind for f in found)
    return render("html", "review/review.html.jinja", units=units, lang=lang, title=title,
                  projects=sum(len(u.projects) for u in units),
                  kinds=sorted(counts.items(), key=lambda kc: (-kc[1], kc[0])), severities=SEVERITIES,
                  answered=sum(f.answer is not None for f in found), total=len(found),
                  t=lambda key, **a: say(key, lang, **a))


COLUMNS = ("unit", "year", "project", "indicator", "kind", "severity", "detail", "file", "line", "answer", "note")


def workbook(units: list[UnitReport], lang: str) -> bytes:
    """Findings, one a row (a last column left empty for the reviewer's notes), and the summary by unit."""
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = say("review.sheet.findings", lang)
    rows = [(f.unit, f.year, f.project, f.indicator, say(f"review.label.{f.kind}", lang),
             say(f"severity.{f.severity}", lang), f.detail, f.file, f.line, f.answer, None)
            for u in units for p in u.projects for f in p.findings]
    put_rows(ws, [say(f"review.col.{c}", lang) for c in COLUMNS], rows)
    ws.auto_filter.ref = ws.dimensions
    summary = wb.create_sheet(say("review.sheet.summary", lang))
    put_rows(summary, [say(f"review.col.{c}", lang) for c in ("unit", "projects", "errors", "warnings",
                                                             "findings", "answered")],
             [(u.name, len(u.projects), u.total("error"), u.total("warning"), u.findings, u.answered)
              for u in units])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
