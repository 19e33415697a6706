"""Excel workbooks: `perfdsl build --format xlsx` (a sheet per project, laid out like the form) and
`perfdsl import` of such a workbook back into specs."""

from __future__ import annotations

import dataclasses
import datetime
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

openpyxl = pytest.importorskip("openpyxl", reason="the xlsx extra: pip install '.[test]'")

from openpyxl.cell.cell import MergedCell  # noqa: E402

from perfdsl import ast  # noqa: E402
from perfdsl.backends.view import project_view  # noqa: E402
from perfdsl.backends.xlsx import sheet_title, workbook  # noqa: E402
from perfdsl.syntax.loader import load_file  # noqa: E402
from perfdsl.importers.xlsx import import_workbook  # noqa: E402
from perfdsl.syntax.vocab import COMPARATOR_WORDS  # noqa: E402
from tests.conftest import ROOT  # noqa: E402
from tests.strategies import projects  # noqa: E402
from tests.table_forms import as_a_table_holds_it  # noqa: E402

# a spec past its targets (monitoring, actuals) carries them on its 监控表 and 自评表 sheets, which import does
# not read back yet: its target sheet is compared in test_target_sheet_of_an_evaluated_spec
EVALUATED = ROOT / "specs" / "cycle" / "2025"
SPECS = sorted(p for p in (ROOT / "specs").rglob("*.perf") if p.parent != EVALUATED)
HERE = ROOT / "tests" / "xlsx"


