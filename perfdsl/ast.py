"""The one AST of perfdsl: immutable dataclasses, every node with its source span.

Plain slotted classes, so that building the tens of thousands of nodes of a megabyte costs what a class
costs; pydantic reads the same classes only at the boundary, for the JSON Schema (`backends.json`), and is
imported only there. Immutable by type: mypy holds every pass to it (`node` tells it the classes are frozen),
and a pass that needs a changed node makes one with `dataclasses.replace`. Field names are the language's
English aliases, which are also the JSON keys. Comments are attached to the nodes they precede, so `fmt` is a
pure printer.
"""

from __future__ import annotations

import dataclasses
import datetime
import inspect
import operator
from dataclasses import field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Literal, TypeVar, Union, cast, overload

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda f: f

C = TypeVar("C", bound=type)

def _described(schema: dict[str, Any], cls: type) -> None:
    """The class's own docstring as the description of its JSON Schema, whatever pydantic writes it (2.7
    leaves it out for a dataclass; later versions put it in)."""
    doc = cls.__dict__.get("__doc__")
    if doc and not doc.startswith(cls.__name__ + "("):  # not the signature dataclasses writes in its place
        schema["description"] = inspect.cleandoc(doc)


_FORBID_EXTRA = {"extra": "forbid", "json_schema_extra": _described}
"""pydantic's configuration of every node (a plain dict: pydantic is not imported here): unknown keys are
refused, and the JSON Schema says so."""


@overload
def node(cls: C, /) -> C: ...
@overload
def node(*, kw_only: bool = True, weakref: bool = False) -> Callable[[C], C]: ...


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
def node(cls: C | None = None, /, *, kw_only: bool = True, weakref: bool = False) -> C | Callable[[C], C]:
    """Make `cls` a node: a slotted dataclass taking keyword arguments (`kw_only=False`: positional ones
    too), compared by value; `weakref`: one that can be referred to weakly.

    Not `frozen=True` at run time: a frozen dataclass sets each field through `object.__setattr__`, three
    times the cost of building a node, and the parser builds one per line and per value. The type checker
    sees frozen classes (the decorator says so), and that is where mutation is refused.
    """
    def make(cls: C) -> C:
        cls.__pydantic_config__ = _FORBID_EXTRA  # type: ignore[attr-defined]
        made: Any = dataclasses.dataclass(slots=True, kw_only=kw_only, weakref_slot=weakref, eq=False,
                                          repr=False)(cls)
        made._values = operator.attrgetter(*(f.name for f in dataclasses.fields(made)))
        made.__eq__, made.__repr__, made.__hash__ = _eq, _repr, None
        return cast(C, made)
    return make if cls is None else make(cls)


# One `__eq__` and one `__repr__` for every node, meaning what dataclasses would write for each class: the
# code dataclasses writes is compiled class by class, and that was a tenth of a one-file `perfdsl check`.
def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return self._values(self) == self._values(other)


def _repr(self: Any) -> str:
    fields = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in dataclasses.fields(self))
    return f"{type(self).__qualname__}({fields})"


@node(kw_only=False)  # the parser makes one per node: positional is shorter and faster
class Span:
    """Where a node stands in its file: 1-based lines and columns, end exclusive (as lark's tokens)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int


@node
class Comment:
    """A `#` comment, kept so that `fmt` can put it back where it was."""

    text: str
    """The comment without the leading `#` and surrounding whitespace."""
    span: Span
    blank_before: bool = False
    """A blank line separated it from what came before."""


@node
class Node:
    span: Span
    blank_before: bool = False
    """A blank line (or several) preceded this node or its leading comments."""
    comments: tuple[Comment, ...] = ()
    """Own-line comments directly above the node."""
    trailing: Comment | None = None
    """The comment at the end of the node's first line."""


@node
class Block(Node):
    end_comments: tuple[Comment, ...] = ()
    """Own-line comments after the last child, before the closing `}`."""
    end_trailing: Comment | None = None
    """The comment after the closing `}`."""


@node
class Word(Node):
    """A one-word header value such as 其他一次性项目."""

    value: str


@node
class Year(Node):
    value: int


@node
class Day(Node):
    value: datetime.date


@node
class Flag(Node):
    """是/否."""

    value: bool


