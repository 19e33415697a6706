"""A table in a local layout (LAYOUTS §4: 一级 `项目年度绩效目标(定量指标)`, 二级 制度指标, 产出数量指标) imports under
the local framework of the perfdsl.toml that will check it, found from the output folder up."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

openpyxl = pytest.importorskip("openpyxl")

ROWS = [["项目支出绩效目标表"], ["（2024年度）"], ["项目名称", "社区图书室运行"], ["申报单位", "示范街道办事处"],
        ["年度目标", "保障社区图书室全年开放。"], ["年度资金总额", 80000],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["项目年度绩效目标(定量指标)", "制度指标", "管理制度健全性", "健全"],
        [None, "产出数量指标", "全年开放天数", ">=300天"], [None, "产出成本指标", "运行成本", "<=8万元"]]


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    for row in ROWS:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _project(tmp_path: Path, configured: bool) -> Path:
    if configured:
        (tmp_path / "frameworks").mkdir()
        shutil.copy(ROOT / "docs" / "frameworks" / "local-annual.toml", tmp_path / "frameworks")
        (tmp_path / "perfdsl.toml").write_text('frameworks = ["frameworks/local-annual.toml"]\n', encoding="utf-8")
    (tmp_path / "表.xlsx").write_bytes(_workbook())
    return tmp_path


def test_the_local_framework_of_the_configuration_is_chosen_and_the_spec_checks_clean(capsys, tmp_path: Path) -> None:
    folder = _project(tmp_path, configured=True)
    code, out, err = run_cli(capsys, "import", str(folder / "表.xlsx"), "-o", str(folder / "specs"))
    assert code == 0, out + err
    written = (folder / "specs" / "社区图书室运行.perf").read_text(encoding="utf-8")
    assert "框架 local-annual" in written
    code, out, _ = run_cli(capsys, "--lang", "en", "check", str(folder / "specs"))
    assert code == 0 and "error" not in out and "warning" not in out, out


def test_without_the_configuration_a_builtin_is_chosen(capsys, tmp_path: Path) -> None:
    folder = _project(tmp_path, configured=False)
    run_cli(capsys, "import", str(folder / "表.xlsx"), "-o", str(folder / "specs"))
    assert "local-annual" not in (folder / "specs" / "社区图书室运行.perf").read_text(encoding="utf-8")


def test_a_broken_configuration_stops_the_import(capsys, tmp_path: Path) -> None:
    folder = _project(tmp_path, configured=False)
    (folder / "perfdsl.toml").write_text("frameworks = [\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "--lang", "en", "import", str(folder / "表.xlsx"), "-o", str(folder / "specs"))
    assert code == 2 and "perfdsl.toml" in err and not (folder / "specs").exists()