def perfdsl(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    full.pop("PERFDSL_LANG", None)
    return subprocess.run([sys.executable, "-m", "perfdsl", *args], capture_output=True, text=True, cwd=cwd,
                          env=full, timeout=120)


def _load(path: Path) -> ast.Spec:
    src = load_file(str(path))
    assert not src.diagnostics
    return src.spec


def _resolved(spec: ast.Spec, project: ast.Project) -> ast.Project:
    """The project with its file-level 单位/年度/框架 filled in, and none of its own comments."""
    return dataclasses.replace(project, unit=spec.unit_of(project), year=spec.year_of(project),
                               framework=spec.framework_of(project) or "shanghai-2020")


def test_round_trip_of_the_seed_projects() -> None:
    """build xlsx of specs/2020 -> import -> the same AST (spans, layout and the file's comment aside)."""
    for path in sorted((ROOT / "specs" / "2020").glob("*.perf")):
        original = _load(path)
        specs, diags = import_workbook(workbook(original), "book.xlsx")
        assert diags == [] and len(specs) == 1
        (imported,) = specs
        assert ast.same(imported.projects[0], original.projects[0]), path.name
        assert imported.unit is not None and original.unit is not None and imported.unit.value == original.unit.value
        assert imported.year is not None and original.year is not None and imported.year.value == original.year.value


def test_round_trip_of_national_tables_with_attributes() -> None:
    for path in SPECS:
        original = _load(path)
        for project, imported in zip(original.projects, import_workbook(workbook(original), "b.xlsx")[0]):
            assert ast.same(_resolved(imported, imported.projects[0]), _resolved(original, project)), path.name


def test_target_sheet_of_an_evaluated_spec() -> None:
    """The target sheet of a spec with actuals reads back as its targets; the 自评表 and 监控表 are sheets of
    their own after it."""
    from openpyxl import load_workbook
    import io

    path = ROOT / "specs" / "cycle" / "2025" / "居家养老上门服务.perf"
    original = _load(path)
    data = workbook(original)
    imported = import_workbook(data, "b.xlsx")[0][0].projects[0]
    wanted = original.projects[0]
    for l1a, l1b in zip(imported.sections, wanted.sections):
        for l2a, l2b in zip(l1a.sections, l1b.sections):
            assert [(i.name, ast.strip_spans(i.target)) for i in l2a.indicators] == \
                [(i.name, ast.strip_spans(i.target)) for i in l2b.indicators]
    assert load_workbook(io.BytesIO(data)).sheetnames == ["居家养老上门服务"]


def _dump(ws: Any) -> str:
    """A sheet as text: merged ranges, then each non-empty cell with its type and number format."""
    lines = [f"sheet {ws.title}", "merged " + " ".join(sorted(str(r) for r in ws.merged_cells.ranges)),
             "widths " + " ".join(f"{k}={v.width}" for k, v in sorted(ws.column_dimensions.items()))]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                fmt = "" if cell.number_format == "General" else f" [{cell.number_format}]"
                lines.append(f"{cell.coordinate} {cell.data_type}{fmt} {cell.value!r}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", ["2020/审判辅助人员经费", "national/信息系统运行维护"])
def test_layout(name: str, golden) -> None:
    spec = _load(ROOT / "specs" / f"{name}.perf")
    ws = openpyxl.load_workbook(io.BytesIO(workbook(spec))).worksheets[0]
    golden(HERE / f"{name.replace('/', '_')}.cells", _dump(ws))


def test_the_form_on_a4_with_merged_sections_borders_and_numbers() -> None:
    spec = _load(ROOT / "specs" / "2020" / "审判辅助人员经费.perf")
    project = spec.projects[0]
    ws = openpyxl.load_workbook(io.BytesIO(workbook(spec))).worksheets[0]
    assert ws.title == "审判辅助人员经费"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"  # 9: A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert [ws.column_dimensions[c].width for c in "ABCDE"] == [12, 12, 20, 18, 16]  # 三级 over C:D
    rows = project_view(spec, project).rows
    first = next(r for r in ws.iter_rows(min_col=1, max_col=1) if r[0].value == "一级目标")[0].row + 1
    merged = {str(r) for r in ws.merged_cells.ranges}
    for i, row in enumerate(rows):
        if row.level1_span > 1:
            assert f"A{first + i}:A{first + i + row.level1_span - 1}" in merged
        if row.level2_span > 1:
            assert f"B{first + i}:B{first + i + row.level2_span - 1}" in merged
        assert f"C{first + i}:D{first + i}" in merged
    ranges = list(ws.merged_cells.ranges)

    def outline(cell: Any) -> list[str]:
        """The sides of a cell that lie on the outline of its merged range (all four for a plain cell)."""
        for rng in ranges:
            if cell.coordinate in rng:
                return [side for side, edge in (("left", cell.column == rng.min_col), ("right", cell.column == rng.max_col),
                                                ("top", cell.row == rng.min_row), ("bottom", cell.row == rng.max_row)) if edge]
        assert not isinstance(cell, MergedCell)
        return ["left", "right", "top", "bottom"]

    for r in range(first - 1, first + len(rows)):
        for c in range(1, 6):
            cell = ws.cell(row=r, column=c)
            for side in outline(cell):
                assert getattr(cell.border, side).style == "thin", (cell.coordinate, side)
    target = ws.cell(row=first, column=5)
    assert (target.value, target.data_type) == ("=100%", "s")  # text, not a formula
    assert ws.cell(row=first, column=3).alignment.wrap_text
    budget = {ws.cell(row=r, column=c).value: ws.cell(row=r, column=c + 1)
              for r in range(1, first) for c in (1, 4)}
    total = budget["项目总预算（元）"]
    assert (total.value, total.data_type, total.number_format) == (10144000, "n", "#,##0")
    start = budget["计划开始日期"]
    assert start.value == datetime.datetime(2020, 1, 1) and start.number_format == "yyyy-mm-dd"


def test_user_text_is_never_a_formula() -> None:
    text = ('项目 "=HYPERLINK(\\"http://x\\")" {\n  概况 "=1+1"\n  产出 {\n    数量 {\n'
            '      "@SUM(A1)" 合理\n    }\n  }\n}\n')
    from perfdsl.syntax.parser import parse

    spec, diags = parse(text, "x.perf")
    assert not diags
    ws = openpyxl.load_workbook(io.BytesIO(workbook(spec))).worksheets[0]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for value in ('=HYPERLINK("http://x")', "=1+1", "@SUM(A1)"):
        assert cells[value].data_type == "s" and cells[value].quotePrefix, value
    (back,), problems = import_workbook(workbook(spec), "x.xlsx")
    assert problems == [] and ast.same(back.projects[0], spec.projects[0])


def test_sheet_titles_are_valid_and_distinct() -> None:
    taken: set[str] = set()
    titles = [sheet_title(n, taken) for n in ["a/b", "a/b", "A/B", "x" * 40, "[周期]:*?"]]
    assert titles == ["a_b", "a_b(2)", "A_B(3)", "x" * 31, "_周期____"]
    assert all(len(t) <= 31 for t in titles)


def test_workbook_bytes_do_not_depend_on_the_time() -> None:
    spec = _load(SPECS[0])
    assert workbook(spec) == workbook(spec)


def test_build_writes_a_workbook_per_spec_only_when_asked(tmp_path: Path) -> None:
    default = perfdsl("build", "specs/2020", "-o", str(tmp_path / "plain"))
    assert default.returncode == 0, default.stderr
    assert not list((tmp_path / "plain").rglob("*.xlsx"))
    r = perfdsl("build", "specs", "-o", str(tmp_path / "out"), "--format", "xlsx,html")
    assert r.returncode == 0, r.stderr
    books = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.xlsx"))
    assert books == sorted(p.relative_to(ROOT / "specs").with_suffix(".xlsx").as_posix()
                           for p in (ROOT / "specs").rglob("*.perf"))
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="2020/%E5%AE%A1%E5%88%A4%E8%BE%85%E5%8A%A9%E4%BA%BA%E5%91%98%E7%BB%8F%E8%B4%B9.xlsx">xlsx' in index
    again = perfdsl("build", "specs", "-o", str(tmp_path / "again"), "--format", "xlsx")
    assert again.returncode == 0
    for book in books:
        assert (tmp_path / "out" / book).read_bytes() == (tmp_path / "again" / book).read_bytes(), book


def test_import_command_reads_workbooks_back(tmp_path: Path) -> None:
    assert perfdsl("build", "specs", "-o", str(tmp_path / "out"), "--format", "xlsx").returncode == 0
    everything = sorted((tmp_path / "out").rglob("*.xlsx"))
    # the same project in two years would import to one file name: the year's cycle is imported on its own
    books = [str(p) for p in everything if "cycle" not in p.parts]
    r = perfdsl("import", *books, "-o", str(tmp_path / "back"))
    assert r.returncode == 0, r.stdout + r.stderr
    targets = [p for p in SPECS if "cycle" not in p.parts]
    assert len(list((tmp_path / "back").glob("*.perf"))) == len(targets)
    import shutil

    for p in targets:
        shutil.copy(p, tmp_path / "targets" / p.name) if (tmp_path / "targets").is_dir() else (
            (tmp_path / "targets").mkdir(), shutil.copy(p, tmp_path / "targets" / p.name))
    diff = perfdsl("diff", str(tmp_path / "targets"), str(tmp_path / "back"))
    assert diff.returncode == 0 and "没有实质变化" in diff.stdout, diff.stdout
    evaluated = [str(p) for p in everything if "2025" in p.parts]
    r = perfdsl("import", *evaluated, "-o", str(tmp_path / "cycle"))
    # its 自评表 sheet joins the project; its 监控表 is said, not read
    assert r.returncode == 0 and (r.stdout + r.stderr).count("[I156]") == 1, r.stdout
    assert len(list((tmp_path / "cycle").glob("*.perf"))) == 1


def _edited(tmp_path: Path) -> Path:
    """A seed workbook as someone might change it in Excel: merges undone and the names typed out, money and
    dates typed as text, a label renamed, a target made unreadable, a second sheet of notes."""
    spec = _load(ROOT / "specs" / "2020" / "审判辅助人员经费.perf")
    wb = openpyxl.load_workbook(io.BytesIO(workbook(spec)))
    ws = wb.worksheets[0]
    for rng in [r for r in ws.merged_cells.ranges if r.min_col <= 2 and r.max_row > r.min_row]:
        value = ws.cell(row=rng.min_row, column=rng.min_col).value
        ws.unmerge_cells(str(rng))
        for r in range(rng.min_row, rng.max_row + 1):
            ws.cell(row=r, column=rng.min_col).value = value
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    ws.cell(row=cells["项目总预算（元）"].row, column=2).value = "10,144,000"
    ws.cell(row=cells["计划开始日期"].row, column=2).value = "2020-01-01"
    cells["绩效类型"].value = "绩效分类"
    cells["辅助人员流失率"].offset(column=2).value = "<= 五%"
    wb.create_sheet("备注")["A1"] = "说明"
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    return path


def test_import_of_an_edited_workbook(tmp_path: Path) -> None:
    path = _edited(tmp_path)
    (spec,), diags = import_workbook(path.read_bytes(), str(path))
    by_code = {d.code: d for d in diags}
    assert set(by_code) == {"I101", "I102", "I103"}
    assert by_code["I102"].message("en") == "cannot read the cell 审判辅助人员经费!E38: `<= 五%`"
    assert by_code["I102"].severity.value == "error" and by_code["I102"].span.line == 38
    assert by_code["I103"].message("en") == "cell 审判辅助人员经费!D6: unknown label `绩效分类`, not imported"
    assert by_code["I103"].severity.value == "warning"
    assert by_code["I101"].message("en").startswith("the sheet `备注` is not a performance-target table")
    original = _load(ROOT / "specs" / "2020" / "审判辅助人员经费.perf").projects[0]
    project = spec.projects[0]
    assert project.budget is not None and project.budget.total is not None
    assert project.budget.total.value == 10144000 and project.start is not None
    assert project.start.value == datetime.date(2020, 1, 1)
    assert [(l1.name, [l2.name for l2 in l1.sections]) for l1 in project.sections] == [
        (l1.name, [l2.name for l2 in l1.sections]) for l1 in original.sections]
    r = perfdsl("import", str(path), "-o", str(tmp_path / "out"))
    assert r.returncode == 1 and not (tmp_path / "out").exists()
    assert "edited.xlsx:38:5: 错误[I102]: 无法读取单元格 审判辅助人员经费!E38：“<= 五%”" in r.stdout


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a zip", encoding="utf-8")
    specs, diags = import_workbook(bad.read_bytes(), str(bad))
    assert specs == [] and [d.code for d in diags] == ["I104"]
    assert diags[0].message("en").startswith("cannot open the workbook: BadZipFile")


def test_without_openpyxl(tmp_path: Path) -> None:
    """The core install builds the four default formats; asking for xlsx says what to install."""
    blocker = tmp_path / "block"
    (blocker / "openpyxl").mkdir(parents=True)
    (blocker / "openpyxl" / "__init__.py").write_text("raise ImportError('not installed')\n", encoding="utf-8")
    env = {"PYTHONPATH": os.pathsep.join([str(blocker), str(ROOT)])}
    assert perfdsl("build", "specs/2020", "-o", str(tmp_path / "plain"), env=env).returncode == 0
    r = perfdsl("build", "specs/2020", "-o", str(tmp_path / "out"), "--format", "xlsx", env=env)
    assert r.returncode == 2 and r.stderr.strip() == "Excel 工作簿需要 openpyxl：pip install 'perfdsl[xlsx]'"
    r = perfdsl("import", str(tmp_path / "x.xlsx"), "-o", str(tmp_path / "in"), env=env)
    assert r.returncode == 2


def test_a_spec_of_several_projects_is_one_workbook_of_several_sheets() -> None:
    from perfdsl.syntax.parser import parse

    bodies = [p.read_text(encoding="utf-8").split("\n项目 ", 1)[1] for p in SPECS[:2]]  # without header lines
    spec, diags = parse("单位 上海市第一中级人民法院\n年度 2020\n" + "".join("\n项目 " + b for b in bodies), "two.perf")
    assert [p.name for p in spec.projects] == ["信息化新建", "信息化运维"] and not diags
    book = openpyxl.load_workbook(io.BytesIO(workbook(spec)))
    assert book.sheetnames == ["信息化新建", "信息化运维"]
    specs, problems = import_workbook(workbook(spec), "two.xlsx")
    assert problems == [] and len(specs) == 2
    for imported, project in zip(specs, spec.projects):
        assert ast.same(_resolved(imported, imported.projects[0]), _resolved(spec, project))


def test_a_workbook_of_a_spec_recovered_from_errors_leaves_its_missing_pieces_empty() -> None:
    import io

    import openpyxl

    import perfdsl
    from perfdsl.backends.xlsx import workbook

    spec, found = perfdsl.parse("项目 x {\n  产出 {\n    {\n      a = 1个\n    }\n  }\n}\n")
    assert found  # the 二级 has no name: the parser marks it missing
    book = openpyxl.load_workbook(io.BytesIO(workbook(spec)))
    assert "a" in [c.value for row in book.worksheets[0].iter_rows() for c in row]


def _one_table_reading(project: ast.Project) -> bool:
    """A project a table shows one way only. Left out: no indicator (import refuses an empty project), a
    blank name (no cell tells it from an empty one), two neighbouring 一级 or 二级 of one name (one merged
    cell or two), and a bare figure that a 方向/性质/计量单位 cell completes (`5` beside 大于等于 is `>= 5`,
    as split tables mean it)."""
    indicators = [i for l1 in project.sections for l2 in l1.sections for i in l2.indicators]
    names = [project.name, *(l1.name for l1 in project.sections), *(l2.name for l1 in project.sections for l2 in l1.sections),
             *(i.name for i in indicators)]
    neighbours = [(a.name, b.name) for a, b in zip(project.sections, project.sections[1:])]
    neighbours += [(a.name, b.name) for l1 in project.sections for a, b in zip(l1.sections, l1.sections[1:])]

    def bare(i: ast.Indicator) -> bool:
        t = i.target
        if not isinstance(t, ast.Quantitative) or not t.implicit or t.unit:
            return False
        completed = i.measure is not None or any(
            w is not None and w.value in COMPARATOR_WORDS for w in (i.direction, i.nature))
        return completed

    return (bool(indicators) and all(n.strip() for n in names) and all(a.strip() != b.strip() for a, b in neighbours)
            and not any(bare(i) for i in indicators))


@settings(derandomize=True, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(projects().filter(_one_table_reading))
def test_build_then_import_gives_the_spec_back_for_random_projects(project: ast.Project) -> None:
    """build --format xlsx -> import -> the same project, for generated projects of every field, attribute and
    target kind (a target not filled in, a 中期 one too, included)."""
    spec = ast.Spec(file="gen.perf", unit=None, year=None, framework=None, projects=(project,), end_comments=())
    specs, diags = import_workbook(workbook(spec), "gen.xlsx")
    assert [d.code for d in diags if d.severity.value == "error"] == [] and len(specs) == 1
    back = dataclasses.replace(specs[0].projects[0], framework=None)
    assert ast.same(as_a_table_holds_it(back),
                    as_a_table_holds_it(dataclasses.replace(project, framework=None, unit=None, year=None)))
