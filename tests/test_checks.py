"""Semantic checks: one case that triggers each rule and one that does not (golden outputs), the rule
examples, `perfdsl rules`/`explain`, docs/rules.md, and the check of every spec in the repository."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfdsl import ast
from perfdsl.checks import RULES, check_specs, describe, examples
from perfdsl.checks.suppression import comments
from perfdsl.config import Config
from perfdsl.messages import say
from perfdsl.syntax.parser import parse
from tests.conftest import ROOT, run_cli

CASES_DIR = ROOT / "tests" / "checks"
CASES = sorted([*CASES_DIR.glob("C*.perf"), *(p for p in CASES_DIR.glob("C*") if p.is_dir())])
CLI = CASES_DIR / "cli"


def codes_in(out: str) -> list[str]:
    return re.findall(r"^\S+:\d+:\d+: \w+\[(\w+)\]", out, flags=re.M)


def is_ok(case: Path) -> bool:
    return "_ok_" in case.name


def parse_clean(text: str, file: str) -> ast.Spec:
    spec, diags = parse(text, file)
    assert diags == [], [d.message("en") for d in diags]
    return spec


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_rule_case(case: Path, capsys: pytest.CaptureFixture[str], golden) -> None:
    rel = case.relative_to(ROOT).as_posix()
    code_in_name = case.name.split("_")[0]
    code, out, err = run_cli(capsys, "check", rel)
    assert "Traceback" not in out + err
    assert code == (1 if "错误[" in out else 0)
    if is_ok(case):
        assert out == "", "a case named _ok_ is clean"
    else:
        assert code_in_name in codes_in(out), "the case triggers the rule its name says"
    golden(case.with_suffix(".out") if case.is_file() else case.parent / f"{case.name}.out", out)
    if not is_ok(case):
        _, out_en, _ = run_cli(capsys, "--lang", "en", "check", rel)
        golden(case.with_suffix(".en.out") if case.is_file() else case.parent / f"{case.name}.en.out", out_en)


def test_every_rule_has_a_case_that_triggers_it_and_one_that_does_not() -> None:
    names = [c.name for c in CASES]
    for code in RULES:
        assert any(n.startswith(code + "_") and "_ok_" not in n for n in names), code
        assert any(n.startswith(code + "_ok_") for n in names), code


def test_every_emitted_code_is_a_documented_rule(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_cli(capsys, "check", "tests/checks")
    emitted = set(codes_in(out))
    assert emitted == set(RULES), "every rule fires on some case, and nothing undocumented does"
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert all(f"### {code}" in docs for code in emitted)


@pytest.mark.parametrize("code", list(RULES))
def test_examples_show_the_rule(code: str) -> None:
    """`explain`'s bad example triggers the rule and the fixed one does not."""
    ex = examples()[code]
    for kind, expected in (("bad", True), ("fixed", False)):
        spec = parse_clean(ex[kind], f"{code}.{kind}.perf")
        found = {d.code for d in check_specs([spec], Config())[spec.file]}
        assert (code in found) is expected, (kind, found)
    assert set(examples()) == set(RULES)


def test_docs_rules_md_is_generated_from_the_rules() -> None:
    path = ROOT / "docs" / "rules.md"
    assert path.read_text(encoding="utf-8") == describe.markdown(), (
        "docs/rules.md is stale: perfdsl rules --format markdown > docs/rules.md")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rules_and_explain_output(lang: str, capsys: pytest.CaptureFixture[str], golden) -> None:
    suffix = ".out" if lang == "zh" else ".en.out"
    code, out, _ = run_cli(capsys, "--lang", lang, "rules")
    assert code == 0 and len(out.splitlines()) == len(RULES) + 1
    golden(CLI / f"rules{suffix}", out)
    code, out, _ = run_cli(capsys, "--lang", lang, "explain", "C301")
    assert code == 0
    golden(CLI / f"explain_C301{suffix}", out)
    assert run_cli(capsys, "--lang", lang, "explain", "current-over-total")[1] == out


def test_explain_unknown_code_suggests_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "--lang", "en", "explain", "C3010")
    assert code == 2 and out == "" and "did you mean `C301`?" in err
    code, _, err = run_cli(capsys, "explain", "zzz")
    assert code == 2 and "perfdsl rules" in err


