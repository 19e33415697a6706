"""The forms as people file and print them: `build --format pdf` (WeasyPrint, read back with pdfplumber and
drawn with pypdfium2) and `build --format docx` (python-docx, read back by `perfdsl import`)."""

from __future__ import annotations

import dataclasses
import functools
import io
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("weasyprint", reason="the print extra: pip install '.[test]'")
pdfplumber = pytest.importorskip("pdfplumber", reason="the pdf extra: pip install '.[test]'")
pdfium = pytest.importorskip("pypdfium2", reason="the test extra: pip install '.[test]'")
pytest.importorskip("docx", reason="the docx extra: pip install '.[test]'")

from perfdsl import ast  # noqa: E402
from perfdsl.backends import docx, pdf  # noqa: E402
from perfdsl.backends.cycle import forms  # noqa: E402
from perfdsl.backends.layout import widths  # noqa: E402
from perfdsl.backends.view import project_view  # noqa: E402
from perfdsl.config import find_config  # noqa: E402
from perfdsl.importers.documents import read_document  # noqa: E402
from perfdsl.syntax.loader import load_file  # noqa: E402
from tests.conftest import ROOT, run_cli  # noqa: E402

SPECS = sorted((ROOT / "specs").rglob("*.perf"))
EVALUATED = ROOT / "specs" / "cycle" / "2025"
"""Its 自评表 and 监控表 are forms of their own; import reads a 自评表 only after its target table."""
HERE = ROOT / "tests" / "print"
REFERENCE = HERE / "审判执行业务费-1.png"
SCALE = 0.5
"""pypdfium2 draws at 72 dpi times this: page 1 of A4 is 298 × 421 pixels, small enough to commit."""


@functools.cache
def _spec(path: Path) -> ast.Spec:
    src = load_file(str(path))
    assert not src.diagnostics
    return src.spec


@functools.cache
def _pdf(path: Path, index: int = 0) -> bytes:
    spec = _spec(path)
    return pdf.render(spec, spec.projects[index])


def _name(path: Path) -> str:
    return path.relative_to(ROOT / "specs").as_posix()


def _flat(text: str | None) -> str:
    return "".join((text or "").split())


@dataclasses.dataclass(frozen=True)
class Printed:
    """What pdfplumber reads of a PDF, read once."""

    sizes: tuple[tuple[int, int], ...]
    texts: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    """Every row of every table (found by its ruling lines), with its page; a cell's lines joined."""
    cells: tuple[str, ...]
    """Every table cell's text, with its line breaks."""
    fonts: frozenset[str]
    metadata: dict[str, Any]


@functools.cache
def _read(data: bytes) -> Printed:
    sizes, texts, rows, cells = [], [], [], []
    with pdfplumber.open(io.BytesIO(data)) as document:
        for number, page in enumerate(document.pages, 1):
            sizes.append((round(page.width), round(page.height)))
            texts.append(page.extract_text() or "")
            for table in page.find_tables():
                for row in table.extract():
                    rows.append((number, tuple(_flat(c) for c in row)))
                    cells.extend(c for c in row if c)
        fonts = frozenset(c["fontname"] for p in document.pages for c in p.chars)
        return Printed(tuple(sizes), tuple(texts), tuple(rows), tuple(cells), fonts, dict(document.metadata))


def test_page_counts(golden) -> None:
    """How many A4 pages each spec's target table takes (a change of layout shows here as a diff)."""
    lines = []
    for path in SPECS:
        sizes = _read(_pdf(path)).sizes
        lines.append(f"{_name(path)}: {len(sizes)} {' '.join(f'{w}x{h}' for w, h in sorted(set(sizes)))}")
    golden(HERE / "pages.txt", "\n".join(lines) + "\n")


