"""`perfdsl import` writes every file or none: colliding names, long names and folders it cannot write are
reported before anything is written, and a write that fails half-way leaves the folder as it was."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import unicodedata
from pathlib import Path
from typing import Iterator

import pytest

from perfdsl.build import safe_name
from perfdsl.cli import import_
from perfdsl.syntax.parser import parse
from tests.conftest import ROOT, SEED, run_cli

CLI = ROOT / "tests" / "import" / "cli"
SEED_FILES = sorted(p.name for p in (ROOT / "specs" / "2020").iterdir())


def seed_with(tmp_path: Path, *renames: tuple[str, str]) -> Path:
    """The seed document with project names changed (each `old -> new` once)."""
    text = SEED.read_text(encoding="utf-8")
    for old, new in renames:
        assert f"项目名称： {old} " in text
        text = text.replace(f"项目名称： {old} ", f"项目名称： {new} ", 1)
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return path


def listing(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_names_that_make_one_file_are_refused_naming_both_tables(capsys, tmp_path: Path, golden) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = run_cli(capsys, "import", "tests/import/cli/colliding_names.txt", "-o", str(out))
    # the tables whose names collide are not written; the others are
    assert code == 1 and sorted(listing(out)) == ["信息化新建.perf", "信息化运维.perf"]
    golden(CLI / "colliding_names.out", stdout)
    assert stderr.endswith("部分内容未导入（见上文）；其余项目已写入\n")


def test_two_versions_of_one_table_in_a_document_are_refused(capsys, tmp_path: Path) -> None:
    first = SEED.read_text(encoding="utf-8").split("\n 财政项目支出绩效目标表\n")[0]
    doc = tmp_path / "two.txt"
    doc.write_text(first + "\n" + first.replace("10,144,000", "10,200,000"), encoding="utf-8")
    code, stdout, _ = run_cli(capsys, "--lang", "en", "import", str(doc), "-o", str(tmp_path / "out"))
    assert code == 1 and not (tmp_path / "out").exists()
    head = stdout.split("\n")[0]
    second = first.count("\n") + 1 + 7
    assert head == (f"{doc}:{second}:1: error[I007]: the projects `审判辅助人员经费` ({doc}:{second}) and "
                    f"`审判辅助人员经费` ({doc}:7) would both be written to 审判辅助人员经费.perf; neither is written")
    assert f"  {doc}:7:1: the project `审判辅助人员经费` is here" in stdout


def test_the_same_project_in_two_input_files_is_refused(capsys, tmp_path: Path) -> None:
    code, stdout, _ = run_cli(capsys, "import", str(SEED), str(SEED), "-o", str(tmp_path / "out"))
    assert code == 1 and stdout.count("[I007]") == 4 and not (tmp_path / "out").exists()


@pytest.mark.parametrize("names", [("Ab", "aB"), ("é", unicodedata.normalize("NFD", "é")), ("a/b", "a\\b")])
def test_names_that_differ_in_case_or_normal_form_collide(capsys, tmp_path: Path, names: tuple[str, str]) -> None:
    doc = seed_with(tmp_path, ("审判辅助人员经费", names[0]), ("审判执行业务费", names[1]))
    code, stdout, _ = run_cli(capsys, "import", str(doc), "-o", str(tmp_path / "out"))
    assert code == 1 and stdout.count("[I007]") == 1
    assert sorted(listing(tmp_path / "out")) == ["信息化新建.perf", "信息化运维.perf"]


def test_colliding_names_can_be_numbered_when_asked(capsys, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, stderr = run_cli(capsys, "import", "--number-duplicates", "tests/import/cli/colliding_names.txt",
                              "-o", str(out))
    assert code == 0, stderr
    assert sorted(listing(out)) == ["信息化_运维(2).perf", "信息化_运维.perf", "信息化新建.perf", "信息化运维.perf"]
    spec, diags = parse((out / "信息化_运维(2).perf").read_text(encoding="utf-8"), "x.perf")
    assert diags == [] and spec.projects[0].name == "信息化:运维"


def test_a_numbered_name_never_takes_the_name_of_another_table(capsys, tmp_path: Path) -> None:
    doc = seed_with(tmp_path, ("审判辅助人员经费", "x"), ("审判执行业务费", "x"), ("信息化新建", "x(2)"))
    code, _, stderr = run_cli(capsys, "import", "--number-duplicates", str(doc), "-o", str(tmp_path / "out"))
    assert code == 0, stderr
    assert sorted(listing(tmp_path / "out")) == ["x(2).perf", "x(3).perf", "x.perf", "信息化运维.perf"]
    assert "项目 x(2) {" in (tmp_path / "out" / "x(2).perf").read_text(encoding="utf-8")


def test_a_long_project_name_is_cut_by_bytes_as_build_cuts_it(capsys, tmp_path: Path) -> None:
    long = "审" * 100  # 300 bytes in UTF-8: more than any file system takes for a name
    doc = seed_with(tmp_path, ("审判辅助人员经费", long))
    code, _, stderr = run_cli(capsys, "import", str(doc), "-o", str(tmp_path / "out"))
    assert code == 0, stderr
    files = listing(tmp_path / "out")
    assert sorted(files) == sorted([safe_name(long) + ".perf", *(f for f in SEED_FILES if f != "审判辅助人员经费.perf")])
    assert all(len(name.encode("utf-8")) <= 255 for name in files)
    assert f"项目 {long} {{".encode("utf-8") in files[safe_name(long) + ".perf"]


# ------------------------------------------------------------------------------ folders that cannot be used

def test_an_output_folder_under_a_regular_file(capsys, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = tmp_path / "file" / "sub"
    code, stdout, stderr = run_cli(capsys, "--lang", "en", "import", str(SEED), "-o", str(out))
    assert code == 2 and stdout == ""
    assert stderr == f"cannot use {out} as the output folder: {tmp_path / 'file'} is a file\nno file written\n"
    assert (tmp_path / "file").read_text(encoding="utf-8") == "x"


def test_an_output_that_is_a_regular_file(capsys, tmp_path: Path) -> None:
    out = tmp_path / "file"
    out.write_text("x", encoding="utf-8")
    code, _, stderr = run_cli(capsys, "--lang", "en", "import", str(SEED), "-o", str(out))
    assert code == 2
    assert stderr == f"cannot use {out} as the output folder: {out} is a file\nno file written\n"
    assert out.read_text(encoding="utf-8") == "x"


def test_an_output_file_that_is_a_folder(capsys, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "信息化运维.perf").mkdir(parents=True)
    code, _, stderr = run_cli(capsys, "--lang", "en", "import", str(SEED), "-o", str(out))
    assert code == 1
    assert stderr == (f"{out / '信息化运维.perf'} is a folder, so the imported project cannot be written "
                      f"there\nno file written\n")
    assert listing(out) == {}


def test_every_existing_file_with_other_content_is_named(capsys, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("信息化运维.perf", "信息化新建.perf"):
        (out / name).write_text("# mine\n", encoding="utf-8")
    code, _, stderr = run_cli(capsys, "--lang", "en", "import", str(SEED), "-o", str(out))
    assert code == 1
    assert stderr == "".join(f"file exists with other content: {out / n} (use --force to overwrite)\n"
                             for n in ("信息化新建.perf", "信息化运维.perf")) + "no file written\n"
    assert set(listing(out).values()) == {b"# mine\n"}


# ---------------------------------------------------------------------------- a write that fails half-way

def _failing_after(count: int, real):  # type: ignore[no-untyped-def]
    calls = []

    def fake(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        if len(calls) > count:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    return fake


@pytest.mark.parametrize("step", ["write_staged", "publish"])
def test_a_failed_write_leaves_the_folder_as_it_was(capsys, tmp_path: Path, monkeypatch, step: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "信息化运维.perf").write_text("# mine\n", encoding="utf-8")
    (out / "notes.txt").write_text("keep\n", encoding="utf-8")
    before = listing(out)
    monkeypatch.setattr(import_, step, _failing_after(2, getattr(import_, step)))
    code, _, stderr = run_cli(capsys, "--lang", "en", "import", "--force", str(SEED), "-o", str(out))
    assert code == 1
    failed = out / "信息化新建.perf"  # the third table of the seed
    assert stderr.startswith("cannot write ") and "No space left on device" in stderr, stderr
    assert stderr.endswith("no file written\n")
    assert listing(out) == before and str(failed) in stderr


def test_a_failed_write_removes_the_folders_it_made(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(import_, "write_staged", _failing_after(1, import_.write_staged))
    code, _, _ = run_cli(capsys, "import", str(SEED), "-o", str(tmp_path / "new" / "out"))
    assert code == 1 and list(tmp_path.iterdir()) == []


@contextlib.contextmanager
def small_disk(folder: Path, options: str) -> Iterator[Path]:
    """A memory file system mounted at `folder` with `options` (`size=12k`, `ro`); root only."""
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a file system needs root")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_leaves_nothing_behind(capsys, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "size=12k") as disk:
        (disk / "信息化运维.perf").write_text("# mine\n", encoding="utf-8")
        before = listing(disk)
        code, stdout, stderr = run_cli(capsys, "--lang", "en", "import", "--force", str(SEED), "-o", str(disk))
        after = listing(disk)
    assert code == 1 and stdout == "" and after == before
    assert "No space left on device" in stderr and stderr.startswith(f"cannot write {disk}"), stderr


def test_a_folder_that_cannot_be_written(capsys, tmp_path: Path) -> None:
    """Permissions do not stop root: a read-only file system does."""
    with small_disk(tmp_path / "ro", "ro") as folder:
        code, _, stderr = run_cli(capsys, "--lang", "en", "import", str(SEED), "-o", str(folder / "out"))
        assert listing(folder) == {} and not (folder / "out").exists()
    assert code == 1 and stderr == f"cannot write {folder / 'out'}: Read-only file system\nno file written\n"


def test_imported_files_read_back_as_imported(capsys, tmp_path: Path) -> None:
    """What is written is what was read (the guard against partial writes must not change the content)."""
    code, _, _ = run_cli(capsys, "import", str(SEED), "-o", str(tmp_path))
    assert code == 0
    files = listing(tmp_path)
    assert sorted(files) == SEED_FILES
    for name, data in files.items():
        # the committed files carry one title comment above the imported text
        committed = (ROOT / "specs" / "2020" / name).read_text(encoding="utf-8").split("\n", 1)[1]
        assert data.decode("utf-8") == committed, name
