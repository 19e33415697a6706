"""The text backend against the published seed document: same content, same lines."""

from __future__ import annotations

import dataclasses

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfdsl import ast
from perfdsl.backends import text
from perfdsl.importers.text import import_text
from perfdsl.syntax.loader import load_file
from perfdsl.syntax.textblock import breakable, display_width, join_soft, wrap
from tests.conftest import ROOT, SEED
from tests.table_forms import as_a_table_holds_it, the_target_table

SPECS = sorted((ROOT / "specs" / "2020").glob("*.perf"))


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def load(path: Path) -> tuple[ast.Spec, ast.Project]:
    src = load_file(str(path))
    assert src.diagnostics == []
    (project,) = src.spec.projects
    return src.spec, project


def seed_tables() -> dict[str, str]:
    """The seed cut at each title, keyed by project name."""
    parts = re.split(r"(?m)^(?= ?财政项目支出绩效目标表$)", SEED.read_text(encoding="utf-8"))
    tables = {}
    for part in parts:
        m = re.search(r"项目名称：\s*(\S+)", part)
        if m:
            tables[m.group(1)] = part
    return tables


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_text_output_is_the_seed_table_without_whitespace(path: Path) -> None:
    spec, project = load(path)
    assert squash(text.render(spec, project)) == squash(seed_tables()[project.name])


def line_misses(rendered: str, seed: str) -> list[str]:
    """The seed's non-blank lines that the output does not have (each output line used once)."""
    available = Counter(line for line in rendered.split("\n") if line.strip())
    misses = []
    for line in (x for x in seed.split("\n") if x.strip()):
        if available[line]:
            available[line] -= 1
        else:
            misses.append(line)
    return misses


def test_lines_are_the_seed_lines() -> None:
    """320 of the seed's 323 non-blank lines come out identical; the three others are titles the PDF's
    page joins indented by one space."""
    tables = seed_tables()
    misses: list[str] = []
    total = 0
    for path in SPECS:
        spec, project = load(path)
        seed = tables[project.name]
        total += sum(1 for line in seed.split("\n") if line.strip())
        misses.extend(line_misses(text.render(spec, project), seed))
    assert total == 323
    assert misses == [" 财政项目支出绩效目标表"] * 3


def test_counting_digits_as_half_matches_fewer_seed_lines() -> None:
    """The measurement behind the default: the PDF counts characters, not display columns."""
    tables = seed_tables()
    chars = columns = 0
    for path in SPECS:
        spec, project = load(path)
        seed = tables[project.name]
        chars += len(line_misses(text.render(spec, project, measure="chars"), seed))
        columns += len(line_misses(text.render(spec, project, measure="columns"), seed))
    assert (chars, columns) == (3, 29)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_the_importer_reads_the_text_layout_back(path: Path) -> None:
    spec, project = load(path)
    specs, diags = import_text(text.render(spec, project), "back.txt")
    assert diags == []
    assert ast.same(specs[0].projects[0], project)
    assert specs[0].unit is not None and specs[0].unit.value == spec.unit_of(project)


@pytest.mark.parametrize("path", sorted(p for p in (ROOT / "specs").rglob("*.perf") if p.parent.name != "2020"),
                         ids=lambda p: p.stem)
def test_the_importer_reads_every_field_of_language_v2_back(path: Path) -> None:
    """National, multi-year and Shanghai 2025 specs: attribute lines under the indicators, 中期 targets, 其中
    sources, 一级 分值, 项目期 and numbered goals all come back, and the framework is told by the 二级 too.
    A spec past its targets (specs/cycle) compares as its target table holds it."""
    spec, project = load(path)
    specs, diags = import_text(text.render(spec, project), "back.txt")
    assert diags == []
    back = specs[0].projects[0]
    assert back.framework is not None and back.framework.value == spec.framework_of(project)
    assert ast.same(as_a_table_holds_it(dataclasses.replace(back, framework=None)),
                    as_a_table_holds_it(the_target_table(dataclasses.replace(project, framework=None))))


@pytest.mark.parametrize("width", [12, 25, 40, 60])
@pytest.mark.parametrize("measure", ["chars", "columns"])
def test_width_is_configurable_and_never_changes_content(width: int, measure: text.Measure) -> None:
    spec, project = load(ROOT / "specs" / "2020" / "信息化新建.perf")
    out = text.render(spec, project, width=width, measure=measure)
    assert squash(out) == squash(seed_tables()[project.name])
    prose = out[out.index("项目概况：") + 6: out.index("本项目上年度")]
    limit = (lambda s: len(s)) if measure == "chars" else (lambda s: display_width(s) / 2)
    too_long = [line for line in prose.split("\n") if limit(line) > width and not line.endswith("：")]
    assert too_long == []


_ALPHABET = st.sampled_from(list("审判辅助人员经费预算执行率，。；、《》（）") + list("abcXY019%-. "))


@settings(derandomize=True, deadline=None, max_examples=200)
@given(st.text(_ALPHABET, min_size=1, max_size=200).map(lambda s: " ".join(s.split())).filter(bool),
       st.integers(min_value=4, max_value=50))
def test_character_wrapping_gives_the_paragraph_back(paragraph: str, width: int) -> None:
    lines = wrap(paragraph, width, wide=1)
    joined = ""
    for line in lines:
        joined = join_soft(joined, line)
    assert joined == paragraph
    # a line is over the width only when it has no place to break within it
    for line in lines:
        if len(line) > width:
            assert all(breakable(line[i - 1], line[i]) is None and line[i] != " " for i in range(1, width + 1))


def test_long_indicator_names_wrap_in_their_cell_with_the_target_below() -> None:
    spec, project = load(ROOT / "specs" / "2020" / "信息化新建.perf")
    lines = text.render(spec, project).split("\n")
    at = lines.index("最高院第四届大数据专题协作任务《非法集资")
    assert lines[at:at + 3] == ["最高院第四届大数据专题协作任务《非法集资", "案件特征、趋势及防范分析研究》完成率", "=100%"]
    assert "质量 工程验收合格率 =100%" in lines and "人力资源 建设人员到位率 =100%" in lines
