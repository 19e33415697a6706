"""`perfdsl serve` in a real browser: the pages, live reload of edits and errors, the refusals (paths outside
the roots, other host names), hostile text kept inert, and the command's start and stop."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import ROOT

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("watchfiles")

PROJECT = "居家养老上门服务"
HOSTILE = ROOT / "tests" / "serve" / "hostile.perf"


def _start(cwd: Path, *paths: str) -> tuple[subprocess.Popen[str], str]:
    """A server on a free port, and its URL as it printed it."""
    proc = subprocess.Popen([sys.executable, "-m", "perfdsl", "serve", "--port", "0", *paths], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PERFDSL_LANG": "zh"})
    assert proc.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if found:
            return proc, found.group(0)
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"no URL printed: {proc.stderr.read() if proc.stderr else ''}")


def _stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(15)
    finally:
        if proc.poll() is None:
            proc.kill()
    return code, proc.stderr.read() if proc.stderr else ""


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two years of one project, a spec full of markup, a spec outside the served folder; under git."""
    top = tmp_path_factory.mktemp("served")
    for year in ("2025", "2026"):
        (top / "specs" / year).mkdir(parents=True)
        shutil.copy(ROOT / "specs" / "cycle" / year / f"{PROJECT}.perf", top / "specs" / year)
    (top / "specs" / "odd").mkdir()
    shutil.copy(HOSTILE, top / "specs" / "odd" / "hostile.perf")
    (top / "outside.perf").write_text("单位 外面\n年度 2026\n\n项目 不应读到 {\n}\n", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    subprocess.run([*git, "-C", str(top), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(top), "commit", "-qm", "specs"], check=True)
    return top


@pytest.fixture(scope="module")
def server(tree: Path) -> Iterator[str]:
    proc, url = _start(tree, "specs")
    try:
        yield url
    finally:
        code, err = _stop(proc)
        assert code in (0, 130) and "Traceback" not in err, err


def _path(year: str) -> str:
    return f"/project/{year}/{urllib.parse.quote(PROJECT)}.perf"


def _get(url: str, path: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": host} if host else {})  # sent as written: no normalising
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8")
    finally:
        conn.close()


def test_overview_project_and_diff_in_the_browser(page, server: str) -> None:
    page.goto(server)
    main = page.locator("main")
    assert "某区民政局" in main.inner_text() and "2025" in main.inner_text()
    # the 2025 self-evaluation's score and grade, from perfdsl/evaluation
    assert "95.32 优" in page.locator("tr", has_text=PROJECT).first.inner_text() + page.locator(
        "tr", has_text="95.32").first.inner_text()
    page.goto(server + "?year=2025")
    assert page.locator("tbody tr").count() == 1
    page.goto(server + "?q=" + urllib.parse.quote("老年人满意度"))  # an indicator's name
    assert page.locator("tbody tr").count() == 2
    page.goto(server + "?q=" + urllib.parse.quote("无此词"))
    assert page.locator("tbody tr").count() == 0
    page.goto(server + "?year=2026&unit=" + urllib.parse.quote("某区民政局"))
    page.get_by_role("link", name=PROJECT).click()
    # the form of `perfdsl build` (its template), the year before linked as diff pairs the two years
    assert page.locator("main.sheet h1").inner_text().replace(" ", "") == "项目支出绩效目标表"
    assert "服务老人人数" in page.locator("table.form").last.inner_text()
    page.locator("a[rel=prev]").click()
    assert "2025" in page.locator("p.year").first.inner_text()
    page.get_by_role("link", name="对比").click()
    assert "2025 → 2026" in page.locator("h1").inner_text()
    assert ">= 1200人" in page.locator("td.old del").first.inner_text() + page.locator("main").inner_text()
    page.goto(server + "diff?from=HEAD")  # a git revision against the working tree: nothing changed yet
    assert "没有实质变化" in page.locator("main").inner_text()


def test_diff_of_a_revision_and_the_working_tree(page, server: str, tree: Path) -> None:
    spec = tree / "specs" / "2025" / f"{PROJECT}.perf"
    good = spec.read_text(encoding="utf-8")
    try:
        spec.write_text(good.replace(">= 1200人", ">= 1100人"), encoding="utf-8")
        page.goto(server + "diff?from=HEAD")
        assert "HEAD → 工作区" in page.locator("h1").inner_text()
        assert page.locator("tr.lowered").count() == 1
        assert "1100人" in page.locator("tr.lowered").inner_text()
        page.goto(server + "diff?from=no-such-rev")
        assert "no-such-rev" in page.locator("p.problem").first.inner_text()
        assert page.locator("main").count() == 0  # no empty diff under the error
    finally:
        spec.write_text(good, encoding="utf-8")


def test_trends_chart_an_indicator_across_years(page, server: str) -> None:
    page.goto(server + _path("2026").lstrip("/"))
    page.get_by_role("link", name="服务老人人数").click()
    rows = page.locator("section.trend").first.locator("tbody tr")
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())] == ["2025", "2026"]
    assert page.locator("svg.chart").first.locator("circle").count() == 3  # two targets, one actual
    assert ">=1250人" in rows.nth(1).inner_text() and ">=1200人" in rows.nth(0).inner_text()
    assert "1150人" in rows.nth(0).inner_text()  # the 2025 self-evaluation's actual


