"""perfdsl: performance-target tables (项目支出绩效目标表) as plain text.

The small public API: `parse` text into an `ast.Spec`, `load` a file, `check` it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .parser import parse

__all__ = ["__version__", "parse"]
