"""`perfdsl new`: starter specs that hold every field and section of their framework, empty, and that
`perfdsl check` reports until a person has filled them in."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from perfdsl.checks import run
from perfdsl.config import Config
from perfdsl.syntax.fmt import format_source
from perfdsl.frameworks import builtin, builtin_names
from perfdsl.syntax.parser import parse
from perfdsl.frameworks.starter import starter
from perfdsl.syntax.vocab import lookup_key
from tests.conftest import ROOT

HERE = ROOT / "tests" / "new"


def perfdsl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PERFDSL_LANG", None)
    return subprocess.run([sys.executable, "-m", "perfdsl", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=60)


def _codes(text: str) -> list[str]:
    spec, diags = parse(text, "new.perf")
    assert diags == []
    return [d.code for d in run(spec, Config())]


@pytest.mark.parametrize("framework", builtin_names())
def test_starter_has_every_required_field_and_section_and_check_says_so(framework: str) -> None:
    fw = builtin(framework)
    text = starter("档案数字化", "某区人民法院", 2022, fw, name_framework=True)
    assert format_source(text, "new.perf")[0] == text  # fmt leaves it as it is
    spec, _ = parse(text, "new.perf")
    project = spec.projects[0]
    found = run(spec, Config())
    assert {d.code for d in found} <= {"C201", "C105", "C411"}
    (c201,) = [d for d in found if d.code == "C201"]
    # the starter writes 单位 (of 单位 or 实施单位, either will do) and 年度; of other alternatives (总目标 or
    # 年度目标) it writes the first, empty, which C201 names with the other
    expected = [c for c in fw.required if c not in ("单位", "年度", ("单位", "实施单位"))]
    assert list(c201.args["fields"]) == ["/".join(lookup_key(a).canonical for a in c)  # type: ignore[union-attr]
                                         if isinstance(c, tuple) else lookup_key(c).canonical  # type: ignore[union-attr]
                                         for c in expected]
    for c in expected:  # every required field stands in the file, to be filled where it is
        first = c[0] if isinstance(c, tuple) else c
        assert re.search(rf"^\s+(# )?{first} ", text, re.M), c
    confirmed = [(l1.name, [l2.name for l2 in l1.level2 if l2.status == "confirmed"])
                 for l1 in fw.level1 if l1.status == "confirmed"]
    assert [(l1.name, [l2.name for l2 in l1.sections]) for l1 in project.sections] == confirmed
    empty = [d.args["name"] for d in found if d.code == "C105"]
    assert empty == [name for _, names in confirmed for name in names]


def _filled(text: str) -> str:
    """What a person would do: fill every "" and example line, and write an indicator in every section."""
    text = re.sub(r'^(\s+)(\S+) ""$', r"\1\2 已填写", text, flags=re.M)
    text = re.sub(r"^(\s+)# (\S+) 0$", r"\1\2 100,000", text, flags=re.M)
    text = re.sub(r"^(\s+)# (\S+) (\S+)$", r"\1\2 \3", text, flags=re.M)
    text = re.sub(r"^(\s+)(\S+) \{\n\s+\}$", r"\1\2 {\n\1  \2完成率 = 100%\n\1}", text, flags=re.M)
    return text


@pytest.mark.parametrize("framework", ["shanghai-2020", "national-2021"])
def test_once_filled_nothing_is_missing(framework: str) -> None:
    text = _filled(starter("档案数字化", "某区人民法院", 2022, builtin(framework), name_framework=True))
    assert not {"C201", "C105"} & set(_codes(text)), text


def test_new_command(tmp_path: Path, golden) -> None:
    r = perfdsl("new", "档案数字化", "--unit", "某区人民法院", "--year", "2022", cwd=tmp_path)
    assert r.returncode == 0 and r.stderr == "已写入：档案数字化.perf；perfdsl check 档案数字化.perf 列出还要填写的内容\n"
    golden(HERE / "shanghai-2020.perf", (tmp_path / "档案数字化.perf").read_text(encoding="utf-8"))
    again = perfdsl("new", "档案数字化", "--unit", "某区人民法院", "--year", "2022", cwd=tmp_path)
    assert again.returncode == 1 and "--force" in again.stderr
    check = perfdsl("check", "档案数字化.perf", cwd=tmp_path)
    assert check.returncode == 1 and "[C201]" in check.stdout


def test_new_in_english_to_stdout_with_a_framework(tmp_path: Path, golden) -> None:
    r = perfdsl("--lang", "en", "new", "档案 数字化", "--unit", "某区人民法院", "--year", "2022", "--framework",
                "national-2021", "-o", "-", cwd=tmp_path)
    assert r.returncode == 0 and list(tmp_path.iterdir()) == []
    golden(HERE / "national-2021.en.perf", r.stdout)


def test_framework_from_the_configuration_and_unknown_ones(tmp_path: Path) -> None:
    (tmp_path / "perfdsl.toml").write_text('framework = "national-2015"\n', encoding="utf-8")
    r = perfdsl("new", "甲", "--unit", "乙", "--year", "2022", "-o", "sub/甲.perf", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "\n框架 national-2015\n" in (tmp_path / "sub" / "甲.perf").read_text(encoding="utf-8")
    bad = perfdsl("new", "甲", "--unit", "乙", "--year", "2022", "--framework", "national-2099", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("框架“national-2099”未定义（可用：")


# ------------------------------------------------------------------------------------------ refused input


@pytest.mark.parametrize("args, zh, en", [
    (["甲\n乙", "--unit", "某单位", "--year", "2022"],
     "项目名称 NAME 的第 2 个字符是 U+000A", "character 2 of the project name (NAME) is U+000A"),
    (["甲", "--unit", "某\r单位", "--year", "2022"], "单位 --unit 的第 2 个字符是 U+000D",
     "character 2 of the unit (--unit) is U+000D"),
    (["甲\x1b]0;x\x07", "--unit", "某单位", "--year", "2022"], "项目名称 NAME 的第 2 个字符是 U+001B",
     "character 2 of the project name (NAME) is U+001B"),
    (["档案\u202e化字数", "--unit", "某单位", "--year", "2022"], "项目名称 NAME 的第 3 个字符是 U+202E",
     "character 3 of the project name (NAME) is U+202E"),
    (["甲\u00a0乙", "--unit", "某单位", "--year", "2022"], "项目名称 NAME 的第 2 个字符是 U+00A0",
     "character 2 of the project name (NAME) is U+00A0"),
    (["甲\t乙", "--unit", "某单位", "--year", "2022"], "项目名称 NAME 的第 2 个字符是 U+0009",
     "character 2 of the project name (NAME) is U+0009"),
    (["", "--unit", "某单位", "--year", "2022"], "项目名称 NAME 不能为空", "the project name (NAME) cannot be empty"),
    (["甲", "--unit", " \u3000", "--year", "2022"], "单位 --unit 不能为空", "the unit (--unit) cannot be empty"),
    (["甲", "--unit", "某单位", "--year", "0"], "年度 0 不合理：应为 2010 到 ", "the year 0 is implausible: give one from 2010 to "),
    (["甲", "--unit", "某单位", "--year", "-1"], "年度 -1 不合理", "the year -1 is implausible"),
    (["甲", "--unit", "某单位", "--year", "99999"], "年度 99999 不合理", "the year 99999 is implausible"),
])
def test_what_a_spec_cannot_hold_is_a_usage_error(tmp_path: Path, args: list[str], zh: str, en: str) -> None:
    for lang, expected in (("zh", zh), ("en", en)):
        r = perfdsl("--lang", lang, "new", *args, cwd=tmp_path)
        assert (r.returncode, r.stdout) == (2, ""), r.stderr
        assert r.stderr.startswith(expected) and r.stderr.count("\n") == 1, r.stderr
        assert list(tmp_path.iterdir()) == []


def test_quotes_and_backslashes_are_written_so_that_they_read_back(tmp_path: Path) -> None:
    r = perfdsl("new", 'a"b\\', "--unit", '"某"单位', "--year", "2022", "-o", "x.perf", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    spec, diags = parse((tmp_path / "x.perf").read_text(encoding="utf-8"), "x.perf")
    assert diags == [] and spec.projects[0].name == 'a"b\\' and spec.unit.value == '"某"单位'  # type: ignore[union-attr]


# ------------------------------------------------------------------------------------------ write failures


def test_a_failed_write_is_reported_and_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import errno

    from perfdsl.cli import main

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "fsync", full)  # the disk fills up while the file is written
    code = main(["--lang", "en", "new", "甲", "--unit", "乙", "--year", "2022", "-o", "new/sub/甲.perf"])
    _, err = capsys.readouterr()
    assert (code, err) == (1, f"cannot write new/sub/甲.perf: {os.strerror(errno.ENOSPC)}\n")
    assert list(tmp_path.iterdir()) == [], "no temp file, no half-written file, no folder left behind"


def test_a_full_disk(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(disk)], capture_output=True,
                      timeout=30).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"x" * 4096):  # fill it up
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        r = perfdsl("new", "甲", "--unit", "乙", "--year", "2022", "-o", str(disk / "甲.perf"), cwd=tmp_path)
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert r.stderr.startswith(f"无法写入 {disk / '甲.perf'}：")
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]
    finally:
        subprocess.run(["umount", str(disk)], timeout=30)