@node
class Amount(Node):
    """A number; money is stored in 元 whatever unit it was written in."""

    value: Decimal


@node(kw_only=False)
class Moment:
    """A point of the calendar to the precision it was written with: a month, or a day; without a year
    (`11月底前`) it falls in the project's 年度."""

    year: int | None
    month: int
    day: int | None = None

    def first(self, year: int) -> datetime.date:
        """The first day it covers (`year` when it names none)."""
        return datetime.date(self.year or year, self.month, self.day or 1)

    def last(self, year: int) -> datetime.date:
        """The last day it covers: a month ends on its last day."""
        y = self.year or year
        if self.day is not None:
            return datetime.date(y, self.month, self.day)
        following = datetime.date(y + self.month // 12, self.month % 12 + 1, 1)
        return following - datetime.timedelta(days=1)


@node
class Score(Node):
    """The 分值 of a 一级: a number of points (`50`), or the range a form allows (`40-50`)."""

    value: Decimal
    upto: Decimal | None = None
    """The top of a range (`40-50` is 40 up to 50); None for a fixed number."""


@node
class Term(Node):
    """项目期: from a month (or day) to another (`2023-04..2024-02`), or a number of months (`24个月`)."""

    start: Moment | None = None
    end: Moment | None = None
    months: int | None = None


@node
class Text(Node):
    """A prose section: paragraphs with soft line breaks already joined."""

    paragraphs: tuple[str, ...]


Comparator = Literal["=", ">=", "<=", ">", "<"]


@node
class Quantitative:
    """A target such as `>= 90%`, `<= 24小时`, `= 0次`."""

    kind: Literal["quantitative"] = "quantitative"
    comparator: Comparator
    value: Decimal
    unit: str = ""
    implicit: bool = False
    """Written without a comparator (`100%`); it means `=`."""
    span: Span


@node
class Qualitative:
    """A target word such as 合理, 健全, 同比下降."""

    kind: Literal["qualitative"] = "qualitative"
    word: str
    span: Span


@node
class Deadline:
    """A 时效 target that is a date the work is done by: `<= 2022-12-31`, `2022年12月底前`, `11月底之前`."""

    kind: Literal["deadline"] = "deadline"
    by: Moment
    span: Span


@node
class Period:
    """A 时效 target that is a stretch of time: `2023-07..2024-01`, `2023年7月-2024年1月`, `202307-202401`."""

    kind: Literal["period"] = "period"
    start: Moment
    end: Moment
    span: Span


@node
class Pending:
    """A target not filled in yet, written `?`: the blank 目标值 cell of a form, kept so that the checker
    reports it rather than the parser refusing the table."""

    kind: Literal["pending"] = "pending"
    span: Span


Target = Union[Quantitative, Qualitative, Deadline, Period, Pending]


@node
class TargetValue(Node):
    """A target given as an indicator's attribute (`中期 >= 95%`), with the comments of its line."""

    target: Target = field(metadata={"discriminator": "kind"})


@node
class Indicator(Block):
    """A 三级 indicator: a name and its target, with the optional attributes of national tables."""

    name: str
    target: Target = field(metadata={"discriminator": "kind"})
    weight: Amount | None = None
    nature: Word | None = None
    """指标性质: 定量/定性, or 正向/反向."""
    standard: Word | None = None
    """绩效标准: what the target value rests on (计划标准, 历史标准 …)."""
    explanation: Text | None = None
    direction: Word | None = None
    """指标方向 as the form writes it: 正向/反向, or the comparator in words (大于等于 …)."""
    measure: Word | None = None
    """计量单位 where the form has a column of its own (the target's unit otherwise says it)."""
    scoring: Word | None = None
    """评（扣）分标准: how the indicator is scored, not what its value rests on."""
    remark: Word | None = None
    core: Flag | None = None
    """核心指标 (★)."""
    midterm: TargetValue | None = None
    """中期指标值 (实施期): the target for the whole period of a multi-year project, where the form sets one
    beside the year's."""
    # --- the 自评表, after the year
    adjusted: TargetValue | None = None
    """调整后指标值: the target as changed during the year (`target` stays the 年初指标值)."""
    actual: TargetValue | None = None
    """实际完成值: a figure with its unit, a word, or the date the work was done."""
    score: Amount | None = None
    """得分 as the unit states it; for a 定性 indicator the evaluator's, which the rules leave to a person."""
    grade: Word | None = None
    """A 定性 indicator's grade: 达成, 部分达成并具有一定效果, 未达成且效果较差."""
    not_applicable: Flag | None = None
    """不适用: the indicator drops out of the score, and the rest is rescaled."""
    reason: Text | None = None
    """偏差原因分析及改进措施 (未完成原因)."""
    # --- the 监控表, as of the project's 监控月份
    progress: TargetValue | None = None
    """1-N月完成情况: what was done by the end of the month."""
    forecast: TargetValue | None = None
    """全年预计完成情况."""
    cause: Word | None = None
    """偏差原因类别: 经费保障, 制度保障, 人员保障, 硬件保障, 其他."""
    likelihood: Word | None = None
    """完成目标可能性: 确定能, 有可能, 完全不可能."""
    rectify: Flag | None = None
    """是否需要整改."""


@node
class Level2(Block):
    """A 二级 section such as 数量 or 满意度."""

    name: str
    indicators: tuple[Indicator, ...] = ()


@node
class Level1(Block):
    """A 一级 section such as 产出 or 效益指标."""

    name: str
    weight: Score | None = None
    """分值 of the whole 一级 (`产出指标(50分)` on the forms)."""
    sections: tuple[Level2, ...] = ()


@node
class Source(Node):
    """One source of the year's funds (其中 财政拨款 …): its name as the form writes it and its amount in 元."""

    name: str
    value: Decimal


@node
class Sources(Block):
    """The 其中 block of 预算: where the year's funds come from."""

    items: tuple[Source, ...] = ()


@node
class Budget(Block):
    total: Amount | None = None
    current: Amount | None = None
    prior: Amount | None = None
    prior_executed: Amount | None = None
    weight: Amount | None = None
    """分值 of 预算执行 kept outside the indicator tree (the common 10 of a 10 + 90 split)."""
    sources: Sources | None = None
    # --- the year's execution (自评表); 年初预算数 is `current`
    full_year: Amount | None = None
    """全年预算数 (A), 调整后预算数."""
    executed: Amount | None = None
    """全年执行数 (B); 执行率 is B/A."""
    score: Amount | None = None
    """得分 of 预算执行 as the unit states it."""
    reason: Text | None = None
    """Why the 执行率 fell short."""
    adjusted_sources: Sources | None = None
    """全年预算数 per source (`调整 { … }`)."""
    executed_sources: Sources | None = None
    """全年执行数 per source (`执行 { … }`)."""
    # --- monitoring, as of the project's 监控月份
    executed_to_date: Amount | None = None
    """1-N月执行数."""
    forecast_executed: Amount | None = None
    """全年预计执行数."""


@node
class Project(Block):
    name: str
    unit: Word | None = None
    year: Year | None = None
    framework: Word | None = None
    department: Word | None = None
    """主管部门, with its code where the form gives one (`101-某某局`)."""
    implementer: Word | None = None
    """实施单位 (项目单位, 预算单位)."""
    manager: Word | None = None
    """项目负责人."""
    phone: Word | None = None
    lifecycle: Word | None = None
    """项目属性: 新增, 延续, 一次性 …"""
    category: Word | None = None
    start: Day | None = None
    end: Day | None = None
    term: Term | None = None
    """项目期 (建设周期, 起止时间)."""
    purchase: Flag | None = None
    type: Word | None = None
    filer: Word | None = None
    """填报单位."""
    preparer: Word | None = None
    """填表人."""
    filed: Day | None = None
    """填报日期."""
    budget: Budget | None = None
    overview: Text | None = None
    basis: Text | None = None
    necessity: Text | None = None
    measures: Text | None = None
    plan: Text | None = None
    goals: Text | None = None
    midterm_goals: Text | None = None
    """中期目标 (实施期目标): the goals of a multi-year project's whole period."""
    annual_goals: Text | None = None
    """年度目标: the year's goals, where the form sets them apart from the overall ones."""
    finance_manager: Word | None = None
    """财务负责人 (自评表)."""
    total_score: Amount | None = None
    """自评得分 as the unit states it (`perfdsl score` computes it)."""
    as_of: Amount | None = None
    """监控月份: the month (1–12) the monitoring figures run to."""
    achieved: Text | None = None
    """目标完成情况: what came of the year's goals, beside them on the 自评表."""
    conclusion: Text | None = None
    """评价结论 (自评表)."""
    problems: Text | None = None
    """存在问题."""
    improvements: Text | None = None
    """改进措施."""
    sections: tuple[Level1, ...] = ()


@node(weakref=True)  # the API keeps what it knows of a spec for as long as the spec lives
class Spec:
    """One `.perf` file."""

    file: str
    unit: Word | None = None
    year: Year | None = None
    framework: Word | None = None
    projects: tuple[Project, ...] = ()
    end_comments: tuple[Comment, ...] = ()
    """Comments after the last item of the file."""

    def unit_of(self, project: Project) -> str | None:
        """Return the project's 单位: its own, else the file's."""
        node = project.unit or self.unit
        return node.value if node else None

    def year_of(self, project: Project) -> int | None:
        node = project.year or self.year
        return node.value if node else None

    def framework_of(self, project: Project) -> str | None:
        node = project.framework or self.framework
        return node.value if node else None




def _values_of(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """A getter of the fields of `cls` that hold one value node (a Word, an Amount, a Text …; not a block), in
    the order the class declares them: read off the class, so that a field added to it is walked too."""
    # the annotations are strings (`Word | None`): read by name here, since evaluating them with
    # `typing.get_type_hints` compiles each one and took a tenth of a one-file `perfdsl check`'s imports
    def value_node(name: str) -> bool:
        found = globals().get(name.strip())
        return isinstance(found, type) and issubclass(found, Node) and not issubclass(found, Block)

    names = [f.name for f in dataclasses.fields(cls) if any(value_node(t) for t in str(f.type).split("|"))]
    return operator.attrgetter(*names)


_SPEC_VALUES = _values_of(Spec)
_PROJECT_VALUES = _values_of(Project)
_BUDGET_VALUES = _values_of(Budget)
_ATTRIBUTES = _values_of(Indicator)


def nodes(spec: Spec) -> list[Node]:
    """Every node of a spec, each after its parent (an indicator's attributes after its section's indicators).

    Walked level by level with getters made once from the classes rather than by a generic walk: the
    suppression check looks at every node of every file, and these cost a fraction of one.
    """
    out: list[Node] = list(filter(None, _SPEC_VALUES(spec)))
    for project in spec.projects:
        out.append(project)
        out += filter(None, _PROJECT_VALUES(project))
        budget = project.budget
        if budget is not None:
            out.append(budget)
            out += filter(None, _BUDGET_VALUES(budget))
            for sources in (budget.sources, budget.adjusted_sources, budget.executed_sources):
                if sources is not None:
                    out.append(sources)
                    out += sources.items
        for level1 in project.sections:
            out.append(level1)
            if level1.weight is not None:
                out.append(level1.weight)
            for level2 in level1.sections:
                out.append(level2)
                out += level2.indicators
                for ind in level2.indicators:
                    out += filter(None, _ATTRIBUTES(ind))  # a node is never false: None is what goes
    return out


LAYOUT_FIELDS = frozenset({"span", "file", "blank_before"})
"""Where a node stands and the blank lines around it: layout, not content."""


def content_fields(cls: type) -> tuple[str, ...]:
    """The names of a node class's fields that are content, not layout, in declaration order."""
    names = _CONTENT.get(cls)
    if names is None:
        names = _CONTENT[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.name not in LAYOUT_FIELDS)
    return names


_CONTENT: dict[type, tuple[str, ...]] = {}


def strip_spans(value: Any) -> Any:
    """Return a plain structure of `value` without layout (for comparisons and JSON without positions)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: strip_spans(getattr(value, k)) for k in content_fields(type(value))}
    if isinstance(value, (tuple, list)):
        return [strip_spans(v) for v in value]
    return value


def same(a: Any, b: Any) -> bool:
    """Tell whether two ASTs are equal ignoring layout: spans, file names and blank lines."""
    return bool(strip_spans(a) == strip_spans(b))
