"""Finds the grammar and the templates in a source checkout and in an installed wheel.

The project keeps `grammar/` and `templates/` at the top of the repository; the wheel maps them into the
package (see pyproject.toml), so both places are looked at, the package first.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for base in (_PACKAGE, _PACKAGE.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"perfdsl is installed without its {name}/ folder")


def grammar_path() -> Path:
    return _find("grammar") / "perfdsl.lark"


def templates_dir() -> Path:
    return _find("templates")
