"""The Python API (`import perfdsl`): its documented examples, its types, and that importing it is light."""

from __future__ import annotations

import doctest
import importlib.metadata
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import perfdsl
from tests.conftest import ROOT


def test_module_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(perfdsl, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10 and result.failed == 0


def test_docs_api_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 20 and result.failed == 0


def test_import_perfdsl_loads_nothing_heavy() -> None:
    code = "import perfdsl, sys; print(sorted(m for m in sys.modules if m.split('.')[0] in " \
           "('perfdsl', 'pydantic', 'lark', 'jinja2')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "['perfdsl']"


def test_diff_is_a_plain_function() -> None:
    """`perfdsl.diff` is a function in every interpreter state: before and after the comparing module is
    loaded, and after `from perfdsl import diff`."""
    code = textwrap.dedent("""
        import sys, types
        import perfdsl
        if sys.argv[1] == "engine-first":
            import perfdsl.diffing.compare
        a = perfdsl.load("specs/2020/审判辅助人员经费.perf")
        b = perfdsl.load(perfdsl.render(a, "perf").replace("辅助人员流失率 <= 5%", "辅助人员流失率 <= 3%"))
        from perfdsl import diff
        from perfdsl.diffing.model import Direction
        edits = perfdsl.diff(a, b).projects[0].edits
        print(type(perfdsl.diff) is types.FunctionType, diff is perfdsl.diff, edits[0].direction is Direction.raised,
              perfdsl.diff(a, a).empty)
    """)
    for first in ("engine-first", "function-first"):
        out = subprocess.run([sys.executable, "-c", code, first], capture_output=True, text=True, cwd=ROOT)
        assert out.stdout.split() == ["True"] * 4, out.stderr


def test_no_module_changes_its_class() -> None:
    """A module is a module: swapping `__class__` (to make one callable, or give it properties) hides what
    an attribute is from readers and type checkers alike."""
    swaps = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / "perfdsl").rglob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "__class__ =" in line]
    assert swaps == []


def test_load_warnings_come_back_from_check(tmp_path: Path) -> None:
    text = "项目 a\u200b {\n  产出 {\n    数量 {\n      完成率 = 100%\n    }\n  }\n}\n"
    spec = perfdsl.load(text, name="x.perf")
    codes = [d.code for d in perfdsl.check(spec)]
    assert "P023" in codes  # the pasted zero-width space the parser warned about
    (tmp_path / "x.perf").write_text(text, encoding="utf-8")
    assert "P023" in [d.code for d in perfdsl.check(perfdsl.load(tmp_path / "x.perf"))]


def test_load_refuses_what_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(perfdsl.LoadError) as missing:
        perfdsl.load(tmp_path / "none.perf")
    assert [d.code for d in missing.value.diagnostics] == ["P000"]
    (tmp_path / "gbk.perf").write_bytes("项目 甲 {\n}\n".encode("gb18030"))
    with pytest.raises(perfdsl.LoadError):
        perfdsl.load(str(tmp_path / "gbk.perf"))
    assert perfdsl.load(str(tmp_path / "gbk.perf"), encoding="gb18030").projects[0].name == "甲"


def test_check_with_a_given_configuration(tmp_path: Path) -> None:
    spec = perfdsl.load(ROOT / "specs" / "2020" / "信息化新建.perf")
    assert [d.severity.value for d in perfdsl.check(spec) if d.code == "C411"] == ["info"]  # ROOT/perfdsl.toml
    (tmp_path / "perfdsl.toml").write_text('[rules]\nC411 = "error"\n', encoding="utf-8")
    found = perfdsl.check(spec, config=tmp_path / "perfdsl.toml")
    assert [d.severity.value for d in found if d.code == "C411"] == ["error"]


def test_render_asks_for_a_project_when_there_are_several() -> None:
    two = perfdsl.load("项目 甲 {\n}\n项目 乙 {\n}\n")
    with pytest.raises(ValueError, match="甲, 乙"):
        perfdsl.render(two, "text")
    assert "乙" in perfdsl.render(two, "text", project="乙")
    with pytest.raises(ValueError, match="unknown format"):
        perfdsl.render(two, "pdf", project="甲")  # type: ignore[arg-type]


USES = """
import perfdsl
from perfdsl.ast import Spec
from perfdsl.diagnostics import Diagnostic
from perfdsl.diffing.model import Diff

spec: Spec = perfdsl.load("specs/2020/审判辅助人员经费.perf")
found: list[Diagnostic] = perfdsl.check(spec, config="perfdsl.toml")
page: str = perfdsl.render(spec, "html", project=spec.projects[0].name)
changes: Diff = perfdsl.diff(spec, [spec])
print(len(found), len(page), changes.empty, perfdsl.__version__)
"""

MISUSES = """
import perfdsl

spec = perfdsl.load("a.perf")
count: int = perfdsl.check(spec)
perfdsl.render(spec, "pdf")
perfdsl.diff(spec, "b.perf")
"""


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy", reason="mypy comes with the test extras: pip install '.[test]'")
    use = tmp_path / "use.py"
    use.write_text(source, encoding="utf-8")
    # --follow-imports=silent: the API module and the caller are held to --strict, the modules behind it
    # only lend their types
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental",
                           "--cache-dir", str(tmp_path / "cache"), "perfdsl/__init__.py", str(use)],
                          capture_output=True, text=True, cwd=ROOT, timeout=240)


def test_public_api_is_strictly_typed(tmp_path: Path) -> None:
    ok = _mypy(tmp_path, USES)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    bad = _mypy(tmp_path, MISUSES)
    errors = [line for line in bad.stdout.splitlines() if ": error:" in line]
    assert bad.returncode == 1 and len(errors) == 3, bad.stdout
    assert "list[Diagnostic]" in errors[0] and "'pdf'" in errors[1] and "Sequence[Spec]" in errors[2]


def test_package_ships_py_typed() -> None:
    assert (ROOT / "perfdsl" / "py.typed").is_file()
    try:
        files = importlib.metadata.files("perfdsl") or []
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("perfdsl is not installed (pip install '.[test]' installs it)")
    names = {str(f) for f in files}
    if not any(n.endswith("perfdsl/ast.py") for n in names):
        pytest.skip("an editable install lists no package files")
    assert "perfdsl/py.typed" in names


def test_render_perf_of_a_spec_parsed_with_errors_gives_those_errors() -> None:
    spec, found = perfdsl.parse("项目 x {\n  产出 {\n    数量 {\n      a >= 1e5000件\n    }\n  }\n}\n", "x.perf")
    with pytest.raises(perfdsl.FormatError) as e:
        perfdsl.render(spec, "perf")
    assert [d.code for d in e.value.diagnostics] == [d.code for d in found] == ["P010"]
    assert str(e.value).startswith("x.perf:4:")
