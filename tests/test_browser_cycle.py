"""The 自评表 and the 监控表 in a real headless Chromium: the pages `perfdsl build` writes for the worked example
(specs/cycle), their merged cells as laid out, the scores and lights, nothing loaded from elsewhere, and
hostile text shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdsl.build import Options, build
from tests.browser import browser, file_url, page  # noqa: F401  (fixtures)
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cycle")
    report = build([str(ROOT / "specs" / "cycle")], str(out), Options(formats=("html",)))
    assert report.errors == 0
    return out


def _open(page, path: Path):  # noqa: F811
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(file_url(path))
    assert all(r.startswith("file:") for r in requests)  # the page loads nothing from elsewhere
    return page


def test_self_evaluation_page(page, built: Path) -> None:  # noqa: F811
    p = _open(page, built / "2025" / "居家养老上门服务.自评表.html")
    assert p.locator("h1").inner_text().replace(" ", "") == "项目支出绩效自评表"
    table = p.locator("table.indicators")
    rows = table.locator("tbody tr")
    assert rows.count() == 11  # ten indicators and the total
    first = table.locator("tbody tr").first.locator("td")
    assert first.nth(0).inner_text() == "产出指标" and first.nth(0).get_attribute("rowspan") == "7"
    assert first.nth(1).get_attribute("rowspan") == "2"
    total = rows.last.locator("td")
    assert [total.nth(i).inner_text() for i in (-3, -2, -1)] == ["95", "95.32", "自评等级：优"]
    budget = p.locator("table.budget tbody tr").first.locator("td")
    assert [budget.nth(i).inner_text() for i in range(7)] == [
        "年度资金总额", "2,000,000", "1,900,000", "1,805,000", "10", "95%", "9.5"]
    # the merged 一级 cell spans the seven 产出 rows as laid out: its box is as tall as theirs
    box = first.nth(0).bounding_box()
    rows_box = [rows.nth(i).bounding_box() for i in (0, 6)]
    assert box and all(rows_box)
    assert abs(box["y"] + box["height"] - (rows_box[1]["y"] + rows_box[1]["height"])) < 2
    assert "不适用" in table.inner_text()


def test_monitoring_page_lights(page, built: Path) -> None:  # noqa: F811
    p = _open(page, built / "2025" / "居家养老上门服务.监控表.html")
    assert "截至2025年7月" in p.locator("p.year").inner_text()
    lights = p.locator("table.indicators td.light")
    assert lights.all_inner_texts()[:2] == ["蓝", "绿"]
    colour = lights.first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(198, 218, 252)"  # light-blue


def test_index_links_the_forms(page, built: Path) -> None:  # noqa: F811
    p = _open(page, built / "index.html")
    links = p.locator("td.links a").all_inner_texts()
    assert "自评表" in links and "监控表" in links


def test_hostile_text_is_inert(page, tmp_path: Path) -> None:  # noqa: F811
    spec = (ROOT / "specs" / "cycle" / "2025" / "居家养老上门服务.perf").read_text(encoding="utf-8")
    spec = spec.replace("服务对象失能程度提高，单次服务时长增加。", "<script>window.hit=1</script><img src=x onerror=window.hit=2>")
    src = tmp_path / "s" / "a.perf"
    src.parent.mkdir()
    src.write_text(spec, encoding="utf-8")
    report = build([str(src.parent)], str(tmp_path / "out"), Options(formats=("html",)))
    assert report.errors == 0
    p = _open(page, tmp_path / "out" / "居家养老上门服务.自评表.html")
    assert p.evaluate("window.hit") is None
    assert "<script>window.hit=1</script>" in p.locator("table.indicators").inner_text()
