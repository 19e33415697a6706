"""The benchmark script runs end to end on a tiny corpus (a smoke test: its figures are not judged here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_benchmark_runs_and_reports_every_figure() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--projects", "20", "--repeat", "1",
                        "--markdown"], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    for figure in ("throughput", "parallel build", "incremental build", "start-up", "memory"):
        assert f"| {figure}" in r.stdout
    assert "identical to cold: True" in r.stdout


def test_the_query_benchmark_runs_and_reports_its_figures() -> None:
    pytest.importorskip("duckdb")
    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "query.py"), "--projects", "5"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "10 projects" in r.stdout and "x check, exit 0" in r.stdout
    for figure in ("perfdsl export", "DuckDB load", "the query"):
        assert figure in r.stdout
