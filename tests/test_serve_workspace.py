"""The state behind `perfdsl serve`: a file is read again only when it changed, a configuration change
re-checks every file, URLs name only files under the roots; the overview's filters and groups; projects
followed across years as diff pairs them; the chart's coordinates."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

from perfdsl.serve import Workspace
from perfdsl.serve.rows import Filters, overview
from perfdsl.serve.trends import budget_by_unit, chart, indicator_trend, lineage
from tests.conftest import ROOT

PROJECT = "居家养老上门服务"


def _tree(tmp_path: Path) -> Path:
    for year in ("2025", "2026"):
        (tmp_path / "specs" / year).mkdir(parents=True)
        shutil.copy(ROOT / "specs" / "cycle" / year / f"{PROJECT}.perf", tmp_path / "specs" / year)
    shutil.copytree(ROOT / "specs" / "2020", tmp_path / "specs" / "2020")
    return tmp_path / "specs"


def _touch(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # a stamp that moved, however fast


def test_only_changed_files_are_read_again(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    ws = Workspace([str(root)])
    assert ws.refresh() and ws.version == 1
    assert sorted(ws.files) == sorted(["2025/居家养老上门服务.perf", "2026/居家养老上门服务.perf",
                                       *(f"2020/{p.name}" for p in (root / "2020").iterdir())])
    before = dict(ws.files)
    assert not ws.refresh() and ws.version == 1
    edited = root / "2026" / f"{PROJECT}.perf"
    _touch(edited, edited.read_text(encoding="utf-8").replace(">= 1250人", ">= 1300人"))
    assert ws.refresh()
    changed = [k for k in ws.files if ws.files[k] is not before[k]]
    assert changed == ["2026/居家养老上门服务.perf"]
    # named by the watcher, a file is read again even where its stamp did not move
    assert ws.refresh([str(edited)]) and ws.files[changed[0]] is not before[changed[0]]
    (root / "2025" / f"{PROJECT}.perf").unlink()
    assert ws.refresh() and "2025/居家养老上门服务.perf" not in ws.files


def test_a_project_in_two_files_is_counted_in_both(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    ws = Workspace([str(root)])
    ws.refresh()
    assert not any(d.code == "C108" for f in ws.files.values() for d in f.diagnostics)
    copy = root / "2026" / "副本.perf"
    shutil.copy(root / "2026" / f"{PROJECT}.perf", copy)
    ws.refresh()
    twice = [k for k, f in ws.files.items() if any(d.code == "C108" for d in f.diagnostics)]
    assert twice and set(twice) <= {"2026/副本.perf", "2026/居家养老上门服务.perf"}
    c108 = sum(d.code == "C108" and d.severity.value == "error" for f in ws.files.values() for d in f.diagnostics)
    assert c108 >= 1 and overview(ws.files, Filters())["errors"] == c108  # the tree had no other error
    copy.unlink()
    ws.refresh()
    assert not any(d.code == "C108" for f in ws.files.values() for d in f.diagnostics)


def test_a_configuration_change_checks_every_file_again(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    ws = Workspace([str(root)])
    ws.refresh()
    codes = {d.code for f in ws.files.values() for d in f.diagnostics}
    assert codes, "the fixture specs give some diagnostics"
    code = sorted(codes)[0]
    toml = root / "perfdsl.toml"
    toml.write_text(f'[rules]\n"{code}" = "off"\n', encoding="utf-8")
    assert ws.refresh([str(toml)])
    assert code not in {d.code for f in ws.files.values() for d in f.diagnostics}
    toml.write_text("[rules\n", encoding="utf-8")  # broken: said once, the files checked by the defaults
    ws.refresh([str(toml)])
    assert [p.key for p in ws.problems.values()] == ["config.error"]
    assert code in {d.code for f in ws.files.values() for d in f.diagnostics}


def test_urls_name_only_files_the_workspace_holds(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (tmp_path / "outside.perf").write_text("项目 外 {\n}\n", encoding="utf-8")
    ws = Workspace([str(root)])
    ws.refresh()
    assert ws.project("2026/居家养老上门服务.perf", None) is not None
    assert ws.project("2026/居家养老上门服务.perf", "别的项目") is None
    for key in ("../outside.perf", str(tmp_path / "outside.perf"), "2026/../../outside.perf", "/etc/passwd"):
        assert ws.project(key, None) is None


def test_the_overview_filters_and_groups(tmp_path: Path) -> None:
    ws = Workspace([str(_tree(tmp_path))])
    ws.refresh()
    every = overview(ws.files, Filters())
    assert every["count"] == every["all"] == 6
    assert [u["name"] for u in every["units"]] == ["上海市第一中级人民法院", "某区民政局"]
    assert [g["year"] for g in every["units"][1]["years"]] == [2026, 2025]  # the latest year first
    assert every["units"][0]["years"][0]["current"] == "41,719,654"
    scored = every["units"][1]["years"][1]["projects"][0]
    assert (scored["score"], scored["row"].grade) == ("95.32", "优")
    assert overview(ws.files, Filters(year="2025"))["count"] == 1
    assert overview(ws.files, Filters(framework="national-2015"))["count"] == 2
    assert overview(ws.files, Filters(unit="某区民政局", q="老年人满意度"))["count"] == 2
    assert overview(ws.files, Filters(q="智慧法院"))["count"] >= 1  # prose is searched too
    assert overview(ws.files, Filters(q="无此词"))["units"] == []


def test_projects_and_indicators_are_followed_across_years(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    renamed = root / "2026" / f"{PROJECT}.perf"
    # renamed in 2026, and an indicator renamed: paired by name similarity and shared indicators, as diff does
    _touch(renamed, renamed.read_text(encoding="utf-8").replace(f"项目 {PROJECT}", "项目 居家养老上门服务项目")
           .replace("服务老人人数", "服务老人总人数"))
    ws = Workspace([str(root)])
    ws.refresh()
    found = lineage(ws.files)
    old, new = ("2025/居家养老上门服务.perf", PROJECT), ("2026/居家养老上门服务.perf", "居家养老上门服务项目")
    assert found.after[old] == new and found.before[new] == old
    assert found.chain(new) == [old, new]
    points = indicator_trend(ws.files, found, new, 0)
    assert points is not None
    assert [(p.year, p.indicator, p.target_value, p.actual_value) for p in points] == [
        (2025, "服务老人人数", Decimal(1200), Decimal(1150)), (2026, "服务老人总人数", Decimal(1250), None)]
    assert indicator_trend(ws.files, found, new, 999) is None
    years, units = budget_by_unit(ws.files)
    assert years == [2020, 2025, 2026]
    assert units[1]["shown"] == ["", "2,000,000", "2,100,000"]


def test_the_chart_spans_its_values() -> None:
    c = chart([2024, 2025, 2026], [("a", [Decimal(0), Decimal(50), None]), ("b", [Decimal(100), None, Decimal(25)])])
    assert c is not None
    a, b = c["lines"]
    assert [d["y"] for d in a["dots"]] == [c["bottom"], (c["bottom"] + c["top"]) / 2]
    assert b["dots"][0]["y"] == c["top"] and [d["year"] for d in b["dots"]] == [2024, 2026]
    assert [y["x"] for y in c["years"]] == [c["left"], (c["left"] + c["right"]) / 2, c["right"]]
    assert chart([], []) is None and chart([2024], [("a", [None])]) is None


def test_review_opinions_are_notes_at_their_indicator_and_follow_their_file(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "query" / "specs" / "民政局", tmp_path / "民政局")
    review = tmp_path / "民政局" / "2026" / "审核意见.review"
    ws = Workspace([str(tmp_path)])
    ws.refresh()
    state = ws.files["民政局/2026/助餐服务.perf"]
    notes = [d for d in state.diagnostics if d.code == "R000"]
    assert [(d.args["round"], d.args["verdict"]) for d in notes] == [(1, "修改后通过"), (1, "不通过")]
    satisfaction = [i for l1 in state.spec.projects[0].sections for l2 in l1.sections for i in l2.indicators
                    if i.name == "老年人满意度"][0]
    assert notes[1].span == satisfaction.span
    # notes, not problems: the counts are the file's own
    assert state.totals == (sum(d.severity.value == "error" for d in state.own),
                            sum(d.severity.value == "warning" for d in state.own))
    # a changed opinion is seen without the spec changing; a bad line is a problem at the .review file's line
    _touch(review, review.read_text(encoding="utf-8") + "第2轮 批准 已调整\n")
    assert ws.refresh()
    assert [(d.code, d.span.file, d.span.line) for d in ws.notes] == [("R004", str(review), 6)]
    assert "第2轮 批准 已调整" in ws.review_texts[str(review)]
    review.unlink()
    assert ws.refresh()
    assert not ws.notes and not any(d.code == "R000" for d in ws.files["民政局/2026/助餐服务.perf"].diagnostics)
