"""`perfdsl diff` (and the API around it) on inputs that once broke it: coloured output when the money did not
move, numbers too large for the arithmetic and the JSON, NUL bytes, revisions that look like git options; and
a property run that diff never raises, whatever the two versions and the output format."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfdsl
from perfdsl.diffing.render import render as render_diff
from perfdsl.diffing.readable import readable
from tests.conftest import ROOT
from tests.diff_mutations import cli_everywhere, diff_everywhere, pair
from tests.test_diff_cli import YEARS, git, perfdsl as run, repo  # noqa: F401  (repo: a fixture)

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


# ---------------------------------------------------------------------------------- what a spec may name


@pytest.fixture
def project_folder(tmp_path: Path) -> Path:
    """A folder whose perfdsl.toml declares a framework file: national-2021 under the name national-mine."""
    builtin = (ROOT / "perfdsl" / "frameworks" / "national-2021.toml").read_text(encoding="utf-8")
    (tmp_path / "mine.toml").write_text(builtin.replace('name = "national-2021"', 'name = "national-mine"'),
                                        encoding="utf-8")
    (tmp_path / "perfdsl.toml").write_text('frameworks = ["mine.toml"]\n', encoding="utf-8")
    return tmp_path


def _national(folder: Path, framework: str, name: str = "x.perf") -> perfdsl.ast.Spec:
    text = (ROOT / NATIONAL[0] / "信息系统运行维护.perf").read_text(encoding="utf-8")
    path = folder / name
    path.write_text(text.replace("框架 national-2021", f"框架 {framework}"), encoding="utf-8")
    spec, _ = perfdsl.parse(path.read_text(encoding="utf-8"), str(path))  # the parser may refuse a NUL byte
    return spec


@pytest.mark.parametrize("fmt", ["text", "html", "md", "json"])
def test_render_reads_the_frameworks_check_reads(project_folder: Path, fmt: str) -> None:
    """A framework is a builtin or a file the configuration declares, for render as for check; the 框架 of a
    spec never names a file to open (`/dev/zero` would be read for ever, a NUL byte made open() raise)."""
    def page(spec: perfdsl.ast.Spec) -> str:
        return perfdsl.render(spec, fmt).replace(spec.file, "x.perf").replace("national-mine", "national-2021")

    national = page(_national(project_folder, "national-2021"))
    assert page(_national(project_folder, "national-mine")) == national
    unknown = page(_national(project_folder, "no-such-framework"))
    assert unknown != national or fmt == "json"
    for hostile in (str(project_folder / "mine.toml"), "../" * 9 + str(project_folder / "mine.toml")):
        spec = _national(project_folder, hostile)
        shown = page(spec)  # JSON has the name as written and no use for the framework
        assert shown.replace(hostile, "no-such-framework") == unknown or fmt == "json"
        assert "C101" in [d.code for d in perfdsl.check(spec)]
    page(_national(project_folder, '"national\x00-2021"'))


@pytest.mark.parametrize("framework", ["national-" + "1" * 300, "../../national-2021", '"nat\x00ional"'])
def test_diff_pairs_sections_by_builtin_frameworks_only(framework: str) -> None:
    """A 框架 that is no builtin's name is never looked up as a file (a long one made stat() raise)."""
    text = (ROOT / NATIONAL[0] / "信息系统运行维护.perf").read_text(encoding="utf-8")
    old, _ = perfdsl.parse(text, "old.perf")
    new, problems = perfdsl.parse(text.replace("框架 national-2021", f"框架 {framework}"), "new.perf")
    [project] = perfdsl.diff(old, new).projects
    if not problems:  # the parser may refuse a NUL byte
        assert [e.kind for e in project.edits] == ["field_changed"]
        assert "框架" in readable(new)
    readable(new)


def test_a_path_with_a_nul_byte_is_a_file_that_cannot_be_read() -> None:
    with pytest.raises(perfdsl.LoadError) as caught:
        perfdsl.load("specs/2020/a\x00b.perf")
    [d] = caught.value.diagnostics
    assert d.code == "P000" and d.message("en") == "cannot read the file: embedded null byte"


