"""Smoke test of the headless-browser test infrastructure (tests/browser.py).

Loads a small table with a rowspan from a file:// URL, checks the DOM and the
rendered layout, and takes a PNG screenshot.
"""

from __future__ import annotations

import struct

import pytest

from tests.browser import browser, file_url, page  # noqa: F401  (fixtures)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rowspan smoke</title>
<style>
  body { margin: 8px; font: 16px sans-serif; }
  table { border-collapse: collapse; }
  th, td { border: 1px solid #444; padding: 4px 8px; }
</style>
</head>
<body>
<table id="t">
  <thead>
    <tr><th>Group</th><th>Name</th><th>Value</th></tr>
  </thead>
  <tbody>
    <tr id="r1"><td id="alpha" rowspan="2">alpha</td><td>a1</td><td>1</td></tr>
    <tr id="r2"><td>a2</td><td>2</td></tr>
    <tr id="r3"><td>beta</td><td>b1</td><td>3</td></tr>
  </tbody>
</table>
</body>
</html>
"""

# Every cell with its text and its box, in document order.
CELLS_JS = """
table => Array.from(table.querySelectorAll("th, td")).map(c => {
  const r = c.getBoundingClientRect();
  return {text: c.textContent.trim(), top: r.top, bottom: r.bottom,
          left: r.left, height: r.height};
})
"""


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def laid_out_grid(cells: list[dict]) -> list[list[str]]:
    """Text grid as rendered: a spanning cell appears in every row it covers."""
    lefts = sorted({round(c["left"]) for c in cells})
    tops = sorted({round(c["top"]) for c in cells})
    grid = [[""] * len(lefts) for _ in tops]
    for c in cells:
        col = lefts.index(round(c["left"]))
        for row, top in enumerate(tops):
            if round(c["top"]) <= top < round(c["bottom"]) - 1:
                assert grid[row][col] == "", f"cells overlap at {row},{col}"
                grid[row][col] = c["text"]
    return grid


@pytest.fixture()
def table_page(page, tmp_path):  # noqa: F811  (fixture parameter)
    html = tmp_path / "table.html"
    html.write_text(HTML, encoding="utf-8")
    page.goto(file_url(html))
    return page


def test_table_dom_and_layout(table_page, tmp_path):
    page = table_page  # noqa: F811
    assert page.title() == "rowspan smoke"
    table = page.locator("#t")

    # DOM: rows and rowspan attributes.
    assert table.locator("tr").count() == 4
    assert table.locator("tbody tr").count() == 3
    spans = table.locator("[rowspan]")
    assert spans.count() == 1
    assert spans.first.get_attribute("rowspan") == "2"
    assert spans.first.inner_text() == "alpha"
    assert table.locator("#r2 td").all_inner_texts() == ["a2", "2"]

    # Layout: the rowspan cell occupies column 0 of both rows it spans.
    cells = table.evaluate(CELLS_JS)
    assert laid_out_grid(cells) == [
        ["Group", "Name", "Value"],
        ["alpha", "a1", "1"],
        ["alpha", "a2", "2"],
        ["beta", "b1", "3"],
    ]

    # ... and is exactly as tall as those two rows together.
    rect = "e => { const r = e.getBoundingClientRect();" \
           " return {top: r.top, bottom: r.bottom, height: r.height}; }"
    alpha = page.locator("#alpha").evaluate(rect)
    r1 = page.locator("#r1").evaluate(rect)
    r2 = page.locator("#r2").evaluate(rect)
    r3 = page.locator("#r3").evaluate(rect)
    assert r1["height"] > 10 and r2["height"] > 10
    assert alpha["top"] == pytest.approx(r1["top"], abs=1)
    assert alpha["bottom"] == pytest.approx(r2["bottom"], abs=1)
    assert alpha["height"] == pytest.approx(r1["height"] + r2["height"], abs=1.5)
    assert alpha["bottom"] <= r3["top"] + 1

    # Screenshots: whole page to a file, and just the table.
    shot = tmp_path / "page.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert len(data) > 1000
    assert png_size(data)[0] == 1280

    box = table.bounding_box()
    assert box is not None
    width, height = png_size(table.screenshot())
    assert width == pytest.approx(box["width"], abs=1)
    assert height == pytest.approx(box["height"], abs=1)


def test_one_browser_per_session(browser, page):  # noqa: F811
    assert browser.is_connected()
    assert page.context.browser is browser
    assert page.evaluate("navigator.webdriver") is True
    assert page.evaluate("1 + 1") == 2
