"""`perfdsl build`: mirroring, refusals, collisions, atomic and unchanged-aware writes, parallel jobs."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from perfdsl import atomic
from perfdsl.build import MANIFEST, BuildRefused, Options, build, safe_name
from perfdsl.cli.build import Progress
from tests.conftest import ROOT

PROJECT = """项目 {name} {{
  类别 其他类
  开始 2020-01-01
  完成 2020-12-31
  政府购买服务 否
  绩效类型 其他类
  预算 {{
    总预算 100,000
    当年预算 100,000
  }}
  概况 "概况"
  立项依据 "依据"
  必要性 "必要"
  保障措施 "措施"
  实施计划 "计划"
  总目标 "目标"
  投入与管理 {{
    投入管理 {{
      预算执行率 = 100%
    }}
  }}
  产出 {{
    数量 {{
      完成率 = 100%
    }}
    成本 {{
      项目成本 <= 10万元
    }}
  }}
  效果 {{
    满意度 {{
      服务对象满意度 >= 90%
    }}
  }}
  影响力 {{
    长效管理 {{
      管理制度 健全
    }}
  }}
}}
"""


def spec(*names: str, unit: str = "某单位", year: int = 2020) -> str:
    return f"单位 {unit}\n年度 {year}\n\n" + "\n".join(PROJECT.format(name=n) for n in names)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str, cwd: Path | str = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "perfdsl", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


def tree(folder: Path) -> dict[str, bytes]:
    """The documents in a folder (the build's hidden manifest is not one)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


@pytest.fixture()
def sources(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    write(src / "a" / "two.perf", spec("甲项目", "乙项目"))
    write(src / "b" / "c" / "one.perf", spec("丙项目", year=2021))
    write(src / "notes.txt", "not a spec")
    return src


def test_the_readme_command_builds_all_four_formats_of_the_seed(tmp_path: Path) -> None:
    r = run("build", "specs/", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stdout + r.stderr
    built = tree(tmp_path / "out")
    for name in ("审判辅助人员经费", "审判执行业务费", "信息化新建", "信息化运维"):
        assert {f"2020/{name}{ext}" for ext in (".txt", ".html", ".md", ".json")} <= set(built)
    assert "index.html" in built
    last = r.stderr.strip().split("\n")[-1]
    assert re.fullmatch(r"构建完成：\d+ 个项目，写入 \d+ 个文件，0 个未变，\d+ 个警告，0 个错误，用时 [\d.]+ 秒", last)
    assert "\r" not in r.stderr  # piped: no progress bar


def test_mirrors_the_source_tree_one_output_per_project(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = build([str(sources)], str(out), Options(formats=("text", "html")))
    assert report.errors == 0 and report.projects == 3
    assert sorted(tree(out)) == ["a/乙项目.html", "a/乙项目.txt", "a/甲项目.html", "a/甲项目.txt",
                                 "b/c/丙项目.html", "b/c/丙项目.txt", "index.html"]
    page = (out / "b" / "c" / "丙项目.html").read_text(encoding="utf-8")
    assert 'href="../../index.html"' in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("2021年度") < index.index("2020年度")  # latest year first
    assert "b/c/%E4%B8%99%E9%A1%B9%E7%9B%AE.html" in index


def test_a_file_argument_builds_into_the_top_of_out(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([str(sources / "b" / "c" / "one.perf")], str(out), Options(formats=("md",)))
    assert sorted(tree(out)) == ["丙项目.md"]


def test_rebuild_is_byte_identical_and_leaves_unchanged_files_alone(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build([str(sources)], str(out))
    assert len(first.written) == 13 and first.unchanged == []
    before = tree(out)
    old = 1_000_000_000
    for p in out.rglob("*"):
        if p.is_file():
            os.utime(p, (old, old))
    again = build([str(sources)], str(out))
    assert again.written == [] and len(again.unchanged) == 13
    assert tree(out) == before
    assert all(p.stat().st_mtime == old for p in out.rglob("*") if p.is_file())
    # change one project: only its outputs are rewritten (the index does not show 类别's neighbours)
    write(sources / "b" / "c" / "one.perf", spec("丙项目", year=2021).replace("= 100%", ">= 90%"))
    third = build([str(sources)], str(out))
    assert sorted(third.written) == ["b/c/丙项目.html", "b/c/丙项目.json", "b/c/丙项目.md", "b/c/丙项目.txt"]
    assert (out / "a" / "甲项目.html").stat().st_mtime == old


def test_two_builds_into_two_folders_are_identical(sources: Path, tmp_path: Path) -> None:
    build([str(sources)], str(tmp_path / "one"))
    build([str(sources)], str(tmp_path / "two"))
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_jobs_2_gives_the_same_bytes_as_jobs_1(tmp_path: Path) -> None:
    one = run("build", "specs/", "tests/build/", "-o", str(tmp_path / "one"), "--jobs", "1")
    two = run("build", "specs/", "tests/build/", "-o", str(tmp_path / "two"), "--jobs", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stdout == two.stdout
    assert tree(tmp_path / "one") == tree(tmp_path / "two") != {}


@pytest.mark.parametrize("out", ["src", "."])
def test_refuses_an_output_folder_that_is_or_holds_a_source_folder(sources: Path, out: str) -> None:
    before = tree(sources.parent)
    r = run("build", "src", "-o", out, cwd=sources.parent)
    assert r.returncode == 2 and "src" in r.stderr and "Traceback" not in r.stderr
    assert tree(sources.parent) == before
    with pytest.raises(BuildRefused):
        build([str(sources / "a" / "two.perf")], str(sources / "a"))


def test_a_spec_with_errors_is_refused_and_nothing_is_written_for_it(sources: Path, tmp_path: Path) -> None:
    write(sources / "a" / "bad.perf", "项目 坏项目 {\n  开始 2020-13-45\n}\n")
    out = tmp_path / "out"
    write(out / "a" / "坏项目.txt", "built before")
    r = run("build", str(sources), "-o", str(out))
    assert r.returncode == 1
    assert "bad.perf:2:" in r.stdout and "[P007]" in r.stdout
    assert "1 个错误" in r.stderr
    built = tree(out)
    assert built["a/坏项目.txt"] == b"built before"  # left as it was, not rebuilt, not deleted
    assert "a/坏项目.html" not in built and "a/甲项目.html" in built and "b/c/丙项目.json" in built
    assert "index.html" not in built  # the index would leave the refused spec's old outputs out


def test_warnings_do_not_block(tmp_path: Path) -> None:
    # an indicator named like a section is only worth a warning
    write(tmp_path / "src" / "w.perf", spec("只有名称").replace("服务对象满意度 >=", "满意度 >="))
    r = run("build", str(tmp_path / "src"), "-o", str(tmp_path / "out"), "--format", "text")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "警告[" in r.stdout and "1 个警告" in r.stderr
    assert (tmp_path / "out" / "只有名称.txt").exists()


@pytest.mark.parametrize("first,second", [("同名", "同名"), ("a/b", "a_b"), ("Abc", "aBC")])
def test_two_projects_writing_one_file_is_an_error_not_an_overwrite(tmp_path: Path, first: str,
                                                                    second: str) -> None:
    src = tmp_path / "src"
    write(src / "one.perf", spec(f'"{first}"', "其他"))
    write(src / "two.perf", spec(f'"{second}"'))
    out = tmp_path / "out"
    r = run("build", str(src), "-o", str(out), "--format", "text,json")
    assert r.returncode == 1
    if first == second:
        # the very same project twice: refused as `perfdsl check` refuses it (C108), the first one is built
        assert "[C108]" in r.stdout and "two.perf" in r.stdout
        assert sorted(tree(out)) == ["其他.json", "其他.txt", f"{first}.json", f"{first}.txt"]
        return
    assert "[B001]" in r.stdout and "one.perf" in r.stdout and "two.perf" in r.stdout
    assert sorted(tree(out)) == ["其他.json", "其他.txt"]


def test_a_project_named_index_does_not_overwrite_the_index_page(tmp_path: Path) -> None:
    write(tmp_path / "src" / "x.perf", spec("index", "正常"))
    report = build([str(tmp_path / "src")], str(tmp_path / "out"), Options(formats=("html",)))
    assert [d.code for d in report.diagnostics] == ["B001"]
    assert not (tmp_path / "out" / "index.html").exists() and (tmp_path / "out" / "正常.html").exists()


def test_never_deletes_files_it_did_not_create(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out / "keep.me", "mine")
    write(out / "a" / "old-project.html", "an output of a project since renamed")
    build([str(sources)], str(out))
    assert (out / "keep.me").read_text() == "mine" and (out / "a" / "old-project.html").exists()


def test_a_write_that_fails_is_reported_and_leaves_no_temp_file(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "a" / "甲项目.txt").mkdir(parents=True)  # a folder where the output should go
    r = run("build", str(sources), "-o", str(out))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "甲项目.txt" in r.stderr
    assert [p for p in out.rglob("*.tmp")] == []
    assert (out / "a" / "乙项目.txt").exists()


def test_ctrl_c_during_a_write_leaves_the_old_file_and_no_temp_file(sources: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build([str(sources)], str(out))
    write(sources / "a" / "two.perf", spec("甲项目", "乙项目").replace("其他类", "新类别"))
    before = (out / "a" / "甲项目.txt").read_bytes()

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build([str(sources)], str(out))
    assert (out / "a" / "甲项目.txt").read_bytes() == before
    assert [p.name for p in out.rglob("*") if p.name.startswith(".") and p.name != MANIFEST] == []


def test_progress_only_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = Progress(stream)
        for i in range(1, 4):
            bar(i, 3, f"f{i}.perf")
        bar.clear()
    assert pipe.getvalue() == ""
    assert tty.getvalue().count("\r") == 4 and "3/3 f3.perf" in tty.getvalue()
    assert "[" + "#" * 20 + "]" in tty.getvalue()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("build", "specs/", "-o", str(tmp_path), "--format", "rtf").returncode == 2
    assert run("build", "specs/", "-o", str(tmp_path), "--jobs", "0").returncode == 2
    assert run("build", "no/such/folder", "-o", str(tmp_path)).returncode == 2
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("name,expected", [
    ("审判辅助人员经费", "审判辅助人员经费"),
    ("../../etc/passwd", "_.._etc_passwd"),
    ("..", "_"),
    (".hidden", "hidden"),
    ('a<b>:c"d|e?f*g\\h', "a_b__c_d_e_f_g_h"),
    ("CON", "_CON"),
    ("nul.txt", "_nul.txt"),
    ("name. ", "name"),
])
def test_safe_names(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_overlong_names_are_cut_and_kept_apart() -> None:
    a, b = "项" * 200 + "甲", "项" * 200 + "乙"
    assert safe_name(a) != safe_name(b)
    assert all(len(safe_name(n).encode("utf-8")) <= 150 for n in (a, b))
    assert safe_name(a).startswith("项" * 40)


def test_check_does_not_import_jinja() -> None:
    code = ("import sys; from perfdsl.cli import main; rc = main(['check', 'specs/2020/信息化新建.perf']); "
            "print('jinja2' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.stdout.strip().split("\n")[-1] == "False", r.stdout + r.stderr


def test_the_configuration_chooses_the_framework_as_for_check(tmp_path: Path) -> None:
    src = tmp_path / "src"
    national = (ROOT / "tests" / "build" / "national.perf").read_text(encoding="utf-8")
    write(src / "n.perf", national.replace("框架 national-2015\n", ""))
    write(src / "perfdsl.toml", 'framework = "national-2015"\n')
    r = run("build", str(src), "-o", str(tmp_path / "out"), "--format", "text")
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "out" / "档案数字化加工.txt").read_text(encoding="utf-8").startswith("项目支出绩效目标表\n")


def test_a_broken_configuration_stops_the_build_before_it_starts(tmp_path: Path) -> None:
    write(tmp_path / "src" / "x.perf", spec("甲项目"))
    write(tmp_path / "src" / "perfdsl.toml", "rules = [\n")
    r = run("build", str(tmp_path / "src"), "-o", str(tmp_path / "out"))
    assert r.returncode == 2 and "perfdsl.toml" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()
    fine = write(tmp_path / "fine.toml", "")
    assert run("build", str(tmp_path / "src"), "-o", str(tmp_path / "out"), "--config", str(fine)).returncode == 0


# ------------------------------------------------------------------------------------- incremental builds

def test_an_unchanged_source_is_not_read_again(sources: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    build([str(sources)], str(out))
    read: list[str] = []
    import perfdsl.build.workers as build_workers

    real = build_workers.load_file
    monkeypatch.setattr(build_workers, "load_file", lambda path, enc=None: read.append(path) or real(path, enc))
    again = build([str(sources)], str(out))
    assert read == [] and again.skipped == 2 and again.projects == 3 and again.written == []
    write(sources / "a" / "two.perf", spec("甲项目", "乙项目").replace("= 100%", ">= 95%"))
    third = build([str(sources)], str(out))
    assert [Path(p).name for p in read] == ["two.perf"] and third.skipped == 1
    fresh = tmp_path / "fresh"
    build([str(sources)], str(fresh))
    assert tree(out) == tree(fresh), "an incremental build gives exactly what a cold one gives"


def test_what_invalidates_the_manifest(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([str(sources)], str(out))
    (out / "a" / "甲项目.html").unlink()  # an output removed by hand is built again
    assert build([str(sources)], str(out)).skipped == 1
    assert (out / "a" / "甲项目.html").exists()
    # other options, a configuration, or a damaged manifest: everything is built again
    assert build([str(sources)], str(out), Options(text_width=30)).skipped == 0
    write(sources / "perfdsl.toml", "[rules]\nC411 = \"off\"\n")
    assert build([str(sources)], str(out)).skipped == 0
    assert build([str(sources)], str(out)).skipped == 2
    (out / MANIFEST).write_text("{not json", encoding="utf-8")
    assert build([str(sources)], str(out)).skipped == 0


def test_a_source_with_errors_is_never_skipped(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    bad = write(sources / "bad.perf", "项目 坏 {\n  开始 2020-13-01\n}\n")
    first = build([str(sources)], str(out))
    assert first.errors and not any(p.startswith("坏") for p in first.written)
    second = build([str(sources)], str(out))
    assert second.errors == first.errors, "the errors are reported again, not forgotten"
    bad.unlink()


def test_a_project_given_in_two_files_is_refused_as_check_does(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write(src / "one.perf", spec("甲项目"))
    write(src / "two.perf", spec("甲项目"))
    r = run("build", str(src), "-o", str(tmp_path / "out"))
    assert r.returncode == 1 and "[C108]" in r.stdout
    assert not (tmp_path / "out" / "two").exists()


def test_the_index_follows_a_changed_budget_and_stays_when_nothing_listed_changed(sources: Path,
                                                                                   tmp_path: Path) -> None:
    out = tmp_path / "out"
    build([str(sources)], str(out))
    index = out / "index.html"
    os.utime(index, (1_000_000_000, 1_000_000_000))
    write(sources / "a" / "two.perf", spec("甲项目", "乙项目").replace("= 100%", ">= 95%"))
    assert "index.html" in build([str(sources)], str(out)).unchanged
    assert index.stat().st_mtime == 1_000_000_000
    write(sources / "a" / "two.perf", spec("甲项目", "乙项目").replace("100,000", "120,000"))
    assert "index.html" in build([str(sources)], str(out)).written
    build([str(sources)], str(tmp_path / "cold"))
    assert tree(out) == tree(tmp_path / "cold")


def test_an_output_folder_that_cannot_be_made_is_a_usage_error(tmp_path: Path) -> None:
    taken = tmp_path / "out"
    taken.write_text("a file, not a folder", encoding="utf-8")
    result = run("build", "specs/2020", "-o", str(taken))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert str(taken) in result.stderr and taken.read_text(encoding="utf-8") == "a file, not a folder"


def test_parallel_build_leaves_no_staging_behind_and_equals_a_serial_one(tmp_path: Path) -> None:
    assert run("build", "specs", "-o", str(tmp_path / "one"), "--jobs", "1").returncode == 0
    assert run("build", "specs", "-o", str(tmp_path / "two"), "--jobs", "2").returncode == 0
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*") if p.is_file()}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*") if p.is_file()}
    assert one.keys() == two.keys() and len(one) > 20
    assert all(one[k] == two[k] for k in one if k.name != ".perfdsl-build.json")
    assert not [p for p in tmp_path.rglob(".perfdsl-stage-*")]


def test_a_change_that_keeps_size_and_time_is_still_seen(sources: Path, tmp_path: Path) -> None:
    # a rewrite within the file system's clock tick keeps size and mtime: the content is hashed again
    out = tmp_path / "out"
    spec = next(sources.rglob("*.perf"))
    # modified "now" as far as the build can tell, however slow the machine: its stamp is not settled
    recent = time.time_ns() + 60 * 10**9
    os.utime(spec, ns=(recent, recent))
    build([str(sources)], str(out))
    text = spec.read_text(encoding="utf-8")
    changed = text.replace("其他类", "其它类", 1)
    assert changed != text and len(changed.encode()) == len(text.encode())
    spec.write_text(changed, encoding="utf-8")
    os.utime(spec, ns=(recent, recent))
    again = build([str(sources)], str(out))
    assert again.written, "the changed spec was not built again"


def test_a_settled_source_is_not_read_again(sources: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    old = time.time_ns() - 3600 * 10**9
    for spec in sources.rglob("*.perf"):
        os.utime(spec, ns=(old, old))
    build([str(sources)], str(out))
    read: list[str] = []
    original = Path.read_bytes

    def spy(self: Path) -> bytes:
        read.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    again = build([str(sources)], str(out))
    assert again.skipped == again.files and not [n for n in read if n.endswith(".perf")]


# ----------------------------------------------------------------------- incremental == cold, any order

@pytest.mark.parametrize("first,second", [
    (["."], ["b/c/one.perf"]),  # a folder, then one of its files: the file's outputs go to the top
    (["b/c/one.perf"], ["."]),
    (["b"], ["."]),  # two roots: b/c/one.perf builds into c/, then into b/c/
    (["."], ["b"]),
    (["a", "b/c/one.perf"], ["b/c", "a/two.perf"]),
])
def test_an_incremental_build_writes_what_a_cold_one_writes(sources: Path, tmp_path: Path,
                                                           first: list[str], second: list[str]) -> None:
    def given(paths: list[str]) -> list[str]:
        return [str(sources / p) for p in paths]

    incremental, cold, fresh = tmp_path / "incremental", tmp_path / "cold", tmp_path / "fresh"
    for out in (incremental, cold):
        build(given(first), str(out))
    (cold / MANIFEST).unlink()  # what the documentation says forces a full build
    build(given(second), str(incremental))
    build(given(second), str(cold))
    build(given(second), str(fresh))
    assert tree(incremental) == tree(cold)
    # and whatever the first build left, every file a build into an empty folder writes is there, the same
    assert tree(fresh).items() <= tree(incremental).items()


# ------------------------------------------------------------------------ links in the output folder

def test_a_link_in_the_output_folder_is_replaced_never_written_or_read_through(sources: Path,
                                                                              tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    build([str(sources)], str(out))
    built = tree(out)
    outside.mkdir()
    same, other = outside / "same.html", outside / "other.txt"
    same.write_bytes(built["a/甲项目.html"])
    other.write_text("someone else's file", encoding="utf-8")
    for name, target in (("a/甲项目.html", same), ("a/甲项目.txt", other), ("index.html", other),
                         (MANIFEST, other)):
        (out / name).unlink()
        (out / name).symlink_to(target)
    report = build([str(sources)], str(out))
    assert report.errors == 0
    assert same.read_bytes() == built["a/甲项目.html"]
    assert other.read_text(encoding="utf-8") == "someone else's file"
    assert not any(p.is_symlink() for p in out.rglob("*"))
    assert tree(out) == built


def test_a_folder_of_the_output_that_is_a_link_is_not_written_through(sources: Path, tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    (outside / "c").mkdir(parents=True)
    out.mkdir()
    (out / "b").symlink_to(outside, target_is_directory=True)
    r = run("--lang", "en", "build", str(sources), "-o", str(out))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"cannot write {out}/b/c/丙项目.txt: {out}/b is a link; outputs are not written through one" \
        in r.stderr.splitlines()
    assert list(outside.rglob("*")) == [outside / "c"]
    assert (out / "a" / "甲项目.txt").is_file()
