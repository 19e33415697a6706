"""The one AST of perfdsl: immutable pydantic models, every node with its source span.

The parser builds these nodes with `build` (no re-validation: it already guarantees the types); every later
pass reads them and builds new ones rather than mutating. Field names are the language's English aliases,
which are also the JSON keys. Comments are attached to the nodes they precede, so `fmt` is a pure printer.
"""

# No `from __future__ import annotations` here: pydantic would evaluate every annotation string at import,
# a cost every one-file `perfdsl check` pays.
import datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar, Union

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


M = TypeVar("M", bound=BaseModel)


class Span(Model):
    """Where a node stands in its file: 1-based lines and columns, end exclusive (as lark's tokens)."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int


class Comment(Model):
    """A `#` comment, kept so that `fmt` can put it back where it was."""

    text: str
    """The comment without the leading `#` and surrounding whitespace."""
    span: Span
    blank_before: bool = False
    """A blank line separated it from what came before."""


class Node(Model):
    span: Span
    blank_before: bool = False
    """A blank line (or several) preceded this node or its leading comments."""
    comments: tuple[Comment, ...] = ()
    """Own-line comments directly above the node."""
    trailing: Comment | None = None
    """The comment at the end of the node's first line."""


class Block(Node):
    end_comments: tuple[Comment, ...] = ()
    """Own-line comments after the last child, before the closing `}`."""
    end_trailing: Comment | None = None
    """The comment after the closing `}`."""


class Word(Node):
    """A one-word header value such as 其他一次性项目."""

    value: str


class Year(Node):
    value: int


class Day(Node):
    value: datetime.date


class Flag(Node):
    """是/否."""

    value: bool


class Amount(Node):
    """A number; money is stored in 元 whatever unit it was written in."""

    value: Decimal


class Text(Node):
    """A prose section: paragraphs with soft line breaks already joined."""

    paragraphs: tuple[str, ...]


class Quantitative(Model):
    """A target such as `>= 90%`, `<= 24小时`, `= 0次`."""

    kind: Literal["quantitative"] = "quantitative"
    comparator: Literal["=", ">=", "<=", ">", "<"]
    value: Decimal
    unit: str = ""
    implicit: bool = False
    """Written without a comparator (`100%`); it means `=`."""
    span: Span


class Qualitative(Model):
    """A target word such as 合理, 健全, 同比下降."""

    kind: Literal["qualitative"] = "qualitative"
    word: str
    span: Span


Target = Union[Quantitative, Qualitative]


class Indicator(Block):
    """A 三级 indicator: a name and its target, with the optional attributes of national tables."""

    name: str
    target: Target = Field(discriminator="kind")
    weight: Amount | None = None
    nature: Word | None = None
    standard: Word | None = None
    explanation: Text | None = None


class Level2(Block):
    """A 二级 section such as 数量 or 满意度."""

    name: str
    indicators: tuple[Indicator, ...] = ()


class Level1(Block):
    """A 一级 section such as 产出 or 效益指标."""

    name: str
    sections: tuple[Level2, ...] = ()


class Budget(Block):
    total: Amount | None = None
    current: Amount | None = None
    prior: Amount | None = None
    prior_executed: Amount | None = None


class Project(Block):
    name: str
    unit: Word | None = None
    year: Year | None = None
    framework: Word | None = None
    category: Word | None = None
    start: Day | None = None
    end: Day | None = None
    purchase: Flag | None = None
    type: Word | None = None
    budget: Budget | None = None
    overview: Text | None = None
    basis: Text | None = None
    necessity: Text | None = None
    measures: Text | None = None
    plan: Text | None = None
    goals: Text | None = None
    sections: tuple[Level1, ...] = ()


class Spec(Model):
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




def nodes(spec: Spec) -> list[Node]:
    """Every node of a spec, each after its parent (an indicator's attributes after its section's indicators).

    Written out level by level rather than found by reflection: the suppression check looks at every node of
    every file, and lists built with comprehensions cost a fraction of a generic walk.
    """
    out: list[Node] = [n for n in (spec.unit, spec.year, spec.framework) if n is not None]
    for project in spec.projects:
        out.append(project)
        out += [n for n in (project.unit, project.year, project.framework, project.category, project.start,
                            project.end, project.purchase, project.type) if n is not None]
        budget = project.budget
        if budget is not None:
            out.append(budget)
            out += [n for n in (budget.total, budget.current, budget.prior, budget.prior_executed) if n is not None]
        out += [n for n in (project.overview, project.basis, project.necessity, project.measures, project.plan,
                            project.goals) if n is not None]
        for level1 in project.sections:
            out.append(level1)
            for level2 in level1.sections:
                out.append(level2)
                out += level2.indicators
                out += [a for ind in level2.indicators
                        if not (ind.weight is None and ind.nature is None and ind.standard is None
                                and ind.explanation is None)
                        for a in (ind.weight, ind.nature, ind.standard, ind.explanation) if a is not None]
    return out


_DEFAULTS: dict[type[BaseModel], dict[str, Any]] = {}
_set = object.__setattr__


def build(cls: type[M], **fields: Any) -> M:
    """Make a node from values the parser already guarantees, without validating them again.

    The same result as `cls.model_construct(**fields)` at a third of the cost: the parser makes tens of
    thousands of nodes per megabyte, and pydantic's generic path resolves every default on every call.
    """
    template = _DEFAULTS.get(cls)
    if template is None:
        # every field in declaration order (serialisers follow the dict's order); required ones are filled below
        template = _DEFAULTS[cls] = {name: f.default for name, f in cls.model_fields.items()}
    data = {**template, **fields}
    node = object.__new__(cls)
    _set(node, "__dict__", data)
    _set(node, "__pydantic_fields_set__", _fields_set(tuple(fields)))
    _set(node, "__pydantic_extra__", None)
    _set(node, "__pydantic_private__", None)
    return node


_FIELDS_SETS: dict[tuple[str, ...], set[str]] = {}


def _fields_set(names: tuple[str, ...]) -> set[str]:
    """One set per combination of fields, shared by the nodes given them: a set is the largest object of a
    small node, and a frozen model never changes it (pydantic copies it before `model_copy` updates one)."""
    shared = _FIELDS_SETS.get(names)
    if shared is None:
        shared = _FIELDS_SETS[names] = set(names)
    return shared


_SPAN_FIELDS = _fields_set(tuple(Span.model_fields))


def span(file: str, line: int, column: int, end_line: int, end_column: int) -> Span:
    """`build(Span, …)` written out: the parser makes a span for every node it builds."""
    node = object.__new__(Span)
    _set(node, "__dict__", {"file": file, "line": line, "column": column, "end_line": end_line,
                            "end_column": end_column})
    _set(node, "__pydantic_fields_set__", _SPAN_FIELDS)
    _set(node, "__pydantic_extra__", None)
    _set(node, "__pydantic_private__", None)
    return node


LAYOUT_FIELDS = frozenset({"span", "file", "blank_before"})
"""Where a node stands and the blank lines around it: layout, not content."""


def strip_spans(value: Any) -> Any:
    """Return a plain structure of `value` without layout (for comparisons and JSON without positions)."""
    if isinstance(value, BaseModel):
        return {k: strip_spans(getattr(value, k)) for k in type(value).model_fields if k not in LAYOUT_FIELDS}
    if isinstance(value, (tuple, list)):
        return [strip_spans(v) for v in value]
    return value


def same(a: Any, b: Any) -> bool:
    """Tell whether two ASTs are equal ignoring layout: spans, file names and blank lines."""
    return bool(strip_spans(a) == strip_spans(b))
