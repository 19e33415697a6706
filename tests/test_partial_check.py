"""A syntax error in one project does not hide the findings of the others: `check`, `build` and the editor
check the projects that parsed, and leave out only those whose text holds an error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from perfdsl.checks import check_sources
from perfdsl.config import Config
from perfdsl.editor.document import analyse
from perfdsl.syntax.parser import parse
from tests.conftest import ROOT, run_cli

CASE = ROOT / "tests" / "partial" / "two_projects_one_broken.perf"
REL = CASE.relative_to(ROOT).as_posix()


def codes_in(out: str) -> list[str]:
    return re.findall(r"^\S+:\d+:\d+: \w+\[(\w+)\]", out, flags=re.M)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_reports_the_syntax_error_and_the_other_projects_findings(
        lang: str, capsys: pytest.CaptureFixture[str], golden) -> None:
    code, out, err = run_cli(capsys, "--lang", lang, "check", REL)
    assert code == 1 and "Traceback" not in out + err
    assert codes_in(out) == ["P002", "C301"]
    golden(CASE.with_suffix(".en.out" if lang == "en" else ".out"), out)


def test_the_broken_project_is_not_checked() -> None:
    """Its placeholders would raise false alarms: 审判业务经费 lacks sections (C105) only because of the error."""
    result = analyse(CASE.read_text(encoding="utf-8"), str(CASE))
    lines = {d.span.line for d in result.diagnostics}
    assert [d.code for d in result.diagnostics] == ["P002", "C301"]
    assert not any(5 <= line <= 16 for line in lines - {13})


def test_a_file_whose_only_project_is_broken_is_not_said_to_be_empty() -> None:
    text = "项目 甲 {\n  产出 {\n    数量 {\n      预算执行率\n    }\n  }\n}\n"
    assert [d.code for d in analyse(text, "a.perf").diagnostics] == ["P002"]


def test_an_error_outside_every_project_leaves_the_file_unchecked() -> None:
    """A broken header line (here 年度) is what every project inherits: no project's findings can be trusted."""
    text = CASE.read_text(encoding="utf-8").replace("年度 2023", "年度 二〇二三")
    codes = [d.code for d in analyse(text, "a.perf").diagnostics]
    assert "C301" not in codes and codes[0].startswith("P")


def test_duplicates_still_see_the_broken_projects_name() -> None:
    broken = parse(CASE.read_text(encoding="utf-8"), "a.perf")
    twin = parse("单位 某市中级人民法院\n年度 2023\n项目 审判业务经费 {\n}\n", "b.perf")
    found = check_sources([broken, twin], Config())
    assert "C108" in {d.code for d in found["b.perf"]}


def test_build_refuses_the_file_but_reports_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "out"
    code, out, err = run_cli(capsys, "--lang", "en", "build", REL, "-o", str(out_dir))
    assert code == 1 and "Traceback" not in out + err
    assert codes_in(out) == ["P002", "C301"]
    assert not list(out_dir.rglob("*.html")), "a file with an error is never built"


NOT_A_SPEC = sorted(p for p in (ROOT / "tests" / "not_a_spec").iterdir() if p.suffix != ".out")


@pytest.mark.parametrize("case", NOT_A_SPEC, ids=lambda p: p.name)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_file_that_is_not_a_spec_gets_one_error(case: Path, lang: str, capsys: pytest.CaptureFixture[str],
                                                 golden) -> None:
    code, out, err = run_cli(capsys, "--lang", lang, "check", case.relative_to(ROOT).as_posix())
    assert code == 1 and codes_in(out) == ["P000"]
    golden(case.parent / f"{case.name}.{lang}.out", out)
    assert [d.code for d in analyse(case.read_text(encoding="utf-8"), str(case)).diagnostics] == ["P000"]


def test_a_fragment_of_a_spec_is_not_taken_for_another_file() -> None:
    """A section without its project is a spec with a mistake, reported as such."""
    text = (ROOT / "tests" / "diagnostics" / "P014_section_at_top.perf").read_text(encoding="utf-8")
    assert [d.code for d in analyse(text, "a.perf").diagnostics] == ["P014"]
