"""Word and HTML readers: documents made here by python-docx and written as HTML come back as the grids
they show, merged 一级/二级 cells and labels across columns included, with the text around each table as
one-cell rows."""

from __future__ import annotations

import io
import sys
import zipfile
from typing import Any

import pytest

docx = pytest.importorskip("docx", reason="the docx extra: pip install 'perfdsl[docx]'")
pytest.importorskip("lxml.html", reason="the html extra: pip install 'perfdsl[html]'")

from perfdsl.importers.docx import read_docx  # noqa: E402
from perfdsl.importers.grid import Grid  # noqa: E402
from perfdsl.importers.html import read_html  # noqa: E402

TITLE = "附件2 项目支出绩效目标表（2023年度）"
HEADER = "项目名称：基层干部培训项目  主管部门：某市组织部"
INDICATORS = [
    ["一级指标", "二级指标", "三级指标", "指标值"],
    ["产出指标(50分)", "数量指标", "培训人次", "≥500人次"],
    [None, None, "培训班期数", "10期"],
    [None, "质量指标", "培训合格率", "≥95%"],
    ["年度总体目标", None, "完成全市基层干部轮训", None],
]
# the 一级 over three rows, the 数量指标 over two, and a label and its value each across two columns
INDICATOR_MERGES = {(3, 1): (2, 1), (4, 1): (2, 1), (3, 2): (2, 2), (5, 2): (5, 1), (5, 4): (5, 3)}


def _shifted(merges: dict[tuple[int, int], tuple[int, int]], rows: int) -> dict[tuple[int, int], tuple[int, int]]:
    return {(r + rows, c): (fr + rows, fc) for (r, c), (fr, fc) in merges.items()}


def _saved(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _indicator_table(document: Any) -> Any:
    table = document.add_table(rows=5, cols=4)
    for r, values in enumerate(INDICATORS[:4]):
        for c, value in enumerate(values):
            if value is not None:
                table.cell(r, c).text = value
    table.cell(1, 0).merge(table.cell(3, 0))
    table.cell(1, 1).merge(table.cell(2, 1))
    table.cell(4, 0).merge(table.cell(4, 1)).text = "年度总体目标"
    table.cell(4, 2).merge(table.cell(4, 3)).text = "完成全市基层干部轮训"
    return table


def test_a_word_form_reads_as_its_grid_with_its_merges_and_paragraphs() -> None:
    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph("")  # an empty paragraph is no row
    document.add_paragraph(HEADER)
    _indicator_table(document)
    document.add_paragraph("填报日期：2023年1月10日")
    grids, diags = read_docx(_saved(document), "form.docx")
    assert diags == []
    assert grids == [Grid(name="table1", kind="table",
                          rows=[[TITLE], [HEADER], *INDICATORS, ["填报日期：2023年1月10日"]],
                          merged=_shifted(INDICATOR_MERGES, 2))]
    (grid,) = grids
    assert grid.value(5, 1) == "产出指标(50分)" and grid.end(7, 1) == 2 and grid.where(7, 3) == "table1!R7C3"


def test_each_word_table_is_a_grid_with_the_paragraphs_before_it() -> None:
    document = docx.Document()
    document.add_paragraph("项目一")
    document.add_table(rows=1, cols=2).rows[0].cells[0].text = "甲"
    document.add_paragraph("项目二")
    second = document.add_table(rows=2, cols=2)
    second.cell(0, 1).text = "乙"
    second.cell(0, 1).merge(second.cell(1, 1))
    grids, diags = read_docx(_saved(document), "two.docx")
    assert diags == []
    assert [(g.name, g.rows, g.merged) for g in grids] == [
        ("table1", [["项目一"], ["甲", None]], {}),
        ("table2", [["项目二"], [None, "乙"], [None, None]], {(3, 2): (2, 2)}),
    ]


def test_a_word_cell_keeps_its_paragraphs_as_lines_and_a_nested_table_as_text() -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    cell = table.cell(0, 0)
    cell.text = "  培训人次  "
    cell.add_paragraph("")
    cell.add_paragraph("（含线上）")
    inner = table.cell(0, 1).add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "上半年", (0, 1): "300", (1, 0): "下半年", (1, 1): "200"}.items():
        inner.cell(r, c).text = value
    grids, diags = read_docx(_saved(document), "nested.docx")
    assert diags == []
    assert grids[0].rows == [["培训人次\n（含线上）", "上半年 300\n下半年 200"]]


def test_a_word_document_without_tables_is_one_grid_of_its_paragraphs() -> None:
    document = docx.Document()
    document.add_paragraph(TITLE)
    document.add_paragraph(HEADER)
    grids, diags = read_docx(_saved(document), "prose.docx")
    assert diags == [] and grids == [Grid(name="table1", kind="table", rows=[[TITLE], [HEADER]])]


