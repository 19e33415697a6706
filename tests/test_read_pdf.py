"""read_pdf on PDFs a real tool made: Chromium prints invented 绩效目标表 pages (HTML tables with ruled
cells, as Word and Excel print them) and pdfplumber reads them back. The grids are compared whole, merged
cells included, because what the interpreter gets from a PDF is exactly this."""

from __future__ import annotations

import base64
import io
import struct
import sys
import zlib
from typing import Any, Callable, Iterator

import pytest

from perfdsl.importers.documents import read_document
from perfdsl.importers.grid import Grid
from perfdsl.importers.pdf import read_pdf
from perfdsl.syntax.values import write_target
from tests.browser import browser  # noqa: F401  (fixture)

STYLE = """<style>
body { font-family: 'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif; font-size: 12px; }
table { border-collapse: collapse; }
td, th { border: 1px solid black; padding: 3px; font-weight: normal; }
</style>"""

TITLE = "项目支出绩效目标表（2023年度）"


def html(body: str) -> str:
    return f'<html><head><meta charset="utf-8">{STYLE}</head><body>{body}</body></html>'


@pytest.fixture(scope="module")
def pdfplumber() -> Any:
    """pdfplumber is the optional extra `perfdsl[pdf]`: without it only the I131 test can run."""
    return pytest.importorskip("pdfplumber")


@pytest.fixture(scope="module")
def print_pdf(pdfplumber: Any, browser: Any) -> Iterator[Callable[..., bytes]]:  # noqa: F811
    """HTML -> the PDF Chromium prints of it (one page for the whole module: printing is what is slow)."""
    page = browser.new_page()

    def render(body: str, **options: Any) -> bytes:
        page.set_content(html(body))
        data: bytes = page.pdf(**options)
        return data

    try:
        yield render
    finally:
        page.close()


NATIONAL = f"""
<h1>{TITLE}</h1>
<p>项目名称：城区绿道维护</p>
<p>主管部门：示范市园林局</p>
<table>
<tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>
<tr><td rowspan="3">产出指标</td><td rowspan="2">数量指标</td><td>维护绿道长度</td><td>≥12公里</td></tr>
<tr><td>补植苗木</td><td>≥300株</td></tr>
<tr><td>质量指标</td><td>验收合格率</td><td>100%</td></tr>
<tr><td>效益指标</td><td colspan="2">群众满意度达标</td><td>≥90%</td></tr>
<tr><td>成本指标</td><td>经济成本指标</td><td>单位维护成本<br>（含人工）</td><td></td></tr>
</table>
<p>填报人：张三</p>
"""


def test_national_form_with_merged_cells(print_pdf: Callable[..., bytes]) -> None:
    grids, diagnostics = read_pdf(print_pdf(NATIONAL), "form.pdf")
    assert diagnostics == []
    assert [(g.name, g.kind) for g in grids] == [("page1-table1", "table")]
    grid = grids[0]
    assert grid.rows == [
        [TITLE],
        ["项目名称：城区绿道维护"],
        ["主管部门：示范市园林局"],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "维护绿道长度", "≥12公里"],
        [None, None, "补植苗木", "≥300株"],
        [None, "质量指标", "验收合格率", "100%"],
        ["效益指标", "群众满意度达标", None, "≥90%"],
        ["成本指标", "经济成本指标", "单位维护成本\n（含人工）", None],
        ["填报人：张三"],
    ]
    assert grid.merged == {(6, 1): (5, 1), (7, 1): (5, 1), (6, 2): (5, 2), (8, 3): (8, 2)}
    assert grid.value(7, 1) == "产出指标" and grid.end(8, 2) == 3 and grid.where(8, 3) == "page1-table1!R8C3"


def _long_table(count: int) -> str:
    rows = "".join(f"<tr>{'<td rowspan=%d>产出指标</td>' % count if i == 0 else ''}"
                   f"<td>数量指标</td><td>指标{i}</td><td>≥{i}个</td></tr>" for i in range(count))
    return (f"<h1>{TITLE}</h1><table><thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th>"
            f"<th>指标值</th></tr></thead>{rows}</table>")


FOOTER = {"display_header_footer": True, "header_template": "<span></span>",
          "footer_template": '<div style="font-size:10px;width:100%;text-align:center">'
                             '第 <span class="pageNumber"></span> 页</div>',
          "margin": {"top": "40px", "bottom": "40px"}}


def test_a_table_over_two_pages_is_one_grid(print_pdf: Callable[..., bytes], pdfplumber: Any) -> None:
    """Chromium repeats the heading row on page 2, prints a page number below each page and cuts the 一级
    cell (rowspan 60) at the page's end, with no rule below it there."""
    data = print_pdf(_long_table(60), **FOOTER)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 2 and all(page.find_tables() for page in pdf.pages)
    grids, diagnostics = read_pdf(data, "long.pdf")
    assert diagnostics == []
    assert [g.name for g in grids] == ["page1-table1"]
    grid = grids[0]
    assert grid.rows == [[TITLE], ["一级指标", "二级指标", "三级指标", "指标值"],
                         *(["产出指标" if i == 0 else None, "数量指标", f"指标{i}", f"≥{i}个"] for i in range(60))]
    assert grid.merged == {(row, 1): (3, 1) for row in range(4, 63)}


