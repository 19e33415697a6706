"""`perfdsl import` of a 项目支出绩效自评表 in the central layout (财预〔2020〕10号, ../LAYOUTS §3), in every format
the target table is tested in: the budget rows (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 per
source, in 万元), the goals beside what came of them, the indicator rows with 实际完成值, 得分 and 偏差原因 (and a
不适用), the 总分, the conclusions and both signatures. The spec it gives checks clean and scores as the table
says: every figure of it is one `perfdsl score` computes by the default rules."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest

from perfdsl.syntax.parser import parse
from tests.browser import browser  # noqa: F401  (fixture)
from tests.conftest import run_cli
from tests.test_import_formats import Cells, docx_file, html_page, ods_file, pasted, xls_file, xlsx_file

REASON = "两段道路因汛期推迟养护，已列入下年度计划。"
CELLS: Cells = [
    (1, 1, "附件1", 1, 1),
    (2, 1, "项目支出绩效自评表", 1, 9),
    (3, 1, "（2025年度）", 1, 9),
    (4, 1, "填报日期：2026-02-10", 1, 9),
    (5, 1, "项目名称", 1, 1), (5, 2, "乡村道路养护", 1, 8),
    (6, 1, "主管部门", 1, 1), (6, 2, "示范县交通运输局", 1, 3), (6, 5, "实施单位", 1, 1),
    (6, 6, "示范县公路事务中心", 1, 4),
    (7, 1, "项目资金（万元）", 4, 1), (7, 3, "年初预算数", 1, 1), (7, 4, "全年预算数", 1, 1),
    (7, 5, "全年执行数", 1, 1), (7, 6, "分值", 1, 1), (7, 7, "执行率", 1, 1), (7, 8, "得分", 1, 1),
    (8, 2, "年度资金总额", 1, 1), (8, 3, "120", 1, 1), (8, 4, "118", 1, 1), (8, 5, "112.1", 1, 1),
    (8, 6, "10", 1, 1), (8, 7, "95%", 1, 1), (8, 8, "9.5", 1, 1),
    (9, 2, "其中：当年财政拨款", 1, 1), (9, 3, "100", 1, 1), (9, 4, "100", 1, 1), (9, 5, "96", 1, 1),
    (9, 6, "—", 1, 1), (9, 7, "96%", 1, 1), (9, 8, "—", 1, 1),
    (10, 2, "其他资金", 1, 1), (10, 3, "20", 1, 1), (10, 4, "18", 1, 1), (10, 5, "16.1", 1, 1),
    (10, 6, "—", 1, 1), (10, 7, "89.44%", 1, 1), (10, 8, "—", 1, 1),
    (11, 1, "年度总体目标", 2, 1), (11, 2, "预期目标", 1, 4), (11, 6, "实际完成情况", 1, 4),
    (12, 2, "完成县乡道路日常养护120公里，路面优良率不低于90%。", 1, 4),
    (12, 6, "完成养护118公里，路面优良率92%，沿线群众满意度93%。", 1, 4),
    (13, 1, "绩效指标", 8, 1), (13, 2, "一级指标", 1, 1), (13, 3, "二级指标", 1, 1), (13, 4, "三级指标", 1, 1),
    (13, 5, "年度指标值", 1, 1), (13, 6, "实际完成值", 1, 1), (13, 7, "分值", 1, 1), (13, 8, "得分", 1, 1),
    (13, 9, "偏差原因分析及改进措施", 1, 1),
    (14, 2, "产出指标", 4, 1), (14, 3, "数量指标", 2, 1), (14, 4, "养护里程", 1, 1), (14, 5, "≥120公里", 1, 1),
    (14, 6, "118公里", 1, 1), (14, 7, "20", 1, 1), (14, 8, "19.67", 1, 1), (14, 9, REASON, 1, 1),
    (15, 4, "桥梁巡查次数", 1, 1), (15, 5, "≥4次", 1, 1), (15, 6, "4次", 1, 1), (15, 7, "10", 1, 1),
    (15, 8, "10", 1, 1),
    (16, 3, "质量指标", 1, 1), (16, 4, "路面优良率", 1, 1), (16, 5, "≥90%", 1, 1), (16, 6, "92%", 1, 1),
    (16, 7, "15", 1, 1), (16, 8, "15", 1, 1),
    (17, 3, "成本指标", 1, 1), (17, 4, "每公里养护成本", 1, 1), (17, 5, "≤1万元", 1, 1), (17, 6, "0.95万元", 1, 1),
    (17, 7, "15", 1, 1), (17, 8, "15", 1, 1),
    (18, 2, "效益指标", 2, 1), (18, 3, "社会效益指标", 2, 1), (18, 4, "群众出行条件", 1, 1), (18, 5, "有效提升", 1, 1),
    (18, 6, "有效提升", 1, 1), (18, 7, "20", 1, 1), (18, 8, "18", 1, 1),
    (19, 4, "智慧公路平台覆盖", 1, 1), (19, 5, "全面覆盖", 1, 1), (19, 6, "不适用", 1, 1), (19, 7, "5", 1, 1),
    (19, 8, "不适用", 1, 1), (19, 9, "平台由市级统一建设。", 1, 1),
    (20, 2, "满意度指标", 1, 1), (20, 3, "服务对象满意度指标", 1, 1), (20, 4, "沿线群众满意度", 1, 1),
    (20, 5, "≥90%", 1, 1), (20, 6, "93%", 1, 1), (20, 7, "5", 1, 1), (20, 8, "5", 1, 1),
    (21, 1, "总分", 1, 6), (21, 7, "100", 1, 1), (21, 8, "TOTAL", 1, 1), (21, 9, "自评等级：优", 1, 1),
    (22, 1, "评价结论", 1, 1), (22, 2, "项目基本完成年度绩效目标，预算执行率95%。", 1, 8),
    (23, 1, "存在问题", 1, 1), (23, 2, "汛期影响养护进度。", 1, 8),
    (24, 1, "改进措施", 1, 1), (24, 2, "汛前完成重点路段养护。", 1, 8),
    (25, 1, "项目负责人", 1, 1), (25, 2, "张三", 1, 3), (25, 5, "财务负责人", 1, 1), (25, 6, "李四", 1, 4),
]


def table(total: str) -> Cells:
    return [(r, c, total if text == "TOTAL" else text, rows, cols) for r, c, text, rows, cols in CELLS]


FORMATS: dict[str, Callable[[Cells], bytes]] = {
    "xlsx": xlsx_file,
    "xls": xls_file,
    "ods": ods_file,
    "docx": docx_file,
    "html": lambda cells: html_page(cells).encode("utf-8"),
    "tabs.txt": lambda cells: pasted("\t", False, cells).encode("utf-8"),
    "pipes.txt": lambda cells: pasted(" | ", True, cells, outer=True).encode("utf-8"),
}
GOLDEN = Path("tests/import/formats/乡村道路养护.自评表.perf")
# by the central rules: 预算执行 9.5 (95% of 10), 养护里程 19.67 (118/120 of 20), the 定性 18 as given, the rest
# in full: 92.17 of the 95 points left by the 不适用 5, rescaled to 100
TOTAL = "97.02"


def imported(capsys: Any, tmp_path: Path, name: str, cells: Cells) -> tuple[int, str, Path]:
    source = tmp_path / f"自评表.{name}"
    source.write_bytes(FORMATS[name](cells))
    code, stdout, stderr = run_cli(capsys, "--lang", "en", "import", str(source), "-o", str(tmp_path / "out"))
    return code, stdout + stderr, tmp_path / "out" / "乡村道路养护.perf"


def figures(path: Path, capsys: Any) -> Any:
    """What a self-evaluation comes to: 预算执行, the total and grade, each indicator's actual, score and weight."""
    (one,) = scored(capsys, path)
    return (one["budget"], one["total"], one["grade"],
            [(i["name"], i.get("actual"), i.get("score"), i.get("weight")) for i in one["indicators"]])