def test_edits_errors_and_fixes_reach_the_open_page(page, server: str, tree: Path) -> None:
    spec = tree / "specs" / "2026" / f"{PROJECT}.perf"
    good = spec.read_text(encoding="utf-8")
    page.goto(server + _path("2026").lstrip("/"))
    page.evaluate("window.notReloaded = true")
    try:
        spec.write_text(good.replace(">= 1250人", ">= 1300人"), encoding="utf-8")
        page.locator("table.form", has_text=">=1300人").wait_for(timeout=5000)
        spec.write_text(good.replace("  实施单位 某区养老服务指导中心\n", "  实施单位 {\n"), encoding="utf-8")
        page.locator("aside .diagnostic.error").first.wait_for(timeout=5000)
        assert "实施单位" in page.locator("aside pre.excerpt").first.inner_text()
        spec.write_text(good, encoding="utf-8")
        page.locator("aside .diagnostic.error").first.wait_for(state="detached", timeout=5000)
        assert page.evaluate("window.notReloaded") is True
    finally:
        spec.write_text(good, encoding="utf-8")


def test_a_reviewers_opinion_reaches_the_open_project_page(page, server: str, tree: Path) -> None:
    review = tree / "specs" / "2026" / "审核意见.review"
    page.goto(server + _path("2026").lstrip("/"))
    page.evaluate("window.notReloaded = true")
    try:
        review.write_text(f"项目 {PROJECT}\n指标 老年人满意度\n第1轮 修改后通过 目标<b>偏低</b>，请按上年实际调整。\n",
                          encoding="utf-8")
        note = page.locator("aside .diagnostic.info", has_text="修改后通过")
        note.wait_for(timeout=5000)
        assert "目标<b>偏低</b>" in note.inner_text()  # the reviewer's text as written, not as markup
        assert "老年人满意度" in note.locator("pre.excerpt").inner_text()  # shown at its indicator
        review.unlink()
        note.wait_for(state="detached", timeout=5000)
        assert page.evaluate("window.notReloaded") is True
    finally:
        review.unlink(missing_ok=True)


def test_a_new_spec_appears_in_the_open_overview_and_goes_with_its_file(page, server: str, tree: Path) -> None:
    page.goto(server)
    page.evaluate("window.notReloaded = true")
    added = tree / "specs" / "2026" / "新项目.perf"
    try:
        added.write_text("单位 某区民政局\n年度 2026\n\n项目 新增的项目 {\n}\n", encoding="utf-8")
        page.get_by_role("link", name="新增的项目").wait_for(timeout=5000)
        added.unlink()
        page.get_by_role("link", name="新增的项目").wait_for(state="detached", timeout=5000)
        assert page.evaluate("window.notReloaded") is True
    finally:
        added.unlink(missing_ok=True)


