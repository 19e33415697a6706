"""Workbooks as people edit them in Excel: every problem is a diagnostic naming the sheet, row and column
(`book.xlsx:审判辅助人员经费!C7`), never a traceback."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any, Callable

import pytest

openpyxl = pytest.importorskip("openpyxl", reason="the xlsx extra: pip install '.[test]'")

from perfdsl import ast  # noqa: E402
from perfdsl.backends.xlsx import workbook  # noqa: E402
from perfdsl.diagnostics import Diagnostic  # noqa: E402
from perfdsl.syntax.loader import load_file  # noqa: E402
from perfdsl.importers.xlsx import import_workbook  # noqa: E402
from tests.conftest import ROOT, run_cli  # noqa: E402
from tests.import_mutations import delete  # noqa: E402  (deleting rows and columns as Excel does)

SHEET = "审判辅助人员经费"
_SPEC = load_file(str(ROOT / "specs" / "2020" / f"{SHEET}.perf")).spec


def seed_book() -> Any:
    return openpyxl.load_workbook(io.BytesIO(workbook(_SPEC)))


def saved(wb: Any) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def find(ws: Any, value: str) -> Any:
    return next(c for row in ws.iter_rows() for c in row if c.value == value)


def imported(wb: Any) -> tuple[list[ast.Spec], list[Diagnostic]]:
    return import_workbook(saved(wb), "book.xlsx")


def messages(diags: list[Diagnostic]) -> list[str]:
    return [f"{d.code} {d.message('en')}" for d in diags]


def errors(diags: list[Diagnostic]) -> list[str]:
    return [f"{d.code} {d.message('en')}" for d in diags if d.severity.value == "error"]


def test_a_workbook_of_two_columns() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in (["财政项目支出绩效目标表"], ["项目名称", "测试"], ["2020年绩效目标"], ["一级目标", "二级目标"],
                ["产出", "数量"]):
        ws.append(row)
    specs, diags = imported(wb)
    assert errors(diags) == ["I105 Sheet1!A4: the indicator table lacks the columns 三级目标, 指标目标值; "
                             "its rows are not imported"]


def test_the_name_column_deleted() -> None:
    wb = seed_book()
    delete(wb.worksheets[0], cols=(3, 1))
    _, diags = imported(wb)
    assert errors(diags) == [f"I105 {SHEET}!A17: the indicator table lacks the columns 三级目标; its rows are "
                             "not imported"]


def test_the_target_and_the_next_column_deleted() -> None:
    wb = seed_book()
    delete(wb.worksheets[0], cols=(4, 2))
    _, diags = imported(wb)
    assert errors(diags) == [f"I105 {SHEET}!A17: the indicator table lacks the columns 指标目标值; its rows are "
                             "not imported"]


def test_the_column_headings_deleted() -> None:
    wb = seed_book()
    ws = wb.worksheets[0]
    delete(ws, rows=(find(ws, "一级目标").row, 1))
    _, diags = imported(wb)
    assert errors(diags) == [f"I105 {SHEET}!A17: the indicator table lacks the columns 一级目标, 二级目标, "
                             "三级目标, 指标目标值; its rows are not imported"]


def test_the_goals_row_and_the_headings_deleted() -> None:
    """Indicator rows with nothing above them are not header fields with unknown labels."""
    wb = seed_book()
    ws = wb.worksheets[0]
    delete(ws, rows=(find(ws, "2020年绩效目标").row, 2))
    _, diags = imported(wb)
    assert errors(diags) == [f"I105 {SHEET}!A16: the indicator table lacks the columns 一级目标, 二级目标, "
                             "三级目标, 指标目标值; its rows are not imported"]


def test_the_goals_row_unmerged_is_still_the_table() -> None:
    wb = seed_book()
    ws = wb.worksheets[0]
    goals = find(ws, "2020年绩效目标")
    ws.unmerge_cells(f"A{goals.row}:E{goals.row}")
    (spec,), diags = imported(wb)
    assert diags == [] and ast.same(spec.projects[0], _SPEC.projects[0])


def test_rows_deleted_inside_the_header() -> None:
    wb = seed_book()
    delete(wb.worksheets[0], rows=(5, 3))
    (spec,), diags = imported(wb)
    assert errors(diags) == []
    assert spec.projects[0].start is None and spec.projects[0].overview is None
    assert ast.same(spec.projects[0].sections, _SPEC.projects[0].sections)  # type: ignore[arg-type]


def test_a_blank_target_and_a_blank_name() -> None:
    wb = seed_book()
    ws = wb.worksheets[0]
    find(ws, "支付及时率").offset(column=2).value = None
    find(ws, "预算执行率").value = None
    (spec,), diags = imported(wb)
    assert errors(diags) == [f"I102 the cell {SHEET}!C18 is empty: it should hold the name of the indicator "
                             "whose target is `=100%`"]
    # a blank target is one not filled in yet (as build prints `?`): a warning here, C413 in check
    assert [d.message("en") for d in diags if d.severity.value == "warning"] == [
        f"the cell {SHEET}!E19 is empty: the target of `支付及时率` is read as not filled in yet (?)"]
    kinds = {i.name: i.target.kind for i in spec.projects[0].sections[0].sections[0].indicators}
    assert kinds["支付及时率"] == "pending"


def test_numbers_and_dates_where_text_is_expected() -> None:
    wb = seed_book()
    ws = wb.worksheets[0]
    find(ws, SHEET).value = 2020  # the project's name
    find(ws, "预算执行率").value = 12.5  # an indicator's name
    find(ws, "支付及时率").offset(column=2).value = datetime.datetime(2020, 3, 1)  # a target
    find(ws, "其他一次性项目").value = datetime.datetime(2020, 3, 1, 12, 30)  # 项目类别
    (spec,), diags = imported(wb)
    assert errors(diags) == []
    project = spec.projects[0]
    # a date cell in the target column is a deadline: on or before that day
    assert project.sections[0].sections[0].indicators[1].target.kind == "deadline"
    assert project.name == "2020" and project.category is not None
    assert project.category.value == "2020-03-01 12:30"
    assert project.sections[0].sections[0].indicators[0].name == "12.5"


def test_text_where_a_number_or_date_is_expected() -> None:
    wb = seed_book()
    ws = wb.worksheets[0]
    find(ws, "项目总预算（元）").offset(column=1).value = "很多"
    find(ws, "计划开始日期").offset(column=1).value = "明年"
    find(ws, "是否含有政府购买服务").offset(column=1).value = True
    _, diags = imported(wb)
    assert errors(diags) == [f"I102 cannot read the cell {SHEET}!B5: `明年`",
                             f"I102 cannot read the cell {SHEET}!B14: `很多`"]


def test_cells_merged_across_the_table() -> None:
    wb = seed_book()
    ws = wb.worksheets[0]
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row >= 18:
            ws.unmerge_cells(str(rng))
    ws.merge_cells("A20:E30")
    specs, diags = imported(wb)
    assert len(specs) == 1 and all(re.search(rf"{SHEET}!\w+\d", m) for m in errors(diags))


def test_a_multi_line_name_is_one_line() -> None:
    wb = seed_book()
    ws = wb.worksheets[0]
    find(ws, SHEET).value = "审判辅助\n人员经费"
    find(ws, "预算执行率").value = "预算\n执行率"
    (spec,), diags = imported(wb)
    # a break between CJK characters is where the cell wrapped: nothing stands there (a space between Latin)
    assert diags == [] and spec.projects[0].name == "审判辅助人员经费"
    assert spec.projects[0].sections[0].sections[0].indicators[0].name == "预算执行率"


@pytest.mark.parametrize("edit", [
    lambda wb: wb.worksheets[0].delete_rows(1, wb.worksheets[0].max_row),
    lambda wb: wb.create_sheet("空白", 0),
    lambda wb: wb.worksheets[0].insert_rows(1),
], ids=["emptied", "empty_first_sheet", "title_moved_down"])
def test_sheets_that_are_not_forms(edit: Callable[[Any], Any]) -> None:
    wb = seed_book()
    edit(wb)
    specs, diags = imported(wb)
    assert all(d.code in ("I101", "I005") for d in diags)


def test_the_command_names_the_cell_and_writes_nothing(capsys, tmp_path: Path) -> None:
    wb = seed_book()
    delete(wb.worksheets[0], cols=(3, 1))
    book = tmp_path / "book.xlsx"
    wb.save(book)
    code, stdout, _ = run_cli(capsys, "--lang", "en", "import", str(book), "-o", str(tmp_path / "out"))
    assert code == 1 and not (tmp_path / "out").exists()
    assert stdout.startswith(f"{book}:17:1: error[I105]: {SHEET}!A17: the indicator table lacks")


def test_invisible_characters_in_cells_are_read_as_seen() -> None:
    wb = seed_book()
    ws = wb.worksheets[0]
    find(ws, "预算执行率").value = "预算\u200b执行率"
    find(ws, "其他一次性项目").value = "其他\u00a0一次性项目\ufeff"
    (spec,), diags = imported(wb)
    assert diags == []
    project = spec.projects[0]
    assert project.sections[0].sections[0].indicators[0].name == "预算执行率"
    assert project.category is not None and project.category.value == "其他 一次性项目"


def test_direction_controls_in_a_cell_are_an_error_naming_it() -> None:
    wb = seed_book()
    find(wb.worksheets[0], "预算执行率").value = "预算\u202e执行率"
    _, diags = imported(wb)
    assert errors(diags) == [f"I008 the cell {SHEET}!C18 holds invisible direction control characters (U+202E "
                             "RIGHT-TO-LEFT OVERRIDE): it displays in another order than it is written in"]


def test_prose_a_perf_file_cannot_hold_is_an_error_naming_its_cell() -> None:
    wb = seed_book()
    find(wb.worksheets[0], "立项依据").offset(column=1).value = '第一段"""\n第二段'
    _, diags = imported(wb)
    assert errors(diags) == [f'I009 the text in {SHEET}!B8 holds three quotes in a row ("""), which a .perf text '
                             "block cannot hold; change them (to “” for example)"]


