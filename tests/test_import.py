"""`perfdsl import`: the seed and the variants real users have, golden outputs and diagnostics."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfdsl import ast, render
from perfdsl.checks import run as run_checks
from perfdsl.syntax.fmt import format_source, format_spec
from perfdsl.importers.text import decode_document, import_text
from perfdsl.syntax.parser import parse
from tests.conftest import ROOT, SEED
from tests.strategies import SPAN, paragraph, projects

CASES = sorted((ROOT / "tests" / "import").glob("*.txt"))


def imported(path: Path, strict: bool = False) -> tuple[str, list]:
    text, problems = decode_document(path.read_bytes(), path.relative_to(ROOT).as_posix())
    assert text is not None and problems == []
    specs, diags = import_text(text, path.relative_to(ROOT).as_posix(), strict)
    return "".join(format_spec(s) for s in specs), diags


def test_seed_imports_to_the_committed_specs() -> None:
    specs, diags = import_text(SEED.read_text(encoding="utf-8"), "seed.txt")
    assert diags == [] and len(specs) == 4
    for spec in specs:
        committed = (ROOT / "specs" / "2020" / f"{spec.projects[0].name}.perf").read_text(encoding="utf-8")
        # the committed files carry one title comment above the imported text; otherwise identical
        assert committed.split("\n", 1)[1] == format_spec(spec)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_import_golden(case: Path, golden) -> None:
    out, diags = imported(case)
    from perfdsl.diagnostics import render_text

    shown = {d.span.file: decode_document(case.read_bytes(), "")[0] or "" for d in diags}
    golden(case.with_suffix(".perf"), out)
    golden(case.with_suffix(".out"), render_text(diags, shown, "en"))


@pytest.mark.parametrize("case", [c for c in CASES if "stray" not in c.stem], ids=lambda p: p.stem)
def test_imported_output_is_canonical_and_passes_check(case: Path) -> None:
    out, diags = imported(case)
    assert not [d for d in diags if d.severity.value == "error"]
    formatted, fdiags = format_source(out, "x.perf")
    assert formatted == out, "import output is already fmt-canonical"
    spec, pdiags = parse(out, "x.perf")
    assert pdiags == [] and [d for d in run_checks(spec) if d.severity.value == "error"] == []


def test_variants_read_the_same_indicators_as_the_seed() -> None:
    """The same table with blank lines lost, full-width targets, GBK or BOM+CRLF reads as the seed does."""
    seed = {s.projects[0].name: s for s in import_text(SEED.read_text(encoding="utf-8"), "s")[0]}
    for name in ("no_blank_lines", "fullwidth_targets", "gbk_encoded", "bom_crlf"):
        text, _ = decode_document((ROOT / "tests" / "import" / f"{name}.txt").read_bytes(), name)
        (spec,), diags = import_text(text or "", name)
        assert diags == []
        assert ast.same(spec.projects[0], seed[spec.projects[0].name].projects[0]), name


def test_national_layout_selects_its_framework() -> None:
    out, diags = imported(ROOT / "tests/import/national_layout.txt")
    spec, _ = parse(out, "x.perf")
    project = spec.projects[0]
    assert spec.framework_of(project) == "national-2015"
    assert [s.name for s in project.sections] == ["产出指标", "效益指标", "满意度指标"]
    cost = project.sections[0].sections[3].indicators[0]
    assert (cost.name, cost.target.comparator, str(cost.target.value), cost.target.unit) == \
        ("项目成本", "<=", "839.1607", "万元")


def test_guesses_are_warnings_unless_strict() -> None:
    case = ROOT / "tests/import/unknown_heading_and_stray_row.txt"
    _, diags = imported(case)
    assert [(d.code, d.severity.value) for d in diags] == [("I001", "error"), ("I003", "warning")]
    _, strict = imported(case, strict=True)
    assert [(d.code, d.severity.value) for d in strict] == [("I001", "error"), ("I003", "error")]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perfdsl", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=60)


def test_cli_writes_one_file_per_project_and_never_on_errors(tmp_path: Path) -> None:
    r = run_cli("import", str(SEED), "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        p.name for p in (ROOT / "specs" / "2020").iterdir())
    bad = run_cli("import", "tests/import/unknown_heading_and_stray_row.txt", "-o", str(tmp_path / "bad"))
    assert bad.returncode == 1 and "I001" in bad.stdout and not (tmp_path / "bad").exists()
    # an existing file with other content is not overwritten without --force
    target = next((tmp_path / "out").iterdir())
    target.write_text("# mine\n", encoding="utf-8")
    again = run_cli("import", str(SEED), "-o", str(tmp_path / "out"))
    assert again.returncode == 1 and target.read_text(encoding="utf-8") == "# mine\n"
    assert run_cli("import", "--force", str(SEED), "-o", str(tmp_path / "out")).returncode == 0


def test_unknown_header_label_is_reported_not_dropped_silently() -> None:
    case = ROOT / "tests/import/national_layout.txt"
    _, diags = imported(case)
    assert [(d.code, d.severity.value, d.span.line) for d in diags] == [("I006", "warning", 6)]
    _, strict = imported(case, strict=True)
    assert [(d.code, d.severity.value) for d in strict] == [("I006", "error")]


PAGE_FULL = "甲" * 39 + "。" + "乙" * 40  # two lines of exactly the page width (40 characters)


def test_a_paragraph_ending_on_a_full_line_stays_apart_from_the_next() -> None:
    """import -> build text -> import: a paragraph whose last line fills the page, then one that does not open
    an item (《…》, 一、), came back as one paragraph."""
    source = ('单位 某单位\n年度 2020\n\n项目 测试 {\n  概况 """\n    ' + PAGE_FULL + '\n\n    第二段不是条目。\n  """\n'
              "\n  产出 {\n    数量 {\n      完成率 =100%\n    }\n  }\n}\n")
    spec, diags = parse(source, "x.perf")
    assert diags == []
    rendered = render(spec, "text")
    assert f"乙" * 40 + "\n" in rendered  # the last line of the first paragraph is as long as the page
    (back,), diags = import_text(rendered, "x.txt")
    assert diags == []
    assert ast.same(back.projects[0], spec.projects[0])
    assert back.projects[0].overview is not None
    assert back.projects[0].overview.paragraphs == (PAGE_FULL, "第二段不是条目。")


def test_paragraphs_shorter_than_the_page_stay_apart() -> None:
    """The page width is read off the document (its longest prose line): with only short paragraphs the
    longest of them is as long as the page, so it ran into the next."""
    source = '项目 测试 {\n  概况 """\n    短句。\n\n    另一句\n  """\n}\n'
    spec, _ = parse(source, "x.perf")
    (back,), diags = import_text(render(spec, "text"), "x.txt")
    assert diags == [] and back.projects[0].overview is not None
    assert back.projects[0].overview.paragraphs == ("短句。", "另一句")


_PROSE_FIELDS = ("overview", "basis", "necessity", "measures", "plan", "goals")


@settings(derandomize=True, deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(projects(), st.lists(st.lists(paragraph, min_size=1, max_size=3), min_size=6, max_size=6))
def test_text_layout_gives_the_prose_back(project: ast.Project, texts: list[list[str]]) -> None:
    """import(render_text(spec)) has the spec's prose, paragraph by paragraph, whatever the paragraphs are."""
    prose = {f: ast.Text(paragraphs=tuple(p), span=SPAN) for f, p in zip(_PROSE_FIELDS, texts)}
    project = dataclasses.replace(project, **prose)
    spec = ast.Spec(file="gen.perf", unit=None, year=None, framework=None, projects=(project,), end_comments=())
    (back,), _ = import_text(render(spec, "text"), "gen.txt")
    for field in _PROSE_FIELDS:
        imported = getattr(back.projects[0], field)
        assert imported is not None and imported.paragraphs == prose[field].paragraphs, field


