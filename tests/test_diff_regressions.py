"""`perfdsl diff` (and the API around it) on inputs that once broke it: coloured output when the money did not
move, numbers too large for the arithmetic and the JSON, NUL bytes, revisions that look like git options; and
a property run that diff never raises, whatever the two versions and the output format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import perfdsl
from perfdsl.diff_render import render as render_diff
from tests.conftest import ROOT
from tests.test_diff_cli import YEARS, git, perfdsl as run

FIXTURES = ROOT / "tests" / "diff"
NATIONAL = ("tests/diff/national/old", "tests/diff/national/new")
"""A national-2021 table whose targets, 分值, 性质, 解释, 上年执行, 完成 and 总目标 changed, 当年预算 not."""


# ----------------------------------------------------------------------------------------------- colour


@pytest.mark.parametrize("sides, name", [(YEARS, "expected.color.txt"), (NATIONAL, "national/expected.color.txt")])
def test_coloured_text_golden(golden, sides: tuple[str, str], name: str) -> None:
    code, out, err = run("--color", "always", "diff", *sides)
    assert (code, err) == (1, "")
    golden(FIXTURES / name, out)
    # without its colour codes it is the plain output, word for word
    assert re.sub("\x1b\\[[0-9;]*m", "", out) == run("diff", *sides)[1]


def test_unchanged_totals_are_not_coloured() -> None:
    _, out, _ = run("--color", "always", "diff", *NATIONAL)
    assert "当年预算合计: 850,000 → 850,000 (0, 0.0%)\n" in out
    _, page, _ = run("diff", "--format", "html", *NATIONAL)
    assert '<span class="same">0, 0.0%</span>' in page


def test_one_target_edited_through_the_api_in_colour() -> None:
    source = (ROOT / "specs" / "2020" / "信息化运维.perf").read_text(encoding="utf-8")
    old = perfdsl.load(source, name="old.perf")
    new = perfdsl.load(source.replace("运维设备覆盖率 = 100%", "运维设备覆盖率 >= 95%"), name="new.perf")
    out = render_diff(perfdsl.diff(old, new), "text", color=True)
    assert "\x1b[31m↓ 放宽\x1b[0m 产出/数量/运维设备覆盖率: = 100% → >= 95%" in out
    assert render_diff(perfdsl.diff(old, new), "text", "en", color=True, stat=True).count("\n") == 6
