"""The user's private cache (Lark's tables, Jinja's compiled templates): used only when nobody else can
write to it, and a damaged entry is made anew instead of breaking every run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

import perfdsl
from perfdsl.syntax import lexicon
from perfdsl.backends import env as template_env
from tests.conftest import ROOT

SPEC = ROOT / "specs" / "2020" / "审判辅助人员经费.perf"


def _forget() -> None:
    """What this process holds from the cache: the next use reads the cache folder again."""
    template_env.environment.cache_clear()
    lexicon.parser.cache_clear()
    lexicon._lexicon.cache_clear()


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    _forget()
    yield tmp_path / "xdg" / "perfdsl"
    monkeypatch.undo()
    _forget()


def html() -> str:
    _forget()
    return perfdsl.render(perfdsl.load(SPEC), "html")


def lark_tables() -> list[str]:
    """The parser's rules as Lark gives them, the cached parser's included."""
    _forget()
    return sorted(str(rule) for rule in lexicon.parser().rules)


def entries(cache: Path, prefix: str) -> list[Path]:
    return sorted(p for p in cache.iterdir() if p.name.startswith(prefix))


# ------------------------------------------------------------------------------------ who may write it

@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702])
def test_a_cache_folder_others_may_write_to_is_not_used(cache: Path, mode: int) -> None:
    cache.mkdir(parents=True)
    cache.chmod(mode)
    out = cache.parent.parent / "out"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache.parent), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "perfdsl", "build", str(SPEC), "-o", str(out)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (out / "审判辅助人员经费.html").is_file()
    assert list(cache.iterdir()) == []  # nothing kept there, and so nothing read from there


def test_a_cache_folder_of_another_user_is_not_used(cache: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("only root can give a folder away")
    cache.mkdir(parents=True, mode=0o700)
    os.chown(cache, 65534, 65534)
    assert html() == html()
    assert list(cache.iterdir()) == []


def _planted_template(cache: Path, text: str) -> Path:
    """A well-formed entry for the project page whose code prints `text`, as the user's own run would
    keep it (readable and writable by the user only)."""
    env = template_env.environment("html")
    name = "html/project.html.jinja"
    source, filename, _ = env.loader.get_source(env, name)
    cached = env.bytecode_cache
    bucket = cached.get_bucket(env, name, filename, source)
    bucket.code = env.compile(text, name, filename)
    cached.dump_bytecode(bucket)
    [entry] = [p for p in entries(cache, "template-") if p.stat().st_mtime_ns == max(
        q.stat().st_mtime_ns for q in entries(cache, "template-"))]
    return entry


def test_a_template_entry_others_may_write_to_is_not_loaded(cache: Path) -> None:
    page = html()
    entry = _planted_template(cache, "planted")
    assert html() == "planted"  # the user's own entry is used: this is what the check below must stop
    entry = _planted_template(cache, "planted")
    entry.chmod(0o666)
    assert html() == page
    if os.getuid() == 0:
        entry = _planted_template(cache, "planted")
        os.chown(entry, 65534, 65534)
        assert html() == page


def test_a_lark_entry_others_may_write_to_is_not_loaded(cache: Path) -> None:
    from perfdsl.resources import read_cached, write_cached

    right = lark_tables()
    [entry] = entries(cache, "parser-")
    tampered = read_cached(entry.name).replace(b"indicator", b"indicatos")
    write_cached(entry.name, tampered)
    assert lark_tables() != right  # the user's own entry is used: this is what the check below must stop
    write_cached(entry.name, tampered)
    entry.chmod(0o646)
    assert lark_tables() == right
    entry.unlink()
    entry.symlink_to(cache.parent / "elsewhere")
    (cache.parent / "elsewhere").write_bytes(b"")
    assert lark_tables() == right and not entry.is_symlink()


# ---------------------------------------------------------------------------------------- damaged entries

def _flip(entry: Path, old: bytes, new: bytes) -> None:
    data = entry.read_bytes()
    assert old in data and len(old) == len(new)
    entry.write_bytes(data.replace(old, new, 1))


def test_a_damaged_template_entry_is_made_anew(cache: Path) -> None:
    page = html()
    [entry] = [p for p in entries(cache, "") if b"<title>" in p.read_bytes()]
    _flip(entry, b"<title>", b"<titlE>")  # one byte of the compiled layout, in its text
    assert html() == page
    assert b"<title>" in entry.read_bytes()
    entry.write_bytes(entry.read_bytes()[:-40])  # a write cut short
    assert html() == page


def test_a_damaged_lark_entry_is_made_anew(cache: Path) -> None:
    right = lark_tables()
    [entry] = entries(cache, "parser-")
    _flip(entry, b"indicator", b"indicatos")  # one byte of a rule's name
    assert lark_tables() == right
    assert b"indicator" in entry.read_bytes() and b"indicatos" not in entry.read_bytes()
    entry.write_bytes(entry.read_bytes()[:1000])
    assert lark_tables() == right
