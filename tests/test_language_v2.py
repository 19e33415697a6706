"""The fields of real tables the first language had no place for: date and period targets, `?`, 中期 targets,
一级 分值, the sources of the year's funds, 项目期 and numbered goals — read, written back and checked."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfdsl import ast, parse
from perfdsl.syntax.fmt import format_source
from perfdsl.syntax import textblock, values
from tests.strategies import moments


@pytest.mark.parametrize(("written", "kind", "canonical", "printed"), [
    ("<= 2022-12-31", "deadline", "<= 2022-12-31", "2022年12月31日前"),
    ("2022年12月31日前", "deadline", "<= 2022-12-31", "2022年12月31日前"),
    ("不晚于2022年12月31日", "deadline", "<= 2022-12-31", "2022年12月31日前"),
    ("2022年底前", "deadline", "<= 2022-12", "2022年12月底前"),
    ("11月底之前", "deadline", "<= 11月", "11月底前"),
    ("2023-07..2024-01", "period", "2023-07..2024-01", "2023年7月至2024年1月"),
    ("2023.07-2024.01", "period", "2023-07..2024-01", "2023年7月至2024年1月"),
    ("202001-202012", "period", "2020-01..2020-12", "2020年1月至12月"),
    ("2020年1月--2020年11月", "period", "2020-01..2020-11", "2020年1月至11月"),
    ("2023年7月-12月", "period", "2023-07..2023-12", "2023年7月至12月"),
    ("?", "pending", "?", ""),
    ("？", "pending", "?", ""),
    ("≤620万/月", "quantitative", "<= 620万/月", "<=620万/月"),
    ("1次/月", "quantitative", "1次/月", "1次/月"),
    ("3月", "quantitative", "3月", "3月"),  # a month alone is as often a duration: no date without 前 or a year
    ("2022年", "quantitative", "2022年", "2022年"),
    ("在项目计划完成时间内完成", "qualitative", "在项目计划完成时间内完成", "在项目计划完成时间内完成"),
])
def test_targets_as_real_tables_write_them(written: str, kind: str, canonical: str, printed: str) -> None:
    parsed = values.read_target(written)
    assert parsed is not None
    target = values.make_target(parsed, ast.Span("t", 1, 1, 1, 2))
    assert (target.kind, values.write_target(target), values.show_target(target)) == (kind, canonical, printed)
    assert values.read_target(values.write_target(target)) == parsed  # the source form reads back
    if printed:
        assert values.read_target(printed) == parsed  # and so does the printed one (the importers read it)


@pytest.mark.parametrize("written", ["2022-02-30", "2022-13", "2023-07..2024-13", "13月底前", "< 2022-12-31",
                                     "= 2022-12", "> 2022年12月"])
def test_a_date_that_does_not_exist_or_is_no_deadline_is_reported_not_read_as_a_number(written: str) -> None:
    """A deadline is a date the work is done by: `<=` or none, never `<`, `=` or `>` (those read as the
    number 2022 with the unit `-12-31` before)."""
    assert values.read_target(written) is None
    _, diags = parse(f"项目 p {{\n  产出 {{\n    时效 {{\n      完成时间 {written}\n    }}\n  }}\n}}\n")
    assert [(d.code, d.span.line) for d in diags] == [("P010", 4)]


@given(moments(), st.booleans())
def test_every_moment_reads_back_from_both_forms(moment: ast.Moment, as_period: bool) -> None:
    span = ast.Span("t", 1, 1, 1, 2)
    if as_period and moment.year is not None:
        target: ast.Target = ast.Period(start=moment, end=moment, span=span)
    else:
        target = ast.Deadline(by=moment, span=span)
    for text in (values.write_target(target), values.show_target(target)):
        parsed = values.read_target(text)
        assert parsed is not None and ast.same(values.make_target(parsed, span), target), text


def test_moments_cover_whole_months() -> None:
    assert ast.Moment(None, 2).last(2024) == datetime.date(2024, 2, 29)
    assert ast.Moment(2023, 12).last(2000) == datetime.date(2023, 12, 31)
    assert ast.Moment(2023, 7, 15).first(2000) == ast.Moment(2023, 7, 15).last(2000) == datetime.date(2023, 7, 15)


@pytest.mark.parametrize(("name", "bare", "score"), [
    ("产出指标(50分)", "产出指标", (Decimal(50), None)),
    ("效益指标（30分）", "效益指标", (Decimal(30), None)),
    ("成本指标(0-20)分", "成本指标", (Decimal(0), Decimal(20))),
    ("产出指标(40-50)分", "产出指标", (Decimal(40), Decimal(50))),
    ("满意度指标(10)", "满意度指标(10)", None),  # no 分: a name that happens to end in brackets
    ("产出(数量)", "产出(数量)", None),
])
def test_level1_names_as_forms_print_them(name: str, bare: str, score: tuple[Decimal, Decimal | None] | None) -> None:
    got, found, _ = values.split_weight(name)
    assert got == bare
    assert (None if found is None else (found["value"], found["upto"])) == score


SPEC = """\
年度 2025

