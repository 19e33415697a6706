"""Two indicator trees side by side (实施期 and 年度: 二级, 三级, 指标值 twice): one indicator with two
targets, the 实施期 one as its 中期指标值."""

from __future__ import annotations

import io

import pytest

from perfdsl.diagnostics import Severity
from perfdsl.importers.documents import read_document
from perfdsl.syntax.values import write_target

openpyxl = pytest.importorskip("openpyxl")

TOP = [["项目支出绩效目标表"], ["（2025年度）"], ["项目名称", "农田灌溉改造", None, "实施单位", "示范县水利站"],
       ["总体目标", "三年完成全县农田灌溉渠系改造。"]]
HEADINGS = ["一级指标", "二级指标", "三级指标", "指标值", "二级指标", "三级指标", "指标值"]
ROWS = [["产出指标", "数量指标", "改造渠系长度", ">=300公里", "数量指标", "改造渠系长度", ">=100公里"],
        [None, "质量指标", "工程验收合格率", "100%", "质量指标", "工程验收合格率", "100%"],
        ["效益指标", "社会效益指标", "受益农户", ">=5000户", "社会效益指标", "受益农户", ">=2000户"]]


def workbook(rows: list[list[object]], merges: tuple[str, ...] = ()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _read(data: bytes) -> tuple[dict[str, tuple[str, str | None]], list[tuple[str, str, Severity]]]:
    read = read_document(data, "表.xlsx")
    (one,) = read.imported
    indicators = [i for l1 in one.spec.projects[0].sections for l2 in l1.sections for i in l2.indicators]
    said = [(d.code, d.args.get("cell", ""), d.severity) for d in [*read.diagnostics, *one.diagnostics]]
    return {i.name: (write_target(i.target), write_target(i.midterm.target) if i.midterm else None)
            for i in indicators}, said


def test_the_row_above_the_headings_says_which_tree_is_the_years() -> None:
    group = ["一级指标", "实施期目标", None, None, "年度目标", None, None]
    data = workbook([*TOP, group, [None, *HEADINGS[1:]], *ROWS],
                    merges=("A5:A6", "B5:D5", "E5:G5"))
    got, said = _read(data)
    assert got == {"改造渠系长度": (">= 100公里", ">= 300公里"), "工程验收合格率": ("100%", "100%"),
                   "受益农户": (">= 2000户", ">= 5000户")}
    assert not [s for s in said if s[2] is Severity.error] and not [s for s in said if s[0] == "I103"], said


def test_without_that_row_the_second_tree_is_taken_for_the_years_and_said() -> None:
    got, said = _read(workbook([*TOP, HEADINGS, *ROWS]))
    assert got["改造渠系长度"] == (">= 100公里", ">= 300公里")
    assert ("I154", "Sheet!F5", Severity.warning) in said


def test_an_indicator_named_otherwise_in_the_other_tree_is_said() -> None:
    rows = [[*ROWS[0][:2], "渠系改造长度", *ROWS[0][3:]], *ROWS[1:]]
    got, said = _read(workbook([*TOP, HEADINGS, *rows]))
    assert got["改造渠系长度"] == (">= 100公里", ">= 300公里")
    assert ("I155", "Sheet!C6", Severity.warning) in said


def test_the_group_row_may_repeat_the_headings_it_shares_unmerged() -> None:
    group = ["一级指标", "实施期目标", None, None, "年度目标", None, None]
    got, said = _read(workbook([*TOP, group, HEADINGS, *ROWS], merges=("B5:D5", "E5:G5")))
    assert got["受益农户"] == (">= 2000户", ">= 5000户")
    assert said == []
