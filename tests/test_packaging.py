"""The wheel carries the grammar (and templates) and works installed, non-editable, from any folder."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_installs_and_checks_from_another_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("perfdsl-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "perfdsl/grammar/perfdsl.lark" in names
    assert any(n.startswith("perfdsl/frameworks/") and n.endswith(".toml") for n in names)
    assert {"perfdsl/templates/html/style.css", "perfdsl/templates/text/project.txt.jinja"} <= set(names)
    assert "perfdsl/perfdsl.schema.json" in names
    assert {"perfdsl/checks/examples.toml", "perfdsl/checks/parse_examples.toml"} <= set(names)  # for explain
    # A venv that borrows pip and the dependencies from the environment running the tests (so the test needs
    # no network): the machine's own site-packages may have neither.
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    own = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    borrowed = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (Path(own) / "borrowed.pth").write_text("".join(f"{d}\n" for d in borrowed), encoding="utf-8")
    # --ignore-installed: the borrowed folders may hold an installed perfdsl already
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--ignore-installed", "-q", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([str(env_dir / "bin" / "perfdsl"), "check", str(ROOT / "specs")], cwd=elsewhere,
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    built = subprocess.run([str(env_dir / "bin" / "perfdsl"), "build", str(ROOT / "specs" / "2020"), "-o", "out"],
                           cwd=elsewhere, capture_output=True, text=True, env=env, timeout=120)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (elsewhere / "out" / "审判辅助人员经费.html").is_file() and (elsewhere / "out" / "index.html").is_file()
    schema = subprocess.run([str(env_dir / "bin" / "perfdsl"), "schema"], cwd=elsewhere, capture_output=True,
                            text=True, env=env, timeout=120)
    assert schema.stdout == (ROOT / "perfdsl" / "perfdsl.schema.json").read_text(encoding="utf-8"), schema.stderr
    # the named queries and the review template are package data too
    listed = subprocess.run([str(env_dir / "bin" / "perfdsl"), "query", "--list"], cwd=elsewhere,
                            capture_output=True, text=True, env=env, timeout=120)
    assert "satisfaction_below_90" in listed.stdout, listed.stderr
    if importlib.util.find_spec("duckdb") is not None:
        reviewed = subprocess.run([str(env_dir / "bin" / "perfdsl"), "review", "--format", "html",
                                   str(ROOT / "tests" / "query" / "specs"), "-o", "review"], cwd=elsewhere,
                                  capture_output=True, text=True, env=env, timeout=120)
        assert reviewed.returncode == 0 and (elsewhere / "review" / "review.html").is_file(), reviewed.stderr
    where = subprocess.run([str(python), "-c", "import perfdsl, sys; print(perfdsl.__file__)"], cwd=elsewhere,
                           capture_output=True, text=True, env=env, check=True).stdout
    assert str(env_dir) in where, "the installed copy ran, not the checkout"
