"""Configuration of the checks (perfdsl.toml, [tool.perfdsl]) and suppression comments, as a user meets
them: files in a folder tree, `perfdsl check` run in it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from perfdsl.cli import main
from perfdsl.config import matches
from tests.conftest import ROOT

NO_COST = (ROOT / "tests" / "checks" / "C411_no_cost.perf").read_text(encoding="utf-8")
"""A clean national-2015 spec except that it has no cost indicator (C411, a warning)."""
WEIGHTED = (ROOT / "tests" / "checks" / "C501_ok_weights_add_up.perf").read_text(encoding="utf-8")


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def check(capsys: pytest.CaptureFixture[str], cwd: Path, *args: str) -> tuple[int, str, str]:
    before = os.getcwd()
    os.chdir(cwd)
    try:
        code = main(["--color", "never", "--lang", "en", *args])
    finally:
        os.chdir(before)
    out, err = capsys.readouterr()
    return code, out, err


def severities(out: str, code: str) -> list[str]:
    return [line.split(": ")[1].split("[")[0] for line in out.splitlines() if f"[{code}]: " in line]


def test_no_configuration_means_defaults(tmp_path: Path, capsys) -> None:
    write(tmp_path, {"x.perf": NO_COST})
    code, out, _ = check(capsys, tmp_path, "check", "x.perf")
    assert code == 0 and severities(out, "C411") == ["warning"]


def test_found_from_the_checked_path_upwards_nearest_first(tmp_path: Path, capsys) -> None:
    write(tmp_path, {"perfdsl.toml": '[rules]\nC411 = "off"\n', "a/b/x.perf": NO_COST, "c/y.perf": NO_COST,
                     "a/perfdsl.toml": '[rules]\nC411 = "error"\n'})
    code, out, _ = check(capsys, tmp_path, "check", "c/y.perf", "a/b/x.perf")
    assert code == 1 and out.count("[C411]") == 1 and "a/b/x.perf" in out and severities(out, "C411") == ["error"]
    # the lookup starts at the file, not at the current folder
    code, out, _ = check(capsys, ROOT, "check", str(tmp_path / "c" / "y.perf"))
    assert code == 0 and out == ""


def test_pyproject_table_and_precedence(tmp_path: Path, capsys) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.perfdsl.rules]\nC411 = "info"\n', "p/x.perf": NO_COST,
                     "p/pyproject.toml": '[project]\nname = "other"\n',  # no [tool.perfdsl]: not a config
                     "q/pyproject.toml": '[tool.perfdsl.rules]\nC411 = "info"\n',
                     "q/perfdsl.toml": '[rules]\nC411 = "off"\n', "q/x.perf": NO_COST})
    _, out, _ = check(capsys, tmp_path, "check", "p/x.perf")
    assert severities(out, "C411") == ["info"]
    _, out, _ = check(capsys, tmp_path, "check", "q/x.perf")
    assert out == "", "perfdsl.toml wins over pyproject.toml in the same folder"


def test_levels_by_code_prefix_and_name(tmp_path: Path, capsys) -> None:
    implicit = NO_COST.replace("资金支付及时率 = 100%", "资金支付及时率 100%")
    write(tmp_path, {"perfdsl.toml": '[rules]\nC4 = "off"\nno-cost-indicator = "error"\n', "x.perf": implicit})
    code, out, _ = check(capsys, tmp_path, "check", "x.perf")
    assert code == 1 and severities(out, "C411") == ["error"] and "[C412]" not in out


def test_per_path_overrides(tmp_path: Path, capsys) -> None:
    config = """
[rules]
C411 = "error"

[[overrides]]
paths = ["legacy/**/*.perf"]
rules = { C411 = "off" }

[[overrides]]
paths = ["*.draft.perf"]
rules = { C411 = "info" }

[[overrides]]
paths = ["shanghai"]
framework = "shanghai-2020"
"""
    no_framework = NO_COST.replace("框架 national-2015\n", "")
    write(tmp_path, {"perfdsl.toml": config, "legacy/2019/x.perf": NO_COST, "new/x.perf": NO_COST,
                     "new/y.draft.perf": NO_COST, "shanghai/z.perf": no_framework})
    code, out, _ = check(capsys, tmp_path, "check", "legacy", "new")
    assert code == 1
    assert [line.split(":")[0] for line in out.splitlines() if "[C411]" in line] == ["new/x.perf", "new/y.draft.perf"]
    assert severities(out, "C411") == ["error", "info"]
    _, out, _ = check(capsys, tmp_path, "check", "shanghai")
    assert "framework shanghai-2020" in out


def test_default_framework_and_extra_framework_file(tmp_path: Path, capsys) -> None:
    framework = """
name = "my-city-2024"
title = "某市项目支出绩效目标表"
source = "某市财政局"
required = ["单位", "年度"]

[[level1]]
name = "产出指标"

  [[level1.level2]]
  name = "数量指标"
