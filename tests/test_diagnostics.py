"""Golden tests: malformed inputs and the exact text `perfdsl check` prints for them, in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfdsl.diagnostics import display_width
from perfdsl.messages import CATALOGUE, placeholders
from tests.conftest import ROOT, run_cli

CASES = sorted((ROOT / "tests" / "diagnostics").glob("*.perf"))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_diagnostic_golden(case: Path, lang: str, capsys: pytest.CaptureFixture[str], golden) -> None:
    rel = case.relative_to(ROOT).as_posix()
    code, out, err = run_cli(capsys, "--lang", lang, "check", rel)
    assert "Traceback" not in out + err
    code_in_name = case.stem.split("_")[0]
    assert f"[{code_in_name}]" in out, "each case triggers the code its name says"
    assert code == (1 if "error[" in out or "错误[" in out else 0)
    suffix = ".out" if lang == "zh" else ".en.out"
    golden(case.with_suffix(suffix), out)


def test_every_error_is_reported_not_just_the_first(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "check", "tests/diagnostics/P002_multiple_errors_reported.perf")
    codes = [line.split("[")[1].split("]")[0] for line in out.splitlines() if line.startswith("tests/")]
    assert codes == ["P002", "P002", "P007", "P006"]
    assert code == 1


def test_caret_is_placed_by_display_width(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_cli(capsys, "check", "tests/diagnostics/P010_unreadable_target.perf")
    lines = out.splitlines()
    source, caret = lines[1], lines[2]
    # the caret starts under the first character of the target, counting CJK characters as two columns
    prefix = source[: source.index("24 小时")]
    assert display_width(caret[: caret.index("^")]) == display_width(prefix)


def test_json_format_is_versioned_and_complete(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "check", "--format", "json", "tests/diagnostics/P003_unclosed_brace.perf")
    data = json.loads(out)
    assert code == 1 and data["version"] == 1
    (d,) = [d for d in data["diagnostics"] if d["code"] == "P003"]
    assert (d["code"], d["severity"], d["line"]) == ("P003", "error", 10)
    assert [r["line"] for r in d["related"]][:2] == [2, 1]  # innermost first
    assert any("缩进" in r["message"] for r in d["related"]), "names the { whose } is probably missing"


def test_catalogue_has_both_languages_with_the_same_placeholders() -> None:
    for key, (zh, en) in CATALOGUE.items():
        assert zh and en, key
        assert placeholders(zh) == placeholders(en), key


def test_english_from_environment(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFDSL_LANG", "en")
    from perfdsl.cli import build_parser

    assert build_parser().parse_args(["check", "x"]).lang == "en"


def test_invisible_characters_in_a_text_block_are_read_as_on_any_line() -> None:
    from perfdsl.syntax.parser import parse

    first = '项目 x {\n  概况 """甲\u200b乙\n  丙\u00a0丁\u200b\n  """\n}\n'
    spec, diags = parse(first, "x.perf")
    assert spec.projects[0].overview.paragraphs == ("甲乙丙 丁",)  # type: ignore[union-attr]
    assert [(d.code, d.span.line, d.span.column) for d in diags] == [("P023", 2, 10), ("P023", 3, 4)]


def test_a_direction_control_is_an_error_wherever_it_stands() -> None:
    from perfdsl.syntax.parser import parse

    text = '单位 某\u202e单位\n项目 "x\u2066y\u2069" {\n  概况 """\n  甲\u200f乙\n  """\n}\n# 注\u061c释\n'
    _, diags = parse(text, "x.perf")
    assert [(d.code, d.severity.value, d.span.line, d.span.column, d.args["codes"]) for d in diags] == [
        ("P024", "error", 1, 5, "U+202E"), ("P024", "error", 2, 6, "U+2066, U+2069"),
        ("P024", "error", 4, 4, "U+200F"), ("P024", "error", 7, 4, "U+061C")]
    assert "RIGHT-TO-LEFT OVERRIDE" in diags[0].message("en")
