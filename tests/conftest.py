"""Shared test helpers: the `--update-golden` switch, the `golden` fixture and the browser fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import browser, page  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "000_0d0b306346536137.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files with actual output")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare `actual` with the golden file at `path` (or rewrite it under --update-golden)."""
    update = request.config.getoption("--update-golden")

    def check(path: Path, actual: str) -> None:
        if update or not path.exists():
            if not update:
                pytest.fail(f"missing golden file {path}; run pytest --update-golden and review the diff")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"output differs from {path.resolve().relative_to(ROOT)} (pytest --update-golden to accept)"

    return check


def run_cli(capsys: pytest.CaptureFixture[str], *args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """Run `perfdsl ARGS` in this process from the repository root, as the goldens' relative paths need (or
    from `cwd`)."""
    import os

    from perfdsl.cli import main

    back = os.getcwd()
    os.chdir(cwd or ROOT)
    try:
        code = main(["--color", "never", *args])
    finally:
        os.chdir(back)
    out, err = capsys.readouterr()
    return code, out, err