"""
    spec = "单位 某局\n年度 2024\n\n项目 x {\n  产出指标 {\n    数量指标 {\n      培训人次 >= 100人次\n    }\n  }\n" \
           "  效益指标 {\n    社会效益指标 {\n      培训覆盖率 >= 90%\n    }\n  }\n}\n"
    write(tmp_path, {"perfdsl.toml": 'framework = "my-city-2024"\nframeworks = ["fw/my.toml"]\n',
                     "fw/my.toml": framework, "specs/x.perf": spec})
    code, out, _ = check(capsys, tmp_path, "check", "specs")
    assert code == 1 and "`效益指标` is not a level-1 section of framework my-city-2024" in out
    assert "[C201]" not in out and "[C411]" not in out  # its own required fields; it has no cost section


def test_weight_total(tmp_path: Path, capsys) -> None:
    write(tmp_path, {"perfdsl.toml": "weight-total = 90\n", "x.perf": WEIGHTED})
    code, out, _ = check(capsys, tmp_path, "check", "x.perf")
    assert code == 1 and "add up to 100, not 90 (off by 10)" in out


def test_explicit_config_replaces_the_lookup(tmp_path: Path, capsys) -> None:
    write(tmp_path, {"perfdsl.toml": '[rules]\nC411 = "off"\n', "ci.toml": '[rules]\nC411 = "error"\n',
                     "x.perf": NO_COST})
    assert check(capsys, tmp_path, "check", "--config", "ci.toml", "x.perf")[0] == 1
    code, _, err = check(capsys, tmp_path, "check", "--config", "missing.toml", "x.perf")
    assert code == 2 and "missing.toml" in err


@pytest.mark.parametrize("config, message", [
    ('frameworkz = "national-2015"\n', "unknown key `frameworkz`"),
    ('[rules]\nC411 = "fatal"\n', "`rules.C411` = `fatal` is not one of error, warning, info, off"),
    ('[rules]\nC4111 = "off"\n', "no rule `C4111`; did you mean `C411`?"),
    ('[rules]\nbogus = "off"\n', "no rule `bogus` (perfdsl rules lists them all)"),
    ('framework = "national-2051"\n', "unknown framework `national-2051` (known: national-2013, national-2015"),
    ('[[overrides]]\npaths = ["x"]\nframework = "nope"\n', "unknown framework `nope`"),
    ("rules = [\n", "not valid TOML"),
    ('frameworks = ["none.toml"]\n', "cannot load the framework file none.toml"),
    ('weight-total = 0\n', "`weight-total` is invalid"),
    ('frameworks = ["a\\u0000b.toml"]\n', "cannot load the framework file 'a\\x00b.toml': the file name holds a NUL"),
])
def test_bad_configuration_is_reported_with_exit_2(tmp_path: Path, capsys, config: str, message: str) -> None:
    write(tmp_path, {"perfdsl.toml": config, "x.perf": NO_COST})
    code, out, err = check(capsys, tmp_path, "check", "x.perf")
    assert code == 2 and out == ""
    assert err.startswith("configuration error (perfdsl.toml): ") and message in err, err
    assert "Traceback" not in err


def test_framework_file_may_not_take_a_builtin_name(tmp_path: Path, capsys) -> None:
    clash = (ROOT / "perfdsl" / "frameworks" / "national-2015.toml").read_text(encoding="utf-8")
    write(tmp_path, {"perfdsl.toml": 'frameworks = ["n.toml"]\n', "n.toml": clash, "x.perf": NO_COST})
    code, _, err = check(capsys, tmp_path, "check", "x.perf")
    assert code == 2 and "named `national-2015`, a name already taken" in err


def test_strict_fails_on_warnings(tmp_path: Path, capsys) -> None:
    write(tmp_path, {"x.perf": NO_COST})
    assert check(capsys, tmp_path, "check", "x.perf")[0] == 0
    assert check(capsys, tmp_path, "check", "--strict", "x.perf")[0] == 1


def test_suppressing_a_rule_that_is_off_is_not_reported_unused(tmp_path: Path, capsys) -> None:
    spec = NO_COST.replace("项目 安全隐患维修 {", "# perfdsl: ignore[C411] 本项目为一次性维修，成本见总目标\n项目 安全隐患维修 {")
    write(tmp_path, {"on/x.perf": spec, "off/x.perf": spec.replace("安全隐患维修", "消防设施维修"),
                     "off/perfdsl.toml": '[rules]\nC411 = "off"\n'})
    code, out, _ = check(capsys, tmp_path, "check", "on", "off")
    assert code == 0 and out == ""
    write(tmp_path, {"on/x.perf": spec.replace("本项目为一次性维修，成本见总目标", "")})
    code, out, _ = check(capsys, tmp_path, "check", "on")
    assert code == 1 and severities(out, "C901") == ["error"] and "warning[C411]:" not in out, (
        "still silenced, but the reason is demanded")


def test_parse_codes_cannot_be_suppressed(tmp_path: Path, capsys) -> None:
    spec = NO_COST.replace("干警满意度 >= 95%", "干警满意度 ＞＝９５％  # perfdsl: ignore[P020] 原文如此")
    write(tmp_path, {"x.perf": spec})
    _, out, _ = check(capsys, tmp_path, "check", "x.perf")
    assert "[P020]" in out and "`P020` in the suppression is not a rule that can be silenced" in out


@pytest.mark.parametrize("pattern, path, expected", [
    ("legacy/**", "legacy/2019/x.perf", True),
    ("legacy", "legacy/2019/x.perf", True),
    ("legacy/*.perf", "legacy/2019/x.perf", False),
    ("legacy/**/*.perf", "legacy/x.perf", True),
    ("*.draft.perf", "a/b/x.draft.perf", True),
    ("./specs/2020", "specs/2020/x.perf", True),
    ("specs/2020", "specs/2021/x.perf", False),
    ("spec?/20*", "specs/2020/x.perf", True),
])
def test_glob_patterns(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, path) is expected
