"""`perfdsl check` over several processes says exactly what one process says: every diagnostic, the
cross-file duplicate check, each folder's configuration, suppressions, the summary and the exit code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SEED_SPEC = (ROOT / "specs" / "2020" / "审判辅助人员经费.perf").read_text(encoding="utf-8")


def _tree(root: Path) -> Path:
    """Forty files in two folders with configurations of their own: clean ones, broken ones, a duplicate
    project across folders, a suppressed finding and a file that is no spec."""
    for i in range(20):
        for folder in ("a", "b"):
            text = SEED_SPEC.replace("审判辅助人员经费", f"项目{folder}{i}")
            if i % 7 == 3:
                text = text.replace("= 100%", "= 100% {")  # unclosed blocks: parse errors
            if i % 5 == 1:
                text = text.replace("项目 项目", "# perfdsl: ignore[C411]\n项目 项目")
            (root / folder).mkdir(exist_ok=True)
            (root / folder / f"s{i:02}.perf").write_text(text, encoding="utf-8")
    (root / "b" / "dup.perf").write_text(SEED_SPEC.replace("审判辅助人员经费", "项目a0"), encoding="utf-8")
    (root / "b" / "notes.perf").write_text("This is not a spec at all.\n" * 20, encoding="utf-8")
    (root / "a" / "perfdsl.toml").write_text('[rules]\nC411 = "error"\n', encoding="utf-8")
    (root / "b" / "perfdsl.toml").write_text('[rules]\nC411 = "off"\n', encoding="utf-8")
    return root


def _check(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "perfdsl", "--lang", "en", "check", *args, str(root)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_two_workers_say_what_one_process_says(tmp_path: Path, fmt: str) -> None:
    root = _tree(tmp_path)
    one = _check(root, "--format", fmt, "--jobs", "1")
    two = _check(root, "--format", fmt, "--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout and one.stderr == two.stderr
    assert "C108" in one.stdout and "C411" in one.stdout and "P000" in one.stdout and "P003" in one.stdout
    # the default spreads a tree this size over the CPUs, with the same result
    assert _check(root, "--format", fmt).stdout == one.stdout


def test_a_broken_configuration_found_by_a_worker_is_reported_as_by_one_process(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / "b" / "perfdsl.toml").write_text("rules = [\n", encoding="utf-8")
    one, two = _check(root, "--jobs", "1"), _check(root, "--jobs", "2")
    assert one.returncode == two.returncode == 2
    assert one.stderr == two.stderr and "perfdsl.toml" in two.stderr and "Traceback" not in two.stderr


def test_jobs_must_be_at_least_one(tmp_path: Path) -> None:
    done = _check(tmp_path, "--jobs", "0")
    assert done.returncode == 2 and done.stderr.strip() == "--jobs must be at least 1"


def test_a_worker_killed_is_an_error_not_a_hang(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    script = ("import os, signal, perfdsl.cli.check as c\n"
              "real = c.check_path\n"
              "def dying(path, *a, **k):\n"
              "    if path.endswith('s05.perf') and os.getpid() != int(os.environ['PARENT']): os.kill(os.getpid(), 9)\n"
              "    return real(path, *a, **k)\n"
              "c.check_path = dying\n"
              "import sys; from perfdsl.cli import main\n"
              "os.environ['PARENT'] = str(os.getpid())\n"
              "sys.exit(main(['check', '--jobs', '2', sys.argv[1]]))\n")
    done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    print(done.stderr)
    assert done.returncode not in (0, 1) and "Traceback" not in done.stderr
