"""The editor features behind `perfdsl lsp`, without the protocol: positions, diagnostics, completion, hover,
outline and formatting."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfdsl.checks import check_specs
from perfdsl.editor.completion import complete, context
from perfdsl.config import find_config
from perfdsl.editor.document import Lines, Position, analyse, formatted, hover, symbols
from perfdsl.syntax.loader import load_file
from perfdsl.syntax.parser import parse
from tests.conftest import ROOT

CHARS = st.sampled_from(["a", " ", "审", "，", "😀", "𠀋", "é", "\t", "％"])


@settings(derandomize=True, deadline=None, max_examples=200)
@given(st.lists(CHARS, max_size=12), st.sampled_from(["utf-16", "utf-8", "utf-32"]))
def test_positions_round_trip_in_every_encoding(chars: list[str], encoding: str) -> None:
    line = "".join(chars)
    lines = Lines(f"# first\n{line}\nlast", encoding)
    for column in range(1, len(line) + 2):
        pos = lines.position(2, column)
        assert pos.line == 1 and lines.index(pos) == column - 1
        assert pos.character == len(line[: column - 1].encode({"utf-16": "utf-16-le", "utf-8": "utf-8",
                                                                "utf-32": "utf-32-le"}[encoding])) // (
            2 if encoding == "utf-16" else 4 if encoding == "utf-32" else 1)


def test_utf16_columns_of_cjk_and_astral_characters() -> None:
    lines = Lines("项目 审判 {\r\n  😀𠀋率 = 1%\r")
    assert lines.lines == ["项目 审判 {", "  😀𠀋率 = 1%", ""]
    assert lines.position(2, 3) == Position(1, 2)  # before 😀
    assert lines.position(2, 4) == Position(1, 4)  # 😀 is two units
    assert lines.position(2, 6) == Position(1, 7)  # after 率
    assert lines.index(Position(1, 3)) == 2  # inside the pair: the character it belongs to
    assert lines.position(99, 5) == Position(2, 0)  # past the end: clamped
    assert lines.end() == Position(2, 0)


def test_diagnostics_are_those_of_check() -> None:
    """Every fixture of the checks: the editor shows exactly what `perfdsl check` prints."""
    for path in sorted((ROOT / "tests" / "checks").glob("*.perf")):
        src = load_file(str(path))
        expected = list(src.diagnostics)
        if not any(d.severity.value == "error" for d in expected):
            expected += check_specs([src.spec], find_config(str(path)))[str(path)]
        got = analyse(src.text, str(path)).diagnostics
        key = lambda d: (d.span.line, d.span.column, d.code, d.severity.value)  # noqa: E731
        assert sorted(map(key, got)) == sorted(map(key, expected)), path.name


def test_a_broken_configuration_is_one_problem(tmp_path: Path) -> None:
    (tmp_path / "perfdsl.toml").write_text("[rules]\nC999 = 'off'\n", encoding="utf-8")
    result = analyse("项目 a {\n}\n", str(tmp_path / "a.perf"), "en")
    assert result.problem is not None and result.problem.startswith("configuration error (")
    assert "C999" in result.problem


def test_formatted_is_fmt_and_refuses_broken_text() -> None:
    text = (ROOT / "specs" / "2020" / "信息化运维.perf").read_text(encoding="utf-8")
    assert formatted(text, "a.perf") == text
    assert formatted(text.replace("  类别", "类别", 1), "a.perf") == text
    assert formatted("项目 a {\n  产出 {\n", "a.perf") is None


DOC = '''框架 national-2021
项目 档案 {
  概况 """
    产出 {  # inside a text block: neither a block nor a comment
  """
  预算 {
    总
  }
  产出指标 {
    数量指标 {
      扫描量 \n    }
    
  }
  政府购买服务 
  框架 
}
'''


def _labels(line: int, character: int, doc: str = DOC, path: str = "x.perf") -> list[str]:
    return [i.label for i in complete(Lines(doc), Position(line, character), path).items]


def test_completion_follows_the_blocks_and_the_framework() -> None:
    assert _labels(0, 0)[:3] == ["单位", "年度", "框架"] and "项目" in _labels(0, 0)
    assert _labels(3, 6) == []  # prose
    assert _labels(6, 5) == ["总预算", "当年预算", "上年预算", "上年执行", "执行数", "预计执行", "全年预算", "全年执行", "分值",
                             "其中", "得分", "偏差原因", "调整", "执行"]
    assert _labels(9, 4) == ["数量指标", "质量指标", "时效指标", "分值"]  # national-2021's 产出指标, from the file's 框架
    assert "同比下降" in _labels(10, 10)
    assert _labels(12, 4) == _labels(9, 4)  # back in 产出指标 after 数量指标 closed
    in_project = _labels(14, 2)
    assert {"类别", "总目标", "预算", "成本指标", "产出指标", "效益指标", "满意度指标"} <= set(in_project)
    assert "投入与管理" not in in_project
    assert _labels(14, 9) == ["是", "否"]
    assert "national-2015" in _labels(15, 5)
    assert _labels(4, 0) == []  # the closing quotes of the text block
    assert _labels(1, 3) == []  # in the middle of a project line: a name is free


def test_completion_inside_an_indicator_and_after_a_comment() -> None:
    doc = "项目 a {  # {\n  产出 {\n    数量 {\n      完成率 = 100% {\n        \n      }\n    }\n  }\n}\n"
    assert _labels(4, 8, doc) == ["中期", "分值", "性质", "标准", "解释", "方向", "计量单位", "评分标准", "备注", "核心",
                                  "完成情况", "预计完成", "原因类别", "可能性", "整改",
                                  "调整后", "实际", "得分", "等级", "不适用", "偏差原因"]
    assert [b.kind for b in context(Lines(doc), 4).stack] == ["project", "level1", "level2", "indicator"]
    assert _labels(0, 12, doc) == []  # in a comment


def test_completion_replaces_the_word_being_typed() -> None:
    found = complete(Lines("项目 a {\n  当年\n}\n"), Position(1, 4), "x.perf")
    assert found.start == 2 and "类别" in [i.label for i in found.items]
    by_alias = {i.label: i.filter for i in found.items}
    assert by_alias["类别"] == "类别 category"


def test_hover_explains_codes_keys_diagnostics_and_sections() -> None:
    doc = "项目 a {\n  类别 其他\n  产出 {  # perfdsl: ignore[C305] 已说明\n  }\n}\n"
    lines = Lines(doc)
    on_code = hover(lines, Position(2, 29), "x.perf", [], "en")
    assert on_code is not None and on_code.startswith("**C305 cost-under-budget: ")
    assert "    " in on_code  # the examples, indented: code blocks in Markdown
    on_key = hover(lines, Position(1, 3), "x.perf", [], "en")
    assert on_key == ("**类别** (official label: 项目类别; English: `category`)\n\n"
                      "the project category, such as 其他一次性项目 (a project field)")
    assert hover(lines, Position(1, 7), "x.perf", [], "en") is None  # a value
    on_section = hover(lines, Position(2, 3), "x.perf", [], "zh")
    assert on_section == "**产出**：框架 shanghai-2020 的一级目标，表上印作“产出目标”；二级目标：数量、质量、时效、成本"
    diags = analyse(doc, "x.perf").diagnostics
    (c902,) = [d for d in diags if d.code == "C902"]
    on_diag = hover(lines, Position(c902.span.line - 1, 13), "x.perf", diags, "en")
    assert on_diag is not None and on_diag.startswith("**C902 unused-suppression")


def test_outline_of_a_seed_project() -> None:
    path = ROOT / "specs" / "2020" / "审判辅助人员经费.perf"
    text = path.read_text(encoding="utf-8")
    spec, _ = parse(text, str(path))
    (project,) = symbols(spec, Lines(text))
    assert project.name == "审判辅助人员经费" and project.detail == "2020"
    assert [s.name for s in project.children] == ["投入与管理", "产出", "效果", "影响力"]
    first = project.children[0].children[0].children[0]
    assert (first.name, first.detail, first.kind) == ("预算执行率", "= 100%", "indicator")
    line = text.split("\n")[first.range.start.line]
    assert line[first.selection.start.character:first.selection.end.character] == "预算执行率"
    assert project.range.end.line == len(text.split("\n")) - 2  # the closing brace


def test_outline_of_a_quoted_name_and_a_broken_file() -> None:
    text = '项目 "档案 数字化" {\n  产出 {\n    数量 {\n      "标准" 合理\n      没有目标\n'
    spec, _ = parse(text, "x.perf")
    (project,) = symbols(spec, Lines(text))
    assert (project.selection.start.character, project.selection.end.character) == (3, 11)
    names = [i.name for i in project.children[0].children[0].children]
    assert names[0] == "标准"


def test_hover_on_a_diagnostic_of_the_parser_explains_its_code() -> None:
    doc = "项目 a {\n  产出 {\n    数量 {\n      结案率\n    }\n  }\n}\n"
    diags = analyse(doc, "x.perf").diagnostics
    (p002,) = [d for d in diags if d.code == "P002"]
    on_diag = hover(Lines(doc), Position(p002.span.line - 1, p002.span.column), "x.perf", diags, "en")
    assert on_diag is not None and on_diag.startswith("**P002"), on_diag


# ------------------------------------------------------------------------------------- analysis as typed

def _projects(n: int) -> str:
    from tests.conftest import ROOT

    seed = (ROOT / "specs" / "2020" / "审判辅助人员经费.perf").read_text(encoding="utf-8")
    header, _, body = seed.partition("项目 ")
    return header + "\n".join(f"# 第{i}个\n项目 " + body.replace("审判辅助人员经费", f"项目{i}", 1) for i in range(n))


_EDITS = st.sampled_from(["delete", "duplicate", "insert", "cut", "blank", "comment", "ignore"])


@settings(derandomize=True, deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_EDITS, st.integers(0, 10_000), st.text(max_size=6)), min_size=1, max_size=6))
def test_analysis_as_typed_says_what_a_whole_analysis_says(edits: list[tuple[str, int, str]]) -> None:
    from perfdsl.editor.document import Analyser

    lines = _projects(4).split("\n")
    typed = Analyser("x.perf", "en")
    typed.update("\n".join(lines))
    for op, at, junk in edits:
        i = at % len(lines)
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "insert":
            lines[i] = lines[i][: at % (len(lines[i]) + 1)] + junk + lines[i][at % (len(lines[i]) + 1):]
        elif op == "cut":
            lines[i] = lines[i][: at % (len(lines[i]) + 1)]
        elif op == "blank":
            lines.insert(i, "")
        elif op == "comment":
            lines.insert(i, "  # " + junk)
        else:
            lines.insert(i, "# perfdsl: ignore[C411]")
        text = "\n".join(lines)
        assert typed.update(text).diagnostics == analyse(text, "x.perf", "en").diagnostics, (op, i)


def test_an_edit_inside_one_project_reads_only_that_project(monkeypatch: pytest.MonkeyPatch) -> None:
    from perfdsl.editor import document

    text = _projects(50)
    typed = document.Analyser("x.perf")
    typed.update(text)
    read: list[int] = []
    real = document.analyse
    monkeypatch.setattr(document, "analyse", lambda t, *a: read.append(len(t)) or real(t, *a))
    edited = text.replace("项目成本 <= 150万元", "项目成本 <= 140万元", 1) if "项目成本 <= 150万元" in text else \
        text.replace("= 100%", "= 99%", 1)
    assert edited != text
    assert typed.update(edited).diagnostics == real(edited, "x.perf").diagnostics
    assert len(read) == 1 and read[0] < len(text) / 20  # the header and one project, not the file
