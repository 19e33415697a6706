"""The Pygments lexer: found through its entry point, and the tokens it gives a spec."""

from __future__ import annotations

import html
import importlib.metadata
import re
import subprocess
import sys

import pytest
from pygments import lex
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import STANDARD_TYPES, Comment, Error, Keyword, Literal, Name, Number, Operator, String

from perfdsl.editor.pygments_lexer import PerfdslLexer
from tests.conftest import ROOT

SAMPLE = ROOT / "tests" / "editors" / "sample.perf"


def _tokens(text: str) -> list[tuple[str, str]]:
    return [(str(tok), value) for tok, value in lex(text, PerfdslLexer()) if value.strip()]


def _installed() -> None:
    try:
        importlib.metadata.distribution("perfdsl")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("entry points need the installed package: pip install '.[test]'")


def test_registered_as_a_pygments_lexer() -> None:
    _installed()
    assert isinstance(get_lexer_by_name("perfdsl"), PerfdslLexer)
    assert isinstance(get_lexer_for_filename("specs/2020/a.perf"), PerfdslLexer)


def test_the_registered_lexer_tokenizes_a_spec() -> None:
    _installed()
    tokens = [(t, v) for t, v in get_lexer_by_name("perfdsl").get_tokens(SAMPLE.read_text(encoding="utf-8"))
              if v.strip()]
    assert (Keyword.Declaration, "project") in tokens
    assert (Name.Class, '"档案 数字化"') in tokens  # the project name
    assert (Name.Namespace, "产出指标") in tokens  # a section
    assert not [v for t, v in tokens if t in Error]


def test_pygmentize_highlights_a_spec() -> None:
    _installed()
    out = subprocess.run([sys.executable, "-m", "pygments", "-l", "perfdsl", "-f", "html", str(SAMPLE)],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    # The text of a span is compared unescaped: Pygments up to 2.20 writes `"` as `&quot;`, 2.21 as it is.
    spans = {(cls, html.unescape(text)) for cls, text in re.findall(r'<span class="([^"]+)">([^<]*)</span>', out)}
    assert (STANDARD_TYPES[Name.Class], '"档案 数字化"') in spans
    assert (STANDARD_TYPES[Name.Namespace], "产出指标") in spans
    assert STANDARD_TYPES[Error] not in {cls for cls, _ in spans}


def test_sample_tokens(golden) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    golden(ROOT / "tests" / "editors" / "sample.pygments", "".join(f"{t}\t{v!r}\n" for t, v in _tokens(text)))


def test_token_types_of_each_kind_of_line() -> None:
    toks = dict((v, t) for t, v in _tokens(SAMPLE.read_text(encoding="utf-8")))
    assert toks["project"] == str(Keyword.Declaration) and toks['"档案 数字化"'] == str(Name.Class)
    assert toks["budget"] == str(Keyword)
    for key in ("unit", "年度", "框架", "类别", "start", "政府购买服务", "总预算", "总目标", "分值", "性质"):
        assert toks[key] == str(Name.Attribute), key
    for section in ("成本指标", "经济成本指标", "产出指标", "数量指标"):
        assert toks[section] == str(Name.Namespace), section
    for indicator in ("项目成本", "档案扫描量", "扫描完成率", '"标准"', "查阅效率"):
        assert toks[indicator] == str(Name.Variable), indicator
    assert toks["<="] == toks["≥"] == str(Operator)
    assert toks["不低于"] == toks["以上"] == str(Operator.Word)
    assert toks["95"] == toks["650,000"] == toks["65"] == str(Number)
    assert toks["万卷"] == toks["%"] == str(Keyword.Type)
    assert toks["提升"] == str(Name.Constant)
    assert toks["否"] == str(Keyword.Constant)
    assert toks["2021-12-31"] == str(Literal.Date)
    assert toks["其他一次性项目"] == str(String)
    assert toks["# 注释"] == str(Comment.Single)
    assert toks["# perfdsl: ignore[C410] 已与财政确认"] == str(Comment.Special)
    block = [v for t, v in _tokens(SAMPLE.read_text(encoding="utf-8")) if t == str(String.Doc)]
    assert any("# 不是注释" in v for v in block)  # `#` inside a text block is text


def test_every_spec_lexes_without_errors() -> None:
    assert [v for t, v in lex('项目 a {\n  "unclosed\n}\n', PerfdslLexer()) if t in Error] == ['"']
    for path in [*sorted((ROOT / "specs").rglob("*.perf")), *sorted((ROOT / "tests" / "checks").glob("*_ok_*.perf"))]:
        text = path.read_text(encoding="utf-8")
        tokens = list(lex(text, PerfdslLexer()))
        assert "".join(v for _, v in tokens) == (text if text.endswith("\n") else text + "\n")
        assert not [v for t, v in tokens if t in Error], path