def test_diagnostics_page_groups_by_file_with_excerpts(page, server: str) -> None:
    page.goto(server + "diagnostics")
    files = page.locator("section.file")
    assert files.count() >= 1
    odd = page.locator("section.file", has_text="hostile.perf")
    assert odd.locator(".diagnostic").count() >= 1 and odd.locator("pre.excerpt").count() >= 1


def test_hostile_text_is_inert(page, server: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("", "diagnostics", "project/odd/hostile.perf", "?q=%3Cscript%3E", "diff?old=2025&new=2026",
                 "trends?key=odd/hostile.perf&i=0", "trends"):
        page.goto(server + path)
        assert page.locator("script").count() == 1  # the page's own, with its nonce
        assert page.locator("img, b").count() == 0
        text = page.locator("body").inner_text()
        # shown as written, on every page: the project's name, its unit or its indicator's name
        assert any(s in text for s in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                       "</table><script>alert(2)</script>")), path
    page.goto(server + "project/odd/hostile.perf")
    assert "{{ 7*7 }}<b>粗</b>" in page.locator("main").inner_text()  # never evaluated as a template
    assert dialogs == []


def test_paths_outside_the_roots_and_other_hosts_are_refused(server: str) -> None:
    for path in ("/project/..%2F..%2Fetc%2Fpasswd", "/project/../../etc/passwd", "/project/..%2Foutside.perf",
                 "/project/%2Fetc%2Fpasswd", "/project/2026/missing.perf", "/nothing"):
        status, _, body = _get(server, path)
        assert status == 404, path
        assert "root:" not in body and "不应读到" not in body
    status, _, _ = _get(server, "/", host="attacker.example")
    assert status == 400


def test_pages_carry_a_strict_policy(server: str) -> None:
    status, headers, body = _get(server, "/")
    assert status == 200
    policy = headers["content-security-policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce and f'<script nonce="{nonce.group(1)}">' in body
    assert "default-src 'none'" in policy and "unsafe-eval" not in policy and "http" not in policy
    assert "Content-Security-Policy" not in body  # no meta policy on top of the header's
    assert _get(server, "/")[1]["content-security-policy"] != policy  # a nonce per response


def test_serve_prints_its_url_and_ctrl_c_stops_it(tree: Path) -> None:
    proc, url = _start(tree, "specs")
    try:
        assert _get(url, "/")[0] == 200
        # an open event stream (a page left open) does not hold the stop up
        parts = urllib.parse.urlsplit(url)
        stream = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        stream.request("GET", "/events")
        events = stream.getresponse()
        assert events.headers["content-type"].startswith("text/event-stream")
        assert events.readline().startswith(b"data: ")
        started = time.monotonic()
        code, err = _stop(proc)
        stream.close()
    finally:
        if proc.poll() is None:  # a failed assertion above leaves no server behind
            proc.kill()
            proc.wait(10)
    assert code in (0, 130)
    assert "Traceback" not in err
    assert time.monotonic() - started < 5


def test_without_the_extra_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from perfdsl.cli import main

    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert main(["serve", "specs"]) == 2
    assert "pip install 'perfdsl[serve]'" in capsys.readouterr().err


def test_a_port_in_use_or_a_missing_path_is_a_usage_error(capsys, tree: Path) -> None:
    import socket

    from perfdsl.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), str(tree / "specs")]) == 2
    assert f"无法监听 127.0.0.1:{port}" in capsys.readouterr().err
    assert main(["serve", str(tree / "nowhere")]) == 2
    assert "路径不存在" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["serve", "--port", "70000", str(tree / "specs")])
