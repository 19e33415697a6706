"""Numbers a table never needs (`1e5000`, five thousand digits, NaN) are refused where they are written, with
a diagnostic; the largest number the language accepts goes through every stage: check, each backend, diff."""

from __future__ import annotations

import json
from decimal import Decimal, localcontext
from pathlib import Path

import pytest

import perfdsl
from perfdsl.ast import same
from perfdsl.backends.xlsx import workbook
from perfdsl.diffing.render import render as render_diff
from perfdsl.syntax.values import MAX_DECIMALS, MAX_WHOLE_DIGITS
from tests.conftest import ROOT
from tests.test_diff_cli import perfdsl as run

BASE = (ROOT / "tests" / "diff" / "national" / "old" / "信息系统运行维护.perf").read_text(encoding="utf-8")
FORMATS = ("text", "html", "md", "json", "perf")
DIFF_FORMATS = ("text", "markdown", "json", "html")

# (what is replaced in BASE, its replacement, the code, the column where the number starts)
HOSTILE = {
    "weight exponent": ("分值 15", "分值 1e5000", "P009", 12),
    "weight huge exponent": ("分值 15", "分值 1e10000000", "P009", 12),
    "weight negative exponent": ("分值 15", "分值 1e-10000000", "P009", 12),
    "weight 5000 digits": ("分值 15", "分值 1" + "0" * 5000, "P009", 12),
    "weight 5000 decimals": ("分值 15", "分值 0." + "0" * 4999 + "1", "P009", 12),
    "money 19 digits": ("总预算 850,000", "总预算 1234567890123456789", "P009", 9),
    "money 5000 digits": ("总预算 850,000", "总预算 1" + "0" * 5000, "P009", 9),
    "money exponent": ("总预算 850,000", "总预算 1e5000", "P009", 9),
    "money 7 decimals": ("总预算 850,000", "总预算 850000.1234567万元", "P009", 9),
    "money 15 digits of 万元": ("总预算 850,000", "总预算 100,000,000,000,000万元", "P009", 9),
    "target 5000 digits": (">= 12个", ">= 1" + "0" * 5000 + "个", "P010", 14),
    "target exponent": (">= 12个", ">= 1e5000个", "P010", 14),
    "target 7 decimals": (">= 99%", ">= 99.0000001%", "P010", 15),
}
LINE = {"分值 15": 38, "总预算 850,000": 11, ">= 12个": 37, ">= 99%": 52}


def hostile(case: str) -> str:
    old, new, _, _ = HOSTILE[case]
    assert BASE.count(old) >= 1
    return BASE.replace(old, new, 1)


@pytest.mark.parametrize("case", HOSTILE)
def test_a_number_out_of_bounds_is_refused_where_it_stands(case: str) -> None:
    old, new, code, column = HOSTILE[case]
    with pytest.raises(perfdsl.LoadError) as caught:
        perfdsl.load(hostile(case), name="x.perf")
    [d] = caught.value.diagnostics
    assert (d.code, d.span.line, d.span.column) == (code, LINE[old], column)
    written = new.split(" ", 1)[1] if code == "P009" else new
    for lang in ("zh", "en"):
        assert written[:20] in d.message(lang) and str(MAX_WHOLE_DIGITS) in d.message(lang)
    kind = "number." if old.startswith("分值") else ""
    assert d.key == f"{code}.{kind}too_long" and "not " in d.hint("en") and "不写作" in d.hint("zh")


@pytest.mark.parametrize("written", ["NaN", "-Infinity", "1_5", "１５分"])
def test_a_weight_takes_the_digits_money_and_targets_take(written: str) -> None:
    """Decimal itself would read NaN, Infinity and 1_5; a 分值 is written as the other numbers are."""
    with pytest.raises(perfdsl.LoadError) as caught:
        perfdsl.load(BASE.replace("分值 15", f"分值 {written}", 1), name="x.perf")
    [d] = caught.value.diagnostics
    assert (d.code, d.key, d.span.line, d.span.column) == ("P009", "P009.number", 38, 12)
    assert d.message("en") == f"`分值` takes a number, not `{written}`"
    assert perfdsl.load(BASE.replace("分值 15", "分值 １５", 1)).projects[0].sections[1].sections[0].indicators[
        0].weight.value == 15


