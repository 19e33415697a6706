"""`perfdsl import` on one invented national table in every format and layout real tables reach people in
(../LAYOUTS §6): a workbook made by openpyxl (.xlsx) and by xlwt (.xls), an OpenDocument sheet made by
odfpy, a Word document made by python-docx, a web page with rowspan/colspan, the PDF Chromium prints of that
page, and the text a user pastes (tab-separated, `|`-separated with merged cells left out). Each must give
the same `.perf` file, which checks clean: every indicator and its target, the header fields, the money in
万元 and its sources, the 一级 weights, the direction and unit columns folded into the targets."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Callable

import pytest

from perfdsl.syntax.parser import parse
from perfdsl.syntax.values import write_target
from tests.browser import browser  # noqa: F401  (fixture)
from tests.conftest import run_cli

# (row, column, text, rows, columns): the table as a clerk lays it out, merged cells with their extent
CELLS: list[tuple[int, int, str, int, int]] = [
    (1, 1, "附件2", 1, 1),
    (2, 1, "项目支出绩效目标表", 1, 7),
    (3, 1, "（2024年度）", 1, 7),
    (4, 1, "金额单位：万元", 1, 7),
    (5, 1, "项目名称", 1, 1), (5, 2, "乡村道路养护", 1, 3), (5, 5, "主管部门及编码", 1, 1),
    (5, 6, "101-示范县交通运输局", 1, 2),
    (6, 1, "实施单位", 1, 1), (6, 2, "示范县公路事务中心", 1, 3), (6, 5, "项目属性", 1, 1), (6, 6, "延续", 1, 2),
    (7, 1, "年度资金总额", 1, 1), (7, 2, "120", 1, 3), (7, 5, "其中：财政拨款", 1, 1), (7, 6, "100", 1, 2),
    (8, 1, "其他资金", 1, 1), (8, 2, "20", 1, 3),
    (9, 1, "总体目标", 1, 1), (9, 2, "完成县乡道路日常养护120公里，路面优良率不低于90%。", 1, 6),
    (10, 1, "一级指标", 1, 1), (10, 2, "二级指标", 1, 1), (10, 3, "三级指标", 1, 1), (10, 4, "指标方向", 1, 1),
    (10, 5, "指标值", 1, 1), (10, 6, "计量单位", 1, 1), (10, 7, "分值", 1, 1),
    (11, 1, "产出指标(50分)", 3, 1), (11, 2, "数量指标", 2, 1), (11, 3, "养护里程", 1, 1),
    (11, 4, "大于等于", 1, 1), (11, 5, "120", 1, 1), (11, 6, "公里", 1, 1), (11, 7, "20", 1, 1),
    (12, 3, "桥梁巡查次数", 1, 1), (12, 4, "大于等于", 1, 1), (12, 5, "4", 1, 1), (12, 6, "次", 1, 1),
    (12, 7, "10", 1, 1),
    (13, 2, "质量指标", 1, 1), (13, 3, "路面优良率", 1, 1), (13, 4, "大于等于", 1, 1), (13, 5, "90", 1, 1),
    (13, 6, "%", 1, 1), (13, 7, "20", 1, 1),
    (14, 1, "成本指标(20分)", 1, 1), (14, 2, "经济成本指标", 1, 1), (14, 3, "每公里养护成本", 1, 1),
    (14, 4, "小于等于", 1, 1), (14, 5, "1", 1, 1), (14, 6, "万元", 1, 1), (14, 7, "20", 1, 1),
    (15, 1, "效益指标(20分)", 1, 1), (15, 2, "社会效益指标", 1, 1), (15, 3, "群众出行条件", 1, 1),
    (15, 5, "有效提升", 1, 1), (15, 7, "20", 1, 1),
    (16, 1, "满意度指标(10分)", 1, 1), (16, 2, "服务对象满意度指标", 1, 1), (16, 3, "沿线群众满意度", 1, 1),
    (16, 4, "大于等于", 1, 1), (16, 5, "90", 1, 1), (16, 6, "%", 1, 1), (16, 7, "10", 1, 1),
    (17, 1, "填表人", 1, 1), (17, 2, "李四", 1, 3), (17, 5, "填报日期", 1, 1), (17, 6, "2024-01-15", 1, 2),
]
Cells = list[tuple[int, int, str, int, int]]
TARGETS = {"养护里程": ">=120公里", "桥梁巡查次数": ">=4次", "路面优良率": ">=90%", "每公里养护成本": "<=1万元",
           "群众出行条件": "有效提升", "沿线群众满意度": ">=90%"}


# The writers below lay out any table of this shape: four lines above the grid (附件, title, year, money unit),
# which a Word document and a web page give as paragraphs.
PREAMBLE = 4


def extent(cells: Cells) -> tuple[int, int]:
    return max(r + rows - 1 for r, _, _, rows, _ in cells), max(c + cols - 1 for _, c, _, _, cols in cells)


def covered(cells: Cells = CELLS) -> set[tuple[int, int]]:
    return {(r + i, c + j) for r, c, _, rows, cols in cells for i in range(rows) for j in range(cols) if i or j}


def xlsx_file(cells: Cells = CELLS) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "目标表"
    for r, c, text, rows, cols in cells:
        ws.cell(row=r, column=c, value=text)
        if rows > 1 or cols > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + rows - 1, end_column=c + cols - 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xls_file(cells: Cells = CELLS) -> bytes:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("目标表")
    for r, c, text, rows, cols in cells:
        if rows > 1 or cols > 1:
            sheet.write_merge(r - 1, r + rows - 2, c - 1, c + cols - 2, text)
        else:
            sheet.write(r - 1, c - 1, text)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_file(cells: Cells = CELLS) -> bytes:
    pytest.importorskip("odf")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="目标表")
    at = {(r, c): (text, rows, cols) for r, c, text, rows, cols in cells}
    hidden = covered(cells)
    height, width = extent(cells)
    for r in range(1, height + 1):
        row = TableRow()
        for c in range(1, width + 1):
            if (r, c) in hidden:
                row.addElement(CoveredTableCell())
            elif (r, c) in at:
                text, rows, cols = at[(r, c)]
                cell = TableCell(valuetype="string", numberrowsspanned=rows, numbercolumnsspanned=cols)
                cell.addElement(P(text=text))
                row.addElement(cell)
            else:
                row.addElement(TableCell())
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_file(cells: Cells = CELLS) -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    above = [cell for cell in cells if cell[0] <= PREAMBLE]
    for _, _, text, _, _ in above:
        document.add_paragraph(text)
    first = PREAMBLE + 1
    height, width = extent(cells)
    table = document.add_table(rows=height - first + 1, cols=width)
    for r, c, text, rows, cols in cells:
        if r < first:
            continue
        cell = table.cell(r - first, c - 1)
        if rows > 1 or cols > 1:
            cell = cell.merge(table.cell(r - first + rows - 1, c + cols - 2))
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def html_page(cells: Cells = CELLS) -> str:
    at = {(r, c): (text, rows, cols) for r, c, text, rows, cols in cells}
    hidden = covered(cells)
    height, width = extent(cells)
    body = []
    for r in range(1, PREAMBLE + 1):
        body.append(f"<p>{at[(r, 1)][0]}</p>")
    body.append("<table>")
    for r in range(PREAMBLE + 1, height + 1):
        tds = []
        for c in range(1, width + 1):
            if (r, c) in hidden:
                continue
            text, rows, cols = at.get((r, c), ("", 1, 1))
            tds.append(f'<td rowspan="{rows}" colspan="{cols}">{text}</td>')
        body.append("<tr>" + "".join(tds) + "</tr>")
    body.append("</table>")
    style = ("<style>body{font-family:'WenQuanYi Zen Hei','Noto Sans CJK SC',sans-serif;font-size:11px}"
             "table{border-collapse:collapse}td{border:1px solid black;padding:2px}</style>")
    return f'<html><head><meta charset="utf-8">{style}</head><body>{"".join(body)}</body></html>'


def pasted(separator: str, omit_merged: bool, cells: Cells = CELLS, outer: bool = False) -> str:
    """What a user pastes: a row per line; merged cells are empty (tabs, as Excel copies them) or left out
    of the continuation rows (`|`); `outer` pipes around each row, as Markdown writes them (which a row that
    ends in an empty cell needs)."""
    at = {(r, c): text for r, c, text, _, _ in cells}
    hidden = covered(cells)
    height, width = extent(cells)
    lines = []
    for r in range(1, height + 1):
        if r <= PREAMBLE:
            lines.append(at[(r, 1)])
            continue
        # the copied range's empty cells at a row's end are kept: a table's rows keep its columns
        row = [at.get((r, c), "") for c in range(1, width + 1) if not (omit_merged and (r, c) in hidden)]
        lines.append(f"| {separator.join(row)} |" if outer else separator.join(row))
    return "\n".join(lines) + "\n"


def unmarked(shape: str, cells: Cells = CELLS) -> str:
    """What a copy out of a PDF or a Word file gives, with nothing marking the cells: a row per line with
    single spaces between the cells (a long cell broken over the next line), a cell per line (some ending in
    ` |`), or one run of text. Merged cells are left out of the rows they cover."""
    at = {(r, c): text for r, c, text, _, _ in cells}
    hidden = covered(cells)
    height, width = extent(cells)
    rows = [[at[(r, c)] for c in range(1, width + 1) if (r, c) in at and (r, c) not in hidden]
            for r in range(1, height + 1)]
    if shape == "spaces":
        lines = [" ".join(row) for row in rows]
        # the 定性 row's target cell, 有效提升, broken over two lines as a narrow column prints it
        # the 定性 row's target, 有效提升, broken in its narrow column: its second line comes after the row
        lines = [line.replace("群众出行条件 有效提升 20", "群众出行条件 有效 20\n提升") for line in lines]
        return "\n".join(lines) + "\n"
    flat = [cell for row in rows for cell in row]
    if shape == "cells":
        return "\n".join(cell + (" |" if i % 3 == 0 else "") for i, cell in enumerate(flat)) + "\n"
    return "".join(flat) + "\n"


FORMATS: dict[str, Callable[[], bytes]] = {
    "xlsx": xlsx_file,
    "xls": xls_file,
    "ods": ods_file,
    "docx": docx_file,
    "html": lambda: html_page().encode("utf-8"),
    "tabs.txt": lambda: pasted("\t", False).encode("utf-8"),
    "pipes.txt": lambda: pasted(" | ", True).encode("utf-8"),
    "spaces.txt": lambda: unmarked("spaces").encode("utf-8"),
    "cells.txt": lambda: unmarked("cells").encode("utf-8"),
    "run.txt": lambda: unmarked("run").encode("utf-8"),
}
GOLDEN = Path("tests/import/formats/乡村道路养护.perf")


def imported(capsys: Any, tmp_path: Path, name: str, data: bytes, *options: str) -> tuple[int, str, str]:
    source = tmp_path / f"表.{name}"
    source.write_bytes(data)
    code, stdout, stderr = run_cli(capsys, "--lang", "en", "import", *options, str(source),
                                   "-o", str(tmp_path / "out"))
    written = tmp_path / "out" / "乡村道路养护.perf"
    return code, stdout + stderr, written.read_text(encoding="utf-8") if written.exists() else ""


def check_clean(capsys: Any, tmp_path: Path) -> None:
    code, stdout, _ = run_cli(capsys, "--lang", "en", "check", str(tmp_path / "out" / "乡村道路养护.perf"))
    assert code == 0 and "warning" not in stdout and "error" not in stdout, stdout


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_format_gives_the_same_spec(capsys, tmp_path: Path, golden, name: str) -> None:
    pytest.importorskip({"xls": "python_calamine", "ods": "python_calamine", "docx": "docx", "html": "lxml"}
                        .get(name, "openpyxl"))
    code, said, text = imported(capsys, tmp_path, name, FORMATS[name]())
    assert code == 0, said
    golden(GOLDEN, text)
    check_clean(capsys, tmp_path)
    spec, diags = parse(text, "x.perf")
    indicators = [i for l1 in spec.projects[0].sections for l2 in l1.sections for i in l2.indicators]
    assert diags == [] and [i.name for i in indicators] == list(TARGETS)


def test_the_pdf_chromium_prints_of_the_page(capsys, tmp_path: Path, golden, browser) -> None:  # noqa: F811
    pytest.importorskip("pdfplumber")
    page = browser.new_page()
    try:
        page.set_content(html_page())
        data = page.pdf()
    finally:
        page.close()
    code, said, text = imported(capsys, tmp_path, "pdf", data)
    assert code == 0, said
    golden(GOLDEN, text)
    check_clean(capsys, tmp_path)


def test_the_report_names_the_column_of_every_field(capsys, tmp_path: Path) -> None:
    code, said, _ = imported(capsys, tmp_path, "xlsx", xlsx_file(), "--report")
    assert code == 0, said
    columns = [line.split(": ", 1)[1] for line in said.splitlines() if "column `" in line]
    assert columns == ["column `一级指标` -> level1", "column `二级指标` -> level2", "column `三级指标` -> name",
                       "column `指标方向` -> direction", "column `指标值` -> target", "column `计量单位` -> measure",
                       "column `分值` -> weight"]
    assert f"{tmp_path / '表.xlsx'}:目标表!B5: project `乡村道路养护`, 6 indicators read" in said


def test_a_heading_of_ones_own_system_is_read_with_a_mapping_file(capsys, tmp_path: Path) -> None:
    text = pasted("\t", False).replace("指标值\t", "预期绩效\t")
    code, said, _ = imported(capsys, tmp_path, "txt", text.encode("utf-8"))
    assert code == 1 and "I105" in said  # no target column without the mapping: the project is not written
    mapping = tmp_path / "headings.toml"
    mapping.write_text('[columns]\ntarget = ["预期绩效"]\n', encoding="utf-8")
    code, said, written = imported(capsys, tmp_path, "txt", text.encode("utf-8"), "--mapping", str(mapping))
    assert code == 0, said
    assert written == GOLDEN.read_text(encoding="utf-8")


def test_one_project_that_fails_does_not_keep_the_other_out(capsys, tmp_path: Path) -> None:
    good = pasted("\t", False)
    bad = good.replace("乡村道路养护", "桥梁检测").replace("有效提升", '"有效"提升')  # no .perf target holds it
    code, said, written = imported(capsys, tmp_path, "txt", (good + bad).encode("utf-8"))
    assert code == 1
    assert written == GOLDEN.read_text(encoding="utf-8")
    assert not (tmp_path / "out" / "桥梁检测.perf").exists()
    assert "I102" in said and "群众出行条件" in said


def test_a_table_with_no_indicator_is_an_error_never_an_empty_project(capsys, tmp_path: Path) -> None:
    """The silent loss the first trials met: a one-line table came out as `项目 "" { }` with exit 0."""
    for text in ("项目支出绩效目标表\n", "项目支出绩效目标表 项目名称：乡村道路养护\n",
                 "项目支出绩效目标表\n项目名称\t乡村道路养护\t\t\n一级指标\t二级指标\t三级指标\t指标值\n"):
        code, said, _ = imported(capsys, tmp_path, "txt", text.encode("utf-8"))
        assert code == 1 and not (tmp_path / "out").exists(), said
        assert "error" in said


def test_a_second_tree_beside_the_first_gives_the_indicator_its_second_target() -> None:
    """Forms that print the 长期 and the 年度 tree side by side (here without 二级 columns of their own):
    with no row above saying which is which, the second is the year's, and that guess is said."""
    from perfdsl.importers.grid import Grid
    from perfdsl.importers.tables import interpret

    grid = Grid(name="s", rows=[["项目支出绩效目标表"], ["项目名称", "甲"],
                                ["一级指标", "二级指标", "三级指标", "指标值", "三级指标", "指标值"],
                                ["产出指标", "数量指标", "养护里程", ">=120公里", "养护里程", ">=240公里"]])
    imported, diagnostics, _ = interpret([grid], "x.xlsx", strict=True)
    said = [(d.code, d.severity.value, d.args["cell"]) for d in diagnostics + imported[0].diagnostics]
    assert said == [("I154", "error", "s!E3")]  # a guess: an error with --strict
    (indicator,) = imported[0].spec.projects[0].sections[0].sections[0].indicators
    assert indicator.midterm is not None
    assert (write_target(indicator.target), write_target(indicator.midterm.target)) == (">= 240公里", ">= 120公里")


def test_a_title_sharing_its_line_and_two_tables_of_two_years_in_one_grid() -> None:
    """LAYOUTS §1: the title may share its line with what follows; each table keeps its own year."""
    from perfdsl.importers.grid import Grid
    from perfdsl.importers.tables import interpret

    rows: list[list[Any]] = []
    for year, name in ((2023, "甲"), (2024, "乙")):
        rows += [[f"项目支出绩效目标表（{year}年度）项目名称：{name} 项目 主管部门：示范局"],
                 ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "养护里程", ">=120公里"]]
    imported, diagnostics, _ = interpret([Grid(name="s", rows=rows)], "x.xlsx")
    assert diagnostics == [] and [d for one in imported for d in one.diagnostics] == []
    read = [(one.spec.year.value if one.spec.year else None, one.spec.projects[0].name,
             one.spec.projects[0].department.value if one.spec.projects[0].department else None) for one in imported]
    assert read == [(2023, "甲 项目", "示范局"), (2024, "乙 项目", "示范局")]
