"""Importer for Excel workbooks laid out like the printed form (what `perfdsl build --format xlsx` writes).

The workbook counterpart of importer.py: each sheet whose first row is the form's title is one project;
`label | value` cells give the header fields, the prose sections and the budget (numbers as numbers or as
text), and the indicator table is read with its merged 一级/二级 cells, which may also have been typed out on
every row. 一级 headings (产出目标) are read back as the framework's names (产出); as importer.py does, 单位
and 年度 go to the file level and a framework other than the default is named in the project. Anything it
cannot read is a diagnostic naming the sheet and the cell (its span: the row as line, the column), never a
silent drop. Needs openpyxl (the optional extra `perfdsl[xlsx]`).
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from . import ast, values
from .diagnostics import Diagnostic, Severity, diag
from .frameworks import DEFAULT_FRAMEWORK, Framework, best_fit, builtin, builtin_names
from .vocab import (ALL_KEYS, BUDGET_HEADING, FORM_TITLE, NATIONAL_BUDGET_HEADING, NATIONAL_FORM_TITLE,
                    PROJECT_NAME_LABEL, Key, lookup_key)

LABELS: dict[str, Key | None] = {PROJECT_NAME_LABEL: None, **{k.official or k.canonical: k for k in ALL_KEYS}}
"""The labels the form prints (None: the project's name); any other spelling of a key is read too."""
_YEAR = re.compile(r"[（(]\s*(\d{4})\s*年度\s*[）)]")
_GOALS = re.compile(r"(\d{4}\s*年)?\s*绩效目标")
_TABLE_FIELDS = ("level1", "level2", "name", "target")


def _span(file: str, row: int, column: int = 1) -> ast.Span:
    return ast.build(ast.Span, file=file, line=row, column=column, end_line=row, end_column=column + 1)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    text = _text(value)
    amount = values.money(text)
    if amount is not None:
        return amount
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


class SheetReader:
    """Reads one worksheet into a project."""

    def __init__(self, ws: Any, file: str, strict: bool, diagnostics: list[Diagnostic]) -> None:
        self.ws, self.file, self.strict, self.diagnostics = ws, file, strict, diagnostics
        self.merged_end: dict[tuple[int, int], int] = {}
        """(row, column) of a merged range's first cell -> its last column."""
        self.covered: dict[tuple[int, int], Any] = {}
        """Cells inside a merged range -> the value of its first cell."""
        for rng in ws.merged_cells.ranges:
            self.merged_end[(rng.min_row, rng.min_col)] = rng.max_col
            first = ws.cell(row=rng.min_row, column=rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    self.covered[(r, c)] = first
        self.fields: dict[str, ast.Node | str] = {}
        self.year: int | None = None
        self.name_at = (1, 1)
        """(row, column) of the cell that holds the project's name: where messages about the project point."""

    def value(self, row: int, column: int) -> Any:
        cell = self.ws.cell(row=row, column=column).value
        return self.covered.get((row, column)) if cell is None else cell

    def where(self, row: int, column: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.ws.title}!{get_column_letter(column)}{row}"

    def report(self, code: str, row: int, column: int, severity: Severity = Severity.error, **args: Any) -> None:
        self.diagnostics.append(diag(code, severity, _span(self.file, row, column), cell=self.where(row, column),
                                     **args))

    def read(self) -> ast.Spec | None:
        if _text(self.ws.cell(row=1, column=1).value) not in (FORM_TITLE, NATIONAL_FORM_TITLE):
            self.diagnostics.append(diag("I101", Severity.warning, _span(self.file, 1), sheet=self.ws.title))
            return None
        rows: list[list[Any]] = []
        row = 2
        while row <= self.ws.max_row:
            first = _text(self.ws.cell(row=row, column=1).value)
            if (m := _YEAR.fullmatch(first)) is not None:
                self.year = int(m.group(1))
            elif _GOALS.fullmatch(first) and self.merged_end.get((row, 1), 1) > 1:
                rows = self._table(row + 1)
                break
            elif first and first not in (BUDGET_HEADING, NATIONAL_BUDGET_HEADING):
                self._pairs(row)
            row += 1
        return self._spec(rows)

    def _pairs(self, row: int) -> None:
        column = 1
        while column <= self.ws.max_column:
            label = _text(self.ws.cell(row=row, column=column).value)
            value_column = column + 1
            column = self.merged_end.get((row, value_column), value_column) + 1
            if not label:
                continue
            key = LABELS[label] if label in LABELS else lookup_key(label)
            if label not in LABELS and key is None:
                severity = Severity.error if self.strict else Severity.warning
                self.report("I103", row, value_column - 1, severity, text=label)
                continue
            self._field(key, self.ws.cell(row=row, column=value_column).value, row, value_column)

    def _field(self, key: Key | None, raw: Any, row: int, column: int) -> None:
        span = _span(self.file, row, column)
        if key is None:
            self.fields["name"] = _text(raw)
            self.name_at = (row, column)
            return
        node = self._node(key, raw, span)
        if node is None:
            self.report("I102", row, column, text=_text(raw))
        else:
            self.fields[key.field] = node

    def _node(self, key: Key, raw: Any, span: ast.Span) -> ast.Node | None:
        text = _text(raw)
        if key.kind == "text":
            return ast.build(ast.Text, span=span, blank_before=True,
                             paragraphs=tuple(p.strip() for p in text.split("\n") if p.strip()))
        if key.kind in ("money", "number"):
            amount = _decimal(raw)
            return None if amount is None else ast.build(ast.Amount, span=span, value=amount)
        if key.kind == "date":
            if isinstance(raw, datetime.datetime):
                return ast.build(ast.Day, span=span, value=raw.date())
            try:
                return ast.build(ast.Day, span=span, value=datetime.date.fromisoformat(text))
            except ValueError:
                return None
        if key.kind == "flag":
            return ast.build(ast.Flag, span=span, value=text == "是") if text in ("是", "否") else None
        if key.kind == "year":
            return ast.build(ast.Year, span=span, value=int(text)) if text.isdigit() else None
        return ast.build(ast.Word, span=span, value=text) if text else None

    def _table(self, head: int) -> list[list[Any]]:
        """The indicator rows below the column headings `head`, each as [row, 一级, 二级, name, target,
        attributes…]; columns are found by their headings (the first four by position among the headings), so
        a heading spread over merged columns or a column inserted in Excel is read as well."""
        columns: list[tuple[int, str]] = []
        for column in range(1, self.ws.max_column + 1):
            label = _text(self.ws.cell(row=head, column=column).value)
            if not label:
                continue  # the columns a merged heading covers, or an empty one
            if len(columns) < len(_TABLE_FIELDS):
                columns.append((column, _TABLE_FIELDS[len(columns)]))
                continue
            key = LABELS.get(label) or lookup_key(label)
            if key is None:
                self.report("I103", head, column, Severity.error if self.strict else Severity.warning, text=label)
                continue
            columns.append((column, key.field))
        self.columns = columns
        return [[row, *(self.value(row, c) for c, _ in columns)] for row in range(head + 1, self.ws.max_row + 1)
                if any(self.value(row, c) is not None for c, _ in columns)]

    def _indicator(self, row: int, cells: list[Any]) -> ast.Indicator | None:
        target_text = _text(cells[3])
        parsed = values.read_target(target_text)
        if parsed is None:
            self.report("I102", row, self.columns[3][0], text=target_text)
            return None
        span = _span(self.file, row, self.columns[2][0])
        attributes = {}
        for (column, field), raw in zip(self.columns[4:], cells[4:]):
            key = lookup_key(field)
            if key is None or _text(raw) == "":
                continue
            node = self._node(key, raw, _span(self.file, row, column))
            if node is None:
                self.report("I102", row, column, text=_text(raw))
            else:
                attributes[field] = node
        return ast.build(ast.Indicator, span=span, name=_text(cells[2]),
                         target=values.make_target(parsed, _span(self.file, row, self.columns[3][0])), **attributes)

    def _spec(self, rows: list[list[Any]]) -> ast.Spec:
        framework = _framework([_text(r[1]) for r in rows])
        level1s: list[tuple[str, int, list[tuple[str, int, list[ast.Indicator]]]]] = []
        for row, *cells in rows:
            heading, level2 = _text(cells[0]), _text(cells[1])
            known = framework.match_level1(heading)
            name = known.name if known is not None else heading
            if not level1s or level1s[-1][0] != name:
                level1s.append((name, row, []))
            sections = level1s[-1][2]
            # a merged 二级 cell, or the same name typed on every row, is one 二级
            if level2 and (not sections or sections[-1][0] != level2):
                sections.append((level2, row, []))
            if _text(cells[2]):
                indicator = self._indicator(row, cells)
                if indicator is not None and sections:
                    sections[-1][2].append(indicator)
        tree = tuple(ast.build(ast.Level1, span=_span(self.file, r), blank_before=True, name=n, sections=tuple(
            ast.build(ast.Level2, span=_span(self.file, r2), name=n2, indicators=tuple(inds)) for n2, r2, inds in l2s))
            for n, r, l2s in level1s)
        return self._assemble(tree, framework)

    def _assemble(self, tree: tuple[ast.Level1, ...], framework: Framework) -> ast.Spec:
        fields = dict(self.fields)
        name = str(fields.pop("name", ""))
        unit = fields.pop("unit", None)
        budget_fields = {f: fields.pop(f) for f in ("total", "current", "prior", "prior_executed") if f in fields}
        if budget_fields:
            first = min(n.span.line for n in budget_fields.values() if isinstance(n, ast.Node))
            fields["budget"] = ast.build(ast.Budget, span=_span(self.file, first), blank_before=True, **budget_fields)
        if framework.name != DEFAULT_FRAMEWORK:
            fields["framework"] = ast.build(ast.Word, span=_span(self.file, 1), value=framework.name)
        project = ast.build(ast.Project, span=_span(self.file, *self.name_at), name=name, sections=tree, **fields)
        year = ast.build(ast.Year, span=_span(self.file, 2), value=self.year) if self.year else None
        return ast.build(ast.Spec, file=self.file, unit=unit, year=year, framework=None, projects=(project,),
                         end_comments=())


def _framework(headings: list[str]) -> Framework:
    candidates = [builtin(n) for n in builtin_names()]
    names = list(dict.fromkeys(h for h in headings if h))
    return best_fit(names, candidates) or builtin(DEFAULT_FRAMEWORK)


def read_workbook(data: bytes, file: str, strict: bool = False) -> tuple[list[tuple[str, ast.Spec]], list[Diagnostic]]:
    """Read every form of a workbook: one Spec per sheet (project), each with the cell that names it
    (`Sheet1!B4`, for messages), 单位 and 年度 at file level."""
    from openpyxl import load_workbook

    diagnostics: list[Diagnostic] = []
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook; all mean the same
        return [], [diag("I104", Severity.error, _span(file, 1), reason=f"{type(e).__name__}: {e}")]
    sheets = []
    for ws in wb.worksheets:
        reader = SheetReader(ws, file, strict, diagnostics)
        spec = reader.read()
        if spec is not None:
            sheets.append((reader.where(*reader.name_at), spec))
    if not sheets:
        diagnostics.append(diag("I005", Severity.error, _span(file, 1)))
    return sheets, diagnostics


def import_workbook(data: bytes, file: str, strict: bool = False) -> tuple[list[ast.Spec], list[Diagnostic]]:
    """Read every form of a workbook: one Spec per sheet (project), 单位 and 年度 at file level."""
    sheets, diagnostics = read_workbook(data, file, strict)
    return [spec for _, spec in sheets], diagnostics