@pytest.mark.parametrize("path", SPECS, ids=_name)
def test_every_indicator_and_target_on_one_row_of_one_page(path: Path) -> None:
    """Each indicator's row comes out whole: its name, its target and every attribute cell in one row of a
    table on one page. A row cut by a page break would leave some of its lines on each page, so that no row
    holds all of its cells."""
    spec = _spec(path)
    view = project_view(spec, spec.projects[0])
    rows = _read(_pdf(path)).rows
    for row in view.rows:
        if not row.name:
            continue
        wanted = [_flat(row.name), _flat(row.target), *(_flat("".join(a)) for a in row.attributes if a)]
        assert [page for page, cells in rows if all(w in cells for w in wanted)], f"{row.name}: no row holds {wanted}"


@pytest.mark.parametrize("path", SPECS, ids=_name)
def test_page_numbers_and_embedded_cjk_font(path: Path) -> None:
    printed = _read(_pdf(path))
    for number, text in enumerate(printed.texts, 1):
        assert f"第{number}页共{len(printed.texts)}页" in _flat(text)
    assert not {"CreationDate", "ModDate"} & set(printed.metadata)
    fonts = printed.fonts
    # a subset embedded in the file is named XXXXXX+Family
    assert fonts and all(len(f.split("+")[0]) == 6 and "+" in f for f in fonts), fonts


def test_the_bytes_depend_only_on_the_form() -> None:
    path = ROOT / "specs" / "national" / "诉讼档案数字化.perf"
    spec = _spec(path)
    assert pdf.render(spec, spec.projects[0]) == pdf.render(spec, spec.projects[0]) == _pdf(path)
    assert docx.render(spec, spec.projects[0]) == docx.render(spec, spec.projects[0])


def test_the_heading_repeats_and_the_budget_band_is_not_split() -> None:
    """审判执行业务费 fills three pages: its budget band starts a page rather than being cut, and every page
    with indicators starts them under the table's column headings."""
    path = ROOT / "specs" / "2020" / "审判执行业务费.perf"
    spec = _spec(path)
    view = project_view(spec, spec.projects[0])
    rows = _read(_pdf(path)).rows
    band = [page for page, cells in rows if _flat(view.budget_heading) in cells]
    figures = {page for page, cells in rows for pair in view.budget_pairs if _flat(pair.label) in cells}
    assert len(band) == 1 and figures == {band[0]}
    pages = sorted({page for page, cells in rows if any(_flat(r.name) in cells for r in view.rows if r.name)})
    assert len(pages) >= 2
    for page in pages:
        headings = [cells for p, cells in rows if p == page and _flat(view.columns[0]) in cells]
        assert headings and [c for c in headings[0] if c] == [_flat(c) for c in view.columns]


@pytest.mark.parametrize("path", SPECS, ids=_name)
def test_no_broken_words(path: Path) -> None:
    """The print defects of narrow columns: a heading (一级指标, 分值) or a target is never broken, and no
    header label, heading or 一级/二级 name leaves one character alone on its last line."""
    spec = _spec(path)
    view = project_view(spec, spec.projects[0])
    cells = _read(_pdf(path)).cells
    unbroken = {*view.columns, *(r.target for r in view.rows if r.target not in widths(view).wrapped_targets)}
    for cell in cells:
        if _flat(cell) in {_flat(t) for t in unbroken}:
            assert "\n" not in cell, f"broken: {cell!r}"
    names = {p.label for p in (*view.pairs, *view.budget_pairs)} | {r.level1 for r in view.rows} | {
        r.level2 for r in view.rows}
    for cell in cells:
        if _flat(cell) in {_flat(n) for n in names}:
            assert all(len(line) > 1 for line in cell.split("\n")), f"a character alone: {cell!r}"


