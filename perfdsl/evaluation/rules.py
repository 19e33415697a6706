"""Rule sets of `perfdsl score`: how an actual value becomes a score, and a total a grade.

The default is the central one, as the notes of the 项目支出绩效自评表 (财预〔2020〕10号) state it; a province that
scores otherwise names another set in `perfdsl.toml` (`[score] rules = "linear-reverse"`) and may change any
figure of it there. docs/score.md lists every set and figure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

D = Decimal


@dataclass(frozen=True)
class Band:
    """The share of its 分值 a 定性 indicator of one grade may score: `low` ≤ share ≤ `high` (per cent)."""

    grade: str
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class RuleSet:
    name: str
    budget_points: Decimal = D(10)
    """分值 of 预算执行 when the 预算 block states none."""
    indicator_points: Decimal = D(90)
    """What the indicators share when no 分值 is given."""
    reverse: Literal["ratio", "linear"] = "ratio"
    """反向 indicators over their cap: `ratio` scores 指标值/实际 × 分值; `linear` falls from the full 分值 at the cap
    to 0 at twice the cap."""
    positive: Literal["ratio", "linear"] = "ratio"
    """正向 indicators under their floor: `ratio` scores 实际/指标值 × 分值; `linear` falls from the full 分值 at the
    floor to 0 at `positive_zero` per cent of it."""
    positive_zero: Decimal = D(0)
    bands: tuple[Band, ...] = (
        Band("达成", D(80), D(100)),
        Band("部分达成并具有一定效果", D(60), D(80)),
        Band("未达成且效果较差", D(0), D(60)),
    )
    grades: tuple[tuple[str, Decimal], ...] = (("优", D(90)), ("良", D(80)), ("中", D(60)), ("差", D(0)))
    """The grade of a total: the first whose floor it reaches."""
    lights: tuple[Decimal, Decimal, Decimal] = (D(60), D(80), D(120))
    """Monitoring of a 正向 figure, done against expected (per cent): below the first red, below the second
    yellow, up to the third green, above it blue."""
    decimals: int = 2
    """Every score is rounded half up to this many places, as forms print them; totals add the rounded scores."""

    def band(self, grade: str) -> Band | None:
        return next((b for b in self.bands if b.grade == grade), None)

    def grade(self, total: Decimal) -> str:
        return next(name for name, floor in self.grades if total >= floor)


CENTRAL = RuleSet("central-2020")
"""财预〔2020〕10号: 预算执行率 × 10; 正向 实际/指标值 × 分值 and 反向 指标值/实际 × 分值, both capped at 分值."""

RULE_SETS: dict[str, RuleSet] = {
    CENTRAL.name: CENTRAL,
    # several provinces' notes: a cap overrun costs its points in proportion, none left at twice the cap
    "linear-reverse": replace(CENTRAL, name="linear-reverse", reverse="linear"),
}
DEFAULT_RULES = CENTRAL.name

TUNABLE = ("budget_points", "indicator_points", "reverse", "positive", "positive_zero", "decimals")
"""Figures a configuration may change of the set it names (`budget-points = 15`)."""


def rule_set(name: str, changes: dict[str, Any] | None = None) -> RuleSet:
    """The named set with a configuration's changes (already validated)."""
    base = RULE_SETS[name]
    return replace(base, **changes) if changes else base
