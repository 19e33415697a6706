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
from decimal import Decimal
from typing import Any

from .. import ast
from ..syntax import values
from ..diagnostics import Diagnostic, Severity, diag
from ..frameworks import DEFAULT_FRAMEWORK, Framework, best_fit, builtin, builtin_names
from .text import refused_characters, seen, unwritable, writable_target
from ..syntax.vocab import (SOURCES_LABEL, YEAR_TARGET_HEADING, ALL_KEYS, ATTRIBUTE_KEYS, BUDGET_HEADING, BUDGET_KEYS, BUDGET_WEIGHT_KEY, COLUMN_HEADINGS,
                            FORM_TITLE, NATIONAL_BUDGET_HEADING, NATIONAL_COLUMN_HEADINGS, NATIONAL_FORM_TITLE,
                            PROJECT_NAME_LABEL, Key, lookup_key)

LABELS: dict[str, Key | None] = {PROJECT_NAME_LABEL: None, **{k.official or k.canonical: k for k in ALL_KEYS},
                                 str(BUDGET_WEIGHT_KEY.official): BUDGET_WEIGHT_KEY}
"""The labels the form prints (None: the project's name); any other spelling of a key is read too."""
_YEAR = re.compile(r"[（(]\s*(\d{4})\s*年度\s*[）)]")
_GOALS = re.compile(r"(\d{4}\s*年)?\s*绩效目标")
_TABLE_FIELDS = ("level1", "level2", "name", "target")
_HEADINGS = {h: f for headings in (COLUMN_HEADINGS, NATIONAL_COLUMN_HEADINGS) for h, f in zip(headings, _TABLE_FIELDS)}
_HEADINGS[YEAR_TARGET_HEADING] = "target"  # beside a 中期指标值 column
_SOURCES = (SOURCES_LABEL, SOURCES_LABEL.replace("：", ":"))
_FRAMEWORKS = [builtin(n) for n in builtin_names()]


def _span(file: str, row: int, column: int = 1) -> ast.Span:
    return ast.Span(file=file, line=row, column=column, end_line=row, end_column=column + 1)


