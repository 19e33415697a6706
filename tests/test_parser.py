"""Parser tests: the seed specs, AST goldens, text blocks, aliases and recovery."""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import TypeAdapter

from perfdsl import ast
from perfdsl.syntax.parser import parse
from perfdsl.syntax.textblock import join_soft, paragraphs, wrap
from tests.conftest import ROOT, SEED
from tests.strategies import specs
from tests.test_hardening import mutated_seed

SPECS = sorted((ROOT / "specs" / "2020").glob("*.perf"))  # the seed; specs/national is not from it
PARSE_CASES = sorted((ROOT / "tests" / "parse").glob("*.perf"))


def load(path: Path) -> ast.Spec:
    spec, diags = parse(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    assert diags == [], [d.message("en") for d in diags]
    return spec


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _seed_strings(spec: ast.Spec, project: ast.Project) -> list[str]:
    """Every piece of content of a project, in the order the seed prints it."""
    out = [spec.unit_of(project) or "", project.name]
    for field in ("category", "start", "end", "purchase", "type"):
        node = getattr(project, field)
        value = node.value
        out.append("是" if value is True else "否" if value is False else str(value))
    for field in ("overview", "basis", "necessity", "measures", "plan", "goals"):
        out.extend(getattr(project, field).paragraphs)
    budget = project.budget
    assert budget is not None
    out.extend(f"{getattr(budget, f).value:,}" for f in ("total", "current", "prior", "prior_executed"))
    for level1 in project.sections:
        for level2 in level1.sections:
            out.append(level2.name)
            for ind in level2.indicators:
                t = ind.target
                target = t.word if isinstance(t, ast.Qualitative) else f"{t.comparator}{t.value}{t.unit}"
                out.extend([ind.name, target])
    return [_squash(s) for s in out]


def test_specs_hold_the_four_seed_projects() -> None:
    names = sorted(p.name for path in SPECS for p in load(path).projects)
    assert names == sorted(["审判辅助人员经费", "审判执行业务费", "信息化新建", "信息化运维"])


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_spec_content_is_the_seed_content_in_order(path: Path) -> None:
    """Every field, paragraph, section and indicator of the spec appears in the seed, in the same order,
    character for character (typos included); whitespace is the only thing the PDF text adds."""
    spec = load(path)
    (project,) = spec.projects
    seed = _squash(SEED.read_text(encoding="utf-8"))
    table = seed[seed.index("项目名称：" + project.name):]
    table = table[: table.find("财政项目支出绩效目标表")] if "财政项目支出绩效目标表" in table else table
    position = 0
    for piece in _seed_strings(spec, project)[1:]:
        found = table.find(piece, position)
        assert found >= 0, f"{piece!r} not found in the seed after position {position}"
        position = found + len(piece)
    assert spec.year is not None and spec.year.value == 2020
    assert "上海市第一中级人民法院" == spec.unit_of(project)


def test_seed_indicator_counts() -> None:
    counts = {p.name: sum(len(l2.indicators) for l1 in p.sections for l2 in l1.sections)
              for path in SPECS for p in load(path).projects}
    assert counts == {"审判辅助人员经费": 21, "审判执行业务费": 32, "信息化新建": 31, "信息化运维": 21}


def _dump(spec: ast.Spec) -> str:
    dumped = TypeAdapter(ast.Spec).dump_python(spec, mode="json", exclude_defaults=True)
    return json.dumps(dumped, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("path", PARSE_CASES, ids=lambda p: p.stem)
def test_ast_golden(path: Path, golden) -> None:
    golden(path.with_suffix(".ast.json"), _dump(load(path)))


def test_aliases_read_as_canonical_keys() -> None:
    spec = load(ROOT / "tests/parse/aliases.perf")
    (p,) = spec.projects
    assert p.name == "名称 含 空格" and p.category.value == "其他一次性项目" and p.purchase.value is False
    assert p.budget.total.value == Decimal("650000") and p.budget.current.value == Decimal("650000.50")
    assert p.overview.paragraphs == ('一行的概况，带 "引号" 和 \\ 反斜杠',)
    assert p.necessity.paragraphs == ("第一段第一行，第一段第二行。", "Latin words join with one space, 2020年 joins without.")
    assert p.sections[0].name == "产出目标"
    targets = [(i.name, i.target) for i in p.sections[0].sections[0].indicators]
    shown = [(n, t.comparator, t.value, t.unit, t.implicit) for n, t in targets]
    assert shown == [
        ("带 空格 的指标", ">=", 90, "%", False), ("完成数量", ">=", 30000, "件", False),
        ("覆盖率", ">=", 95, "%", False), ("差错率", "<=", 5, "%", False), ("达标率", "=", 100, "%", True),
        ("运维响应时间", "<=", 24, "小时", False), ("项目成本", "<=", 65, "万元", False),
    ]
    cost = p.sections[0].sections[0].indicators[-1]
    assert (cost.weight.value, cost.nature.value, cost.standard.value) == (10, "反向", "预算支出标准")


def test_comments_are_attached() -> None:
    spec = load(ROOT / "tests/parse/comments.perf")
    p = spec.projects[0]
    assert [c.text for c in spec.unit.comments] == ["file comment"]
    assert spec.unit.trailing.text == "trailing on unit"
    assert [c.text for c in p.comments] == ["before project"] and p.trailing.text == "on the project line"
    assert [c.text for c in p.category.comments] == ["before a field"]
    level2 = p.sections[0].sections[0]
    assert [c.text for c in level2.comments] == ["before a section"]
    assert level2.indicators[0].trailing.text == "after a target"
    assert [c.text for c in level2.end_comments] == ["last in section"]
    assert [c.text for c in p.end_comments] == ["last in project"]
    assert [c.text for c in spec.end_comments] == ["end of file"]


def test_spans_are_exact() -> None:
    spec, _ = parse('项目 x {\n  产出 {\n    数量 {\n      预算执行率 >= 90%\n    }\n  }\n}\n', "f.perf")
    ind = spec.projects[0].sections[0].sections[0].indicators[0]
    assert (ind.span.line, ind.span.column, ind.span.end_column) == (4, 7, 19)
    assert (ind.target.span.column, ind.target.span.end_column) == (13, 19)
    assert spec.projects[0].span.end_line == 7


@pytest.mark.parametrize("left,right,joined", [
    ("增加。", "为缓解", "增加。为缓解"), ("Latin", "words", "Latin words"), ("2017", "年度", "2017年度"),
    ("编号", "2019", "编号2019"), ("a,", "b", "a, b"), ("", "x", "x"),
])
def test_soft_line_joining(left: str, right: str, joined: str) -> None:
    assert join_soft(left, right) == joined


def test_text_block_dedent_and_paragraphs() -> None:
    raw = "\n    第一行\n      第二行\n\n\n    second para\n    continues\n  "
    assert paragraphs(raw) == ("第一行第二行", "second para continues")


@pytest.mark.parametrize("para", ["随着法院办案业务量的增加，办案人员的工作强度" * 5, "Latin words and 中文 mixed 2020年 " * 6,
                                  "a" * 200, "《关于编制2017年度信息化预算的通知》"])
def test_wrap_never_changes_content(para: str) -> None:
    para = para.strip()
    lines = wrap(para, 40)
    joined = ""
    for line in lines:
        joined = join_soft(joined, line)
    assert joined == para
    assert all(len(line) > 0 for line in lines)


def test_crlf_and_cr_line_endings() -> None:
    text = "项目 x {\r\n  类别 其他类\r  开始 2020-01-01\r\n}\r\n"
    spec, diags = parse(text, "f.perf")
    assert diags == [] and spec.projects[0].start.value.isoformat() == "2020-01-01"


# ---------------------------------------------------------------------------------------------- drivers
# Well-formed token streams run through the parser's own driver over the saved tables; Lark's driver takes
# over a stream the tables reject. Both must give the same results, and the saved tables must be the ones
# Lark builds from the grammar.

ALL_PERF = sorted(p for folder in ("specs", "tests") for p in (ROOT / folder).rglob("*.perf"))


def test_a_stream_the_grammar_rejects_is_reported_where_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    # The scanner balances braces, so the grammar has nothing left to reject; a stray `}` is forced here.
    from perfdsl.syntax import scanner

    real = scanner.scan_lines

    def stray_brace(scan: scanner.Scan):  # type: ignore[no-untyped-def]
        yield from real(scan)
        yield scanner.LineToken("RBRACE", scanner.Piece("RBRACE", "}", 3, 1, 3, 2))

    monkeypatch.setattr(scanner, "scan_lines", stray_brace)
    spec, diags = parse("项目 x {\n}\n", "x.perf")
    assert [(d.code, d.span.line) for d in diags] == [("X001", 3)]
    assert "could not be parsed" in diags[0].message("en") and "{" not in diags[0].message("zh")
    assert [p.name for p in spec.projects] == ["x"]


def test_pydantic_reads_the_ast_classes_back_as_they_are() -> None:
    # the boundary: JSON output and the schema go through pydantic, which must see the same nodes
    adapter = TypeAdapter(ast.Spec)
    for path in PARSE_CASES:
        spec = load(path)
        assert adapter.validate_python(adapter.dump_python(spec)) == spec, path
        assert adapter.validate_json(adapter.dump_json(spec)) == spec, path


def test_nodes_are_slotted_and_compared_by_value() -> None:
    a = ast.Span("a.perf", 1, 2, 3, 4)
    assert a == ast.Span(file="a.perf", line=1, column=2, end_line=3, end_column=4)
    assert not hasattr(a, "__dict__")
    moved = dataclasses.replace(a, line=5)
    assert moved.line == 5 and a.line == 1
    word = ast.Word(value="x", span=a)
    assert word != ast.Year(value=1, span=a) and word != ast.Word(value="y", span=a)
    assert word == ast.Word(value="x", span=ast.Span("a.perf", 1, 2, 3, 4)) and word != "x"
    assert repr(word) == ("Word(span=Span(file='a.perf', line=1, column=2, end_line=3, end_column=4), "
                          "blank_before=False, comments=(), trailing=None, value='x')")
    with pytest.raises(TypeError):
        hash(word)  # compared by value, so not hashed by identity


def test_indentation_is_the_grammars_space() -> None:
    """The scanner measures indentation with `str.lstrip`: it must take away exactly what the grammar's _SP
    matches, on every character there is (a line holds no line break)."""
    from perfdsl.syntax import lexicon

    sp = re.compile(lexicon.pattern("_SP"))
    differ = [hex(c) for c in range(0x110000) if chr(c) != "\n"
              and (sp.fullmatch(chr(c)) is not None) != (chr(c).lstrip() == "")]
    assert differ == []


def _without_plain_lines(monkeypatch: pytest.MonkeyPatch, text: str) -> tuple[ast.Spec, list]:
    from perfdsl.syntax import scanner

    with monkeypatch.context() as m:
        m.setattr(scanner, "_plain_line", lambda *args: None)
        return parse(text, "x.perf")


def test_plain_lines_read_as_the_general_path_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    for path in ALL_PERF:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert parse(text, "x.perf") == _without_plain_lines(monkeypatch, text), path


@settings(derandomize=True, deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow,
                                                                                     HealthCheck.function_scoped_fixture])
@given(mutated_seed())
def test_plain_lines_read_as_the_general_path_reads_them_in_damaged_files(
        monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    assert parse(text, "x.perf") == _without_plain_lines(monkeypatch, text)


def _codes_at(name: str) -> list[tuple[str, int]]:
    text = (ROOT / "tests" / "diagnostics" / f"{name}.perf").read_text(encoding="utf-8")
    return [(d.code, d.span.line) for d in parse(text, "x.perf")[1]]


@pytest.mark.parametrize(("name", "expected"), [
    ("P026_missing_brace_after_section", [("P026", 4)]),
    ("P026_missing_brace_after_level1", [("P026", 3)]),
    ("P026_missing_brace_after_project", [("P026", 1)]),
    ("P004_stray_brace_inside_block", [("P004", 6)]),
    ("P020_fullwidth_brace", [("P020", 1), ("P020", 4), ("P020", 6)]),
    ("P027_form_label", [("P027", 2), ("P027", 3)]),
    ("P027_form_label_project_name", [("P027", 2), ("P027", 3)]),
    ("P028_paragraph_without_quotes", [("P028", 2)]),
    ("P028_paragraph_on_its_own", [("P028", 3)]),
])
def test_a_structural_mistake_is_one_error_on_its_own_line(name: str, expected: list[tuple[str, int]]) -> None:
    assert _codes_at(name) == expected


def test_a_block_opened_without_brace_keeps_its_indicators() -> None:
    text = (ROOT / "tests" / "diagnostics" / "P026_missing_brace_after_section.perf").read_text(encoding="utf-8")
    spec, _ = parse(text, "x.perf")
    (level1,) = spec.projects[0].sections
    assert [(s.name, [i.name for i in s.indicators]) for s in level1.sections] == [
        ("数量", ["聘用人数", "培训次数"]), ("质量", ["培训合格率"])]


def test_a_pasted_form_label_is_read_as_its_key() -> None:
    spec, _ = parse("项目 x {\n  项目类别：其他一次性项目\n}\n", "x.perf")
    assert spec.projects[0].category.value == "其他一次性项目"  # type: ignore[union-attr]


def test_a_paragraph_without_quotes_is_read_as_the_text() -> None:
    text = (ROOT / "tests" / "diagnostics" / "P028_paragraph_without_quotes.perf").read_text(encoding="utf-8")
    spec, _ = parse(text, "x.perf")
    assert spec.projects[0].basis.paragraphs[0].startswith("根据《关于")  # type: ignore[union-attr]


def test_a_colon_in_an_indicator_name_inside_a_section_is_not_a_form_label() -> None:
    spec, diags = parse("项目 x {\n  产出 {\n    数量 {\n      分值：20页数 >= 10页\n    }\n  }\n}\n", "x.perf")
    assert diags == [] and spec.projects[0].sections[0].sections[0].indicators[0].name == "分值：20页数"


def test_fullwidth_braces_inside_a_text_block_are_the_texts_own() -> None:
    text = '项目 审 {\n  概况 """\n    ｝开头\n    结尾｛\n  """\n  产出 ｛\n    数量 {\n      a = 1个\n    }\n  ｝\n}\n'
    spec, diags = parse(text, "x.perf")
    assert spec.projects[0].overview.paragraphs == ("｝开头结尾｛",)
    assert [(d.code, d.span.line) for d in diags] == [("P020", 6), ("P020", 10)]


def _every_node(value: object) -> list[ast.Node]:
    """Every node below `value`, found by walking every field: what `ast.nodes` must list."""
    found: list[ast.Node] = []
    if isinstance(value, (tuple, list)):
        for item in value:
            found += _every_node(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        if isinstance(value, ast.Node):
            found.append(value)
        for f in dataclasses.fields(value):
            found += _every_node(getattr(value, f.name))
    return found


@settings(derandomize=True, deadline=None, max_examples=100)
@given(specs())
def test_nodes_lists_every_node_of_generated_specs(spec: ast.Spec) -> None:
    assert sorted(map(id, ast.nodes(spec))) == sorted(map(id, _every_node(spec)))


def test_nodes_lists_every_node_of_every_spec_of_the_repository() -> None:
    for path in [*PARSE_CASES, *sorted((ROOT / "specs").rglob("*.perf"))]:
        spec = load(path)
        assert sorted(map(id, ast.nodes(spec))) == sorted(map(id, _every_node(spec))), path