def test_a_titled_table_on_the_next_page_is_a_grid_of_its_own(print_pdf: Callable[..., bytes]) -> None:
    second = NATIONAL.replace("城区绿道维护", "社区图书角").replace("<h1>", '<h1 style="break-before: page">')
    grids, diagnostics = read_pdf(print_pdf(_table_only() + second), "two.pdf")
    assert diagnostics == []
    assert [g.name for g in grids] == ["page1-table1", "page2-table1"]
    assert grids[0].rows == [["甲", "乙"], ["1", "2"]] and grids[0].merged == {}
    assert grids[1].rows[:2] == [[TITLE], ["项目名称：社区图书角"]] and len(grids[1].merged) == 4


def _table_only() -> str:
    return "<table><tr><td>甲</td><td>乙</td></tr><tr><td>1</td><td>2</td></tr></table>"


def test_text_without_a_table_is_read_as_lines(print_pdf: Callable[..., bytes]) -> None:
    lines = [TITLE, "项目名称：城区绿道维护", "一级指标 二级指标 三级指标 指标值"]
    grids, diagnostics = read_pdf(print_pdf("".join(f"<p>{line}</p>" for line in lines)), "plain.pdf")
    assert grids == [Grid(name="page1", rows=[[line] for line in lines], kind="table", wrapped=True)]
    assert [(d.code, d.severity.value, d.args) for d in diagnostics] == [("I133", "info", {"pages": 1})]


def test_a_table_printed_without_ruling_lines_is_read_from_its_text(print_pdf: Callable[..., bytes]) -> None:
    lines = [TITLE, "项目名称：城区绿道维护", "实施单位：示范市园林所", "总体目标：维护城区绿道。",
             "一级指标 二级指标 三级指标 指标值", "产出指标 数量指标 维护绿道长度 ≥12公里", "补植苗木 ≥300株",
             "质量指标 验收合格率 100%", "效益指标 社会效益指标 群众出行环境 明显改善",
             "满意度指标 服务对象满意度指标 群众满意度 ≥90%"]
    data = print_pdf("".join(f"<p>{line}</p>" for line in lines))
    read = read_document(data, "unruled.pdf")
    (one,) = read.imported
    got = {i.name: write_target(i.target) for l1 in one.spec.projects[0].sections for l2 in l1.sections
           for i in l2.indicators}
    assert got == {"维护绿道长度": ">= 12公里", "补植苗木": ">= 300株", "验收合格率": "100%",
                   "群众出行环境": "明显改善", "群众满意度": ">= 90%"}
    assert [(d.code, d.severity.value) for d in read.diagnostics] == [("I134", "info")]
    assert one.place == "page1!R2C1"  # the 项目名称 cell: its page, its row


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    # grey stripes, as a scanner's page: pixels, no text
    raw = b"".join(b"\x00" + bytes((x * 7 + y) % 256 for x in range(width)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_a_scan_has_no_text_layer(print_pdf: Callable[..., bytes]) -> None:
    image = base64.b64encode(_png(200, 120)).decode()
    grids, diagnostics = read_pdf(print_pdf(f'<img src="data:image/png;base64,{image}">'), "scan.pdf")
    assert grids == []
    assert [(d.code, d.args) for d in diagnostics] == [("I130", {"pages": 1})]
    assert "OCR" in diagnostics[0].message("en")


@pytest.mark.parametrize("data", [b"", b"not a pdf at all\x00\xff" * 20, b"%PDF-1.4\n1 0 obj\n<<"])
def test_not_a_pdf(data: bytes, pdfplumber: Any) -> None:
    grids, diagnostics = read_pdf(data, "junk.pdf")
    assert grids == []
    assert [d.code for d in diagnostics] == ["I132"] and diagnostics[0].args["reason"]
    assert diagnostics[0].message("en").startswith("cannot read the PDF: ")


def test_a_cut_off_pdf_is_said(print_pdf: Callable[..., bytes]) -> None:
    """A download that stopped part way: a diagnostic with pdfminer's reason, never an exception."""
    data = print_pdf(NATIONAL)
    for end in (len(data) // 4, len(data) // 2, len(data) - 40):
        grids, diagnostics = read_pdf(data[:end], "cut.pdf")
        assert grids == [] and [d.code for d in diagnostics] == ["I132"]


def test_without_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pdfplumber", None)  # import then raises ImportError
    grids, diagnostics = read_pdf(b"%PDF-1.4", "form.pdf")
    assert grids == [] and [d.code for d in diagnostics] == ["I131"]
    assert diagnostics[0].message("en") == "reading PDF needs pdfplumber: pip install 'perfdsl[pdf]'"
