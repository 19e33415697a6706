"""The parser's codes are explained like the rules: `perfdsl explain P002`, their examples, docs/rules.md."""

from __future__ import annotations

import re

import pytest

from perfdsl.checks import check_specs, describe
from perfdsl.config import Config
from perfdsl.messages import CATALOGUE
from perfdsl.syntax.parser import parse
from tests.conftest import ROOT, run_cli

CLI = ROOT / "tests" / "checks" / "cli"
PARSER_CODES = sorted({key for key in CATALOGUE if re.fullmatch(r"P\d{3}", key)})
EXAMPLES = [p for p in describe.parse_codes().values() if p.bad is not None]


def test_every_parser_code_is_explained() -> None:
    assert PARSER_CODES and list(describe.parse_codes()) == PARSER_CODES
    assert [p.code for p in describe.parse_codes().values() if p.bad is None or p.fixed is None] == ["P000"]


def _reported(text: str, file: str) -> list[tuple[str, str]]:
    """The parser's codes for a file, with their severity: the parse, then the check of the parsed spec
    (which reports P021, a file without any project)."""
    spec, diags = parse(text, file)
    checked = [d for d in check_specs([spec], Config())[spec.file] if d.code.startswith("P")]
    return [(d.code, d.severity.value) for d in [*diags, *checked]]


@pytest.mark.parametrize("p", EXAMPLES, ids=lambda p: p.code)
def test_parse_examples_show_the_code(p: describe.ParseCode) -> None:
    """The bad example gives its code, with the severity explain prints; the fixed one reads cleanly."""
    assert (p.code, p.severity.value) in _reported(p.bad, f"{p.code}.bad.perf")
    assert _reported(p.fixed, f"{p.code}.fixed.perf") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_a_parser_code(lang: str, capsys: pytest.CaptureFixture[str], golden) -> None:
    suffix = ".out" if lang == "zh" else ".en.out"
    code, out, err = run_cli(capsys, "--lang", lang, "explain", "P002")
    assert (code, err) == (0, "")
    golden(CLI / f"explain_P002{suffix}", out)
    assert run_cli(capsys, "--lang", lang, "explain", "p002")[1] == out


def test_explain_shows_invisible_characters_as_escapes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--lang", "en", "explain", "P024")
    assert code == 0 and "档案\\u202e化字数" in out and "\u202e" not in out


def test_explain_p000_says_it_has_no_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--lang", "en", "explain", "P000")
    assert code == 0 and "no .perf text can show" in out and "bad:" not in out
    assert out.rstrip().endswith("nor silenced with # perfdsl: ignore: fix the line.")


def test_unknown_code_suggests_over_both_families(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--lang", "en", "explain", "P0022")
    assert code == 2 and out == "" and "did you mean `P022`?" in err
    code, _, err = run_cli(capsys, "--lang", "en", "explain", "C3010")
    assert code == 2 and "did you mean `C301`?" in err


def test_docs_list_the_parser_codes_in_their_own_section() -> None:
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = docs[docs.index("\n## Parser codes\n"):]
    assert all(f"\n### {code}\n" in section for code in PARSER_CODES)
    assert "\u200b" not in docs and "预算\\u200b执行率" in section


def test_a_full_width_brace_inside_a_quoted_name_is_the_names_own() -> None:
    # before a `#` it looked like a brace ending the line: the name `验｛#` read back as `验{#` with P020
    from perfdsl.syntax.parser import parse

    spec, diags = parse('项目 x {\n  产出 {\n    质量 {\n      "验｛#" 9\n    }\n  }\n}\n')
    assert diags == [] and spec.projects[0].sections[0].sections[0].indicators[0].name == "验｛#"
