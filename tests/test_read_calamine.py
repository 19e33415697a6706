"""Reading .xls and .ods workbooks into grids, and telling formats apart by their bytes.

Every file is made here by the library people's software uses to write that format (xlwt for .xls, odfpy
for .ods, openpyxl, python-docx), laid out like the national 项目支出绩效目标表 for an invented project.
"""

from __future__ import annotations

import datetime
import io
import random
import sys
import zipfile
from typing import Any

import pytest

from perfdsl.importers.calamine import read_spreadsheet
from perfdsl.importers.sniff import sniff

python_calamine = pytest.importorskip("python_calamine")
xlwt = pytest.importorskip("xlwt")

TITLE = "项目支出绩效目标表（2024年度）"
PROJECT = "示例县河道清淤工程"
DEADLINE = datetime.date(2024, 11, 30)

# The rows both workbooks show, as a grid: the title merged over A1:D1, the project's name over B2:D2,
# 产出指标 down A5:A7.
FORM = [
    [TITLE, None, None, None],
    ["项目名称", PROJECT, None, None],
    ["资金总额（万元）", 86.5, "年度资金", 40],
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标(50分)", "数量指标", "清淤河道长度（公里）", 12],
    [None, "质量指标", "验收合格率", ">=95%"],
    [None, "时效指标", "完工时间", DEADLINE],
]
FORM_MERGED = {
    (1, 2): (1, 1), (1, 3): (1, 1), (1, 4): (1, 1),
    (2, 3): (2, 2), (2, 4): (2, 2),
    (6, 1): (5, 1), (7, 1): (5, 1),
}


