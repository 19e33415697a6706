"""The schema of a semantic diff: frozen pydantic models, dumped as the JSON of `perfdsl diff --format json`.

`diff_compare.py` builds them, `diff_render.py` prints them; `docs/diff.md` documents them field by field (a test
keeps the two in step). Change them only together with `SCHEMA_VERSION`: within a version, fields are only
ever added.
"""

from __future__ import annotations

from decimal import Context, Decimal, localcontext
from enum import Enum
from typing import Annotated, Final, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

from .. import ast
from .match import plain, target_text
from ..syntax.values import write_target

SCHEMA_VERSION: Final = 1

EXACT = Context(prec=100)
"""The context of the diff's sums, differences and percentages. The parser bounds every amount to 24 digits
(values.MAX_WHOLE_DIGITS before the point, MAX_DECIMALS after), so here they stay exact for any number of
projects; Decimal's default 28 digits would round a large sum and refuse to round a large percentage."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Direction(str, Enum):
    """How a target moved, read through its comparator (a target is the set of values it accepts)."""

    raised = "raised"
    """Stricter: the new target accepts fewer values (`>= 90%` -> `>= 95%`, `<= 5%` -> `<= 3%`, `>=` -> `>`)."""
    lowered = "lowered"
    """Looser: the new target accepts more values (`= 100%` -> `>= 98%`)."""
    changed = "changed"
    """Neither contains the other (`= 100%` -> `= 98%`), or a number became a word or the reverse."""
    unit = "unit"
    """The unit changed (`<= 24小时` -> `<= 2天`): the numbers cannot be compared."""
    word = "word"
    """A qualitative word changed (`合理` -> `规范`)."""


class Goal(_Model):
    """A target, without its layout: either comparator+value+unit or a word."""

    comparator: str | None = None
    value: Decimal | None = None
    unit: str = ""
    word: str | None = None

    @classmethod
    def of(cls, target: ast.Target) -> Goal:
        if target.kind == "quantitative":
            return cls(comparator=target.comparator, value=plain(target.value), unit=target.unit)
        # a word, a date or a period is compared as the source writes it
        return cls(word=target.word if target.kind == "qualitative" else write_target(target))

    @property
    def text(self) -> str:
        return target_text(self.comparator, self.value, self.unit, self.word)


Section = tuple[str, str]
"""(一级, 二级) as written in the file the edit refers to (the new one for pairs)."""


class IndicatorAdded(_Model):
    kind: Literal["indicator_added"] = "indicator_added"
    section: Section
    name: str
    target: Goal


class IndicatorRemoved(_Model):
    kind: Literal["indicator_removed"] = "indicator_removed"
    section: Section
    name: str
    target: Goal


class TargetChanged(_Model):
    kind: Literal["target_changed"] = "target_changed"
    section: Section
    name: str
    old: Goal
    new: Goal
    direction: Direction


class IndicatorMoved(_Model):
    """Same name, another section; the target may have changed too (`direction` is then set)."""

    kind: Literal["indicator_moved"] = "indicator_moved"
    name: str
    old_section: Section
    new_section: Section
    old: Goal
    new: Goal
    direction: Direction | None = None


class IndicatorRenamed(_Model):
    """A similar name (`similarity`: difflib ratio, 0..1) took the place of one that went away."""

    kind: Literal["indicator_renamed"] = "indicator_renamed"
    old_name: str
    new_name: str
    similarity: float
    old_section: Section
    new_section: Section
    old: Goal
    new: Goal
    direction: Direction | None = None


class AttributeChanged(_Model):
    """An indicator attribute of national tables (分值, 性质, 标准, 解释)."""

    kind: Literal["attribute_changed"] = "attribute_changed"
    section: Section
    name: str
    field: str
    old: str | None
    new: str | None


SOURCE_BLOCKS = ("sources", "adjusted_sources", "executed_sources")
"""`field` of a change of one source of the year's funds is its block and name: `sources.财政拨款` (年初),
`adjusted_sources.财政拨款` (全年预算), `executed_sources.财政拨款` (全年执行)."""
SCORE_FIELD = "computed_score"
"""`field` of a change of the total the rules give a self-evaluation (`perfdsl score`), beside the stated one."""
LEVEL1_FIELD = "level1."
"""`field` of a change of a 一级's 分值: `level1.产出指标`."""


class BudgetChanged(_Model):
    kind: Literal["budget_changed"] = "budget_changed"
    field: str
    old: Decimal | None
    new: Decimal | None
    delta: Decimal | None
    percent: Decimal | None
    """Change relative to `old`, in per cent rounded to 0.1; null when either side is missing or old is 0."""

    @classmethod
    def of(cls, field: str, old: Decimal | None, new: Decimal | None) -> BudgetChanged:
        with localcontext(EXACT):
            old, new = (plain(x) if x is not None else None for x in (old, new))
            delta = new - old if old is not None and new is not None else None
            percent = (delta * 100 / old).quantize(Decimal("0.1")) if delta is not None and old else None
        return cls(field=field, old=old, new=new, delta=delta, percent=percent)


class FieldChanged(_Model):
    """A header field (年度, 类别, 开始, …): values as the canonical spelling (dates ISO, 是/否)."""

    kind: Literal["field_changed"] = "field_changed"
    field: str
    old: str | None
    new: str | None


class TextOp(_Model):
    """One step of a character-level edit script: `equal` text, text `delete`d, `insert`ed or `replace`d."""

    op: Literal["equal", "delete", "insert", "replace"]
    old: str
    new: str


class TextChanged(_Model):
    """A prose section edited; paragraphs are joined with a newline. Joining `old`s (`new`s) of `ops` gives
    the old (new) text."""

    kind: Literal["text_changed"] = "text_changed"
    field: str
    ops: tuple[TextOp, ...]


Edit = Annotated[Union[FieldChanged, BudgetChanged, TextChanged, TargetChanged, IndicatorAdded, IndicatorRemoved,
                       IndicatorMoved, IndicatorRenamed, AttributeChanged], Field(discriminator="kind")]


class ProjectAdded(_Model):
    kind: Literal["project_added"] = "project_added"
    unit: str | None
    name: str
    year: int | None
    file: str
    indicators: int
    budget: Decimal | None
    """当年预算."""


class ProjectRemoved(_Model):
    kind: Literal["project_removed"] = "project_removed"
    unit: str | None
    name: str
    year: int | None
    file: str
    indicators: int
    budget: Decimal | None


class ProjectChanged(_Model):
    """A project found on both sides. `similarity`/`overlap` are set when it was paired although its name
    changed: how alike the names are and the share of indicator names the two versions have in common."""

    kind: Literal["project_changed"] = "project_changed"
    unit: str | None
    old_name: str
    new_name: str
    old_year: int | None
    new_year: int | None
    old_file: str
    new_file: str
    similarity: float | None = None
    overlap: float | None = None
    edits: tuple[Edit, ...] = ()


ProjectEdit = Annotated[Union[ProjectAdded, ProjectRemoved, ProjectChanged], Field(discriminator="kind")]


class Diff(_Model):
    version: Literal[1] = SCHEMA_VERSION
    old: str
    """What was compared, as given on the command line."""
    new: str
    projects: tuple[ProjectEdit, ...] = ()
    unchanged: tuple[str, ...] = ()
    """Names of the projects found on both sides with no change."""
    totals: BudgetChanged | None = None
    """当年预算 summed over every project of each side."""

    @property
    def empty(self) -> bool:
        return not self.projects
