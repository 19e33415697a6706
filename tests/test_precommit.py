"""The hooks of .pre-commit-hooks.yaml, run by pre-commit itself on a scratch repository.

`pre-commit try-repo` installs the hooks the way a user's `.pre-commit-config.yaml` would (a virtualenv with
this checkout pip-installed: about 20 s, the dependencies coming from the package index), then runs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

SEED = ROOT / "specs" / "2020" / "信息化运维.perf"
BROKEN = "项目 a {\n  产出 {\n    数量 {\n      完成率\n    }\n  }\n}\n"


def test_hook_definitions() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"perfdsl-check", "perfdsl-fmt"}
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["files"] == r"\.perf$"
    assert hooks["perfdsl-check"]["entry"] == "perfdsl check" and hooks["perfdsl-fmt"]["entry"] == "perfdsl fmt"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_hooks_run_by_pre_commit(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.skip("pre-commit installs the hooks from a git checkout of perfdsl")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    shutil.copy(ROOT / "specs" / "2020" / "审判辅助人员经费.perf", repo / "good.perf")
    seed = SEED.read_text(encoding="utf-8")
    messy = "".join(line.strip() + "\n" for line in seed.splitlines()).replace("= 100%", "＝100％")
    (repo / "messy.perf").write_text(messy, encoding="utf-8")
    (repo / "bad.perf").write_text(BROKEN, encoding="utf-8")
    (repo / "notes.txt").write_text("项目 not a spec {\n", encoding="utf-8")
    _git(repo, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
    env.pop("PERFDSL_LANG", None)

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "--all-files",
                               "--color", "never"], cwd=repo, capture_output=True, text=True, env=env, timeout=300)

    first = run()
    assert first.returncode == 1, first.stdout + first.stderr
    out = first.stdout
    assert "perfdsl check" in out and "bad.perf:4:7: 错误[P002]: 指标“完成率”后缺少目标值" in out
    assert "notes.txt" not in out
    assert "- files were modified by this hook" in out
    assert (repo / "messy.perf").read_text(encoding="utf-8") == seed  # re-indented, `＝100％` as `= 100%`
    assert (repo / "bad.perf").read_text(encoding="utf-8") == BROKEN  # fmt leaves a broken file alone
    assert (repo / "good.perf").read_bytes() == (ROOT / "specs" / "2020" / "审判辅助人员经费.perf").read_bytes()

    _git(repo, "rm", "-q", "-f", "bad.perf")
    _git(repo, "add", ".")
    second = run()
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.count("Passed") == 2
