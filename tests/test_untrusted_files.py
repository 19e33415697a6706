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

GOOD = (ROOT / "specs" / "2020" / "审判辅助人员经费.perf").read_text(encoding="utf-8")
"""A spec without a warning."""
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


# ----------------------------------------------------------------------------------- links in a folder

@pytest.fixture()
def linked(tmp_path: Path) -> Path:
    """specs/ holds one good spec of its own, a folder and a file linked from outside (both broken), a link
    to one of its own folders, and a link back to itself."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "broken.perf").write_text(BROKEN, encoding="utf-8")
    specs = tmp_path / "specs"
    (specs / "own").mkdir(parents=True)
    (specs / "own" / "good.perf").write_text(GOOD, encoding="utf-8")
    (specs / "elsewhere").symlink_to(outside, target_is_directory=True)
    (specs / "file.perf").symlink_to(outside / "broken.perf")
    (specs / "again").symlink_to(specs / "own", target_is_directory=True)
    (specs / "own" / "loop").symlink_to(specs, target_is_directory=True)
    return tmp_path


def test_check_says_which_links_it_did_not_follow(linked: Path) -> None:
    done = perfdsl("check", "specs", cwd=linked)
    outside = str(linked / "outside")
    assert done.stdout.splitlines()[::3] == [
        f"specs/elsewhere:1:1: warning[P000]: the link leads out of the folder given, to {outside}; "
        "it was not read",
        f"specs/file.perf:1:1: warning[P000]: the link leads out of the folder given, to {outside}/broken.perf; "
        "it was not read",
    ], done.stdout
    # each spec once: the folder linked again and the link back to the top add nothing
    assert done.stderr.splitlines()[-1] == "1 files, 1 projects: 0 errors, 2 warnings"
    assert done.returncode == 0
    assert perfdsl("check", "--strict", "specs", cwd=linked).returncode == 1


def test_find_files_follows_links_inside_the_folder_once(linked: Path) -> None:
    from perfdsl.syntax.loader import find_files

    (linked / "specs" / "elsewhere").unlink()
    (linked / "specs" / "file.perf").unlink()
    (linked / "specs" / "own.perf").symlink_to(linked / "specs" / "own" / "good.perf")
    (linked / "specs" / ".hidden").mkdir()
    (linked / "specs" / ".hidden" / "kept.perf").write_text(GOOD, encoding="utf-8")
    (linked / "specs" / "shown").symlink_to(linked / "specs" / ".hidden", target_is_directory=True)
    notes: list = []
    files, missing = find_files([str(linked / "specs")], notes)
    # the real file wins over a link to it; a hidden folder is only read when a link names it
    assert [os.path.relpath(f, linked / "specs") for f in files] == ["own/good.perf", "shown/kept.perf"]
    assert missing == [] and notes == []


def test_build_says_which_links_it_did_not_follow(linked: Path) -> None:
    done = perfdsl("build", "specs", "-o", "out", "--format", "json", cwd=linked)
    assert "specs/elsewhere:1:1: warning[P000]: the link leads out of the folder given" in done.stdout
    assert done.returncode == 0
    assert sorted(p.relative_to(linked / "out").as_posix() for p in (linked / "out").rglob("*.json")
                  if not p.name.startswith(".")) == ["own/审判辅助人员经费.json"]


# ------------------------------------------------------------------------------- what 框架 may name

_OPENED: list[str] = []
_WATCHING: list[bool] = []


def _audit(event: str, args: tuple) -> None:
    if _WATCHING and event == "open" and isinstance(args[0], str):
        _OPENED.append(args[0])
        if args[0] == "/dev/zero":  # a regression must fail the test, not fill the memory
            raise PermissionError(args[0])


sys.addaudithook(_audit)  # hooks cannot be removed: this one records only while a test watches


@pytest.mark.parametrize("named", ["/dev/zero", "../x.toml", "x.toml"])
def test_a_framework_named_by_a_path_is_not_opened(tmp_path: Path, named: str) -> None:
    import perfdsl

    (tmp_path / "x.toml").write_text((ROOT / "perfdsl" / "frameworks" / "national-2021.toml").read_text(
        encoding="utf-8"), encoding="utf-8")
    (tmp_path / "specs").mkdir()
    path = tmp_path / "specs" / "a.perf"
    path.write_text(GOOD.replace("年度 2020\n", f"年度 2020\n框架 {named}\n", 1), encoding="utf-8")
    spec = perfdsl.load(path)
    _OPENED.clear()
    _WATCHING.append(True)
    try:
        codes = [d.code for d in perfdsl.check(spec)]
        pages = [perfdsl.render(spec, kind) for kind in ("text", "html", "md")]
    finally:
        _WATCHING.clear()
    assert "C101" in codes  # no framework of that name: said, as for any unknown name
    assert all(pages)
    assert not [p for p in _OPENED if p == "/dev/zero" or p.endswith("x.toml")], _OPENED


def test_diff_says_which_links_it_did_not_follow(linked: Path) -> None:
    done = perfdsl("diff", "specs", "specs", cwd=linked)
    said = [line for line in done.stderr.splitlines() if "[P000]" in line]
    outside = str(linked / "outside")
    assert said == 2 * [  # once for each side
        f"specs/elsewhere:1:1: warning[P000]: the link leads out of the folder given, to {outside}; "
        "it was not read",
        f"specs/file.perf:1:1: warning[P000]: the link leads out of the folder given, to {outside}/broken.perf; "
        "it was not read",
    ], done.stderr
    assert done.returncode == 0, done.stderr
