"""`fmt` on valid but hostile sources, and how it writes files: links, owners, encodings, SIGTERM.

The property at the top holds the formatter to its promise over generated sources (tests/strategies.py
`hostile_sources`); tests/fuzz_fmt.py runs the same sources by the thousand and counts the failures.
"""

from __future__ import annotations

import dataclasses
import contextlib
import io
import os
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings

import perfdsl
from perfdsl import ast
from perfdsl.cli import main as cli
from perfdsl.syntax.fmt import comment_texts, format_source
from perfdsl.syntax.parser import parse
from tests.strategies import hostile_sources


def _errors(diags: list) -> list[str]:  # type: ignore[type-arg]
    return [f"{d.code} {d.message('en')}" for d in diags if d.severity.value == "error"]


def fmt_file(path: Path, *args: str) -> tuple[int, str]:
    """`perfdsl fmt ARGS PATH` in this process: exit code and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli(["--lang", "en", "--color", "never", "fmt", *args, str(path)])
    return code, out.getvalue()


def assert_formats(text: str) -> str:
    """The formatter's promise for a valid source: a text that parses back to the same AST with the same
    comments, formats to itself, is what the API gives, and is what `perfdsl fmt` writes."""
    spec, diags = parse(text, "h.perf")
    out, problems = format_source(text, "h.perf")
    assert out is not None, _errors(problems)
    again, again_diags = parse(out, "h.perf")
    assert _errors(again_diags) == [], out
    assert ast.same(again, spec), out
    assert comment_texts(again) == comment_texts(spec), out
    assert format_source(out, "h.perf")[0] == out
    assert perfdsl.render(spec, "perf") == out
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "h.perf"
        path.write_text(text, encoding="utf-8")
        code, printed = fmt_file(path)
        assert code == 0, printed
        assert path.read_text(encoding="utf-8") == out
    return out


@settings(derandomize=True, deadline=None, max_examples=150, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(hostile_sources())
def test_fmt_keeps_its_promise_on_hostile_sources(text: str) -> None:
    assume(not _errors(parse(text, "h.perf")[1]))
    assert_formats(text)


def _indicator(line: str) -> str:
    return f"项目 x {{\n  产出 {{\n    数量 {{\n      {line}\n    }}\n  }}\n}}\n"


@pytest.mark.parametrize("text,line", [
    ('项目 x {\n  概况 "a\\"\\"\\"b"\n}\n', '  概况 "a\\"\\"\\"b"'),  # a block would end at the `"""`
    ('项目 x {\n  概况 "  两端的空格  "\n}\n', '  概况 "  两端的空格  "'),  # a block drops them
    ('项目 x {\n  概况 "\t制表"  # 注\n}\n', '  概况 "\t制表"  # 注'),
    ('项目 x {\n  概况 "\u3000全角空格"\n}\n', '  概况 "\u3000全角空格"'),
    ('项目 x {\n  概况 "一行"\n}\n', '    一行'),  # one that a block holds is written as one
])
def test_a_text_a_block_cannot_hold_stays_a_string(text: str, line: str) -> None:
    assert line in assert_formats(text).split("\n")


@pytest.mark.parametrize("target,written", [
    ("≥90＃", ">= 90＃"),  # the reader takes `＃` for `#`: `>= 90#` would end at a comment
    (">= 9以上以上", ">= 9 以上以内"),  # the unit is 以上, which `>= 9以上` would read as a comparator
    ("90 .5", "90 .5"),  # the unit `.5`, not the number 90.5
    ("1 ,000件", "1 ,000件"),  # the unit `,000件`, not the number 1,000
    ("不低于90%", ">= 90%"),
])
def test_a_target_is_written_as_the_reader_gives_it_back(target: str, written: str) -> None:
    assert f"      a {written}" in assert_formats(_indicator(f"a {target}")).split("\n")


@pytest.mark.parametrize("paragraph", ["审判辅助人员经费" * 5 + "\u3000" + "预算执行率" * 8,
                                       "审判" * 19 + "ab\t" + "中" * 40, "ab \tcd " * 19 + "ab", "执行\u3000" * 30 + "完"])
def test_a_text_block_is_never_wrapped_where_the_reader_drops_a_space(paragraph: str) -> None:
    from perfdsl.syntax import textblock

    for width in (20, 40, 79, 80, 81):
        assert textblock.paragraphs("\n".join(textblock.wrap(paragraph, width))) == (paragraph,)
    assert_formats(f'项目 x {{\n  概况 """\n    {paragraph}\n  """\n}}\n')


