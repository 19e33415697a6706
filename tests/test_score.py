"""`perfdsl score` and the rules behind it: every rule against figures computed by hand, and the command's
output (text, Markdown, JSON, both rule sets) against golden files."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from perfdsl.evaluation.monitor import monitor_project
from perfdsl.evaluation.rules import CENTRAL, RULE_SETS, rule_set
from perfdsl.evaluation.score import score_project
from perfdsl.syntax.parser import parse
from tests.conftest import ROOT, run_cli

CYCLE = "specs/cycle/2025/居家养老上门服务.perf"


def _project(indicators: str, budget: str = "", extra: str = "") -> str:
    return f"""框架 national-2015
年度 2025
项目 p {{
{extra}  预算 {{
    当年预算 1,000,000
    分值 10
{budget}  }}
  产出指标 {{
    数量指标 {{
{indicators}
    }}
  }}
}}
"""


def _scores(text: str, rules=CENTRAL):
    spec, diags = parse(text, "x.perf")
    assert diags == []
    return score_project(spec, spec.projects[0], rules)


def _one(target: str, actual: str, weight: str = "10", more: str = "", rules=CENTRAL) -> D | None:
    text = _project(f"      a {target} {{\n        分值 {weight}\n        实际 {actual}\n{more}      }}")
    return _scores(text, rules).lines[0].score


@pytest.mark.parametrize("target, actual, expected", [
    (">= 1200人", "1150人", D("9.58")),      # 正向: 1150 / 1200 × 10 = 9.583… → 9.58
    (">= 1200人", "1300人", D("10.00")),     # capped at 分值
    (">= 80%", "0%", D("0.00")),
    ("<= 2%", "2.5%", D("8.00")),            # 反向: 2 / 2.5 × 10
    ("<= 2%", "1%", D("10.00")),             # within the cap
    ("= 100%", "100%", D("10.00")),          # `=`: met
    ("= 100%", "99%", D("0.00")),            # `=`: not met
    ("100%", "99%", D("0.00")),              # written without a comparator, it means `=`
    ("<= 2025-12-31", "2025-12-20", D("10.00")),  # a deadline met
    ("<= 2025-11", "2025-12-02", D("0.00")),      # a month: done after its last day
    ("<= 30万元", "285,000元", D("10.00")),   # 万元 and 元 convert
    ("<= 3天", "96小时", D("7.50")),          # 3 × 24 / 96 × 10
])
def test_central_rules_against_figures_by_hand(target: str, actual: str, expected: D) -> None:
    assert _one(target, actual) == expected


def test_reverse_linear_falls_to_zero_at_twice_the_cap() -> None:
    linear = RULE_SETS["linear-reverse"]
    assert _one("<= 2%", "2.5%", rules=linear) == D("7.50")   # (2 × 2 − 2.5) / 2 × 10
    assert _one("<= 2%", "4%", rules=linear) == D("0.00")
    assert _one("<= 2%", "5%", rules=linear) == D("0.00")     # never below 0
    assert _one("<= 2%", "1.5%", rules=linear) == D("10.00")
    assert _one(">= 1200人", "1150人", rules=linear) == D("9.58")  # 正向 as the central rules


def test_positive_linear_is_a_tunable_of_a_rule_set() -> None:
    tuned = rule_set("central-2020", {"positive": "linear", "positive_zero": D(50)})
    assert _one(">= 100人", "75人", rules=tuned) == D("5.00")  # (75 − 50) / (100 − 50) × 10


def test_qualitative_score_is_the_evaluators_and_its_band_is_the_grades() -> None:
    text = _project("      a 有效提升 {\n        分值 10\n        实际 有效提升\n        等级 部分达成\n        得分 7\n      }")
    line = _scores(text).lines[0]
    assert (line.score, line.band, line.met) == (D("7.00"), (D("6.00"), D("8.00")), False)


def test_not_applicable_drops_out_and_the_rest_is_rescaled() -> None:
    text = _project("      a >= 10个 {\n        分值 45\n        实际 10个\n      }\n"
                    "      b >= 10个 {\n        分值 45\n        不适用 是\n      }",
                    budget="    全年执行 900,000\n    偏差原因 \"结余\"\n")
    s = _scores(text)
    # 预算执行 900,000 / 1,000,000 × 10 = 9; a 45; b drops out: (9 + 45) / 55 × 100 = 98.18
    assert (s.budget.score, s.raw, s.dropped, s.total, s.grade) == (D("9.00"), D("54.00"), D("45"), D("98.18"), "优")


def test_budget_execution_is_capped_and_grades_follow_the_total() -> None:
    over = _scores(_project("      a >= 10个 {\n        分值 90\n        实际 5个\n      }",
                            budget="    全年执行 1,100,000\n"))
    assert (over.budget.score, over.budget.rate) == (D("10.00"), D("110.00"))
    assert (over.total, over.grade) == (D("55.00"), "差")  # 10 + 5 / 10 × 90
    assert [CENTRAL.grade(D(x)) for x in ("90", "89.99", "80", "60", "59.99")] == ["优", "良", "良", "中", "差"]


def test_missing_weights_share_what_is_left() -> None:
    s = _scores(_project("      a >= 10个 {\n        实际 10个\n      }\n      b >= 10个 {\n        实际 10个\n      }"))
    assert [l.weight for l in s.lines] == [D(45), D(45)] and s.total == D("90.00")  # no 全年执行: 预算 unscored


def test_the_worked_example_scores_as_the_docs_say() -> None:
    spec, _ = parse((ROOT / CYCLE).read_text(encoding="utf-8"), CYCLE)
    s = score_project(spec, spec.projects[0], CENTRAL)
    assert (s.raw, s.total, s.grade, s.unscored) == (D("90.55"), D("95.32"), "优", 0)
    m = monitor_project(spec.projects[0], CENTRAL)
    assert m is not None and m.budget is not None and (m.budget.rate, m.budget.light) == (D("55.3"), "green")
    assert {l.indicator.name: l.light for l in m.lines}["服务老人人数"] == "blue"  # 980 / (1200 × 7/12) = 140 %


@pytest.mark.parametrize("args, name", [
    ((), "cycle.out"), (("--format", "markdown"), "cycle.md"), (("--format", "json"), "cycle.json"),
    (("--rules", "linear-reverse"), "cycle.linear.out")])
def test_score_command_output(capsys: pytest.CaptureFixture[str], golden, args: tuple[str, ...], name: str) -> None:
    code, out, err = run_cli(capsys, "score", *args, CYCLE)
    assert (code, err) == (0, "")
    if name.endswith(".json"):
        assert json.loads(out)[0]["total"] == "95.32"
    golden(ROOT / "tests" / "score" / name, out)


def test_score_says_when_nothing_is_evaluated_and_refuses_unknown_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "score", "specs/2020")
    assert code == 1 and out == "" and "没有已自评的项目" in err
    code, out, err = run_cli(capsys, "score", "--rules", "provincial", CYCLE)
    assert code == 2 and "provincial" in err and "central-2020" in err


def test_a_broken_file_is_reported_with_its_place_and_the_others_scored(capsys, tmp_path) -> None:
    bad = tmp_path / "bad.perf"
    bad.write_text("项目 x {\n  产出 {\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "score", str(bad), CYCLE)
    assert code == 1 and "bad.perf:2:" in err and "95.32" in out and "Traceback" not in err
