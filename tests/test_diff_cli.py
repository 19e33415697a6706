"""`perfdsl diff` as a reviewer runs it: golden outputs of every format, exit codes, git revisions and the
textconv set-up, each against a real temporary git repository."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfdsl.cli import main
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "diff"
YEARS = ("tests/diff/2020", "tests/diff/2021")


def perfdsl(*args: str, cwd: Path = ROOT) -> tuple[int, str, str]:
    """Run the command in this process (as `perfdsl ARGS` in `cwd`): (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    before = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as e:
                code = int(e.code or 0)
    finally:
        os.chdir(before)
    return code, out.getvalue(), err.getvalue()


# ------------------------------------------------------------------------------------------------ goldens


@pytest.mark.parametrize("args, name", [
    ((), "expected.txt"),
    (("--lang", "en"), "expected.en.txt"),
    (("--format", "markdown"), "expected.md"),
    (("--format", "json"), "expected.json"),
    (("--stat",), "expected.stat.txt"),
    (("--stat", "--format", "markdown"), "expected.stat.md"),
])
def test_golden_outputs(golden, args: tuple[str, ...], name: str) -> None:
    lang = list(args[:2]) if args[:1] == ("--lang",) else []
    rest = list(args[2:]) if lang else list(args)
    code, out, err = perfdsl(*lang, "diff", *rest, *YEARS)
    assert (code, err) == (1, "")
    golden(FIXTURES / name, out)


def test_golden_html_with_the_build_stylesheet(golden) -> None:
    code, out, _ = perfdsl("diff", "--format", "html", *YEARS)
    assert code == 1
    style = re.search(r"<style>\n(.*)</style>", out, re.S)
    assert style is not None
    # the page carries the build's stylesheet and its own: the golden file leaves them out, so that it
    # follows the page's content, not the stylesheet's
    for sheet in ("html/style.css", "diff/diff.css"):
        assert (ROOT / "templates" / sheet).read_text(encoding="utf-8").strip() in style.group(1)
    golden(FIXTURES / "expected.html", out.replace(style.group(1), "…\n"))
    assert "<script" not in out and "http" not in out.replace("http-equiv", "")


def test_the_default_output_fits_a_screen() -> None:
    _, out, _ = perfdsl("diff", *YEARS)
    lines = out.splitlines()
    assert len(lines) <= 50
    # the summary comes first: one line per project, before any detail
    assert lines[5].startswith("~ 审判执行业务费") and "↑4" in lines[5] and "↓2" in lines[5]


def test_json_output_is_the_model() -> None:
    from perfdsl.diffing.model import Diff

    _, out, _ = perfdsl("diff", "--format", "json", *YEARS)
    data = json.loads(out)
    assert Diff.model_validate(data).model_dump(mode="json")["version"] == 1
    assert data["totals"] == {"kind": "budget_changed", "field": "current", "old": 41719654, "new": 33500000,
                              "delta": -8219654, "percent": -19.7}


def test_markdown_and_html_escape_user_text(tmp_path: Path) -> None:
    head = "单位 某单位\n年度 2020\n项目 甲 {\n产出 {\n数量 {\n"
    (tmp_path / "a.perf").write_text(head + '"a|b<script>*x*" >= 1件\n}\n}\n}\n', encoding="utf-8")
    (tmp_path / "b.perf").write_text(head + '"a|b<script>*x*" >= 2件\n}\n}\n}\n', encoding="utf-8")
    _, md, _ = perfdsl("diff", "--format", "markdown", str(tmp_path / "a.perf"), str(tmp_path / "b.perf"))
    assert "a\\|b&lt;script>\\*x\\*" in md and "<script" not in md
    _, page, _ = perfdsl("diff", "--format", "html", str(tmp_path / "a.perf"), str(tmp_path / "b.perf"))
    assert "a|b&lt;script&gt;*x*" in page and "<script" not in page


def test_control_characters_never_reach_the_terminal(tmp_path: Path) -> None:
    head = "单位 某单位\n年度 2020\n项目 甲 {\n产出 {\n数量 {\n"
    (tmp_path / "a.perf").write_text(head + '"x\x1b[31my" >= 1件\n}\n}\n}\n', encoding="utf-8")
    (tmp_path / "b.perf").write_text(head + "z >= 1件\n}\n}\n}\n", encoding="utf-8")
    code, out, _ = perfdsl("diff", str(tmp_path / "a.perf"), str(tmp_path / "b.perf"))
    # an error of its own (P025): the diagnostic shows the character, escaped
    assert code == 2 and "\x1b" not in out and '"x\\x1b[31my"' in out and "[P025]" in out
    from perfdsl.diffing.compare import diff
    from perfdsl.diffing.render import render
    from perfdsl.syntax.parser import parse

    (a, _), (b, _) = (parse(p.read_text(encoding="utf-8"), p.name) for p in sorted(tmp_path.glob("*.perf")))
    assert "\x1b" not in render(diff([a], [b]), "text") + render(diff([b], [a]), "markdown")


# ------------------------------------------------------------------------------------------- exit status


def test_exit_status_like_diff(tmp_path: Path) -> None:
    same = ("tests/diff/2020/审判辅助人员经费.perf", "tests/diff/reformatted/审判辅助人员经费.perf")
    assert perfdsl("diff", *same)[:2] == (0, "比较 tests/diff/2020/审判辅助人员经费.perf → "
                                                 "tests/diff/reformatted/审判辅助人员经费.perf\n没有实质变化\n")
    assert perfdsl("diff", "tests/diff/2020", "tests/diff/2020")[0] == 0
    code, page, _ = perfdsl("diff", "--format", "html", *same)
    assert code == 0 and "<p class=\"summary\">没有实质变化</p>" in page
    assert json.loads(perfdsl("diff", "--format", "json", *same)[1])["projects"] == []
    assert perfdsl("diff", *YEARS)[0] == 1
    code, _, err = perfdsl("diff", "tests/diff/2020")
    assert code == 2 and "OLD NEW" in err
    code, _, err = perfdsl("diff", "tests/diff/2020", "no/such/folder")
    assert code == 2 and "路径不存在：no/such/folder" in err
    code, _, err = perfdsl("diff", "--stat", "--format", "json", *YEARS)
    assert code == 2 and "--stat" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert perfdsl("diff", str(empty), str(empty))[0] == 2


def test_an_input_with_errors_prints_its_diagnostics_and_exits_2() -> None:
    bad = "tests/diagnostics/P002_missing_target.perf"
    code, out, err = perfdsl("diff", "tests/diff/2020/审判辅助人员经费.perf", bad)
    assert code == 2
    assert out.startswith(f"{bad}:") and "[P002]" in out and "^" in out
    assert "无法比较：输入中有 1 个错误" in err


def test_colour_only_when_asked() -> None:
    assert "\x1b[" not in perfdsl("diff", *YEARS)[1]
    assert "\x1b[32m↑ 收紧\x1b[0m" in perfdsl("diff", "--color", "always", *YEARS)[1]
    assert "\x1b[" in perfdsl("--color", "always", "diff", *YEARS)[1]
    assert "\x1b[" not in perfdsl("--color", "always", "diff", "--color", "never", *YEARS)[1]


def test_the_real_command_exits_with_the_status() -> None:
    env = {**os.environ, "NO_COLOR": ""}
    r = subprocess.run([sys.executable, "-m", "perfdsl", "diff", "--stat", *YEARS], capture_output=True,
                       text=True, cwd=ROOT, env=env, timeout=60)
    assert r.returncode == 1 and r.stdout == (FIXTURES / "expected.stat.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------- git


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    base = ["git", "-c", "user.name=Perf Tester", "-c", "user.email=tester@example.org",
            "-c", "init.defaultBranch=main", "-c", "core.quotepath=false"]
    isolated = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, **(env or {})}
    return subprocess.run([*base, *args], cwd=repo, env=isolated, capture_output=True, text=True, check=True,
                          timeout=60).stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with two commits: specs/ holds the 2020 fixtures, then the 2021 ones."""
    root = tmp_path_factory.mktemp("repo")
    git(root, "init", "-q")
    specs = root / "specs"
    shutil.copytree(FIXTURES / "2020", specs)
    git(root, "add", "specs")
    git(root, "commit", "-q", "-m", "2020")
    shutil.rmtree(specs)
    shutil.copytree(FIXTURES / "2021", specs)
    git(root, "add", "-A", "specs")
    git(root, "commit", "-q", "-m", "2021")
    return root


def _relabel(text: str, old: str, new: str) -> str:
    return text.replace("tests/diff/2020", old).replace("tests/diff/2021", new)


def test_revision_paths_read_without_checkout(repo: Path) -> None:
    expected = (FIXTURES / "expected.txt").read_text(encoding="utf-8")
    code, out, err = perfdsl("diff", "HEAD~1:specs", "HEAD:specs", cwd=repo)
    assert (code, err) == (1, "")
    assert out == _relabel(expected, "HEAD~1:specs", "HEAD:specs")
    # a revision against the working tree, and one file of a revision
    assert perfdsl("diff", "HEAD~1:specs", "specs", cwd=repo)[1] == _relabel(expected, "HEAD~1:specs", "specs")
    code, out, _ = perfdsl("diff", "--stat", "HEAD~1:specs/审判执行业务费.perf", "specs/审判执行业务费.perf",
                           cwd=repo)
    assert code == 1 and "~ 审判执行业务费  +1 -1 ~10" in out


def test_git_revisions(repo: Path) -> None:
    expected = (FIXTURES / "expected.txt").read_text(encoding="utf-8")
    code, out, _ = perfdsl("diff", "--git", "HEAD~1", "HEAD", cwd=repo)
    assert code == 1
    # --git lists files by their path in the repository: HEAD:specs/… where the folder diff says tests/diff/…
    assert out == _relabel(expected, "HEAD~1", "HEAD").replace("HEAD/", "HEAD:specs/")
    # REV2 defaults to the working tree, which is HEAD here; PATH limits the comparison
    code, out, _ = perfdsl("diff", "--git", "HEAD~1", cwd=repo)
    assert code == 1 and out.splitlines()[1:9] == expected.splitlines()[1:9]
    assert perfdsl("diff", "--git", "HEAD", cwd=repo)[0] == 0
    assert perfdsl("diff", "--git", "HEAD~1", "HEAD", "specs/审判辅助人员经费.perf", cwd=repo)[1].count("\n~ ") == 1
    code, out, _ = perfdsl("diff", "--git", "HEAD~1", "specs", cwd=repo)  # not a commit: a path
    assert code == 1 and out.startswith("比较 HEAD~1 → specs\n")


def test_git_sees_the_working_tree(repo: Path) -> None:
    spec = repo / "specs" / "审判执行业务费.perf"
    original = spec.read_text(encoding="utf-8")
    new = repo / "specs" / "新项目.perf"
    try:
        spec.write_text(original.replace("人员流失率 <= 3%", "人员流失率 <= 4%"), encoding="utf-8")
        new.write_text(original.replace("项目 审判执行业务费", "项目 新项目"), encoding="utf-8")
        code, out, _ = perfdsl("diff", "--git", "HEAD", cwd=repo)
        assert code == 1
        assert "↓ 放宽 影响力/人力资源/人员流失率: <= 3% → <= 4%" in out and "\n+ 新项目 " in out
        # the untouched files are not compared, but they are unchanged projects and count in the totals
        data = json.loads(perfdsl("diff", "--format", "json", "--git", "HEAD", cwd=repo)[1])
        assert sorted(data["unchanged"]) == ["信息化运行维护", "审判辅助人员经费", "诉讼服务中心运维"]
        assert (data["totals"]["old"], data["totals"]["new"]) == (33500000, 47000000)
    finally:
        spec.write_text(original, encoding="utf-8")
        new.unlink()


def test_git_trouble_exits_2(repo: Path, tmp_path: Path) -> None:
    code, _, err = perfdsl("diff", "--git", "no-such-rev", cwd=repo)
    assert code == 2 and err == "perfdsl diff: 此仓库中没有修订版本“no-such-rev”（应为分支、标签或提交，如 HEAD~1）\n"
    code, _, err = perfdsl("diff", "HEAD~9:specs", "specs", cwd=repo)
    assert code == 2 and "“HEAD~9”" in err
    code, _, err = perfdsl("diff", "HEAD:no/such/path", "specs", cwd=repo)
    assert code == 2 and err == "perfdsl diff: 路径不存在：HEAD:no/such/path\n"
    code, _, err = perfdsl("diff", ":no/such/path", "specs", cwd=repo)
    assert code == 2 and "git cat-file" in err
    code, _, err = perfdsl("diff", "--git", "HEAD", cwd=tmp_path)
    assert code == 2 and "not a git repository" in err.lower()
    assert perfdsl("diff", "--git", cwd=repo)[0] == 2


def test_textconv_makes_plain_git_diff_readable(repo: Path, tmp_path: Path) -> None:
    """The README set-up, as written, through real `git diff` and `git log -p` runs."""
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(repo), str(work))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "perfdsl"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m perfdsl "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}
    shutil.copy(ROOT / ".gitattributes", work / ".gitattributes")
    git(work, "config", "diff.perfdsl.textconv", "perfdsl diff --textconv")
    git(work, "config", "diff.perfdsl.xfuncname", "^项目 .*$")
    git(work, "config", "diff.perfdsl.cachetextconv", "true")  # each blob is converted once

    shown = git(work, "diff", "HEAD~1", "HEAD", "--", "specs/审判执行业务费.perf", env=env)
    assert "\n-  影响力/人力资源/人员流失率 <= 5%\n" in shown and "\n+  影响力/人力资源/人员流失率 <= 3%\n" in shown
    assert "-  概况 为进一步深化司法体制综合配套改革" not in shown  # one sentence changed, one line shown
    assert re.search(r"^@@ .* @@ 项目 审判执行业务费$", shown, re.M)
    assert "产出目标 {" not in shown and "产出/数量/全年累计收案数量 >= 32000件" in shown

    # a commit that only reformats a file shows nothing in `git log -p`
    reformatted = work / "specs" / "审判辅助人员经费.perf"
    before = git(work, "show", "HEAD~1:specs/审判辅助人员经费.perf")
    reformatted.write_text(before, encoding="utf-8")
    git(work, "commit", "-q", "-am", "back to 2020")
    reformatted.write_text((FIXTURES / "reformatted" / "审判辅助人员经费.perf").read_text(encoding="utf-8"),
                           encoding="utf-8")
    git(work, "commit", "-q", "-am", "reformat only")
    assert git(work, "diff", "HEAD~1", "HEAD", env=env) == ""
    assert git(work, "diff", "--no-textconv", "HEAD~1", "HEAD") != ""
    log = git(work, "log", "-p", "-2", "--format=%s", env=env)
    assert "reformat only\n\nback to 2020\n" in log and "+  年度 2020\n" in log
    assert perfdsl("diff", "--git", "HEAD~1", "HEAD", cwd=work)[0] == 0


def test_textconv_of_a_broken_file_is_the_file() -> None:
    bad = ROOT / "tests" / "diagnostics" / "P002_missing_target.perf"
    code, out, _ = perfdsl("diff", "--textconv", str(bad))
    assert code == 0 and out == bad.read_text(encoding="utf-8")
    assert perfdsl("diff", "--textconv", "a.perf", "b.perf")[0] == 2


def test_html_page_shows_old_and_new_side_by_side(page, tmp_path: Path) -> None:
    from tests.browser import file_url

    _, out, _ = perfdsl("diff", "--format", "html", *YEARS)
    html = tmp_path / "diff.html"
    html.write_text(out, encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(file_url(html))
    assert requests == [file_url(html)]  # self-contained: nothing else is loaded
    row = page.locator("section#p1 tr.raised").first
    old, new = row.locator("td.old"), row.locator("td.new")
    assert (old.inner_text(), new.inner_text()) == (">= 30000件", ">= 32000件")
    assert old.bounding_box()["y"] == pytest.approx(new.bounding_box()["y"], abs=1)  # one row: side by side
    assert old.bounding_box()["x"] < new.bounding_box()["x"]
    assert page.locator("td.old del").first.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    # the build's look: black rules around every cell
    assert row.locator("td.kind").evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"
    prose = page.locator("section#p1 tr.prose")
    assert prose.locator("td.old del").all_inner_texts() == ["2", "设计"]
    assert prose.locator("td.new ins").all_inner_texts() == ["3", "主要"]