@pytest.mark.parametrize("text", [
    _indicator('"｝开头" 合理'),  # bare, a line starting with ｝ is read as a closing brace
    _indicator("审 ｛ {\n      }"),  # a target word ending in ｛ cannot end its line
    '项目 x {\n  类别 "其他｛"  # 注\n}\n',  # nor can a value
    # inside a text block a full-width brace is the text's own, wherever wrapping puts it
    '项目 x {\n  概况 "说明｛"\n}\n',
    '项目 x {\n  概况 "｝两端｛"  # 注\n}\n',
    '项目 x {\n  概况 """' + "中" * 39 + '｛说明"""\n}\n',
    '项目 x {\n  概况 """' + "中" * 40 + '｝说明"""\n}\n',
    '项目 x {\n  概况 """｝开头\n\n  第二段\n  """\n}\n',
    '项目 x {\n  概况 """第一段\n\n  结尾｛"""\n}\n',
])
def test_full_width_braces_stay_where_the_reader_leaves_them(text: str) -> None:
    assert_formats(text)


def test_a_level_1_name_with_a_colon_is_quoted() -> None:
    """Bare, `投入：管理 {  # 注` reads as a label pasted from the form."""
    assert '  "投入：管理" {  # 注' in assert_formats('项目 x {\n  "投入：管理" {  # 注\n  }\n}\n').split("\n")


def test_the_api_refuses_a_text_it_cannot_prove() -> None:
    """`render(spec, "perf")` gives the proof `perfdsl fmt` gives: X002, never an unproven text."""
    spec = perfdsl.load(_indicator("a 合理"), name="x.perf")
    project = spec.projects[0]
    broken = dataclasses.replace(spec, projects=(dataclasses.replace(project, name="两行\n名称"),))
    with pytest.raises(perfdsl.FormatError) as refused:
        perfdsl.render(broken, "perf")
    assert [d.code for d in refused.value.diagnostics] == ["X002"] and "x.perf:1:1" in str(refused.value)
    assert perfdsl.render(spec, "perf") == _indicator("a 合理")


# ------------------------------------------------------------------------------------- how files are written

MESSY = "项目 x {\n类别   其他类\n}\n"
CLEAN = "项目 x {\n  类别 其他类\n}\n"