def _page_one(data: bytes) -> Any:
    document = pdfium.PdfDocument(data)
    try:
        return document[0].render(scale=SCALE, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


def _difference(a: Any, b: Any) -> float:
    """The share of pixels that differ by more than a quarter of the grey scale (anti-aliasing and a font's
    small hinting changes stay below it; a moved rule, cell or line of text does not)."""
    if a.size != b.size:
        return 1.0
    pa, pb = a.tobytes(), b.tobytes()
    return sum(abs(x - y) > 64 for x, y in zip(pa, pb)) / len(pa)


def test_page_one_looks_like_the_reference(request: pytest.FixtureRequest) -> None:
    from PIL import Image

    image = _page_one(_pdf(ROOT / "specs" / "2020" / "审判执行业务费.perf"))
    if request.config.getoption("--update-golden"):
        HERE.mkdir(exist_ok=True)
        image.save(REFERENCE, optimize=True)
    reference = Image.open(REFERENCE).convert("L")
    assert _difference(image, reference) < 0.01
    # the tolerance tells forms apart: another project's first page is far outside it
    other = _page_one(_pdf(ROOT / "specs" / "2020" / "审判辅助人员经费.perf"))
    assert _difference(other, reference) > 0.02


def _resolved(spec: ast.Spec, project: ast.Project) -> ast.Project:
    return dataclasses.replace(project, unit=spec.unit_of(project), year=spec.year_of(project),
                               framework=spec.framework_of(project) or "shanghai-2020")


@pytest.mark.parametrize("path", [p for p in SPECS if p.parent != EVALUATED], ids=_name)
def test_word_documents_import_back_to_the_same_spec(path: Path) -> None:
    spec = _spec(path)
    for project in spec.projects:
        read = read_document(docx.render(spec, project), "form.docx")
        assert read.diagnostics == [] and len(read.imported) == 1
        imported = read.imported[0].spec
        assert ast.same(_resolved(imported, imported.projects[0]), _resolved(spec, project)), _name(path)


def test_word_layout_merges_widths_fonts_and_page() -> None:
    import docx as python_docx
    from docx.oxml.ns import qn

    path = ROOT / "specs" / "national" / "信息系统运行维护.perf"
    spec = _spec(path)
    view = project_view(spec, spec.projects[0])
    document = python_docx.Document(io.BytesIO(docx.render(spec, spec.projects[0])))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm), round(section.left_margin.mm)) == (
        210, 297, 15)
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "SimSun" and document.styles["Normal"].font.size.pt == 10.5
    (table,) = document.tables
    # the 一级 cells are merged down their rows: one restart per 一级 with more than one row
    restarts = [tc for tc in table._tbl.iter(qn("w:tc")) if (v := tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")) is not None
                and v.get(qn("w:val")) == "restart"]
    assert len(restarts) == sum(1 for r in view.rows if r.level1_span > 1) + sum(
        1 for r in view.rows if r.level2_span > 1)
    # the grid's columns add up to the printed form's shares of the page
    grid = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
    total = sum(grid)
    assert abs(total / 1440 * 25.4 - 180) < 1  # twentieths of a point, 180 mm
    shares = widths(view).columns
    edges, running = set(), 0.0
    for share in shares:
        running += share
        edges.add(round(running))
    running_grid, grid_edges = 0, set()
    for width in grid:
        running_grid += width
        grid_edges.add(round(running_grid / total * 100))
    assert edges <= grid_edges | {100}


def test_build_writes_every_form_as_pdf_and_docx(capsys: Any, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "build", str(EVALUATED), "-o", str(tmp_path / "a"), "--format", "pdf,docx")
    assert code == 0, err
    made = sorted(p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*.*")
                  if p.suffix in (".pdf", ".docx"))
    assert made == [f"居家养老上门服务{s}.{k}" for s in ("", ".监控表", ".自评表") for k in ("docx", "pdf")]
    spec = _spec(EVALUATED / "居家养老上门服务.perf")
    sheets = {suffix: sheet for suffix, sheet, _ in forms(spec, spec.projects[0],
                                                        find_config(str(EVALUATED)).rule_set())}
    data = (tmp_path / "a" / "居家养老上门服务.自评表.pdf").read_bytes()
    printed = _read(data)
    text = _flat("".join(printed.texts))
    assert _flat(sheets["自评表"].title) in text and "第1页共" in text
    cells = {_flat(c) for c in printed.cells}
    for block in sheets["自评表"].blocks:
        for row in getattr(block, "rows", ()):
            assert {_flat(c.text) for c in row if c.span == 1} <= cells | {""}, row
    # the build writes exactly what the backends make
    path = EVALUATED / "居家养老上门服务.perf"
    assert (tmp_path / "a" / "居家养老上门服务.pdf").read_bytes() == _pdf(path)
    assert (tmp_path / "a" / "居家养老上门服务.docx").read_bytes() == docx.render(spec, spec.projects[0])


def test_a_missing_library_names_its_extra(capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from perfdsl.cli import build

    monkeypatch.setattr(build, "_have", lambda module: module != "weasyprint")
    code, out, err = run_cli(capsys, "--lang", "en", "build", str(EVALUATED), "-o", str(tmp_path), "--format",
                             "html,pdf")
    assert code == 2 and "pip install 'perfdsl[print]'" in err and not any(tmp_path.iterdir())
    monkeypatch.setattr(build, "_have", lambda module: module != "docx")
    code, out, err = run_cli(capsys, "--lang", "en", "build", str(EVALUATED), "-o", str(tmp_path), "--format",
                             "docx")
    assert code == 2 and "pip install 'perfdsl[docx]'" in err


LINES_JS = """
selector => Array.from(document.querySelectorAll(selector)).map(cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const lines = [];
  for (const r of range.getClientRects()) {
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.top - r.top) < 2) { last.width += r.width; } else { lines.push({top: r.top, width: r.width}); }
  }
  return {text: cell.textContent.trim(), lines: lines.map(l => l.width),
          em: parseFloat(getComputedStyle(cell).fontSize)};
})
"""


@pytest.mark.parametrize("path", [p for p in SPECS if "national" in p.parts or "2020" in p.parts][:6], ids=_name)
def test_the_html_form_prints_from_chromium_without_broken_words(page: Any, path: Path) -> None:
    """The HTML page's own print, in Chromium at the printed width (A4 less its margins, 180 mm): headings and
    targets on one line each, no header label or 一级/二级 name ending in a character alone."""
    from perfdsl.backends import html

    spec = _spec(path)
    view = project_view(spec, spec.projects[0])
    landscape = widths(view).landscape
    page.set_viewport_size({"width": round((267 if landscape else 180) / 25.4 * 96), "height": 1000})
    page.emulate_media(media="print")
    page.set_content(html.render(spec, spec.projects[0]))
    for cell in page.evaluate(LINES_JS, "table.goals thead th:not(.band), td.target:not(.wrap)"):
        assert len(cell["lines"]) == 1, cell
    for cell in page.evaluate(LINES_JS, "table.header th, table.budget th:not(.band), td.l1, td.l2"):
        if len(cell["lines"]) > 1:
            assert cell["lines"][-1] > 1.5 * cell["em"], cell


def test_markup_in_a_spec_prints_as_its_text_and_loads_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names and values that look like HTML or Word's XML reach both documents as the text they are, and
    the PDF engine is never asked for a file or a URL."""
    src = load_file(str(ROOT / "tests" / "serve" / "hostile.perf"))
    assert not [d for d in src.diagnostics if d.severity.value == "error"]
    spec = src.spec
    project = spec.projects[0]
    asked: list[str] = []
    monkeypatch.setattr(pdf, "_refuse", lambda url, *a, **k: asked.append(url))
    printed = pdf.render(spec, project)
    assert asked == []
    with pdfplumber.open(io.BytesIO(printed)) as doc:
        text = _flat("".join(p.extract_text() or "" for p in doc.pages))
    for written in ("<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "{{ 7*7 }}<b>粗</b>",
                    "</table><script>alert(2)</script>"):
        assert _flat(written) in text
    made = docx.render(spec, project)
    import docx as python_docx

    cells = {c.text for t in python_docx.Document(io.BytesIO(made)).tables for r in t.rows for c in r.cells}
    assert {"<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "{{ 7*7 }}<b>粗</b>",
            "</table><script>alert(2)</script>"} <= cells
