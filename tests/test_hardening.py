"""Hardening: no input crashes perfdsl, every diagnostic points inside its file, big inputs stay fast."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from perfdsl.checks import run as run_checks
from perfdsl.diagnostics import render_text
from perfdsl.syntax.loader import decode
from perfdsl.syntax.parser import parse
from tests.conftest import ROOT

SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "specs").rglob("*.perf"))]


def assert_sane(text: str) -> None:
    """Parse and check never raise; every diagnostic's span lies inside the file; rendering works."""
    spec, diags = parse(text, "fuzz.perf")
    if not any(d.severity.value == "error" for d in diags):
        diags += run_checks(spec)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for d in diags:
        assert 1 <= d.span.line <= len(lines), (d.code, d.span)
        assert 1 <= d.span.column <= len(lines[d.span.line - 1]) + 2, (d.code, d.span)
        assert d.span.end_line >= d.span.line
        for r in d.related:
            assert 1 <= r.span.line <= len(lines)
    render_text(diags, {"fuzz.perf": text}, "zh")
    render_text(diags, {"fuzz.perf": text}, "en")


@st.composite
def mutated_seed(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SEEDS)).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "cut", "insert"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "cut":
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at]
        else:
            junk = draw(st.text(st.characters(exclude_categories=["Cs"]), max_size=8))
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + junk + lines[i][at:]
    return "\n".join(lines)


@settings(derandomize=True, deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_seed())
def test_mutated_seed_specs_never_crash(text: str) -> None:
    assert_sane(text)


@settings(derandomize=True, deadline=None, max_examples=200)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data: bytes) -> None:
    text, problems = decode(data, "fuzz.perf")
    if text is None:
        assert problems and problems[0].code == "P000"
        return
    assert_sane(text)


@pytest.mark.parametrize("text", [
    "", "# only a comment\n", "\n\n\n", "}" * 50, "{" * 5000, "项目 x {\n" * 3000, '"""' * 7,
    "项目 x {\n  概况 \"\"\"\n", "项目 " + "名" * 100_000 + " {\n}\n", "\t项目\tx\t{\n\t类别\t其他类\n}\n",
    "项目 x {\r  类别 其他类\r}\r", "\ufeff项目 x {\n}\n", "\x1f项目 x {\n\x1c\x1d 类别\x85其他类\n}\n", "项目 x {\n" + "  产出 {\n" * 2000 + "  }\n" * 2000 + "}\n",
])
def test_structural_abuse(text: str) -> None:
    assert_sane(text)


def _section(n: int) -> str:
    rows = "".join(f"      指标{i} >= {i % 100}%\n" for i in range(n))
    return f"项目 大 {{\n  产出 {{\n    数量 {{\n{rows}    }}\n  }}\n}}\n"


def test_big_inputs_are_linear_and_fast() -> None:
    start = time.perf_counter()
    spec, diags = parse(_section(10_000), "big.perf")
    assert not diags and len(spec.projects[0].sections[0].sections[0].indicators) == 10_000
    many = "".join(f"项目 p{i} {{\n  类别 其他类\n}}\n" for i in range(1000))
    spec, diags = parse(many, "many.perf")
    assert not diags and len(spec.projects) == 1000
    long_line = "项目 x {\n  概况 \"" + "长" * 1_000_000 + "\"\n}\n"
    spec, diags = parse(long_line, "long.perf")
    assert not diags and len(spec.projects[0].overview.paragraphs[0]) == 1_000_000
    assert time.perf_counter() - start < 20