def _seed_with(old: str, new: str) -> str:
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_invisible_characters_are_read_as_seen() -> None:
    """A zero-width space in a name and a no-break space in a header line (pasted from Word) are read as the
    parser reads them; before, the imported text did not read back (an internal error, X003)."""
    text = _seed_with("预算执行率 =100%", "预算\u200b执行率 =100%").replace("项目类别： 其他", "项目类别：\u00a0其他", 1)
    specs, diags = import_text(text, "seed.txt")
    assert diags == []
    seed = import_text(SEED.read_text(encoding="utf-8"), "seed.txt")[0]
    assert all(ast.same(a.projects[0], b.projects[0]) for a, b in zip(specs, seed))
    for spec in specs:
        again, problems = parse(format_spec(spec), "seed.txt")
        assert problems == [] and ast.same(again, dataclasses.replace(spec, file="seed.txt"))


def test_direction_controls_are_an_error_at_their_place() -> None:
    text = _seed_with("预算执行率 =100%", "预算执行率 =10\u202e0%")
    line = text.split("\n").index("预算执行率 =10\u202e0%") + 1
    _, diags = import_text(text, "seed.txt")
    assert [(d.code, d.severity.value, d.span.line, d.span.column) for d in diags] == [("I008", "error", line, 10)]
    assert diags[0].message("en").startswith("invisible direction control characters (U+202E RIGHT-TO-LEFT OVERRIDE)")


def test_prose_of_several_paragraphs_with_three_quotes_is_an_error() -> None:
    """A `.perf` text block ends at three quotes: such prose cannot be written, so it is refused by name."""
    text = _seed_with("（沪高发政[2019]67号）。", '（沪高发政[2019]67号）。"""')
    line = next(i for i, x in enumerate(text.split("\n"), 1) if x.startswith("立项依据"))
    _, diags = import_text(text, "seed.txt")
    assert [(d.code, d.span.line) for d in diags] == [("I009", line + 1)]
    assert diags[0].message("en") == ('the text of `立项依据` holds three quotes in a row ("""), which a .perf text '
                                      'block cannot hold; change them (to “” for example)')


