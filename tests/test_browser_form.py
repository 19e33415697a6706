"""The HTML form in a real headless Chromium: structure of the merged cells as laid out, self-containment,
print media, and a screenshot (written to docs/html-form.png under --update-golden)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from perfdsl.backends import html
from perfdsl.syntax.loader import load_file
from tests.browser import browser, file_url, page  # noqa: F401  (fixtures)
from tests.conftest import ROOT
from tests.test_browser_smoke import CELLS_JS, laid_out_grid, png_size

SCREENSHOT = ROOT / "docs" / "html-form.png"


@pytest.fixture()
def form(page, tmp_path: Path):  # noqa: F811  (fixture parameter)
    src = load_file(str(ROOT / "specs" / "2020" / "审判辅助人员经费.perf"))
    target = tmp_path / "2020" / "审判辅助人员经费.html"
    target.parent.mkdir()
    target.write_text(html.render(src.spec, src.spec.projects[0], index_href="../index.html"), encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(file_url(target))
    page.requests = requests
    return page


def test_indicator_table_has_the_published_merged_cells(form) -> None:
    table = form.locator("table.goals")
    assert table.locator("tbody tr").count() == 21
    level1 = table.locator("td.l1")
    assert level1.all_inner_texts() == ["投入与管理", "产出目标", "效果目标", "影响力目标"]
    assert [level1.nth(i).get_attribute("rowspan") for i in range(4)] == ["8", "6", "4", "3"]
    level2 = table.locator("td.l2")
    assert level2.all_inner_texts() == ["投入管理", "财务管理", "实施管理", "数量", "质量", "时效", "成本",
                                        "社会效益", "满意度", "长效管理", "人力资源"]
    assert [level2.nth(i).get_attribute("rowspan") for i in range(11)] == [
        "3", "3", "2", "2", None, "2", None, "2", "2", None, "2"]
    assert table.locator("thead tr").last.locator("th").all_inner_texts() == ["一级目标", "二级目标", "三级目标",
                                                                                 "指标目标值"]
    # a tbody per 一级 group (a page break falls between them): the cells of all of them
    grid = laid_out_grid(table.evaluate(CELLS_JS.replace('"th, td"', '"tbody th, tbody td"')))
    assert grid[0] == ["投入与管理", "投入管理", "预算执行率", "=100%"]
    assert grid[7] == ["投入与管理", "实施管理", "项目管理制度实施有效性", "有效"]
    assert grid[10] == ["产出目标", "质量", "绩效考核通过率", "=100%"]
    assert grid[20] == ["影响力目标", "人力资源", "辅助人员流失率", "<=5%"]


def test_header_block_and_budget_lines(form) -> None:
    header = form.locator("table.header")
    assert header.locator("tr").first.inner_text().split("\t") == ["申报单位名称", "上海市第一中级人民法院"]
    assert header.locator("td.category").inner_text() == "其他一次性项目"
    assert header.locator("td.prose").count() == 6
    assert header.locator("td.basis p").count() == 2
    budget = form.locator("table.budget")
    assert budget.locator("td.num").all_inner_texts() == ["10,144,000", "10,144,000", "10,400,000", "10,400,000"]
    assert form.locator("h1").inner_text() == "财政项目支出绩效目标表"


def test_the_page_loads_nothing_from_elsewhere(form) -> None:
    assert all(url.startswith("file://") for url in form.requests), form.requests
    assert form.evaluate("document.scripts.length") == 0
    assert form.evaluate("document.styleSheets.length") == 1


def test_print_media_fits_a4_and_hides_the_navigation(form, tmp_path: Path) -> None:
    form.emulate_media(media="print")
    form.set_viewport_size({"width": 680, "height": 1000})  # A4 less 2 x 15 mm at 96 dpi
    assert not form.locator("nav").is_visible()
    overflow = form.evaluate("Array.from(document.querySelectorAll('table')).map(t => t.scrollWidth - 680)")
    assert max(overflow) <= 0
    pdf = form.pdf(format="A4", prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", pdf)) >= 1


def test_screenshot(form, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    form.set_viewport_size({"width": 900, "height": 1000})
    shot = tmp_path / "form.png"
    form.screenshot(path=str(shot), full_page=True)
    width, height = png_size(shot.read_bytes())
    assert width == 900 and height > 1500
    if request.config.getoption("--update-golden"):
        shutil.copyfile(shot, SCREENSHOT)