def scored(capsys: Any, path: Path) -> Any:
    code, stdout, _ = run_cli(capsys, "score", str(path), "--format", "json")
    assert code == 0, stdout
    return json.loads(stdout)


@pytest.mark.parametrize("name", list(FORMATS))
def test_a_self_evaluation_in_every_format_gives_its_actuals(capsys, tmp_path: Path, golden, name: str) -> None:
    pytest.importorskip({"xls": "python_calamine", "ods": "python_calamine", "docx": "docx", "html": "lxml"}
                        .get(name, "openpyxl"))
    code, said, written = imported(capsys, tmp_path, name, table(TOTAL))
    assert scored(capsys, written)[0]["total"] == TOTAL
    assert code == 0, said
    assert "warning" not in said, said
    text = written.read_text(encoding="utf-8")
    golden(GOLDEN, text)
    spec, diags = parse(text, "x.perf")
    assert diags == []
    project = spec.projects[0]
    budget = project.budget
    assert budget is not None and budget.current is not None and budget.full_year is not None
    assert (budget.current.value, budget.full_year.value) == (Decimal(1200000), Decimal(1180000))
    assert budget.executed is not None and budget.executed.value == Decimal(1121000)
    assert budget.executed_sources is not None
    assert [(s.name, s.value) for s in budget.executed_sources.items] == [("当年财政拨款", Decimal(960000)),
                                                                         ("其他资金", Decimal(161000))]
    indicators = {i.name: i for l1 in project.sections for l2 in l1.sections for i in l2.indicators}
    first = indicators["养护里程"]
    assert first.actual is not None and first.reason is not None and first.reason.paragraphs == (REASON,)
    assert indicators["智慧公路平台覆盖"].not_applicable is not None
    assert project.achieved is not None and project.finance_manager is not None
    code, stdout, _ = run_cli(capsys, "--lang", "en", "check", str(written))
    assert code == 0 and "warning" not in stdout and "error" not in stdout, stdout