def test_word_xml_that_python_docx_does_not_write_reads_too() -> None:
    """Rows starting right of the first column (w:gridBefore), Word 97's w:hMerge, a vMerge with nothing
    above it, and a table inside a content control (w:sdt), as other word processors write them."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def tc(text: str, props: str = "") -> str:
        return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"

    rows = [
        tc("效益指标", '<w:vMerge w:val="continue"/>') + tc("社会效益") + tc("群众知晓率") + tc("≥80%"),
        "<w:trPr><w:gridBefore w:val=\"2\"/></w:trPr>" + tc("服务对象满意度", '<w:hMerge w:val="restart"/>')
        + tc("", "<w:hMerge/>"),
    ]
    xml = f"<w:sdt {w}><w:sdtContent><w:tbl>" + "".join(f"<w:tr>{r}</w:tr>" for r in rows) \
        + "</w:tbl></w:sdtContent></w:sdt>"
    document = docx.Document()
    document.element.body.insert(0, parse_xml(xml))
    grids, diags = read_docx(_saved(document), "other.docx")
    assert diags == []
    assert [(g.rows, g.merged) for g in grids] == [
        ([["效益指标", "社会效益", "群众知晓率", "≥80%"], [None, None, "服务对象满意度", None]], {(2, 4): (2, 3)})]


@pytest.mark.parametrize("data", [b"this is no zip", b"", b"PK\x03\x04 broken"])
def test_what_is_not_a_word_document_is_I120(data: bytes) -> None:
    grids, diags = read_docx(data, "bad.docx")
    assert grids == [] and [d.code for d in diags] == ["I120"]
    assert "cannot open the Word document" in diags[0].message("en")


def test_a_zip_without_a_word_document_inside_is_I120() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "不是 Word 文档")
    grids, diags = read_docx(out.getvalue(), "other.docx")
    assert grids == [] and [d.code for d in diags] == ["I120"]


FORM_HTML = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>不是正文</title><style>td {{ color: red }}</style>
<script>var t = "<table>";</script></head>
<body>
<h2>{TITLE}</h2>
<p>项目名称：基层干部培训项目&nbsp;&nbsp;主管部门：某市组织部</p>
<table border="1">
<caption>年度绩效指标</caption>
<thead><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th></tr></thead>
<tbody>
<tr><td rowspan="3">产出指标(50分)</td><td rowspan="2">数量指标</td><td>培训人次</td><td>&ge;500人次</td></tr>
<tr><td>培训班期数</td><td>10期</td></tr>
<tr><td>质量指标</td><td>培训<br>合格率</td><td>  &ge;95%
  </td></tr>
<tr><td colspan="2">年度总体目标</td><td colspan="2"><p>完成全市</p><p>基层干部   轮训</p></td></tr>
</tbody></table>
<p>填报日期：2023年1月10日</p>
</body></html>"""


def test_an_html_form_reads_as_its_grid_with_rowspans_colspans_and_caption() -> None:
    grids, diags = read_html(FORM_HTML.encode("utf-8"), "form.html")
    assert diags == []
    rows = [list(r) for r in INDICATORS]
    rows[3][2] = "培训\n合格率"
    rows[4][2] = "完成全市\n基层干部 轮训"
    assert grids == [Grid(name="table1", kind="table",
                          rows=[[TITLE], ["项目名称：基层干部培训项目 主管部门：某市组织部"], ["年度绩效指标"], *rows,
                                ["填报日期：2023年1月10日"]],
                          merged=_shifted(INDICATOR_MERGES, 3))]


def test_a_gbk_page_is_read_by_its_meta_charset_and_str_input_as_it_is() -> None:
    page = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>' \
           f'<body><p>{TITLE}</p><table><tr><td>项目名称</td><td>乡村道路养护</td></tr></table></body></html>'
    expected = [[TITLE], ["项目名称", "乡村道路养护"]]
    for data in (page.encode("gbk"), page.replace("gb2312", "gbk").encode("gbk"), page):
        grids, diags = read_html(data, "gbk.html")
        assert diags == [] and [g.rows for g in grids] == [expected]


def test_a_page_that_does_not_say_its_charset_is_read_as_utf8_or_else_gb18030() -> None:
    page = "<table><tr><td>绩效目标</td><td>道路完好率≥90%</td></tr></table>"
    for data in (page.encode("utf-8"), page.encode("gb18030"), page.encode("utf-8-sig"), page.encode("utf-16")):
        grids, diags = read_html(data, "plain.html")
        assert diags == [] and grids[0].rows == [["绩效目标", "道路完好率≥90%"]]
    # re-saved as UTF-8 with the old declaration left in: the bytes decide
    stale = '<meta charset="gbk"><table><tr><td>绩效目标</td></tr></table>'.encode("utf-8")
    assert read_html(stale, "stale.html")[0][0].rows == [["绩效目标"]]


def test_each_table_of_a_page_is_a_grid_with_the_text_before_it() -> None:
    page = """<body><h1>2023年度项目支出绩效目标</h1>
    <div>项目一：乡村道路养护<table><tr><td>一级指标</td></tr></table></div>
    <h3>项目二：农田水利维修</h3><table><tr><td rowspan="2">产出指标</td><td>数量指标</td></tr>
    <tr><td>质量指标</td></tr></table>说明：以上为计划数</body>"""
    grids, diags = read_html(page, "two.html")
    assert diags == []
    assert [(g.name, g.rows, g.merged) for g in grids] == [
        ("table1", [["2023年度项目支出绩效目标"], ["项目一：乡村道路养护"], ["一级指标"]], {}),
        ("table2", [["项目二：农田水利维修"], ["产出指标", "数量指标"], [None, "质量指标"], ["说明：以上为计划数"]],
         {(3, 1): (2, 1)}),
    ]


