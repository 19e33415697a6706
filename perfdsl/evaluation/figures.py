"""What the checks and the scores both read of an evaluated indicator: which way its figure counts, an actual
in its target's unit, and whether a project carries a self-evaluation at all.

Apart from `score` (and light: no dataclass), because every file's checks ask these of every target, and a
one-file `perfdsl check` of a target table should not load the scoring.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from .. import ast
from ..syntax.vocab import NATURE_WORDS

Way = Literal["positive", "reverse", "equal"]

_UNITS: dict[str, tuple[str, Decimal]] = {
    "元": ("money", Decimal(1)), "万元": ("money", Decimal(10000)), "亿元": ("money", Decimal(100000000)),
    "分钟": ("time", Decimal(1)), "小时": ("time", Decimal(60)), "天": ("time", Decimal(1440)),
    "日": ("time", Decimal(1440)),
}
"""Units an actual may be written in when its target has another of the same dimension: these convert exactly.
工作日, 月 and the like do not (a month is no fixed number of days), and are reported instead."""


def convert(value: Decimal, unit: str, to: str) -> Decimal | None:
    """`value` in `unit` expressed in `to`; the same figure when the units agree or the actual has none; None
    when they cannot be converted safely."""
    if unit == to or not unit:
        return value
    a, b = _UNITS.get(unit), _UNITS.get(to)
    if a is None or b is None or a[0] != b[0]:
        return None
    return value * a[1] / b[1]


def has_evaluation(project: ast.Project) -> bool:
    """Whether the project carries a self-evaluation: an actual, a 不适用, or the year's execution."""
    budget = project.budget
    return ((budget is not None and budget.executed is not None)
            or any(ind.actual is not None or ind.not_applicable is not None
                   for l1 in project.sections for l2 in l1.sections for ind in l2.indicators))


def way(ind: ast.Indicator, target: ast.Quantitative) -> Way:
    """Which way a figure counts: more is better (a floor), less is better (a cap), or exactly the target."""
    if target.comparator in (">=", ">"):
        return "positive"
    if target.comparator in ("<=", "<"):
        return "reverse"
    for word in (ind.nature, ind.direction):
        if word is not None and word.value in NATURE_WORDS:
            return "positive" if NATURE_WORDS[word.value] == ">" else "reverse"
    return "equal"