@pytest.mark.parametrize("case", HOSTILE)
def test_every_entry_point_takes_the_refused_number_without_a_traceback(case: str, tmp_path: Path) -> None:
    spec, diagnostics = perfdsl.parse(hostile(case), "x.perf")
    assert [d.code for d in diagnostics] == [HOSTILE[case][2]]
    for fmt in FORMATS[:-1]:
        perfdsl.render(spec, fmt)
    try:
        perfdsl.render(spec, "perf")
    except perfdsl.FormatError:
        pass  # an unreadable target has no text to write back: `fmt` refuses what it cannot prove
    workbook(spec)
    perfdsl.check(spec)
    base, _ = perfdsl.parse(BASE, "base.perf")
    for fmt in DIFF_FORMATS:
        render_diff(perfdsl.diff(base, spec), fmt, color=True)
        render_diff(perfdsl.diff(spec, base), fmt)

    path = tmp_path / "x.perf"
    path.write_text(hostile(case), encoding="utf-8")
    (tmp_path / "base.perf").write_text(BASE, encoding="utf-8")
    where = f"{path}:{LINE[HOSTILE[case][0]]}:{HOSTILE[case][3]}: "
    code, out, err = run("check", str(path))
    assert code == 1 and where in out and "Traceback" not in out + err
    code, out, err = run("--color", "always", "diff", str(tmp_path / "base.perf"), str(path))
    assert code == 2 and where in out.replace("\x1b[1m", "").replace("\x1b[0m", "") and "Traceback" not in err
    code, out, err = run("build", str(path), "-o", str(tmp_path / "out"), "--format", "text,html,md,json,xlsx")
    assert code == 1 and where in out + err and "Traceback" not in out + err


WIDEST = "9" * MAX_WHOLE_DIGITS + "." + "9" * MAX_DECIMALS
WIDEST_10K = "9" * (MAX_WHOLE_DIGITS - 4) + "." + "9" * MAX_DECIMALS
TINIEST = "0." + "0" * (MAX_DECIMALS - 1) + "1"


def test_the_widest_numbers_go_through_every_stage(tmp_path: Path) -> None:
    """The limit itself is accepted, and then nothing overflows: diff divides the largest amount by the
    smallest there is for the percentage, a 万元 target is multiplied by 10,000, JSON keeps every digit, and
    `fmt` writes what reads back."""
    big = (BASE.replace("分值 15", f"分值 {WIDEST}", 1).replace(">= 12个", f">= {WIDEST}个", 1)
           .replace("当年预算 850,000", f"当年预算 {WIDEST}").replace(">= 99%", f">= {TINIEST}%")
           .replace("总预算 850,000", f"总预算 {WIDEST_10K}万元").replace("<= 85万元", f"<= {WIDEST}万元"))
    small = BASE.replace("当年预算 850,000", f"当年预算 {TINIEST}").replace("分值 15", f"分值 {TINIEST}", 1)
    a, b = perfdsl.load(small, name="small.perf"), perfdsl.load(big, name="big.perf")
    assert b.projects[0].budget.current.value == Decimal(WIDEST)
    assert b.projects[0].budget.total.value == Decimal(WIDEST_10K) * 10000
    for spec in (a, b):
        for fmt in FORMATS:
            perfdsl.render(spec, fmt)
        workbook(spec)
        perfdsl.check(spec)
    data = json.loads(perfdsl.render(b, "json"))
    assert Decimal(str(data["projects"][0]["budget"]["current"]["value"])) == Decimal(WIDEST)
    for old, new in ((a, b), (b, a)):
        result = perfdsl.diff(old, new)
        for fmt in DIFF_FORMATS:
            render_diff(result, fmt, color=True)
    totals = perfdsl.diff(a, b).totals
    assert totals.delta == Decimal(WIDEST) - Decimal(TINIEST)
    with localcontext(prec=100):
        assert totals.percent == (totals.delta * 100 / Decimal(TINIEST)).quantize(Decimal("0.1"))
    assert same(perfdsl.load(perfdsl.render(b, "perf"), name="again.perf"), b)


def test_totals_of_many_of_the_largest_amounts_against_the_smallest() -> None:
    """Sums and the percentage leave the 28 digits of Decimal's default context; the diff still gives them."""
    small = perfdsl.load(BASE.replace("当年预算 850,000", f"当年预算 {TINIEST}"), name="small.perf")
    big = BASE.replace("当年预算 850,000", f"当年预算 {WIDEST}")
    many = [perfdsl.load(big.replace("项目 信息系统运行维护", f"项目 系统{i}"), name=f"{i}.perf") for i in range(20)]
    result = perfdsl.diff([small], many)
    assert result.totals.new == Decimal(WIDEST) * 20
    with localcontext(prec=100):
        assert result.totals.percent == ((Decimal(WIDEST) * 20 - Decimal(TINIEST)) * 100
                                         / Decimal(TINIEST)).quantize(Decimal("0.1"))
    for fmt in ("text", "markdown", "html"):
        assert "19,999,999,999,999,999,999.99998" in render_diff(result, fmt, color=True)
    totals = json.loads(render_diff(result, "json"))["totals"]
    assert Decimal(totals["new"]) == result.totals.new and Decimal(str(totals["percent"])) == result.totals.percent
