"""Hypothesis strategies that build `ast.Spec` values (not strings): names with CJK, quotes and escapes,
every comparator and unit, empty and multi-paragraph texts, comments everywhere."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import strategies as st

from perfdsl import ast

SPAN = ast.Span(file="gen.perf", line=1, column=1, end_line=1, end_column=1)
_CJK = "审判辅助人员经费预算执行率支付及时合理健全产出效果影响力数量质量时效成本满意度《》（）、，。；："
_ALPHABET = st.sampled_from(list(_CJK + "abcXYZ019 _-.%/\\\"'#{}＝＞") + ["\u3000", "〔", "〕"])
_WORD_ALPHABET = st.sampled_from(list(_CJK + "abcXYZ019_-.%/"))

names = st.text(_ALPHABET, min_size=1, max_size=12)
one_line = st.text(_ALPHABET, min_size=1, max_size=12).map(str.strip).filter(bool)
comment_text = st.text(_ALPHABET, max_size=15).map(lambda s: s.strip(" \t\u3000"))
# a qualitative target is one word that does not look like a number or a comparator
words = st.text(_WORD_ALPHABET, min_size=1, max_size=6).filter(
    lambda w: not (w[0].isdigit() or w[0] in "+-.%") and not w.endswith(("以上", "以下", "以内")))
units = st.sampled_from(["", "%", "件", "次", "小时", "天", "元", "万元", "人次", "平方米", "分"])
paragraph = st.text(st.sampled_from(list(_CJK + "abc 019#{}\"")), min_size=1, max_size=120).map(
    lambda s: " ".join(s.split())).filter(lambda s: bool(s) and '"""' not in s)


def comments() -> st.SearchStrategy[tuple[ast.Comment, ...]]:
    return st.lists(st.builds(ast.Comment, text=comment_text, span=st.just(SPAN), blank_before=st.booleans()),
                    max_size=2).map(tuple)


def end_trailing() -> st.SearchStrategy[ast.Comment | None]:
    return st.none() | st.builds(ast.Comment, text=comment_text, span=st.just(SPAN))


def meta() -> dict[str, st.SearchStrategy[object]]:
    trailing = st.none() | st.builds(ast.Comment, text=comment_text, span=st.just(SPAN))
    return {"span": st.just(SPAN), "blank_before": st.booleans(), "comments": comments(), "trailing": trailing}


def targets() -> st.SearchStrategy[ast.Target]:
    numbers = st.decimals(min_value=0, max_value=100000, places=2).map(lambda d: d.normalize() if d == d.to_integral() else d)
    quantitative = st.builds(
        lambda c, v, u, implicit: ast.Quantitative(comparator="=" if implicit else c, value=v, unit=u,
                                                   implicit=implicit, span=SPAN),
        st.sampled_from(["=", ">=", "<=", ">", "<"]), numbers, units, st.booleans())
    qualitative = st.builds(lambda w: ast.Qualitative(word=w, span=SPAN), words)
    return quantitative | qualitative


def texts() -> st.SearchStrategy[ast.Text]:
    return st.builds(ast.Text, paragraphs=st.lists(paragraph, max_size=3).map(tuple), **meta())


def indicators() -> st.SearchStrategy[ast.Indicator]:
    return st.builds(
        ast.Indicator, name=names, target=targets(), end_comments=comments(), end_trailing=end_trailing(),
        weight=st.none() | st.builds(ast.Amount, value=st.integers(0, 100).map(Decimal), **meta()),
        nature=st.none() | st.builds(ast.Word, value=st.sampled_from(["正向", "反向"]), **meta()),
        standard=st.none(), explanation=st.none() | texts(), **meta())


def level2s() -> st.SearchStrategy[ast.Level2]:
    return st.builds(ast.Level2, name=names, indicators=st.lists(indicators(), max_size=3).map(tuple),
                     end_comments=comments(), end_trailing=end_trailing(), **meta())


def level1s() -> st.SearchStrategy[ast.Level1]:
    return st.builds(ast.Level1, name=names, sections=st.lists(level2s(), max_size=2).map(tuple),
                     end_comments=comments(), end_trailing=end_trailing(), **meta())


def money() -> st.SearchStrategy[ast.Amount]:
    return st.builds(ast.Amount, value=st.decimals(min_value=0, max_value=10**9, places=2), **meta())


def budgets() -> st.SearchStrategy[ast.Budget]:
    opt = st.none() | money()
    return st.builds(ast.Budget, total=opt, current=opt, prior=opt, prior_executed=opt, end_comments=comments(), end_trailing=end_trailing(),
                     **meta())


def projects() -> st.SearchStrategy[ast.Project]:
    word_node = st.none() | st.builds(ast.Word, value=one_line, **meta())
    day = st.none() | st.builds(ast.Day, value=st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)),
                                **meta())
    return st.builds(
        ast.Project, name=names, unit=word_node, year=st.none(), framework=st.none(), category=word_node,
        start=day, end=day, purchase=st.none() | st.builds(ast.Flag, value=st.booleans(), **meta()),
        type=word_node, budget=st.none() | budgets(), overview=st.none() | texts(), basis=st.none() | texts(),
        necessity=st.none(), measures=st.none(), plan=st.none() | texts(), goals=st.none(),
        sections=st.lists(level1s(), max_size=2).map(tuple), end_comments=comments(), end_trailing=end_trailing(), **meta())


def specs() -> st.SearchStrategy[ast.Spec]:
    return st.builds(
        ast.Spec, file=st.just("gen.perf"),
        unit=st.none() | st.builds(ast.Word, value=one_line, **meta()),
        year=st.none() | st.builds(ast.Year, value=st.integers(1990, 2100), **meta()),
        framework=st.none(), projects=st.lists(projects(), max_size=2).map(tuple), end_comments=comments())
