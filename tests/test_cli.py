"""The `perfdsl` command as a user runs it: exit codes, formats, help, version, colour."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from perfdsl import __version__
from tests.conftest import ROOT


def perfdsl(*args: str, env: dict[str, str] | None = None, cwd: str | os.PathLike[str] = ROOT):
    full_env = {**os.environ, "NO_COLOR": "", **(env or {})}
    return subprocess.run([sys.executable, "-m", "perfdsl", *args], capture_output=True, text=True, cwd=cwd,
                          env=full_env, timeout=60)


def test_check_specs_is_clean() -> None:
    r = perfdsl("check", "specs/")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stderr.startswith("检查通过") and "个文件" in r.stderr
    # the only notes: two 2020 tables have no cost indicator, as published (see perfdsl.toml)
    assert re.findall(r"\[(\w+)\]", r.stdout) == ["C411", "C411"]


def test_exit_codes() -> None:
    assert perfdsl("check", "tests/diagnostics/P002_missing_target.perf").returncode == 1
    assert perfdsl("check", "tests/diagnostics/P021_only_comments.perf").returncode == 0
    assert perfdsl("check", "--strict", "tests/diagnostics/P021_only_comments.perf").returncode == 1
    missing = perfdsl("check", "no/such/path")
    assert missing.returncode == 2 and "no/such/path" in missing.stderr
    assert perfdsl("check").returncode == 2
    assert perfdsl("frobnicate").returncode == 2


def test_version_and_help() -> None:
    assert perfdsl("--version").stdout.strip() == f"perfdsl {__version__}"
    help_text = perfdsl("--help").stdout
    assert "perfdsl check specs/" in help_text and "check" in help_text


def test_colour_only_when_asked_or_on_a_terminal(tmp_path) -> None:
    bad = "tests/diagnostics/P002_missing_target.perf"
    assert "\x1b[" not in perfdsl("check", bad).stdout  # piped: no colour
    assert "\x1b[" in perfdsl("--color", "always", "check", bad).stdout
    # NO_COLOR wins over a terminal; emulate the terminal decision directly
    from perfdsl.cli import use_color

    class Tty:
        def isatty(self) -> bool:
            return True

    assert use_color(Tty()) is (not os.environ.get("NO_COLOR"))
    os.environ["NO_COLOR"] = "1"
    try:
        assert use_color(Tty()) is False
    finally:
        del os.environ["NO_COLOR"]


def test_folder_is_searched_recursively_in_stable_order(tmp_path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.perf").write_text("项目 x {\n  类别 其他类\n}\n", encoding="utf-8")
    (tmp_path / "b" / "c.perf").write_text("项目 y {\n  开始 2020-99-01\n}\n", encoding="utf-8")
    (tmp_path / "b" / "ignored.txt").write_text("项目 {", encoding="utf-8")
    r = perfdsl("check", str(tmp_path))
    assert r.returncode == 1 and r.stdout.count("[P007]") == 1 and "ignored" not in r.stdout


def test_utf8_bom_is_accepted_and_gbk_is_refused_with_the_option_named(tmp_path) -> None:
    # the encoding is under test here, not the content: switch the semantic checks off
    (tmp_path / "perfdsl.toml").write_text('[rules]\nC = "off"\n', encoding="utf-8")
    good = tmp_path / "bom.perf"
    good.write_bytes("\ufeff项目 x {\n  类别 其他类\n}\n".encode("utf-8"))
    assert perfdsl("check", str(good)).returncode == 0
    gbk = tmp_path / "gbk.perf"
    gbk.write_bytes("项目 x {\n  类别 其他类\n}\n".encode("gbk"))
    r = perfdsl("--lang", "en", "check", str(gbk))
    assert r.returncode == 1 and "--encoding gb18030" in r.stdout
    assert perfdsl("check", "--encoding", "gb18030", str(gbk)).returncode == 0


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02", "项目 {{{{\n}}}}}\n\"\"\"".encode(), b"\xff" * 10])
def test_hostile_input_never_crashes(tmp_path, data: bytes) -> None:
    f = tmp_path / "x.perf"
    f.write_bytes(data)
    r = perfdsl("check", str(f))
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr


def test_only_the_named_command_is_set_up_and_help_lists_them_all() -> None:
    from perfdsl.cli import COMMANDS, build_parser

    def commands(parser):  # type: ignore[no-untyped-def]
        return sorted(parser._subparsers._group_actions[0].choices)

    assert commands(build_parser(["--lang", "en", "check", "build"])) == ["check"]
    assert commands(build_parser(["import", "x.txt", "-o", "out"])) == ["import"]
    every = sorted(c.rstrip("_") for c in COMMANDS)
    assert commands(build_parser(["--help"])) == every
    assert commands(build_parser(["chek", "x"])) == every  # a typo gets the full list in its error


@pytest.mark.parametrize("position", ["before", "after"])
def test_global_options_work_before_and_after_the_command(position: str) -> None:
    bad = "tests/diagnostics/P002_missing_target.perf"
    options = ["--lang", "en", "--color", "always"]
    args = [*options, "check", bad] if position == "before" else ["check", *options, bad]
    r = perfdsl(*args)
    assert r.returncode == 1, r.stderr
    assert "has no target" in r.stdout and "\x1b[" in r.stdout
    # given before and not after, the value before is kept
    kept = perfdsl("--lang", "en", "check", "--color", "never", bad)
    assert "error[P002]" in kept.stdout and "\x1b[" not in kept.stdout


def test_global_options_after_diff_and_rules() -> None:
    old, new = "tests/diagnostics/P021_only_comments.perf", "tests/diagnostics/P014_section_at_top.perf"
    r = perfdsl("diff", "--color", "never", "--lang", "en", old, new)
    assert r.returncode == 2 and "cannot compare" in r.stderr and "\x1b[" not in r.stdout, r.stderr
    assert perfdsl("rules", "--lang", "en").stdout.startswith("code")
    assert perfdsl("rules").stdout.startswith(perfdsl("--lang", "zh", "rules", "--lang", "zh").stdout[:2])
