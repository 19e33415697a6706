"""Builds in one process: each reads its configuration afresh, so an edited perfdsl.toml counts at once
(as for the language server, a watch loop or a test suite that builds again and again)."""

from __future__ import annotations

import dataclasses
import gc
import weakref
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from perfdsl import frameworks
from perfdsl.build import Options, build

# no cost indicator: C411 (no-cost-indicator), whose level the configuration sets
SPEC = """单位 某局
年度 2021
项目 甲 {
  产出 {
    数量 {
      完成率 = 100%
    }
  }
}
"""


def _levels(tmp_path: Path, options: Options, workers: int = 1) -> list[str]:
    report = build([str(tmp_path / "src")], str(tmp_path / "out"), options, workers=workers)
    return [d.severity.value for d in report.diagnostics if d.code == "C411"]


def _sources(tmp_path: Path, files: int = 1) -> Path:
    (tmp_path / "src").mkdir()
    for i in range(files):
        (tmp_path / "src" / f"s{i}.perf").write_text(SPEC.replace("甲", f"甲{i}"), encoding="utf-8")
    return tmp_path / "src" / "perfdsl.toml"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_second_build_reads_the_edited_configuration(tmp_path: Path, workers: int) -> None:
    config = _sources(tmp_path, files=3)
    config.write_text('[rules]\nC411 = "info"\n', encoding="utf-8")
    assert _levels(tmp_path, Options(formats=("md",)), workers) == ["info"] * 3
    config.write_text('[rules]\nC411 = "error"\n', encoding="utf-8")
    assert _levels(tmp_path, Options(formats=("md",)), workers) == ["error"] * 3


def test_a_second_build_reads_the_edited_configuration_given_by_name(tmp_path: Path) -> None:
    _sources(tmp_path)
    given = tmp_path / "ci.toml"
    given.write_text('[rules]\nno-cost-indicator = "off"\n', encoding="utf-8")
    assert _levels(tmp_path, Options(formats=("md",), config=str(given))) == []
    given.write_text('[rules]\nno-cost-indicator = "warning"\n', encoding="utf-8")
    assert _levels(tmp_path, Options(formats=("md",), config=str(given))) == ["warning"]


def test_a_second_build_reads_a_configuration_made_in_between(tmp_path: Path) -> None:
    config = _sources(tmp_path)
    before = _levels(tmp_path, Options(formats=("md",)))
    config.write_text('[rules]\nC411 = "error"\n', encoding="utf-8")
    assert before != ["error"] and _levels(tmp_path, Options(formats=("md",))) == ["error"]


def test_the_default_framework_edited_between_builds(tmp_path: Path) -> None:
    config = _sources(tmp_path)

    def hints() -> list[str]:
        report = build([str(tmp_path / "src")], str(tmp_path / "out"), Options(formats=("md",)))
        return [repr(d) for d in report.diagnostics if d.code == "C411"]

    config.write_text('framework = "shanghai-2020"\n', encoding="utf-8")
    first = hints()
    config.write_text('framework = "national-2021"\n', encoding="utf-8")
    assert "成本指标 › 经济成本指标" in hints()[0] and "成本指标 › 经济成本指标" not in first[0]


def test_what_a_framework_memoises_goes_with_the_framework() -> None:
    data = dataclasses.asdict(frameworks.builtin("national-2021"))
    made = TypeAdapter(frameworks.Framework).validate_python(data)
    assert frameworks.section_spellings(made)
    gone = weakref.ref(made)
    del made
    gc.collect()
    assert gone() is None