# ------------------------------------------------------------------------------------------- revisions


@pytest.mark.parametrize("args, message", [
    (("--git", "--", "--abbrev=4"), "`--abbrev=4` is not a revision: it starts with `-`, as an option does"),
    (("--git", "--", "--format=%(path)", "HEAD", "specs"),
     "`--format=%(path)` is not a revision: it starts with `-`, as an option does"),
    (("--", "--abbrev=4:specs", "specs"), "`--abbrev=4` is not a revision: it starts with `-`, as an option does"),
    (("--git", "no-such-rev"), "there is no revision `no-such-rev` in this repository (a branch, a tag or a "
                               "commit such as HEAD~1)"),
    (("--git", "no-such-rev", "HEAD"), "there is no revision `no-such-rev` in this repository (a branch, a tag "
                                       "or a commit such as HEAD~1)"),
    (("HEAD~9:specs", "specs"), "there is no revision `HEAD~9` in this repository (a branch, a tag or a commit "
                                "such as HEAD~1)"),
])
def test_a_revision_is_checked_before_git_reads_it(repo: Path, args: tuple[str, ...], message: str) -> None:
    """A revision never reaches git where git would read it as an option (`--format=…` made `git ls-tree`
    take the path after it for the revision)."""
    assert run("--lang", "en", "diff", *args, cwd=repo) == (2, "", f"perfdsl diff: {message}\n")


def test_revisions_git_takes_still_work(repo: Path) -> None:
    commit = git(repo, "rev-parse", "HEAD~1").strip()
    tree = git(repo, "rev-parse", "HEAD~1^{tree}").strip()
    expected = run("diff", "--git", "HEAD~1", "HEAD", cwd=repo)
    assert expected[0] == 1
    assert run("diff", "--git", commit, "HEAD", cwd=repo)[1] == expected[1].replace("HEAD~1", commit)
    by_tree = run("diff", f"{tree}:specs", "HEAD:specs", cwd=repo)
    assert by_tree[0] == 1 and by_tree[1].count("\n~ ") == expected[1].count("\n~ ")
    # the index (`:path`) against the last commit: nothing staged, nothing changed
    assert run("diff", ":specs/审判执行业务费.perf", "HEAD:specs/审判执行业务费.perf", cwd=repo)[0] == 0
    assert run("diff", "--git", "HEAD", "--", "--abbrev=4", cwd=repo)[0] == 2  # a path: nothing under it


# ------------------------------------------------------------------------------------------------ property

PAIRS = int(os.environ.get("PERFDSL_DIFF_PAIRS", "60"))
"""Pairs the property below tries; `python -m tests.diff_mutations` runs a long campaign with figures."""


@settings(derandomize=True, deadline=None, max_examples=PAIRS, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.integers(0, 2**32 - 1))
def test_diff_never_raises_in_any_format(tmp_path: Path, seed: int) -> None:
    """A spec of specs/ or tests/ against an edit of it, both ways, printed in every format, language,
    with and without colour and --stat; one pair in ten through the command as well."""
    old, new = pair(random.Random(seed))
    diff_everywhere(old, new)
    if seed % 10 == 0:
        cli_everywhere(old, new, tmp_path)


def test_indicators_with_very_long_names_are_paired_in_linear_time(tmp_path: Path) -> None:
    # 20,000 characters: pairing by difflib's ratio would take minutes (it grows with the length squared)
    body = "项目 x {\n  产出 {\n    数量 {\n      " + "长" * 20000 + "{} 合理\n    }\n  }\n}\n"
    (tmp_path / "a.perf").write_text(body.replace("{}", "甲", 1), encoding="utf-8")
    (tmp_path / "b.perf").write_text(body.replace("{}", "乙", 1), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "perfdsl", "--lang", "en", "diff", "a.perf", "b.perf"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1 and "renamed" in done.stdout, done.stdout + done.stderr
