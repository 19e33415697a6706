"""Finds the grammar and the templates in a source checkout and in an installed wheel.

The project keeps `grammar/` and `templates/` at the top of the repository; the wheel maps them into the
package (see pyproject.toml), so both places are looked at, the package first.
"""

from __future__ import annotations

import os
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


def private_cache() -> Path | None:
    """The user's own cache folder for perfdsl (mode 0700), or None when there is none to be had.

    Caches of compiled things (Lark's tables, Jinja's template bytecode) are loaded as code, so they live
    here, never in a shared temp folder where another user could plant one, and never beside an installed
    package.
    """
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "perfdsl"
    try:
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        owner_ok = not hasattr(os, "getuid") or base.stat().st_uid == os.getuid()
        if not owner_ok or not os.access(base, os.W_OK):
            return None
    except OSError:
        return None
    return base