def _no_temp_files(*folders: Path) -> bool:
    return not [p for folder in folders for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_symbolic_link_stays_a_link_and_the_file_it_names_is_formatted(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "specs").mkdir()
    real = tmp_path / "real" / "a.perf"
    real.write_text(MESSY, encoding="utf-8")
    link = tmp_path / "specs" / "a.perf"
    link.symlink_to(Path("..") / "real" / "a.perf")
    assert fmt_file(link)[0] == 0
    assert link.is_symlink() and os.readlink(link) == os.path.join("..", "real", "a.perf")
    assert real.read_text(encoding="utf-8") == CLEAN
    assert _no_temp_files(tmp_path / "real", tmp_path / "specs")


def test_hard_links_stay_one_file(tmp_path: Path) -> None:
    a, b = tmp_path / "a.perf", tmp_path / "b.perf"
    a.write_text(MESSY, encoding="utf-8")
    os.link(a, b)
    a.chmod(0o640)
    inode = a.stat().st_ino
    assert fmt_file(a)[0] == 0
    assert a.stat().st_ino == b.stat().st_ino == inode and a.stat().st_nlink == 2
    assert a.read_text(encoding="utf-8") == b.read_text(encoding="utf-8") == CLEAN
    assert stat.S_IMODE(a.stat().st_mode) == 0o640 and _no_temp_files(tmp_path)


def test_a_failed_write_over_a_hard_linked_file_puts_the_old_text_back(tmp_path: Path, monkeypatch) -> None:
    from perfdsl import atomic

    a = tmp_path / "a.perf"
    a.write_text(MESSY, encoding="utf-8")
    os.link(a, tmp_path / "b.perf")
    real_fsync = os.fsync
    calls = []

    def full_disk(fd: int) -> None:  # the first flush fails, as on a full disk; the restore's succeeds
        calls.append(fd)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    code, printed = fmt_file(a)
    assert code == 1 and "No space left on device" in printed and "a.perf" in printed
    assert a.read_text(encoding="utf-8") == MESSY == (tmp_path / "b.perf").read_text(encoding="utf-8")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file to a user needs root")
def test_a_run_as_root_leaves_a_users_file_with_its_owner(tmp_path: Path) -> None:
    f = tmp_path / "a.perf"
    f.write_text(MESSY, encoding="utf-8")
    os.chown(f, 1234, 1234)
    f.chmod(0o640)
    assert fmt_file(f)[0] == 0
    st = f.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (1234, 1234, 0o640)
    assert f.read_text(encoding="utf-8") == CLEAN


@pytest.mark.parametrize("encoding,before,after", [
    ("gb18030", MESSY.encode("gb18030"), CLEAN.encode("gb18030")),
    (None, b"\xef\xbb\xbf" + MESSY.encode(), b"\xef\xbb\xbf" + CLEAN.encode()),  # a BOM is kept
    ("utf-8", b"\xef\xbb\xbf" + MESSY.encode(), b"\xef\xbb\xbf" + CLEAN.encode()),
    ("utf-8-sig", b"\xef\xbb\xbf" + MESSY.encode(), b"\xef\xbb\xbf" + CLEAN.encode()),
    (None, b"\xef\xbb\xbf" + MESSY.replace("\n", "\r\n").encode(),
     b"\xef\xbb\xbf" + CLEAN.replace("\n", "\r\n").encode()),
], ids=["gb18030", "bom", "bom-utf-8", "bom-utf-8-sig", "bom-crlf"])
def test_a_file_keeps_its_encoding(tmp_path: Path, encoding: str | None, before: bytes, after: bytes) -> None:
    f = tmp_path / "a.perf"
    f.write_bytes(before)
    code, printed = fmt_file(f, *(["--encoding", encoding] if encoding else []))
    assert code == 0, printed
    assert f.read_bytes() == after
    assert fmt_file(f, "--check", *(["--encoding", encoding] if encoding else []))[0] == 0


def test_standard_input_is_written_back_in_its_encoding() -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    run = subprocess.run([sys.executable, "-m", "perfdsl", "fmt", "--encoding", "gb18030", "-"], capture_output=True,
                         input=MESSY.encode("gb18030"), timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0 and run.stdout == CLEAN.encode("gb18030"), run.stderr


def test_a_result_the_files_encoding_cannot_hold_is_refused(tmp_path: Path) -> None:
    """English keywords in a Latin-1 file: the canonical 项目 has no Latin-1 bytes, so the file stays."""
    f = tmp_path / "a.perf"
    f.write_bytes("project café {\ncategory   x\n}\n".encode("latin-1"))
    code, printed = fmt_file(f, "--encoding", "latin-1")
    assert code == 1 and f"{f}" in printed and "latin-1" in printed and "项" in printed
    assert f.read_bytes() == "project café {\ncategory   x\n}\n".encode("latin-1") and _no_temp_files(tmp_path)


# -------------------------------------------------------------------------------------------------- SIGTERM

def _messy(i: int) -> str:
    return f"项目 项目{i} {{\n类别   其他类\n  产出{{\n 数量 {{\n a{i} >=90%\n}}\n}}\n}}\n"


@pytest.mark.parametrize("linked", [False, True], ids=["files", "hard-linked"])
def test_sigterm_leaves_no_temp_file_and_no_half_formatted_file(tmp_path: Path, linked: bool) -> None:
    """`timeout` sends SIGTERM: wherever it lands, each file is as it was or fully formatted, and no
    `.NAME.perf.XXXX.tmp` stays behind. Many small files, so that most of the run is spent writing them;
    hard-linked ones are written in place."""
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    count = 150
    formatted = {f"{i:03}.perf": format_source(_messy(i))[0] for i in range(count)}
    command = [sys.executable, "-m", "perfdsl", "fmt", str(tmp_path / "specs")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def fresh() -> Path:
        folder = tmp_path / "specs"
        if folder.exists():
            for p in folder.iterdir():
                p.unlink()
        folder.mkdir(exist_ok=True)
        for i in range(count):
            (folder / f"{i:03}.perf").write_text(_messy(i), encoding="utf-8")
            if linked:
                os.link(folder / f"{i:03}.perf", folder / f"{i:03}.link")
        return folder

    codes = []
    for delay in (0, 0.005, 0.01, 0.02, 0.04, 0.08):
        folder = fresh()
        first = folder / "000.perf"
        run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # signalled once it is writing, however slow the machine: after the first file, then a moment on
        while first.read_text(encoding="utf-8") == _messy(0) and run.poll() is None:
            time.sleep(0.001)
        time.sleep(delay)
        run.send_signal(signal.SIGTERM)
        codes.append(run.wait(timeout=60))
        left = sorted(p.name for p in folder.iterdir() if not p.name.endswith((".perf", ".link")))
        assert left == [], f"SIGTERM {delay} s after the first file left {left}"
        for name, text in formatted.items():
            assert (folder / name).read_text(encoding="utf-8") in (_messy(int(name[:3])), text), name
            assert not linked or (folder / name).stat().st_nlink == 2
    assert 143 in codes, f"no run was stopped while formatting (exit codes {codes})"
