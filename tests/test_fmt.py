"""`perfdsl fmt`: golden cases, properties over generated ASTs and every spec in the repository, the CLI."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from perfdsl import ast
from perfdsl.syntax.fmt import comment_texts, format_source, format_spec
from perfdsl.syntax.parser import parse
from tests.conftest import ROOT
from tests.strategies import specs

FMT_CASES = sorted((ROOT / "tests" / "fmt").glob("*.in.perf"))
ALL_PERF = sorted(p for d in ("specs", "tests") for p in (ROOT / d).rglob("*.perf"))


def _parses(path: Path) -> bool:
    _, diags = parse(path.read_text(encoding="utf-8", errors="replace"), path.name)
    return not any(d.severity.value == "error" for d in diags)


# files with parse errors are fmt's to refuse (tested above and in the CLI tests), not to format
FORMATTABLE = [p for p in ALL_PERF if _parses(p)]


@pytest.mark.parametrize("case", FMT_CASES, ids=lambda p: p.name.split(".")[0])
def test_fmt_golden(case: Path, golden) -> None:
    text = case.read_text(encoding="utf-8")
    out, diags = format_source(text, case.name)
    assert out is not None, [d.message("en") for d in diags]
    golden(case.with_name(case.name.replace(".in.", ".out.")), out)
    again, _ = format_source(out, case.name)
    assert again == out


def _check_properties(spec: ast.Spec, width: int = 80) -> None:
    out = format_spec(spec, width)
    parsed, diags = parse(out, "gen.perf")
    assert [d for d in diags if d.severity.value == "error"] == [], (out, [d.message("en") for d in diags])
    assert ast.same(parsed, spec), out
    assert comment_texts(parsed) == comment_texts(spec)
    assert format_spec(parsed, width) == out


@settings(derandomize=True, deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_print_parse_round_trip_on_generated_specs(spec: ast.Spec) -> None:
    _check_properties(spec)


@settings(derandomize=True, deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_round_trip_at_a_narrow_width(spec: ast.Spec) -> None:
    _check_properties(spec, width=24)


def test_the_repository_has_many_formattable_files() -> None:
    assert len(FORMATTABLE) >= 100 and any(p.parts[-3] == "specs" for p in FORMATTABLE)


@pytest.mark.parametrize("path", FORMATTABLE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_fmt_properties_on_every_repository_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    spec, _ = parse(text, path.name)
    out, _ = format_source(text, path.name)  # None if the AST or comments would change
    assert out is not None and format_source(out, path.name)[0] == out
    assert ast.same(parse(out, path.name)[0], spec)


def fmt_cli(*args: str, stdin: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perfdsl", "--lang", "en", "fmt", *args], capture_output=True,
                          text=True, input=stdin, cwd=cwd, timeout=60,
                          env={**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)})


def test_repository_specs_are_canonical() -> None:
    r = fmt_cli("--check", "specs")
    assert r.returncode == 0, r.stdout + r.stderr


def test_check_diff_and_in_place(tmp_path: Path) -> None:
    messy = tmp_path / "messy.perf"
    messy.write_text("项目 x {\n类别   其他类\n  产出{\n 数量 {\n a >=90%\n}\n}\n}\n", encoding="utf-8")
    messy.chmod(0o640)
    clean = tmp_path / "clean.perf"
    clean.write_text("项目 y {\n  类别 其他类\n}\n", encoding="utf-8")
    before = clean.stat().st_mtime_ns
    check = fmt_cli("--check", str(tmp_path))
    assert check.returncode == 1 and check.stdout.strip() == f"would reformat: {messy}"
    diff = fmt_cli("--diff", str(messy))
    assert diff.returncode == 0 and "+      a >= 90%" in diff.stdout and messy.read_text(encoding="utf-8").startswith("项目 x {\n类别")
    assert fmt_cli(str(tmp_path)).returncode == 0
    assert messy.read_text(encoding="utf-8") == ("项目 x {\n  类别 其他类\n  产出 {\n    数量 {\n      a >= 90%\n"
                                                 "    }\n  }\n}\n")
    assert stat.S_IMODE(messy.stat().st_mode) == 0o640, "permissions are kept"
    assert clean.stat().st_mtime_ns == before, "unchanged files are not rewritten"
    assert fmt_cli("--check", str(tmp_path)).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.perf", "messy.perf"], "no temp files left"


def test_stdin_to_stdout_and_parse_errors_leave_files_untouched(tmp_path: Path) -> None:
    r = fmt_cli("-", stdin="项目 x {\n类别 其他类\n}\n")
    assert r.returncode == 0 and r.stdout == "项目 x {\n  类别 其他类\n}\n"
    broken = tmp_path / "broken.perf"
    broken.write_text("项目 x {\n  产出 {\n    数量 {\n      a\n", encoding="utf-8")
    original = broken.read_bytes()
    r = fmt_cli(str(broken))
    assert r.returncode == 1 and "P002" in r.stdout and broken.read_bytes() == original


def test_crlf_files_keep_their_line_endings(tmp_path: Path) -> None:
    f = tmp_path / "win.perf"
    f.write_bytes("项目 x {\r\n类别 其他类\r\n}\r\n".encode())
    assert fmt_cli(str(f)).returncode == 0
    assert f.read_bytes() == "项目 x {\r\n  类别 其他类\r\n}\r\n".encode()


def test_a_result_that_cannot_be_proven_is_refused_not_written(tmp_path: Path, monkeypatch) -> None:
    """If the printer ever lost something, fmt reports it and leaves the file alone (no traceback)."""
    import perfdsl.syntax.fmt as fmt_module

    real = fmt_module.format_spec
    monkeypatch.setattr(fmt_module, "format_spec", lambda spec, width=80: real(spec, width).replace("合理", "不合理"))
    out, diags = format_source("项目 x {\n  产出 {\n    数量 {\n      a 合理\n    }\n  }\n}\n", "x.perf")
    assert out is None and [d.code for d in diags] == ["X002"]