def test_rules_json_is_versioned(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(run_cli(capsys, "--lang", "en", "rules", "--format", "json")[1])
    assert data["version"] == 1
    c301 = next(r for r in data["rules"] if r["code"] == "C301")
    assert c301 == {"code": "C301", "name": "current-over-total", "severity": "error", "area": "budget",
                    "summary": "the current budget exceeds the total budget",
                    "rationale": say("rule.C301.why", "en")}
    assert [r["code"] for r in data["rules"]] == sorted(RULES)


def test_json_output_of_a_check(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "--lang", "en", "check", "--format", "json",
                       "tests/checks/C301_current_over_total.perf")
    data = json.loads(out)
    assert code == 1 and data["version"] == 1
    (d,) = data["diagnostics"]
    assert (d["code"], d["severity"], d["line"], d["column"]) == ("C301", "error", 11, 5)
    assert d["message"] == "current budget 200,000 > total budget 150,000 (over by 50,000)"
    assert d["related"] == [{"file": "tests/checks/C301_current_over_total.perf", "line": 10, "column": 5,
                             "message": "the total budget is here"}]


def test_specs_have_no_errors_and_national_specs_are_clean() -> None:
    paths = sorted((ROOT / "specs").rglob("*.perf"))
    specs = [parse_clean(p.read_text(encoding="utf-8"), p.relative_to(ROOT).as_posix()) for p in paths]
    frameworks = {spec.framework.value for spec in specs if spec.framework}
    assert frameworks == {"national-2013", "national-2015", "national-2021", "shanghai-2025"}, \
        "a spec per framework besides the seed's"
    found = check_specs(specs)
    for file, diags in found.items():
        if not file.startswith("specs/2020/"):
            assert diags == [], [d.message("en") for d in diags]
        else:
            # the seed as published: two projects without a cost indicator, noted (see perfdsl.toml)
            assert [(d.code, d.severity.value) for d in diags] in ([], [("C411", "info")]), file


def test_comments_are_all_found_for_suppression() -> None:
    """Every `#` comment line of a file reaches the suppression pass, whatever node it is attached to."""
    for path in [*sorted(CASES_DIR.glob("*.perf")), *sorted((ROOT / "specs").rglob("*.perf"))]:
        text = path.read_text(encoding="utf-8")
        spec = parse_clean(text, path.name)
        in_text = [i + 1 for i, line in enumerate(text.split("\n")) if "#" in line]  # no `#` inside their text
        found = sorted(c.span.line for c, _ in comments(spec))
        assert found == in_text, path.name


def test_check_specs_returns_every_file_even_clean_ones() -> None:
    a = parse_clean(examples()["C108"]["fixed"], "a.perf")
    b = parse_clean(examples()["C108"]["fixed"], "b.perf")
    found = check_specs([a, b], Config())
    assert set(found) == {"a.perf", "b.perf"}
    dup = [d for d in found["b.perf"] if d.code == "C108"]
    assert len(dup) == 2 and all(d.related[0].span.file == "a.perf" for d in dup)
    assert not [d for d in found["a.perf"] if d.code == "C108"]


BUDGET = """项目 x {{
  预算 {{
    总预算 {total}
    当年预算 {current}
  }}
}}
"""


@settings(derandomize=True, deadline=None, max_examples=60)
@given(total=st.integers(0, 10**9), current=st.integers(0, 10**9))
def test_current_over_total_iff_greater_and_the_message_shows_the_arithmetic(total: int, current: int) -> None:
    spec = parse_clean(BUDGET.format(total=f"{total:,}", current=f"{current:,}"), "b.perf")
    found = [d for d in check_specs([spec], Config())["b.perf"] if d.code == "C301"]
    assert bool(found) == (current > total)
    if found:
        assert found[0].message("zh") == f"当年预算 {current:,} > 总预算 {total:,}（超出 {current - total:,}）"


RATE = """项目 x {{
  产出 {{
    质量 {{
      验收合格率 {comparator} {value}%
    }}
  }}
}}
"""


@settings(derandomize=True, deadline=None, max_examples=80)
@given(comparator=st.sampled_from(["=", ">=", "<=", ">", "<"]),
       value=st.decimals(min_value=-10, max_value=300, places=1, allow_nan=False))
def test_rate_rules_are_exclusive_and_right(comparator: str, value: Decimal) -> None:
    spec = parse_clean(RATE.format(comparator=comparator, value=format(value, "f")), "r.perf")
    found = {d.code for d in check_specs([spec], Config())["r.perf"]} & {"C401", "C402", "C403"}
    impossible = comparator in ("=", ">=", ">") and (value > 100 or (comparator == ">" and value >= 100))
    always = (comparator == "<=" and value >= 100) or (comparator == "<" and value > 100) or (
        comparator == ">=" and value <= 0)
    assert found == ({"C401"} if impossible else {"C402"} if always else
                     {"C403"} if comparator == ">=" and value == 100 else set())


def test_national_specs_are_fmt_canonical() -> None:
    from perfdsl.syntax.fmt import format_source

    for path in sorted((ROOT / "specs" / "national").glob("*.perf")):
        text = path.read_text(encoding="utf-8")
        assert format_source(text, path.name)[0] == text, path.name


def test_a_broken_check_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    import perfdsl.checks as checks

    def broken(spec: ast.Spec, ctx: object):
        yield from ()
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(checks, "CHECKS", (broken, *checks.CHECKS))
    spec = parse_clean(examples()["C301"]["bad"], "x.perf")
    found = check_specs([spec], Config())["x.perf"]
    (x000,) = [d for d in found if d.code == "X000"]
    assert "broken" in x000.message("en") and "boom" in x000.message("en")
    assert "C301" in {d.code for d in found}, "the other checks still ran"
