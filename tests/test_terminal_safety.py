"""What `perfdsl check` and `perfdsl diff` print is shown, never acted on: file names that are not UTF-8, and
control, direction and zero-width characters in a spec or a file name, reach a strict UTF-8 stdout, a
terminal or a CI log as visible escapes (`\\xb1`, `\\x1b`, `\\u202e`); JSON keeps the text exact."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from perfdsl.build import safe_name
from perfdsl.diagnostics import display_width
from tests.conftest import ROOT

GBK = b"\xc4\xbf\xb1\xea.perf"  # 目标.perf written by a Windows zip in GBK
GBK_SHOWN = "Ŀ\\xb1\\xea.perf"  # b"\xc4\xbf" happens to be UTF-8 (Ŀ); the other two bytes are not

SPEC = """单位 某单位
年度 2020
项目 甲 {
  产出 {
    数量 {
      预算执行率 >= 90%
    }
  }
}
"""


def perfdsl(*args: str | bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run perfdsl with stdout strict UTF-8, as with PYTHONIOENCODING=utf-8 or LC_ALL=C.UTF-8 and a pipe."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8:strict"}
    return subprocess.run([sys.executable, "-m", "perfdsl", *args], capture_output=True, cwd=cwd, env=env,
                          timeout=60)


def _write(folder: Path, name: bytes, text: str) -> None:
    folder.mkdir(exist_ok=True)
    with open(os.fsencode(folder) + b"/" + name, "wb") as f:
        f.write(text.encode("utf-8"))


def _ok(r: subprocess.CompletedProcess[bytes]) -> str:
    assert b"Traceback" not in r.stderr, r.stderr.decode("utf-8", "replace")
    return r.stdout.decode("utf-8")  # strict: what was printed is UTF-8


# ------------------------------------------------------------------------------------ names not in UTF-8


def test_a_file_name_that_is_not_utf8_is_shown_with_its_bytes_escaped(tmp_path: Path) -> None:
    _write(tmp_path / "a", GBK, SPEC.replace(" >= 90%", ""))
    text = _ok(r := perfdsl("check", "a", cwd=tmp_path))
    assert r.returncode == 1 and text.startswith(f"a/{GBK_SHOWN}:6:7: 错误[P002]")
    data = json.loads(_ok(perfdsl("check", "--format", "json", "a", cwd=tmp_path)))
    assert data["diagnostics"][0]["file"] == f"a/{GBK_SHOWN}"
    github = _ok(perfdsl("check", "--format", "github", "a", cwd=tmp_path))
    assert github.startswith(f"::error file=a/{GBK_SHOWN},line=6,")
    (issue,) = json.loads(_ok(perfdsl("check", "--format", "gitlab", "a", cwd=tmp_path)))
    assert issue["location"]["path"] == f"a/{GBK_SHOWN}"


def test_diff_shows_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    _write(tmp_path / "a", GBK, SPEC)
    _write(tmp_path / "b", GBK, SPEC.replace("90%", "95%"))
    text = _ok(r := perfdsl("diff", "a", "b", cwd=tmp_path))
    assert r.returncode == 1 and f"b/{GBK_SHOWN}" in text
    files = (b"a/" + GBK, b"b/" + GBK)
    for fmt, name in (("markdown", GBK_SHOWN.replace("\\", "\\\\")), ("html", GBK_SHOWN)):
        text = _ok(r := perfdsl("diff", "--format", fmt, *files, cwd=tmp_path))
        assert r.returncode == 1 and f"b/{name}" in text, fmt
    data = json.loads(_ok(r := perfdsl("diff", "--format", "json", *files, cwd=tmp_path)))
    assert r.returncode == 1 and (data["old"], data["new"]) == (f"a/{GBK_SHOWN}", f"b/{GBK_SHOWN}")
    _write(tmp_path / "b", GBK, SPEC.replace(" >= 90%", ""))
    text = _ok(r := perfdsl("diff", "a", "b", cwd=tmp_path))
    assert r.returncode == 2 and text.startswith(f"b/{GBK_SHOWN}:6:7: 错误[P002]")


# ---------------------------------------------------------------------------- control characters in a spec

HOSTILE = "\x1b]0;owned\x07\x1b[2J\x9b31m"
"""Would retitle the window (OSC 0 … BEL), clear the screen (CSI 2 J) and colour the rest (C1 CSI)."""


def _hostile(tmp_path: Path) -> Path:
    folder = tmp_path / "specs"
    # control characters in a file name, and in a project and an indicator name (each an error, P025, whose
    # excerpt shows the line)
    _write(folder, b"x\x1b[2J\r.perf", SPEC.replace("项目 甲", f'项目 "甲{HOSTILE}"'))
    _write(folder, b"y.perf", SPEC.replace("预算执行率 >= 90%", f'"预算{HOSTILE}执行率" >= 90%'))
    return folder


def _no_controls(out: bytes) -> None:
    found = re.findall(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", out)
    assert not found, found


def test_check_shows_control_characters_instead_of_printing_them(tmp_path: Path) -> None:
    folder = _hostile(tmp_path)
    r = perfdsl("check", str(folder.name), cwd=tmp_path)
    _no_controls(r.stdout + r.stderr)
    text = _ok(r)
    assert r.returncode == 1 and text.count("[P025]") == 2
    assert "specs/x\\x1b[2J\\x0d.perf:3:" in text
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "specs/y.perf" in line and "[P025]" in line)
    source, caret = lines[at + 1], lines[at + 2]
    assert source.endswith('"预算\\x1b]0;owned\\x07\\x1b[2J\\x9b31m执行率" >= 90%')
    # the caret stands under the first control character as shown (`\x1b`, four columns), past CJK text
    # counted as two columns a character
    assert display_width(caret[:caret.index("^")]) == display_width(source[:source.index("\\x1b")])
    assert caret.split("|")[-1].strip() == "^^^^"


def test_github_annotations_show_control_characters(tmp_path: Path) -> None:
    folder = _hostile(tmp_path)
    r = perfdsl("check", "--format", "github", folder.name, cwd=tmp_path)
    _no_controls(r.stdout)
    text = _ok(r)
    assert len(text.splitlines()) == len(re.findall(r"^::", text, re.M)), "every line is one command"
    assert "file=specs/x\\x1b[2J\\x0d.perf," in text and "title=P025::" in text


def test_json_keeps_the_text_exact(tmp_path: Path) -> None:
    folder = _hostile(tmp_path)
    data = json.loads(_ok(perfdsl("check", "--format", "json", folder.name, cwd=tmp_path)))
    assert {d["file"] for d in data["diagnostics"]} == {"specs/x\x1b[2J\r.perf", "specs/y.perf"}
    assert {d["code"] for d in data["diagnostics"]} == {"P025"}
    assert all("U+001B, U+0007, U+009B" in d["message"] for d in data["diagnostics"])


# ------------------------------------------------------------------------------------------------- shown


@pytest.mark.parametrize("text, expected", [
    ("预算执行率 >= 90%", "预算执行率 >= 90%"),
    ("a\tb\u3000c\u00a0d", "a\tb\u3000c\u00a0d"),  # a tab and the spaces are shown as they are
    ("\x1b[2J\r\n\x00\x7f", "\\x1b[2J\\x0d\\x0a\\x00\\x7f"),
    ("\x85\x9b", "\\x85\\x9b"),
    ("ab\u202ecd\u2066\u200f\u061c", "ab\\u202ecd\\u2066\\u200f\\u061c"),
    ("预算\u200b执行率\ufeff\u2028", "预算\\u200b执行率\\ufeff\\u2028"),
    (os.fsdecode(GBK), GBK_SHOWN),
])
def test_shown(text: str, expected: str) -> None:
    from perfdsl.diagnostics import shown

    assert shown(text) == expected


# ------------------------------------------------------------------------------------------ output names


@pytest.mark.parametrize("name, expected", [
    ("档案\u202e数字化", "档案数字化"),
    ("\u2066档案\u2069\u200e\u200f\u061c", "档案"),
    ("预算\u200b执行率\ufeff", "预算执行率"),
    ("a\x9bb\x85c", "a_b_c"),
])
def test_output_names_hold_no_invisible_characters(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_the_line_form_git_diff_shows_holds_no_control_characters(tmp_path: Path) -> None:
    hostile = SPEC.replace("项目 甲", f'项目 "甲{HOSTILE}"').replace("预算执行率", f'"预算{HOSTILE}执行率"')
    _write(tmp_path, b"a.perf", hostile.replace("  产出 {", '  概况 "第一句\x1b[2J。第二句。"\n  产出 {'))
    r = perfdsl("diff", "--textconv", "a.perf", cwd=tmp_path)
    _no_controls(r.stdout)
    text = _ok(r)
    # control characters are an error (P025): git is shown the source as it stands, with them as escapes
    assert '项目 "甲\\x1b]0;owned\\x07\\x1b[2J\\x9b31m" {\n' in text
    assert '"预算\\x1b]0;owned\\x07\\x1b[2J\\x9b31m执行率" >= 90%\n' in text
    assert '  概况 "第一句\\x1b[2J。第二句。"\n' in text


@pytest.mark.parametrize("command", [("check",), ("diff", "other.perf"), ("build", "-o", "out")])
def test_a_missing_path_that_is_not_utf8_is_shown_with_its_bytes_escaped(tmp_path: Path, command: tuple[str, ...]) -> None:
    r = perfdsl(command[0], b"zz\xb1.perf", *command[1:], cwd=tmp_path)
    assert r.returncode == 2 and "路径不存在：zz\\xb1.perf" in r.stderr.decode("utf-8"), r.stderr
