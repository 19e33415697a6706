"""Files that are not what their names say: a named pipe called `x.perf`, links in a scanned folder, a
`框架` value that names a path. perfdsl reads regular files only, stays inside what it was given, and says
what it left out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

GOOD = "单位 某单位\n年度 2020\n\n项目 好 {\n  类别 其他类\n}\n"
BROKEN = "项目 坏 {\n  产出 {\n"


def perfdsl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    # a read that blocks would hang the test run: the timeout turns it into a failure
    return subprocess.run([sys.executable, "-m", "perfdsl", "--lang", "en", *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=30, stdin=subprocess.DEVNULL)


# ------------------------------------------------------------------------------------------ named pipes

@pytest.fixture()
def with_fifo(tmp_path: Path) -> Path:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "good.perf").write_text(GOOD, encoding="utf-8")
    os.mkfifo(specs / "pipe.perf")
    return tmp_path


@pytest.mark.parametrize("command", [
    ("check", "specs"), ("check", "specs/pipe.perf"), ("fmt", "--check", "specs"), ("fmt", "specs/pipe.perf"),
    ("build", "specs", "-o", "out"), ("build", "specs/pipe.perf", "-o", "out"),
    ("diff", "specs/good.perf", "specs/pipe.perf"), ("diff", "specs", "specs"),
])
def test_a_named_pipe_is_refused_not_read(with_fifo: Path, command: tuple[str, ...]) -> None:
    done = perfdsl(*command, cwd=with_fifo)
    assert "not a regular file" in done.stdout + done.stderr, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.returncode in (1, 2)


def test_a_device_is_refused_not_read(tmp_path: Path) -> None:
    # /dev/zero never ends: reading it would fill the memory (capped here, so a regression fails quickly)
    done = subprocess.run([sys.executable, "-c", _CAPPED, "check", "/dev/zero"], capture_output=True,
                          text=True, cwd=tmp_path, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.stdout.splitlines()[0] == "/dev/zero:1:1: error[P000]: not a regular file; it was not read", \
        done.stderr
    assert done.returncode == 1


_CAPPED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from perfdsl.cli import main
sys.exit(main(["--lang", "en", "--color", "never", *sys.argv[1:]]))
"""


@pytest.mark.parametrize("config", ["--config=pipe.toml", "--config=perfdsl.toml"])
def test_a_configuration_or_framework_file_that_is_a_pipe_is_a_configuration_error(tmp_path: Path,
                                                                                  config: str) -> None:
    (tmp_path / "good.perf").write_text(GOOD, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.toml")
    (tmp_path / "perfdsl.toml").write_text('frameworks = ["pipe.toml"]\n', encoding="utf-8")
    done = perfdsl("check", config, "good.perf", cwd=tmp_path)
    assert "not a regular file" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2