def test_a_bug_in_one_sheet_is_a_diagnostic_and_the_others_are_read(monkeypatch) -> None:
    from perfdsl.importers import xlsx as xlsx_import

    wb = seed_book()
    wb.copy_worksheet(wb.worksheets[0]).title = "copy"
    from perfdsl.importers import tables

    real = tables.GridReader.read

    def failing(self):  # type: ignore[no-untyped-def]
        if self.grid.name == "copy":
            raise RuntimeError("boom")
        return real(self)

    monkeypatch.setattr(tables.GridReader, "read", failing)
    specs, diags = imported(wb)
    assert len(specs) == 1 and messages(diags) == [
        "X005 internal error: book.xlsx:copy could not be imported (RuntimeError: boom); please report it"]


@pytest.mark.parametrize("target", ["健全#", "很 好", '"健全"', "≥100＃%"])  # "=…" would be a formula
def test_a_target_a_perf_file_cannot_hold_is_refused_naming_its_cell(target: str) -> None:
    wb = seed_book()
    find(wb.worksheets[0], "财务管理制度健全性").offset(column=2).value = target
    _, diags = imported(wb)
    assert errors(diags) == [f"I102 cannot read the cell {SHEET}!E21: `{target}`"]


def test_control_characters_in_a_cell_are_an_error_naming_it() -> None:
    wb = seed_book()
    ws = wb.worksheets[0]
    find(ws, "预算执行率").value = "预算\x85执行率"  # NEL (C1): openpyxl refuses C0 controls, not these
    find(ws, "立项依据").offset(column=1).value = "第一段\r\n第二段"  # a Windows line break is no control
    (spec,), diags = imported(wb)
    assert errors(diags) == [f"I008 the cell {SHEET}!C18 holds control characters (U+0085): a table cannot "
                             "hold them"]
    assert spec.projects[0].basis is not None and spec.projects[0].basis.paragraphs == ("第一段", "第二段")