def test_the_pdf_chromium_prints_of_the_page(capsys, tmp_path: Path, golden, browser) -> None:  # noqa: F811
    pytest.importorskip("pdfplumber")
    page = browser.new_page()
    try:
        page.set_content(html_page(table(TOTAL)))
        data = page.pdf()
    finally:
        page.close()
    source = tmp_path / "自评表.pdf"
    source.write_bytes(data)
    code, stdout, stderr = run_cli(capsys, "--lang", "en", "import", str(source), "-o", str(tmp_path / "out"))
    assert code == 0 and "warning" not in stdout + stderr, stdout + stderr
    golden(GOLDEN, (tmp_path / "out" / "乡村道路养护.perf").read_text(encoding="utf-8"))


def test_a_total_the_rules_do_not_give_is_checked_against_them(capsys, tmp_path: Path) -> None:
    """The unit's 总分 is read as stated: `check` shows it beside the computed one."""
    code, said, written = imported(capsys, tmp_path, "tabs.txt", table("99"))
    assert code == 0, said
    code, stdout, _ = run_cli(capsys, "--lang", "en", "check", str(written))
    assert "C603" in stdout and "99" in stdout, stdout


def test_the_self_evaluation_build_prints_reads_back_with_the_same_scores(capsys, tmp_path: Path) -> None:
    """specs/cycle's 自评表 as `build` prints it (text, `|` between the cells, the prose under its labels) gives
    the same actuals, budget execution and scores. The 定性 grade is not on the form: its score is."""
    from tests.conftest import ROOT

    spec = ROOT / "specs" / "cycle" / "2025"
    code, stdout, _ = run_cli(capsys, "build", str(spec), "-o", str(tmp_path / "site"), "--format", "text")
    assert code == 0, stdout
    (sheet,) = (tmp_path / "site").rglob("*.自评表.txt")
    code, stdout, stderr = run_cli(capsys, "--lang", "en", "import", str(sheet), "-o", str(tmp_path / "back"))
    assert code == 0 and "warning" not in stdout + stderr, stdout + stderr

    assert figures(tmp_path / "back", capsys) == figures(spec, capsys)
    back = parse((tmp_path / "back" / "居家养老上门服务.perf").read_text(encoding="utf-8"), "b.perf")[0]
    assert back.projects[0].achieved is not None and back.projects[0].conclusion is not None


def test_the_workbook_build_writes_reads_back_as_one_project(capsys, tmp_path: Path) -> None:
    """The target sheet, then the 自评表 sheet of the same project: one spec, its targets with their actuals."""
    from tests.conftest import ROOT

    spec = ROOT / "specs" / "cycle" / "2025"
    code, stdout, _ = run_cli(capsys, "build", str(spec), "-o", str(tmp_path / "site"), "--format", "xlsx")
    assert code == 0, stdout
    (book,) = (tmp_path / "site").rglob("*.xlsx")
    code, stdout, stderr = run_cli(capsys, "--lang", "en", "import", str(book), "-o", str(tmp_path / "back"))
    assert code == 0 and (stdout + stderr).count("warning") == 1 and "I156" in stdout + stderr, stdout + stderr
    assert figures(tmp_path / "back", capsys) == figures(spec, capsys)


def test_an_evaluated_indicator_the_target_sheet_lacks_is_an_error(capsys, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from tests.conftest import ROOT

    code, stdout, _ = run_cli(capsys, "build", str(ROOT / "specs" / "cycle" / "2025"), "-o", str(tmp_path / "site"),
                              "--format", "xlsx")
    (book,) = (tmp_path / "site").rglob("*.xlsx")
    wb = load_workbook(book)
    (cell,) = [c for row in wb["自评表"].iter_rows() for c in row if c.value == "投诉率"]
    cell.value = "投诉处理率"
    wb.save(book)
    code, stdout, stderr = run_cli(capsys, "--lang", "en", "import", str(book), "-o", str(tmp_path / "back"))
    assert code == 1 and "[I157]" in stdout + stderr and "投诉处理率" in stdout + stderr, stdout + stderr
    assert not (tmp_path / "back").exists() or not list((tmp_path / "back").iterdir())
