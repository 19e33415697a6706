"""perfdsl review over tests/query/specs, and the 审核意见 of .review files: the page in Chromium, the
workbook read back with openpyxl, the opinions' problems and notes as `perfdsl check` prints them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import file_url
from tests.conftest import ROOT, run_cli

pytest.importorskip("duckdb")
SPECS = "tests/query/specs"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from perfdsl.cli import main

    out = tmp_path_factory.mktemp("review")
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert main(["review", SPECS, "-o", str(out)]) == 0
    finally:
        os.chdir(cwd)
    return out


def test_the_page_puts_the_worst_unit_first_and_says_what_is_answered(report: Path, page) -> None:
    page.goto(file_url(report / "review.html"))
    units = page.locator("table.summary tbody tr").all_inner_texts()
    # 卫健委 has the one error; 民政局 more warnings than 教育局
    assert [u.split("\t")[0] for u in units] == ["某市卫生健康委员会", "某区民政局", "某县教育局"]
    assert "5 项已有审核意见" in page.locator("p.totals").inner_text()
    rows = page.locator("#unit-2 section.project").first.locator("table.findings tbody tr")
    lowered = [r for r in rows.all_inner_texts() if "目标放宽" in r]
    assert lowered == ["警告\t目标放宽\t老年人满意度\t目标比上年放宽：>= 95% → >= 90%\t42\t"
                       "第1轮 不通过：目标 >= 90% 低于上年实际完成值 97%，应不低于 95%。"]
    assert page.locator("#unit-3 td.answer.none").count() == page.locator("#unit-3 td.answer").count() > 0
    assert page.locator("#unit-2 ul.opinions li").count() == 2
    # self-contained: nothing but the page itself was loaded
    assert page.evaluate("performance.getEntriesByType('resource').length") == 0


def test_user_text_is_escaped_on_the_page(tmp_path: Path, capsys, page) -> None:
    spec = tmp_path / "a.perf"
    spec.write_text('单位 "<script>window.pwned=1</script>"\n年度 2026\n项目 "<b>x</b>" {\n  产出 {\n    数量 {\n'
                    '      完成率 >= 90%\n    }\n  }\n}\n', encoding="utf-8")
    assert run_cli(capsys, "review", "--format", "html", str(spec), "-o", str(tmp_path / "out"))[0] == 0
    page.goto(file_url(tmp_path / "out" / "review.html"))
    assert page.evaluate("window.pwned") is None and page.locator("b").count() == 0
    assert page.locator("section.project h3").inner_text() == "2026 <b>x</b>"


def test_the_workbook_has_a_row_per_finding(report: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(report / "review.xlsx")
    findings, summary = wb["审核发现"], wb["汇总"]
    rows = [[c.value for c in r] for r in findings.iter_rows()]
    assert rows[0] == ["单位", "年度", "项目", "指标", "类别", "级别", "说明", "文件", "行", "审核意见", "批注"]
    assert len(rows) - 1 == 14 and findings.auto_filter.ref == findings.dimensions
    below = [r for r in rows if r[4] == "低于上年实际" and r[3] == "老年人满意度"]
    assert below[0][1:3] == [2026, "老年助餐服务"] and below[0][9].startswith("第1轮 不通过")
    assert [[c.value for c in r] for r in summary.iter_rows()][1] == ["某市卫生健康委员会", 1, 1, 0, 1, 0]


def test_a_bad_format_is_a_usage_error(capsys, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, "review", "--format", "pdf", SPECS, "-o", str(tmp_path))
    assert code == 2 and "pdf" in err


def test_check_shows_the_opinions_at_their_project_and_indicator(capsys) -> None:
    code, out, _ = run_cli(capsys, "check", "tests/query/specs/民政局/2026")
    notes = [line for line in out.splitlines() if "[R000]" in line]
    assert notes == [
        "tests/query/specs/民政局/2026/助餐服务.perf:5:1: 提示[R000]: 审核意见（第1轮，修改后通过）："
        "预算增加两成，满意度目标却下调，请说明理由。（tests/query/specs/民政局/2026/审核意见.review:3）",
        "tests/query/specs/民政局/2026/助餐服务.perf:42:7: 提示[R000]: 审核意见（第1轮，不通过）："
        "目标 >= 90% 低于上年实际完成值 97%，应不低于 95%。（tests/query/specs/民政局/2026/审核意见.review:5）"]


def test_a_review_file_that_does_not_read_is_said_at_file_and_line(capsys, tmp_path: Path, golden) -> None:
    import shutil

    folder = tmp_path / "2026"
    shutil.copytree(ROOT / SPECS / "民政局" / "2026", folder)
    (folder / "审核意见.review").write_text(
        "项目 没有的项目\n第1轮 通过 好\n项目 老年助餐服务\n指标 没有的指标\n第3轮 同意 再议\n随手写的一行\n",
        encoding="utf-8")
    (folder / "b.review").write_text("第1轮 通过 没有项目\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "--lang", "en", "check", str(folder))
    found = [line.replace(str(folder), "DIR") for line in out.splitlines() if "[R0" in line]
    assert code == 1
    golden(ROOT / "tests" / "query" / "expected" / "bad_review.txt", "\n".join(found) + "\n")


def test_a_file_that_does_not_parse_still_shows_its_errors(tmp_path: Path, capsys, page) -> None:
    (tmp_path / "broken.perf").write_text("单位 某局\n年度 2026\n项目 x {\n  产出 {\n", encoding="utf-8")
    assert run_cli(capsys, "review", "--format", "html", str(tmp_path), "-o", str(tmp_path / "out"))[0] == 0
    page.goto(file_url(tmp_path / "out" / "review.html"))
    assert "P003" in page.locator("table.findings").inner_text()


def _git(repo: Path, *args: str) -> None:
    import subprocess

    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false",
                    "-C", str(repo), *args], check=True, capture_output=True)


def test_a_git_range_reviews_the_submissions_it_changed_as_committed(tmp_path: Path, capsys) -> None:
    """Round 1 is tagged; 民政局 then lowers a target and a reviewer answers; the working tree is edited
    after the last commit. `--git round1..HEAD` reports 民政局's changed file alone, as committed, with the
    opinion (a .review file of the revision) and last year's spec still compared."""
    import shutil

    openpyxl = pytest.importorskip("openpyxl")
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / SPECS, repo / "specs")
    (repo / "specs" / "民政局" / "2026" / "审核意见.review").unlink()
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "round 1")
    _git(repo, "tag", "round1")
    spec = repo / "specs" / "民政局" / "2026" / "助餐服务.perf"
    spec.write_text(spec.read_text(encoding="utf-8").replace(">= 90%", ">= 85%", 1), encoding="utf-8")
    shutil.copy(ROOT / SPECS / "民政局" / "2026" / "审核意见.review", spec.parent)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "round 2")
    spec.write_text("不是一份规格\n", encoding="utf-8")  # not committed: never read

    code, _, err = run_cli(capsys, "review", "--git", "round1..HEAD", "specs", "-o", "out", "--format", "xlsx", cwd=repo)
    assert code == 0, err
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(repo / "out" / "review.xlsx")["审核发现"].iter_rows()]
    assert {r[7] for r in rows[1:]} == {"HEAD:specs/民政局/2026/助餐服务.perf"}
    lowered = [r for r in rows if r[4] == "目标放宽"]
    assert [r[6] for r in lowered] == ["目标比上年放宽：>= 95% → >= 85%"]
    assert lowered[0][9].startswith("第1轮 不通过")  # answered by the revision's .review file

    # one revision: every submission as committed then, the .review file not yet there
    code, _, err = run_cli(capsys, "review", "--git", "round1", "-o", "all", "--format", "xlsx", cwd=repo)
    assert code == 0, err
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(repo / "all" / "review.xlsx")["审核发现"].iter_rows()]
    assert {r[7].split("/")[1] for r in rows[1:]} == {"卫健委", "教育局", "民政局"}
    assert not any(r[9] for r in rows[1:])

    code, _, err = run_cli(capsys, "review", "--git", "nosuch..HEAD", "specs", "-o", "x", cwd=repo)
    assert code == 2 and "nosuch" in err and "Traceback" not in err
    assert not (repo / "x").exists()
