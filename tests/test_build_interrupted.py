"""`perfdsl build` stopped from outside or starved: SIGTERM (what `timeout` and a cancelled CI job send), the
parent killed outright, a full disk. Whatever happens, no staging folder stays, no worker outlives its build,
no output is left half-written, and the user reads a sentence, not a traceback."""

from __future__ import annotations

import contextlib
import fcntl
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from perfdsl.build import Options, build
from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus  # noqa: E402

SPEC = ROOT / "specs" / "2020" / "审判辅助人员经费.perf"


def start(*args: str, **kwargs: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "perfdsl", "--lang", "en", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]


def stages(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".perfdsl-stage-")) if out.exists() else []


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    write_corpus(root, 60)
    return root


# ------------------------------------------------------------------------------------------------- SIGTERM

def test_sigterm_at_any_moment_leaves_no_staging_folder(corpus: Path, tmp_path: Path) -> None:
    began = time.monotonic()
    whole = start("build", str(corpus), "-o", str(tmp_path / "whole"))
    whole.communicate(timeout=120)
    length = time.monotonic() - began  # the moments are drawn over a whole build, however fast this machine
    rng = random.Random(143)
    stopped = 0
    for attempt in range(24):
        out = tmp_path / f"out{attempt}"
        jobs = "2" if attempt % 2 else "1"
        # `timeout` and CI runners signal the whole process group; `kill PID` the parent alone
        group = attempt % 4 >= 2
        proc = start("build", str(corpus), "-o", str(out), "--jobs", jobs, start_new_session=group)
        time.sleep(rng.uniform(0, length))
        (os.killpg if group else os.kill)(proc.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert b"Traceback" not in err, err.decode()
        # done; stopped in order; or stopped while Python was starting, before perfdsl could do anything
        assert proc.returncode in (0, 143, -signal.SIGTERM), (attempt, proc.returncode)
        stopped += proc.returncode == 143
        assert stages(out) == [] and list(out.glob("**/*.tmp")) == [], attempt
    assert stopped >= 6, "too few builds were stopped midway to show anything"


def test_a_staging_folder_left_by_a_killed_build_is_removed_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = out / ".perfdsl-stage-killed"
    (stale / "sub").mkdir(parents=True)
    (stale / "12345-0").write_text("a staged output nobody published", encoding="utf-8")
    (stale / ".lock").touch()  # its build is gone: nobody holds the lock
    old = out / ".perfdsl-stage-abc123"  # from a perfdsl without locks, long ago
    old.mkdir()
    os.utime(old, (1_000_000_000, 1_000_000_000))
    running = out / ".perfdsl-stage-running"
    running.mkdir()
    (running / ".lock").touch()
    with _locked(running / ".lock"):  # a build into the same folder at this moment
        report = build([str(SPEC)], str(out), Options(formats=("text",)))
        assert report.errors == 0
        assert stages(out) == [".perfdsl-stage-running"]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "rb") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


# ---------------------------------------------------------------------------------- the parent killed

def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended; only its parent's wait is missing


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc")
def test_workers_end_with_a_parent_killed_outright(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 400)
    proc = start("build", str(corpus), "-o", str(tmp_path / "out"), "--jobs", "2")
    deadline = time.monotonic() + 60
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert len(workers) >= 2, "the build ended before its workers could be seen"
    proc.kill()
    proc.wait(timeout=10)
    # a CI step reads the build's output until it ends: every process holding the pipe must be gone
    deadline = time.monotonic() + 10
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, deadline - time.monotonic()))
        if ready and not os.read(proc.stdout.fileno(), 65536):
            break
    else:
        pytest.fail("the standard output of the killed build never reached its end")
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)
    proc.stdout.close()
    proc.stderr.close()  # type: ignore[union-attr]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc")
def test_a_worker_killed_alone_stops_the_build_with_a_sentence(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = start("build", str(corpus), "-o", str(out), "--jobs", "2")
    deadline = time.monotonic() + 60
    while not _children(proc.pid) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    os.kill(_children(proc.pid)[0], signal.SIGKILL)  # as the system does when memory runs out
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "Traceback" not in err.decode(), err.decode()
    assert "a build worker process ended unexpectedly (killed, or out of memory); nothing was written" in err.decode()
    assert stages(out) == [] and [p for p in out.rglob("*") if not p.name.startswith(".")] == []


# ----------------------------------------------------------------------------------------- a full disk

@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(disk)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small file system here: " + done.stderr.decode(errors="replace"))
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_full_disk_is_a_sentence_and_leaves_no_partial_output(small_disk: Path, corpus: Path) -> None:
    out = small_disk / "out"
    proc = start("build", str(corpus), "-o", str(out))
    _, err = proc.communicate(timeout=120)
    text = err.decode()
    assert proc.returncode == 1 and "Traceback" not in text, text
    assert "No space left on device" in text
    assert stages(out) == [] and [p for p in out.rglob("*.tmp")] == []
    # what was written is whole: each output is one of a cold build's into a roomy folder
    roomy = small_disk.parent / "roomy"
    build([str(corpus)], str(roomy))
    for p in out.rglob("*"):
        if p.is_file() and not p.name.startswith("."):
            assert p.read_bytes() == (roomy / p.relative_to(out)).read_bytes(), p


def test_an_output_folder_that_cannot_be_written_is_a_usage_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=16k", "tmpfs", str(locked)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a read-only file system here")
    try:
        for out in (locked, locked / "out"):
            proc = start("build", str(SPEC), "-o", str(out))
            _, err = proc.communicate(timeout=60)
            assert proc.returncode == 2 and b"Traceback" not in err
            assert f"cannot write {out}: Read-only file system" in err.decode()
    finally:
        subprocess.run(["umount", str(locked)], check=True)


def test_a_sigterm_that_lands_where_python_drops_exceptions_still_stops_the_command(tmp_path: Path) -> None:
    # A handler's exception raised in a finaliser (or an at-fork callback) is printed and dropped by Python;
    # the command must stop all the same, quietly.
    script = """
import os, signal, sys, time
import perfdsl.cli.check as check

class Finalised:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):
            pass  # the handler runs here, inside __del__

def run(args):
    Finalised()
    for _ in range(100):
        time.sleep(0.01)
    return 0

check.run = run
from perfdsl.cli import main
sys.exit(main(["check", "x.perf"]))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (done.returncode, done.stderr) == (143, "")


def test_an_output_folder_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    taken = tmp_path / "out"
    taken.write_text("a file, not a folder", encoding="utf-8")
    proc = start("build", str(SPEC), "-o", str(taken))
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.decode() == f"the output folder {taken} is a file, not a folder; choose another output folder\n"
    assert taken.read_text(encoding="utf-8") == "a file, not a folder"
