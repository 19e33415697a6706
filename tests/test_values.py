"""One reader and one writer per value: what the source writers print reads back as the same value, what the
documents show reads back as the same target, and the parser and both importers read a header value alike."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfdsl import ast
from perfdsl.importers.text import _header_value
from perfdsl.syntax import values
from perfdsl.syntax.parser import parse
from perfdsl.syntax.vocab import COMPARATOR_SUFFIXES, COMPARATOR_WORDS, COMPARATORS, KEY_BY_FIELD, STANDARD_WORDS

numbers = st.decimals(min_value=Decimal("-1e17"), max_value=Decimal("1e17"), places=3, allow_nan=False,
                      allow_infinity=False)
comparators = st.sampled_from(sorted(set(COMPARATORS.values())))
units = st.sampled_from(["", "%", "件", "人次", "小时", "元", "万元", "天", "个百分点", ".5", ",000", "元以上"])


@settings(derandomize=True, max_examples=300)
@given(numbers)
def test_numbers_and_money_read_back_as_written(value: Decimal) -> None:
    assert values.number(values.write_number(value)) == value
    assert values.money(values.write_money(value)) == value


@settings(derandomize=True, max_examples=500)
@given(comparators, numbers.filter(lambda v: v >= 0), units, st.booleans())
def test_a_target_written_for_the_source_reads_back_the_same(comparator: str, value: Decimal, unit: str,
                                                             implicit: bool) -> None:
    # the targets the reader makes: an implicit `=` has a unit that is no comparator word (`95%以上` is >=)
    implicit = implicit and comparator == "=" and not unit.endswith(tuple(COMPARATOR_SUFFIXES))
    text = values.write_quantity(comparator, value, unit, implicit)
    assert values.read_target(text) == (comparator, value, unit, implicit), text


@settings(derandomize=True, max_examples=300)
@given(comparators, numbers.filter(lambda v: v >= 0), st.sampled_from(["", "%", "件", "小时"]))
def test_a_target_as_documents_show_it_reads_back_the_same(comparator: str, value: Decimal, unit: str) -> None:
    spec, diags = parse(f"项目 x {{\n 产出 {{\n  数量 {{\n   a {comparator} {values.write_number(value)}{unit}\n"
                        "  }\n }\n}\n")
    assert not diags
    target = spec.projects[0].sections[0].sections[0].indicators[0].target
    shown = values.show_target(target)
    assert values.read_target(shown) == (comparator, value, unit, False), shown


@pytest.mark.parametrize("comparator, implicit", [("=", True), ("=", False), ("<=", False), (">=", False)])
@pytest.mark.parametrize("figure", ["2043.07", "1999.12", "2023.1"])
def test_a_figure_that_looks_like_a_month_is_written_so_that_it_reads_back(comparator: str, implicit: bool,
                                                                           figure: str) -> None:
    value = Decimal(figure)
    source = values.write_quantity(comparator, value, "", implicit)
    assert values.read_target(source) == (comparator, value, "", implicit), source
    target = ast.Quantitative(comparator=comparator, value=value, implicit=implicit, span=ast.Span("f", 1, 1, 1, 1))
    shown = values.show_target(target)
    assert values.read_target(shown) == (comparator, value, "", implicit), shown


def test_a_month_is_read_as_a_month_and_a_figure_with_a_comparator_as_a_figure() -> None:
    assert values.read_target("2043.07") == ("deadline", ast.Moment(2043, 7))
    assert values.read_target("<= 2043.07") == ("deadline", ast.Moment(2043, 7))
    assert values.read_target(">= 2043.07") == (">=", Decimal("2043.07"), "", False)
    assert values.read_target("= 2043.07") == ("=", Decimal("2043.07"), "", False)
    assert values.read_target("2043.070") == ("=", Decimal("2043.070"), "", True)
    assert values.read_target("> 2022-12-31") is None  # a date no deadline takes stays an error


@pytest.mark.parametrize("field, text", [
    ("start", "2020-01-01"), ("start", "20200101"), ("start", "2020-W01-1"), ("start", "2020-02-30"),
    ("purchase", "是"), ("purchase", "否"), ("purchase", "yes"), ("purchase", "No"), ("purchase", "有"),
    ("year", "2020"), ("year", "2020年"), ("year", "20"), ("category", "其他一次性项目"),
])
def test_the_parser_and_the_text_importer_read_a_header_value_alike(field: str, text: str) -> None:
    key = KEY_BY_FIELD[field]
    spec, diags = parse(f"项目 x {{\n {key.canonical} {text}\n}}\n")
    by_parser = getattr(spec.projects[0], field)
    by_importer = _header_value(field, text) if field != "year" else values.read_value("year", text)
    if by_parser is None:
        assert diags and by_importer is None, text
    else:
        assert not diags and by_importer is not None
        read = by_importer[1] if isinstance(by_importer[1], dict) else {"value": by_importer[1]}
        assert (type(by_parser), by_parser.value) == (by_importer[0], read["value"])


@pytest.mark.parametrize("text", [">= 90%", "≥90%", "不低于90%", "95%以上", "=100%", "100%", "合理", "<= 24小时"])
def test_targets_in_messages_diffs_and_hover_are_the_source_spelling(text: str) -> None:
    from perfdsl.checks.registry import target_text
    from perfdsl.diffing.model import Goal

    spec, _ = parse(f"项目 x {{\n 产出 {{\n  数量 {{\n   a {text}\n  }}\n }}\n}}\n")
    target = spec.projects[0].sections[0].sections[0].indicators[0].target
    assert target_text(target) == Goal.of(target).text == values.write_target(target, explicit=True)
    assert values.read_target(target_text(target))[:3] == values.read_target(text)[:3]  # type: ignore[index]


def test_comparator_words_read_as_their_symbols() -> None:
    for word, symbol in COMPARATOR_WORDS.items():
        assert values.read_target(f"{word}90%") == (symbol, Decimal(90), "%", False)


@given(st.sampled_from(["100%", ">= 90%", "<= 24小时", "合理", "= 0次"]), st.sampled_from(STANDARD_WORDS),
       st.sampled_from(["(", "（"]), st.sampled_from([")", "）"]), st.sampled_from(["", " "]))
def test_a_standard_in_brackets_after_a_target_is_split_off(target: str, basis: str, left: str, right: str,
                                                            space: str) -> None:
    assert values.split_basis(f"{target}{space}{left}{basis}{right}") == (target, basis)


def test_other_brackets_stay_with_the_target() -> None:
    for text in ("效果明显(优)", "(历史标准)", "100%(历史标准", "100%()"):
        assert values.split_basis(text) == (text, None)
