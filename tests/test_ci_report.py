"""`perfdsl check --format github|gitlab`: workflow commands and GitLab Code Quality reports."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from perfdsl import ast
from perfdsl.cli.ci_report import gitlab_issues, render_github
from perfdsl.diagnostics import Severity, diag
from tests.conftest import ROOT

HERE = ROOT / "tests" / "ci"


def check(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perfdsl", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})


def test_github_annotations(golden) -> None:
    r = check("check", "--format", "github", "tests/ci/mixed.perf")
    assert r.returncode == 1
    golden(HERE / "mixed.github", r.stdout)
    levels = re.findall(r"^::(\w+) ", r.stdout, re.M)
    assert levels == ["error", "error", "notice", "warning"]
    assert "::error file=tests/ci/mixed.perf,line=9,col=5,endLine=9,endColumn=17,title=C301::" in r.stdout


def test_github_annotations_in_english(golden) -> None:
    r = check("--lang", "en", "check", "--format", "github", "./tests/ci/mixed.perf")
    golden(HERE / "mixed.en.github", r.stdout)
    assert "file=tests/ci/mixed.perf," in r.stdout  # ./ dropped: GitHub matches paths as the repository names them


def test_github_escapes_what_would_end_a_property_or_the_message() -> None:
    span = ast.Span(file="a,b/c:d%.perf", line=3, column=2, end_line=3, end_column=4)
    d = diag("P000", Severity.error, span, reason="50%\nsecond line\r")
    out = render_github([d], "en")
    # a line break in the user's text is shown, not taken as the message's own (the hint's, %0A below)
    assert out == ("::error file=a%2Cb/c%3Ad%25.perf,line=3,col=2,endLine=3,endColumn=4,title=P000::"
                   "cannot read the file: 50%25\\x0asecond line\\x0d\n")
    assert out.count("\n") == 1
    hinted = render_github([diag("P008", Severity.error, span, value="2O2O\n::error::x")], "en")
    assert hinted.endswith("::`2O2O\\x0a::error::x` is not a year%0A"
                           "write the year as four digits, for example 2020\n")


def test_gitlab_code_quality(golden) -> None:
    r = check("check", "--format", "gitlab", "tests/ci/mixed.perf")
    assert r.returncode == 1
    golden(HERE / "mixed.gitlab.json", r.stdout)
    issues = json.loads(r.stdout)
    assert [(i["check_name"], i["severity"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("C301", "major", 9), ("C401", "major", 24), ("C410", "info", 29), ("C405", "minor", 34)]
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["location"]["path"] == "tests/ci/mixed.perf"
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_gitlab_clean_run_is_an_empty_report() -> None:
    r = check("check", "--format", "gitlab", "specs/2020/审判辅助人员经费.perf")
    assert r.returncode == 0 and json.loads(r.stdout) == []


def _fingerprints(text: str, lang: str = "zh") -> list[str]:
    from perfdsl.checks import run
    from perfdsl.syntax.parser import parse

    spec, diags = parse(text, "tests/ci/mixed.perf")
    return [i["fingerprint"] for i in gitlab_issues([*diags, *run(spec)], {spec.file: text}, lang)]


def test_fingerprints_survive_moved_lines_and_language() -> None:
    text = (HERE / "mixed.perf").read_text(encoding="utf-8")
    before = _fingerprints(text)
    moved = text.replace("年度 2021\n", "年度 2021\n# 新加的注释\n\n# 又一行\n")
    assert _fingerprints(moved) == before  # same findings, three lines lower
    assert _fingerprints(text, "en") == before
    changed = text.replace(">= 120%", ">= 130%")
    after = _fingerprints(changed)
    assert after[0] == before[0] and after[1] != before[1]  # only the changed finding is a new issue


def test_identical_findings_in_one_file_get_distinct_fingerprints() -> None:
    span = ast.Span(file="x.perf", line=1, column=1, end_line=1, end_column=2)
    same = [diag("P021", Severity.warning, span), diag("P021", Severity.warning, span)]
    first, second = gitlab_issues(same, {"x.perf": "# nothing\n"})
    assert first["fingerprint"] != second["fingerprint"]