def test_a_table_inside_a_cell_is_that_cells_text() -> None:
    page = """<table><tr><td>分年度指标</td><td>
      <table><tr><th>上半年</th><td>300</td></tr><tr><th>下半年</th><td>200</td></tr></table>
    </td></tr><tr><td>合计</td><td>500</td></tr></table>"""
    grids, diags = read_html(page, "nested.html")
    assert diags == [] and len(grids) == 1
    assert grids[0].rows == [["分年度指标", "上半年 300\n下半年 200"], ["合计", "500"]]


def test_a_layout_table_around_the_content_is_read_as_if_it_were_not_there() -> None:
    page = """<table width="980"><tr><td>首页 &gt; 信息公开</td></tr><tr><td>
      <p>项目支出绩效目标表（2024年度）</p>
      <table><tr><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值</td></tr>
        <tr><td rowspan="2">产出指标</td><td>数量指标</td><td>养护里程</td><td>≥120公里</td></tr>
        <tr><td>质量指标</td><td>路面优良率</td><td>≥90%</td></tr></table>
    </td></tr></table>"""
    grids, diags = read_html(page, "layout.html")
    assert diags == [] and len(grids) == 1
    assert grids[0].rows == [["首页 > 信息公开"], ["项目支出绩效目标表（2024年度）"],
                             ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "养护里程", "≥120公里"],
                             [None, "质量指标", "路面优良率", "≥90%"]]
    assert grids[0].merged == {(5, 1): (4, 1)}


def test_unclosed_cells_and_rows_are_read_as_a_browser_shows_them() -> None:
    page = "<table><tr><td>一级指标<td>二级指标<td>指标值<tr><td rowspan=2>产出指标<td>数量指标<td>10期" \
           "<tr><td>时效指标<td>12月底前</table><p>完"
    grids, diags = read_html(page, "broken.html")
    assert diags == []
    assert grids[0].rows == [["一级指标", "二级指标", "指标值"], ["产出指标", "数量指标", "10期"],
                             [None, "时效指标", "12月底前"], ["完"]]
    assert grids[0].merged == {(3, 1): (2, 1)}


def test_spans_stop_at_the_table_and_its_row_groups() -> None:
    page = """<table><tbody><tr><td colspan="9">标题</td></tr>
    <tr><td rowspan="0">产出</td><td>甲</td></tr><tr><td>乙</td></tr></tbody>
    <tfoot><tr><td rowspan="7">备注</td><td>丙</td></tr></tfoot></table>"""
    grids, diags = read_html(page, "spans.html")
    assert diags == []
    assert grids[0].rows == [["标题", None], ["产出", "甲"], [None, "乙"], ["备注", "丙"]]
    assert grids[0].merged == {(1, 2): (1, 1), (3, 1): (2, 1)}


@pytest.mark.parametrize("page", [b"", b"   \n", "<html><head><title>t</title><script>x()</script></head>"
                                                 "<body>  <!-- nothing --> </body></html>"])
def test_a_page_with_no_table_and_no_text_is_I122(page: bytes | str) -> None:
    grids, diags = read_html(page, "empty.html")
    assert grids == [] and [d.code for d in diags] == ["I122"]
    assert diags[0].message("en") == "the page has no table and no text; nothing imported"


def test_a_page_with_text_and_no_table_is_one_grid_of_its_lines() -> None:
    grids, diags = read_html(f"<p>{TITLE}</p><p>{HEADER}<br>预算：10万元</p>", "prose.html")
    assert diags == []
    assert grids == [Grid(name="table1", kind="table",
                          rows=[[TITLE], ["项目名称：基层干部培训项目 主管部门：某市组织部"], ["预算：10万元"]])]


def test_crafted_spans_cost_no_more_than_the_page_or_document_is_long() -> None:
    page = "<table>" + "<tr><td colspan=1000 rowspan=0>x</td></tr>" * 3000 + "</table>"
    ((grid,), diags) = read_html(page, "spans.html")
    assert diags == [] and grid.max_row == 3000 and len(grid.merged) <= 200_000
    document = docx.Document()
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0)._tc.get_or_add_tcPr().grid_span = 10**9
    grids, diags = read_docx(_saved(document), "wide.docx")
    assert diags == [] and grids[0].max_column == 63


def test_without_the_optional_library_the_readers_say_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)  # what an uninstalled package looks like to `import`
    monkeypatch.setitem(sys.modules, "lxml.html", None)
    assert [d.code for d in read_docx(b"", "a.docx")[1]] == ["I121"]
    (diagnostic,) = read_html("<p>x</p>", "a.html")[1]
    assert diagnostic.code == "I123" and "pip install 'perfdsl[html]'" in diagnostic.message("en")