def test_a_bug_in_one_table_is_a_diagnostic_and_the_others_are_read(monkeypatch) -> None:
    from perfdsl.importers import text as importer

    real = importer.build_project

    def failing(table, *args, **kwargs):  # type: ignore[no-untyped-def]
        if table.start > 2:  # all tables but the first
            raise RuntimeError("boom")
        return real(table, *args, **kwargs)

    monkeypatch.setattr(importer, "build_project", failing)
    specs, diags = import_text(SEED.read_text(encoding="utf-8"), "seed.txt")
    assert len(specs) == 1 and [d.code for d in diags] == ["X005"] * 3
    assert diags[0].message("en") == "internal error: seed.txt:119 could not be imported (RuntimeError: boom); " \
                                     "please report it"


@pytest.mark.parametrize("target", ["健全#", '"健全', "#健全", "{健全}", "=100＃%", "=100#%"])
def test_a_target_a_perf_file_cannot_hold_is_refused_at_its_line(target: str) -> None:
    """A comment sign, a quote or a brace in a target word or unit would read back as something else (a
    comment, a string): before, such a table came out as an internal error (X003) for the whole project."""
    text = _seed_with("财务管理制度健全性 健全", f"财务管理制度健全性 {target}")
    _, diags = import_text(text, "seed.txt")
    assert [(d.code, d.span.line) for d in diags] == [("I004", 72)]
    assert diags[0].message("en") == f"cannot read `财务管理制度健全性 {target}`"


def test_control_characters_are_an_error_at_their_place() -> None:
    """A NUL or an escape in a line: the parser refuses them (P025), so before the imported table came out as
    an internal error (X003)."""
    text = _seed_with("预算执行率 =100%", "预算执行率 =100\x00%").replace("财务管理制度健全性", "财务\x1b管理制度健全性", 1)
    _, diags = import_text(text, "seed.txt")
    assert [(d.code, d.span.line, d.span.column, d.message("en")) for d in diags] == [
        ("I008", 64, 11, "control characters (U+0000) on this line: a table cannot hold them"),
        ("I008", 72, 3, "control characters (U+001B) on this line: a table cannot hold them")]


def test_the_labels_of_national_forms_are_read_as_their_keys() -> None:
    text = ("项目支出绩效目标表\n\n项目名称：校园安全改造\n\n主管部门及编码：101-某某区教育局 项目单位：776001-某某中学\n\n"
            "项目负责人及电话：张某 021-5555 0000\n\n中期资金总额（元）：1,200,000\n年度资金总额(元)：500,000\n")
    specs, diags = import_text(text, "table.txt")
    assert diags == [] and len(specs) == 1
    project = specs[0].projects[0]
    assert project.department is not None and project.department.value == "101-某某区教育局"
    assert project.implementer is not None and project.implementer.value == "776001-某某中学"
    assert project.manager is not None and project.manager.value == "张某 021-5555 0000"
    assert project.budget is not None and project.budget.total is not None and project.budget.current is not None
    assert (project.budget.total.value, project.budget.current.value) == (1200000, 500000)


def test_the_goals_of_national_forms_are_three_texts() -> None:
    text = "项目支出绩效目标表\n\n项目名称：x\n\n总体目标：\n完成改造。\n\n实施期目标：\n三年完成。\n\n年度目标：\n今年完成一半。\n"
    specs, diags = import_text(text, "table.txt")
    project = specs[0].projects[0]
    assert diags == [] and project.goals is not None and project.midterm_goals is not None
    assert project.annual_goals is not None
    assert (project.goals.paragraphs, project.midterm_goals.paragraphs, project.annual_goals.paragraphs) == (
        ("完成改造。",), ("三年完成。",), ("今年完成一半。",))


def test_a_standard_in_brackets_after_a_target_is_the_indicators_standard() -> None:
    text = "项目支出绩效目标表\n\n项目名称：x\n\n一级指标 二级指标 三级指标 指标值\n\n产出指标\n\n数量指标 改造数量 >=20间(计划标准)\n"
    specs, diags = import_text(text, "table.txt")
    (indicator,) = specs[0].projects[0].sections[0].sections[0].indicators
    assert diags == [] and indicator.standard is not None and indicator.standard.value == "计划标准"
    assert isinstance(indicator.target, ast.Quantitative) and indicator.target.unit == "间"


def test_the_weight_of_budget_execution_comes_back_into_the_budget() -> None:
    text = "项目支出绩效目标表\n\n项目名称：校园安全改造\n\n项目当年预算（元）： 200,000\n\n预算执行分值： 10\n"
    specs, diags = import_text(text, "table.txt")
    assert diags == []
    budget = specs[0].projects[0].budget
    assert budget is not None and budget.weight is not None and budget.weight.value == 10
