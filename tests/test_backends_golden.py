"""Golden files for every backend: `perfdsl build` of specs/2020 (the four seed projects), of the national
fixture in tests/build/, of the national-2021 spec with every header field (specs/national/校园安全改造.perf) and
of the multi-year spec with two target sets, 一级 分值 and the sources of the funds (specs/multi-year/), and of a
year's cycle with its 监控表 and 自评表 (specs/cycle/), compared file by file with tests/golden/{text,html,markdown,json}/."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdsl.build import MANIFEST, FORMATS, Options, build
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
FOLDER = {".txt": "text", ".html": "html", ".md": "markdown", ".json": "json"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every output file of one build, by its path relative to the output folder."""
    out = tmp_path_factory.mktemp("out")
    here = Path.cwd()
    try:
        import os

        os.chdir(ROOT)  # relative source paths, as a user types them
        report = build(["specs/2020", "tests/build", "specs/national/校园安全改造.perf", "specs/multi-year",
                        "specs/cycle"], str(out),
                       Options(formats=FORMATS))
    finally:
        os.chdir(here)
    assert report.errors == 0, [d.message("en") for d in report.diagnostics]
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != MANIFEST}  # the manifest records the build, it is no document


def golden_path(rel: str) -> Path:
    return GOLDEN / FOLDER[Path(rel).suffix] / rel


def test_every_output_matches_its_golden_file(built: dict[str, str], golden) -> None:
    for rel, content in built.items():
        golden(golden_path(rel), content)


def test_no_golden_file_is_left_without_an_output(built: dict[str, str]) -> None:
    expected = {golden_path(rel) for rel in built}
    present = {p for p in GOLDEN.rglob("*") if p.is_file()}
    assert present - expected == set(), "golden files no build writes any more: delete them"


def test_the_build_writes_four_formats_for_each_seed_project_and_an_index(built: dict[str, str]) -> None:
    seeds = ["信息化新建", "信息化运维", "审判执行业务费", "审判辅助人员经费"]
    expected = {f"{name}{ext}" for name in seeds for ext in (".txt", ".html", ".md", ".json")}
    assert expected <= set(built)
    assert "index.html" in built and {"档案数字化加工.txt", "档案数字化加工.html"} <= set(built)