def _text(value: Any) -> str:
    """A cell as the text it shows: whole numbers without `.0`, dates as ISO dates (with the time if any),
    invisible characters read as the text importer reads them."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(" ", "seconds" if value.second else "minutes")
    return seen(_lines(str(value))).strip()


def _lines(text: str) -> str:
    # a cell's line breaks may come as Windows writes them: one line break each, not a control character
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _line(value: Any) -> str:
    # Alt+Enter in Excel breaks a cell's line; a name or a word is one line, so the break reads as a space
    return " ".join(_text(value).split())


def _amount(value: Any, kind: str) -> Decimal | None:
    """A figure from a number cell or from text (`10,144,000`, `65万元`), within the bounds `.perf` files take."""
    if isinstance(value, bool):
        return None
    text = format(Decimal(repr(value)), "f") if isinstance(value, (int, float)) else _text(value)
    return values.money(text) if kind == "money" else values.number(text)


def _level1_like(text: str) -> bool:
    """A 一级 heading of some framework (投入与管理, 产出指标…): an indicator row, not a `label | value` row."""
    name = values.split_weight(text)[0]
    return any(fw.match_level1(name) is not None for fw in _FRAMEWORKS)


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
        self.sources: list[ast.Source] = []
        self.year: int | None = None
        self.name_at = (1, 1)
        """(row, column) of the cell that holds the project's name: where messages about the project point."""
        self.columns: dict[str, int] = {}
        """Field of the indicator table (level1, level2, name, target, attributes) -> its column."""
        self.national = _text(ws.cell(row=1, column=1).value) == NATIONAL_FORM_TITLE

    def value(self, row: int, column: int) -> Any:
        cell = self.ws.cell(row=row, column=column).value
        return self.covered.get((row, column)) if cell is None else cell

    def where(self, row: int, column: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.ws.title}!{get_column_letter(column)}{row}"

    def report(self, code: str, row: int, column: int, severity: Severity = Severity.error, key: str | None = None,
               **args: Any) -> None:
        self.diagnostics.append(diag(code, severity, _span(self.file, row, column), key,
                                     cell=self.where(row, column), **args))

    def guess(self) -> Severity:
        return Severity.error if self.strict else Severity.warning

    def read(self) -> ast.Spec | None:
        if _text(self.ws.cell(row=1, column=1).value) not in (FORM_TITLE, NATIONAL_FORM_TITLE):
            self.diagnostics.append(diag("I101", Severity.warning, _span(self.file, 1), sheet=self.ws.title))
            return None
        self._refused_characters()
        rows: list[tuple[int, dict[str, Any]]] = []
        for row in range(2, self.ws.max_row + 1):
            first = _line(self.ws.cell(row=row, column=1).value)
            if (m := _YEAR.fullmatch(first)) is not None:
                self.year = int(m.group(1))
            elif _HEADINGS.get(first) == "level1":
                rows = self._table(row)
                break
            elif _GOALS.fullmatch(first) and self._alone(row):
                continue  # the …年绩效目标 row above the column headings
            elif _level1_like(first):
                self._missing(row, _TABLE_FIELDS)  # indicator rows whose column headings were deleted
                break
            elif first and first not in (BUDGET_HEADING, NATIONAL_BUDGET_HEADING):
                self._pairs(row)
        return self._spec(rows)

    def _refused_characters(self) -> None:
        for row in self.ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    for key, _, args in refused_characters(_lines(cell.value)):
                        self.report("I008", cell.row, cell.column, key=f"I008.{key}", **args)

    def _alone(self, row: int) -> bool:
        return all(self.ws.cell(row=row, column=c).value is None for c in range(2, self.ws.max_column + 1))

    def _missing(self, row: int, fields: tuple[str, ...]) -> None:
        headings = NATIONAL_COLUMN_HEADINGS if self.national else COLUMN_HEADINGS
        names = [h for h, f in zip(headings, _TABLE_FIELDS) if f in fields]
        self.report("I105", row, 1, names=", ".join(names))

    def _pairs(self, row: int) -> None:
        column = 1
        while column <= self.ws.max_column:
            label = _line(self.ws.cell(row=row, column=column).value)
            value_column = column + 1
            column = self.merged_end.get((row, value_column), value_column) + 1
            if not label:
                continue
            key = LABELS[label] if label in LABELS else lookup_key(label)
            if label.startswith(_SOURCES) or (self.sources and key is None and label not in LABELS):
                # 其中：财政拨款, and the sources after it: where the year's funds come from
                self._source(label.removeprefix(_SOURCES[0]).removeprefix(_SOURCES[1]), row, value_column)
                continue
            if (label not in LABELS and key is None) or key in ATTRIBUTE_KEYS:
                self.report("I103", row, value_column - 1, self.guess(), text=label)
                continue
            self._field(key, self.ws.cell(row=row, column=value_column).value, row, value_column)

    def _source(self, name: str, row: int, column: int) -> None:
        raw = self.ws.cell(row=row, column=column).value
        amount = _amount(raw, "money")
        if amount is None or not name:
            self.report("I102", row, column, text=_text(raw))
            return
        self.sources.append(ast.Source(span=_span(self.file, row, column - 1), name=name, value=amount))

    def _field(self, key: Key | None, raw: Any, row: int, column: int) -> None:
        span = _span(self.file, row, column)
        if key is None:
            self.fields["name"] = _line(raw)
            self.name_at = (row, column)
            return
        node = self._node(key, raw, span)
        if node is None:
            self.report("I102", row, column, text=_text(raw))
        else:
            self.fields[key.field] = node

    def _node(self, key: Key, raw: Any, span: ast.Span) -> ast.Node | None:
        """The value of a cell as the node its key calls for, read as the parser reads a `.perf` value."""
        text = _line(raw)
        if key.kind == "text":
            paragraphs = tuple(" ".join(p.split()) for p in _text(raw).split("\n") if p.strip())
            if unwritable(paragraphs):
                self.report("I009", span.line, span.column, key="I009.cell")
                return ast.Text(span=span, blank_before=True, paragraphs=())
            return ast.Text(span=span, blank_before=True, paragraphs=paragraphs)
        if key.kind in ("money", "number"):
            amount = _amount(raw, key.kind)
            return None if amount is None else ast.Amount(span=span, value=amount)
        # a cell Excel keeps as a date or a truth value is one already; any other is read as a `.perf` value
        if key.kind == "date" and isinstance(raw, datetime.datetime):
            return ast.Day(span=span, value=raw.date())
        if key.kind == "flag" and isinstance(raw, bool):
            return ast.Flag(span=span, value=raw)
        if key.kind == "year" and isinstance(raw, int) and not isinstance(raw, bool):
            text = str(raw)
        read = values.read_value(key.kind, text, span) if text else None
        return None if read is None else read[0](span=span, **read[1])

    def _table(self, head: int) -> list[tuple[int, dict[str, Any]]]:
        """The indicator rows below the column headings `head`, each as (row, {field: value}); columns are found
        by their headings, so a heading spread over merged columns or a column moved or inserted in Excel is
        read as well."""
        for column in range(1, self.ws.max_column + 1):
            label = _line(self.ws.cell(row=head, column=column).value)
            if not label:
                continue  # the columns a merged heading covers, or an empty one
            key = LABELS.get(label) or lookup_key(label)
            field = _HEADINGS.get(label) or (key.field if key in ATTRIBUTE_KEYS else None)
            if field is None or field in self.columns:
                self.report("I103", head, column, self.guess(), text=label)
                continue
            self.columns[field] = column
        missing = tuple(f for f in _TABLE_FIELDS if f not in self.columns)
        if missing:
            self._missing(head, missing)
            return []
        rows = [(row, {f: self.value(row, c) for f, c in self.columns.items()})
                for row in range(head + 1, self.ws.max_row + 1)]
        return [(row, cells) for row, cells in rows if any(v is not None for v in cells.values())]

    def _indicator(self, row: int, cells: dict[str, Any]) -> ast.Indicator | None:
        name, target_text, target_column = _line(cells["name"]), _text(cells["target"]), self.columns["target"]
        if not target_text:
            self.report("I102", row, target_column, key="I102.no_target", text=name)
            return None
        target_text, basis = values.split_basis(target_text)  # `100%(历史标准)`: the 标准 after the value
        # a date cell would read as a number with a unit (2020 `-03-01`): no target is a date
        parsed = None if isinstance(cells["target"], datetime.datetime) else writable_target(target_text)
        if parsed is None:
            self.report("I102", row, target_column, text=target_text)
            return None
        attributes: dict[str, Any] = {}
        for key in ATTRIBUTE_KEYS:
            column = self.columns.get(key.field)
            if column is None or _text(cells[key.field]) == "":
                continue
            node = self._node(key, cells[key.field], _span(self.file, row, column))
            if node is None:
                self.report("I102", row, column, text=_text(cells[key.field]))
            else:
                attributes[key.field] = node
        if basis is not None and "standard" not in attributes:
            attributes["standard"] = ast.Word(span=_span(self.file, row, target_column), value=basis)
        return ast.Indicator(span=_span(self.file, row, self.columns["name"]), name=name,
                             target=values.make_target(parsed, _span(self.file, row, target_column)), **attributes)

    def _spec(self, rows: list[tuple[int, dict[str, Any]]]) -> ast.Spec:
        framework = _framework([(values.split_weight(_line(cells["level1"]))[0], _line(cells["level2"]))
                                for _, cells in rows])
        level1s: list[tuple[str, int, list[tuple[str, int, list[ast.Indicator]]]]] = []
        scores: dict[int, ast.Score] = {}
        for row, cells in rows:
            heading, level2, name = _line(cells["level1"]), _line(cells["level2"]), _line(cells["name"])
            if not name and _text(cells["target"]):
                self.report("I102", row, self.columns["name"], key="I102.no_name", text=_text(cells["target"]))
            # an empty 一级 or 二级 cell belongs to the heading above it, as a merged cell does
            if heading:
                heading, score, _ = values.split_weight(heading)  # 产出指标（50分）, as the forms print it
                known = framework.match_level1(heading)
                heading = known.name if known is not None else heading
                if not level1s or level1s[-1][0] != heading:
                    level1s.append((heading, row, []))
                    if score is not None:
                        scores[len(level1s) - 1] = ast.Score(span=_span(self.file, row, self.columns["level1"]),
                                                             **score)
            elif not level1s:
                self.report("I102", row, self.columns["level1"], key="I102.no_level1", text=name or level2)
                continue
            sections = level1s[-1][2]
            # a merged 二级 cell, or the same name typed on every row, is one 二级
            if level2 and (not sections or sections[-1][0] != level2):
                sections.append((level2, row, []))
            if not name:
                continue
            if not sections:
                self.report("I102", row, self.columns["level2"], key="I102.no_level2", text=name)
            elif (indicator := self._indicator(row, cells)) is not None:
                sections[-1][2].append(indicator)
        tree = tuple(ast.Level1(span=_span(self.file, r), blank_before=True, name=n, weight=scores.get(i), sections=tuple(
            ast.Level2(span=_span(self.file, r2), name=n2, indicators=tuple(inds)) for n2, r2, inds in l2s))
            for i, (n, r, l2s) in enumerate(level1s))
        return self._assemble(tree, framework)

    def _assemble(self, tree: tuple[ast.Level1, ...], framework: Framework) -> ast.Spec:
        fields: dict[str, Any] = dict(self.fields)
        name = str(fields.pop("name", ""))
        unit = fields.pop("unit", None)
        budget_fields = {k.field: fields.pop(k.field) for k in (*BUDGET_KEYS, BUDGET_WEIGHT_KEY) if k.field in fields}
        if self.sources:
            budget_fields["sources"] = ast.Sources(span=self.sources[0].span, items=tuple(self.sources))
        if budget_fields:
            first = min(n.span.line for n in budget_fields.values() if isinstance(n, ast.Node))
            fields["budget"] = ast.Budget(span=_span(self.file, first), blank_before=True, **budget_fields)
        if framework.name != DEFAULT_FRAMEWORK:
            fields["framework"] = ast.Word(span=_span(self.file, 1), value=framework.name)
        project = ast.Project(span=_span(self.file, *self.name_at), name=name, sections=tree, **fields)
        year = ast.Year(span=_span(self.file, 2), value=self.year) if self.year else None
        return ast.Spec(file=self.file, unit=unit, year=year, framework=None, projects=(project,),
                        end_comments=())