def test_fifty_megabyte_file(tmp_path: Path) -> None:
    block = SEEDS[0].split("\n", 3)[3]  # the project, without the file-level header
    count = 50_000_000 // len(block.encode()) + 1
    big = tmp_path / "big.perf"
    with big.open("w", encoding="utf-8") as f:
        f.write("单位 测试单位\n年度 2020\n")
        for i in range(count):
            f.write(block.replace("项目 审判辅助人员经费", f"项目 审判辅助人员经费{i}", 1))
    assert big.stat().st_size >= 50_000_000
    r = subprocess.run([sys.executable, "-m", "perfdsl", "check", str(big)], capture_output=True, text=True,
                       timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode in (0, 1) and "Traceback" not in r.stderr


def test_interrupt_leaves_no_half_written_file(tmp_path: Path) -> None:
    """Ctrl-C during `perfdsl fmt` of many files: each file is either untouched or completely formatted."""
    originals = {}
    for i in range(300):
        f = tmp_path / f"f{i:03d}.perf"
        text = SEEDS[i % len(SEEDS)].replace("  类别", "类别")  # not canonical: fmt rewrites it
        f.write_text(text, encoding="utf-8")
        originals[f] = text
    proc = subprocess.Popen([sys.executable, "-m", "perfdsl", "fmt", str(tmp_path)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    assert proc.returncode in (0, 1, 2, 130)
    for f, text in originals.items():
        now = f.read_text(encoding="utf-8")
        assert now == text or now == SEEDS[sorted(originals).index(f) % len(SEEDS)], f
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for f in originals), "no temp files left"


def test_folder_scan_does_not_follow_links_out_of_the_folder(tmp_path: Path) -> None:
    from perfdsl.syntax.loader import find_files

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.perf").write_text("项目 x {\n}\n", encoding="utf-8")
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "own.perf").write_text("项目 y {\n}\n", encoding="utf-8")
    (tree / "link.perf").symlink_to(outside / "secret.perf")
    (tree / "sub" / "dirlink").symlink_to(outside, target_is_directory=True)
    files, missing = find_files([str(tree)])
    assert [Path(f).name for f in files] == ["own.perf"] and missing == []


def test_configuration_reads_no_file_outside_its_folder(tmp_path: Path) -> None:
    from perfdsl.config import ConfigError, load_config

    (tmp_path / "elsewhere.toml").write_text('name = "x"\n', encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "link.toml").symlink_to(tmp_path / "elsewhere.toml")
    for named in ("../elsewhere.toml", "link.toml", "/etc/passwd"):
        (project / "perfdsl.toml").write_text(f'frameworks = ["{named}"]\n', encoding="utf-8")
        with pytest.raises(ConfigError) as e:
            load_config(str(project / "perfdsl.toml"))
        assert e.value.key == "config.framework_outside", named


# The entry points of the long campaign (tests/fuzz_long.py) on a CI budget: a few derandomized inputs each,
# with the campaign's invariants. A failure names the integer seed of its input; replay it with
#   ENTRIES[entry].run(*ENTRIES[entry].inputs(random.Random(seed)))
CAMPAIGN_BUDGET = {"load": 60, "check": 40, "render": 40, "fmt": 60, "import-text": 60, "lsp": 20, "diff": 10,
                   "render-xlsx": 30, "import-xlsx": 10}


# Open findings of the campaign that these budgets reach: strict, so the fix makes the test pass and the mark go.
CAMPAIGN_OPEN: dict[str, str] = {}


@pytest.mark.parametrize("entry", [
    pytest.param(e, marks=pytest.mark.xfail(strict=True, reason=CAMPAIGN_OPEN[e])) if e in CAMPAIGN_OPEN else e
    for e in CAMPAIGN_BUDGET])
def test_campaign_entry_points_on_a_ci_budget(entry: str) -> None:
    import random

    if "xlsx" in entry:
        pytest.importorskip("openpyxl", reason="the xlsx extra: pip install '.[test]'")
    if entry == "lsp":
        pytest.importorskip("pygls", reason="the lsp extra: pip install '.[test]'")
    from tests.fuzz_long import ENTRIES, printed_asts

    printed_asts()  # the pool is drawn with Hypothesis: before the property, not inside it
    run, make = ENTRIES[entry].run, ENTRIES[entry].inputs

    # no shrinking: the seed's digits mean nothing, tests/fuzz_long.py minimises the input itself
    @settings(derandomize=True, deadline=None, database=None, max_examples=CAMPAIGN_BUDGET[entry],
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(st.integers(0, 2**64 - 1))
    def holds(seed: int) -> None:
        run(*make(random.Random(seed)))

    holds()


@pytest.mark.parametrize(("data", "line", "column", "sentence"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, 1, "the file is not text: byte 8 is 0x00, which no text file holds"),
    (b"abc\n\xff\xff\xfe", 2, 1, "the file is not text: byte 4 (0xFF) is neither UTF-8 nor GB18030 nor Big5"),
])
def test_a_binary_file_is_said_to_be_no_text(data: bytes, line: int, column: int, sentence: str) -> None:
    """Not "it looks like ?" and "--encoding ?": no encoding would help, and the byte that shows it is named."""
    text, (problem,) = decode(data, "image.perf")
    assert text is None and problem.code == "P000"
    assert (problem.span.line, problem.span.column) == (line, column)
    assert problem.message("en") == sentence and "?" not in (problem.hint("en") or "")
    assert "?" not in problem.message("zh") + (problem.hint("zh") or "")