项目 农村供水 {
  开始 2025-03-01
  完成 2026-10-31
  项目期 2025年3月-2026年10月
  预算 {
    总预算 6,800,000
    当年预算 320万元
    其中 {
      财政拨款 2,600,000  # 县级
      上级资金 60万元
    }
  }
  中期目标 \"\"\"
    目标1：新建供水工程8处。
    目标2：更新管网60公里。
  \"\"\"
  产出指标(50分) {
    时效指标 {
      完工时间 2025年10月底前 {
        中期 <= 2026-10
        分值 50
      }
    }
  }
}
"""


def test_the_new_fields_parse_into_their_nodes_and_format_canonically() -> None:
    spec, diags = parse(SPEC, "s.perf")
    assert diags == []
    (project,) = spec.projects
    assert project.term is not None and (project.term.start, project.term.end) == (ast.Moment(2025, 3), ast.Moment(2026, 10))
    assert project.budget is not None and project.budget.sources is not None
    assert [(s.name, s.value) for s in project.budget.sources.items] == [("财政拨款", Decimal(2600000)),
                                                                         ("上级资金", Decimal(600000))]
    assert project.midterm_goals is not None and project.midterm_goals.paragraphs == ("目标1：新建供水工程8处。",
                                                                                      "目标2：更新管网60公里。")
    (level1,) = project.sections
    assert level1.name == "产出指标" and level1.weight is not None and level1.weight.value == 50
    ind = level1.sections[0].indicators[0]
    assert ind.target == ast.Deadline(by=ast.Moment(2025, 10), span=ind.target.span)
    assert ind.midterm is not None and ind.midterm.target.kind == "deadline"
    text, diags = format_source(SPEC, "s.perf")
    assert diags == [] and text is not None
    assert "  项目期 2025-03..2026-10\n" in text and "      上级资金 600,000\n" in text
    assert "  产出指标 {\n    分值 50\n" in text and "      完工时间 <= 2025-10 {\n        中期 <= 2026-10\n" in text
    assert "      财政拨款 2,600,000  # 县级\n" in text
    assert ast.same(parse(text, "s.perf")[0], spec)


@pytest.mark.parametrize(("inside", "code"), [
    ("财政拨款 很多", "P009"),       # no amount
    ("财政拨款 10 {\n        分值 1\n      }", "P013"),  # no block inside 其中
    ("财政拨款 10\n      财政拨款 20", "P012"),  # the same source twice
])
def test_what_the_sources_block_refuses(inside: str, code: str) -> None:
    _, diags = parse(f"项目 p {{\n  预算 {{\n    其中 {{\n      {inside}\n    }}\n  }}\n}}\n")
    assert code in [d.code for d in diags], [d.message("en") for d in diags]
    assert all(d.message(lang) and d.hint(lang) for d in diags for lang in ("zh", "en"))


@given(st.text(alphabet="审判目标任务12：，。ab ", min_size=1, max_size=60), st.integers(4, 30))
def test_wrapping_never_starts_a_line_with_a_numbered_goal(text: str, width: int) -> None:
    """A wrapped line that began with 目标1： would read back as a paragraph of its own."""
    paragraph = " ".join(text.split())
    if not paragraph or textblock.starts_item(paragraph):
        return
    lines = textblock.wrap(paragraph, width)
    assert textblock.paragraphs("\n".join(lines)) == (paragraph,)


def test_the_text_importer_keeps_numbered_goals_apart() -> None:
    from perfdsl.importers.text import join_prose

    long = "完成4处集中供水工程改造并全部通过竣工验收同时更新村内供水管网三十公里以上"  # a full line
    assert join_prose([(long, 1), ("目标2：完工工程当年通水。", 2)], width=len(long)) == (
        long, "目标2：完工工程当年通水。")
    assert join_prose([(long, 1), ("通水。", 2)], width=len(long)) == (long + "通水。",)


def test_an_unreadable_midterm_target_is_named_by_its_key() -> None:
    _, diags = parse("项目 p {\n  产出 {\n    数量 {\n      a >= 1件 {\n        中期 >= x件\n      }\n    }\n  }\n}\n")
    assert [(d.code, d.span.line, d.span.column, d.message("zh")) for d in diags] == [
        ("P010", 5, 12, "“中期”的目标值“>= x件”无法识别")]