def _framework(cells: list[tuple[str, str]]) -> Framework:
    names = list(dict.fromkeys(h for h, _ in cells if h))
    # The 二级 too: national-2021 and shanghai-2025 share their 一级 and differ in the 二级 of 成本指标. An
    # empty 一级 cell is the one above it, as a merged cell is.
    tree: dict[str, list[str]] = {}
    heading = ""
    for cell, level2 in cells:
        heading = cell or heading
        if heading and level2:
            tree.setdefault(heading, []).append(level2)
    return best_fit(names, _FRAMEWORKS, level2=tree) or builtin(DEFAULT_FRAMEWORK)


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
        try:
            spec = reader.read()
        except Exception as e:  # a bug: one sheet is refused with a message, the others are still read
            diagnostics.append(diag("X005", Severity.error, _span(file, 1), place=f"{file}:{ws.title}",
                                    reason=f"{type(e).__name__}: {e}"))
            continue
        if spec is not None:
            sheets.append((reader.where(*reader.name_at), spec))
    if not sheets:
        diagnostics.append(diag("I005", Severity.error, _span(file, 1)))
    return sheets, diagnostics


def import_workbook(data: bytes, file: str, strict: bool = False) -> tuple[list[ast.Spec], list[Diagnostic]]:
    """Read every form of a workbook: one Spec per sheet (project), 单位 and 年度 at file level."""
    sheets, diagnostics = read_workbook(data, file, strict)
    return [spec for _, spec in sheets], diagnostics