def _xls() -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    form = book.add_sheet("绩效目标表", cell_overwrite_ok=True)
    form.write_merge(0, 0, 0, 3, TITLE)
    form.write(1, 0, "项目名称")
    form.write_merge(1, 1, 1, 3, PROJECT)
    form.write(1, 2, PROJECT)  # some exporters repeat a merged value in the cells it covers
    for c, v in enumerate(["资金总额（万元）", 86.5, "年度资金", 40]):
        form.write(2, c, v)
    for c, v in enumerate(["一级指标", "二级指标", "三级指标", "指标值"]):
        form.write(3, c, v)
    form.write_merge(4, 6, 0, 0, "产出指标(50分)")
    for r, (level2, name) in enumerate([("数量指标", "清淤河道长度（公里）"), ("质量指标", "验收合格率"),
                                        ("时效指标", "完工时间")], start=4):
        form.write(r, 1, level2)
        form.write(r, 2, name)
    form.write(4, 3, 12)
    form.write(5, 3, ">=95%")
    form.write(6, 3, DEADLINE, xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    form.write(9, 5, "")  # a blank cell far out: trimmed with the empty rows and columns before it
    notes = book.add_sheet("说明")
    notes.write(1, 1, "填报人")
    notes.write(1, 2, True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ods() -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    def cell(value: Any, **spans: int) -> TableCell:
        if isinstance(value, datetime.date):
            made = TableCell(valuetype="date", datevalue=value.isoformat(), **spans)
        elif isinstance(value, (int, float)):
            made = TableCell(valuetype="float", value=str(value), **spans)
        else:
            made = TableCell(valuetype="string", **spans)
        made.addElement(P(text=str(value)))
        return made

    def covered(repeat_of: str | None = None) -> CoveredTableCell:
        hidden = CoveredTableCell()
        if repeat_of is not None:  # LibreOffice keeps the text of a cell merged into another
            hidden.addElement(P(text=repeat_of))
        return hidden

    doc = OpenDocumentSpreadsheet()
    form = Table(name="绩效目标表")
    rows: list[list[Any]] = [
        [cell(TITLE, numbercolumnsspanned=4), covered(), covered(), covered()],
        [cell("项目名称"), cell(PROJECT, numbercolumnsspanned=3), covered(PROJECT), covered()],
        [cell(v) for v in ["资金总额（万元）", 86.5, "年度资金", 40]],
        [cell(v) for v in ["一级指标", "二级指标", "三级指标", "指标值"]],
        [cell("产出指标(50分)", numberrowsspanned=3), cell("数量指标"), cell("清淤河道长度（公里）"), cell(12)],
        [covered("产出指标(50分)"), cell("质量指标"), cell("验收合格率"), cell(">=95%")],
        [covered(), cell("时效指标"), cell("完工时间"), cell(DEADLINE)],
    ]
    for cells in rows:
        row = TableRow()
        for c in cells:
            row.addElement(c)
        form.addElement(row)
    # what LibreOffice writes for the rest of a sheet: runs of repeated empty rows and cells
    rest = TableRow(numberrowsrepeated=1000)
    rest.addElement(TableCell(numbercolumnsrepeated=1024))
    form.addElement(rest)
    doc.spreadsheet.addElement(form)
    notes = Table(name="说明")
    for cells in [[TableCell(numbercolumnsrepeated=2)], [TableCell(), cell("填报人"), cell("张三")]]:
        row = TableRow()
        for c in cells:
            row.addElement(c)
        notes.addElement(row)
    doc.spreadsheet.addElement(notes)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "表1"
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:C1")
    sheet["A2"], sheet["B2"], sheet["C2"] = "项目名称", PROJECT, 3
    book.create_chartsheet("图表")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _docx() -> bytes:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph(TITLE)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def xls() -> bytes:
    return _xls()


@pytest.fixture(scope="module")
def ods() -> bytes:
    return _ods()


def test_an_xls_form_reads_as_its_grid(xls: bytes) -> None:
    grids, diagnostics = read_spreadsheet(xls, "form.xls")
    assert diagnostics == []
    assert [g.name for g in grids] == ["绩效目标表", "说明"]
    form, notes = grids
    assert form.rows == FORM
    assert form.merged == FORM_MERGED
    assert form.kind == "sheet"
    assert form.value(7, 1) == "产出指标(50分)" and form.own(7, 1) is None
    assert form.end(1, 1) == 4
    assert notes.rows == [[None, None, None], [None, "填报人", True]]
    assert notes.merged == {}


def test_xls_cells_keep_their_types(xls: bytes) -> None:
    form = read_spreadsheet(xls, "form.xls")[0][0]
    assert [type(form.own(r, c)) for r, c in [(3, 2), (3, 4), (5, 4), (7, 4)]] == [float, int, int, datetime.date]


def test_an_ods_form_reads_as_its_grid(ods: bytes) -> None:
    grids, diagnostics = read_spreadsheet(ods, "form.ods")
    assert diagnostics == []
    assert [g.name for g in grids] == ["绩效目标表", "说明"]
    form, notes = grids
    # calamine reads every OpenDocument number as a float
    assert form.rows == [[float(v) if type(v) is int else v for v in row] for row in FORM]
    assert form.merged == FORM_MERGED
    assert notes.rows == [[None, None, None], [None, "填报人", "张三"]]
    assert notes.merged == {}


def test_any_format_calamine_reads_gives_grids_and_a_chart_sheet_none() -> None:
    grids, diagnostics = read_spreadsheet(_xlsx(), "form.xlsx")
    assert diagnostics == []
    assert [(g.name, g.rows, g.merged) for g in grids] == [
        ("表1", [[TITLE, None, None], ["项目名称", PROJECT, 3]], {(1, 2): (1, 1), (1, 3): (1, 1)})]


def test_a_merged_range_past_the_last_value_is_cut_at_the_grid_edge() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("宽标题")
    sheet.write_merge(0, 1, 0, 5, TITLE)
    sheet.write(2, 0, "项目名称")
    sheet.write(2, 1, PROJECT)
    out = io.BytesIO()
    book.save(out)
    (grid,), _ = read_spreadsheet(out.getvalue(), "wide.xls")
    assert grid.rows == [[TITLE, None], [None, None], ["项目名称", PROJECT]]
    assert grid.merged == {(1, 2): (1, 1), (2, 1): (1, 1), (2, 2): (1, 1)}


@pytest.mark.parametrize("damage", [
    pytest.param(lambda xls: xls[: len(xls) // 2], id="truncated xls"),
    pytest.param(lambda xls: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), id="ole2 header, nothing else"),
    pytest.param(lambda xls: "项目 示例 {\n}\n".encode(), id="a text file"),
    pytest.param(lambda xls: b"", id="empty"),
])
def test_a_damaged_file_is_refused_with_i140(xls: bytes, damage: Any) -> None:
    grids, diagnostics = read_spreadsheet(damage(xls), "bad.xls")
    assert grids == []
    assert [(d.code, d.severity.value, d.span.file, d.span.line) for d in diagnostics] == [("I140", "error", "bad.xls", 1)]
    assert diagnostics[0].args["reason"].startswith("CalamineError: ")
    assert diagnostics[0].message("en").startswith("cannot read the spreadsheet: CalamineError: ")
    assert diagnostics[0].hint("zh")


def test_a_docx_is_not_read_as_a_spreadsheet() -> None:
    grids, diagnostics = read_spreadsheet(_docx(), "form.docx")
    assert grids == [] and [d.code for d in diagnostics] == ["I140"]


class PanicException(BaseException):
    """What pyo3 raises when calamine's Rust code panics (seen on a damaged .xls): not an Exception."""


class _Book:
    """A workbook whose opening or one of whose sheets fails as calamine can."""

    def __init__(self, real: Any, fail: BaseException, sheet: str | None) -> None:
        self.real, self.fail, self.sheet = real, fail, sheet

    def __enter__(self) -> _Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()

    @property
    def sheets_metadata(self) -> Any:
        return self.real.sheets_metadata

    def get_sheet_by_name(self, name: str) -> Any:
        if name == self.sheet:
            raise self.fail
        return self.real.get_sheet_by_name(name)


def _failing(monkeypatch: pytest.MonkeyPatch, fail: BaseException, sheet: str | None = None) -> None:
    real = python_calamine.CalamineWorkbook

    class Workbook:
        @staticmethod
        def from_filelike(filelike: Any) -> _Book:
            if sheet is None:
                raise fail
            return _Book(real.from_filelike(filelike), fail, sheet)

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Workbook)


def test_a_panic_in_calamine_is_refused_with_i140(monkeypatch: pytest.MonkeyPatch, xls: bytes) -> None:
    _failing(monkeypatch, PanicException("range start index 2483029158 out of range for slice of length 4096"))
    grids, diagnostics = read_spreadsheet(xls, "bad.xls")
    assert grids == []
    assert [(d.code, d.args) for d in diagnostics] == [
        ("I140", {"reason": "PanicException: range start index 2483029158 out of range for slice of length 4096"})]


def test_an_interrupt_is_not_taken_for_a_damaged_file(monkeypatch: pytest.MonkeyPatch, xls: bytes) -> None:
    _failing(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        read_spreadsheet(xls, "form.xls")


def test_an_unreadable_sheet_is_left_out_with_i142(monkeypatch: pytest.MonkeyPatch, xls: bytes) -> None:
    _failing(monkeypatch, python_calamine.WorksheetNotFound("说明"), sheet="说明")
    grids, diagnostics = read_spreadsheet(xls, "form.xls")
    assert [g.name for g in grids] == ["绩效目标表"]
    assert [(d.code, d.severity.value, d.args["sheet"]) for d in diagnostics] == [("I142", "warning", "说明")]
    assert diagnostics[0].message("en") == "the sheet `说明` cannot be read (WorksheetNotFound: 说明); not imported"


def test_without_python_calamine_the_file_is_refused_with_i141(monkeypatch: pytest.MonkeyPatch, xls: bytes) -> None:
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # makes `import python_calamine` fail
    grids, diagnostics = read_spreadsheet(xls, "form.xls")
    assert grids == []
    assert [(d.code, d.severity.value) for d in diagnostics] == [("I141", "error")]
    assert diagnostics[0].message("en") == "reading .xls/.ods needs python-calamine: pip install 'perfdsl[xls]'"


def test_sniff_names_each_office_format(xls: bytes, ods: bytes) -> None:
    assert [sniff(xls), sniff(ods), sniff(_xlsx()), sniff(_docx())] == ["xls", "ods", "xlsx", "docx"]


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(("data", "kind"), [
    pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "pdf", id="pdf"),
    pytest.param(b"\r\n" * 20 + b"%PDF-1.4\n", "pdf", id="pdf after a few junk bytes"),
    pytest.param(b" " * 1100 + b"%PDF-1.4\n", None, id="pdf header past the first kilobyte"),
    pytest.param(b"<!DOCTYPE html>\n<html><body>x</body></html>", "html", id="doctype"),
    pytest.param("\ufeff \n\t<HTML lang=zh>".encode(), "html", id="bom, whitespace, upper case"),
    pytest.param(b"<p>" + b"x" * 3000 + b"<TABLE border=1><tr><td>1</td></tr></TABLE>", "html", id="a bare table"),
    pytest.param(b"<p>" + b"x" * 5000 + b"<table>", None, id="a table past the first 4 KB"),
    pytest.param("<html><meta charset=gbk><p>项目支出绩效目标表</p><table><tr><td>项目名称</td></tr></table>".encode("gbk"),
                 "html", id="gbk html"),
    pytest.param("<meta charset=gbk>项目名称<table>".encode("gbk"), "html", id="gbk fragment with a table"),
    pytest.param("<!doctype html><title>绩效目标</title>".encode("utf-16"), "html", id="utf-16 html"),
    pytest.param(_zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), None, id="odt"),
    pytest.param(_zip({"readme.txt": b"hello"}), None, id="a plain zip"),
    pytest.param(b"PK\x03\x04" + bytes(100), None, id="a damaged zip"),
    pytest.param("项目 示例 {\n  类别 = 其他\n}\n".encode(), None, id="a .perf file"),
    pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(50), None, id="png"),
    pytest.param(b"", None, id="empty"),
])
def test_sniff_by_content(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_sniff_takes_random_bytes_for_nothing() -> None:
    rng = random.Random(20240601)
    assert [sniff(rng.randbytes(4096)) for _ in range(20)] == [None] * 20
