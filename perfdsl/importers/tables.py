"""The interpreter of real tables: grids (from any reader) -> specs, one per project.

A grid is read row by row. A title (any of headings.toml's, with a 附件N before it and the year after it)
starts a table; `label | value` cells and `label：value` lines give the header fields, the prose and the
budget; the row whose cells are column headings (in any order and spelling, headings.toml) starts the
indicator rows, read with their merged 一级/二级 cells until the next title or label row. A 项目名称
column, or a 项目名称 row between indicator rows, splits one table into several projects. Every non-empty
cell is accounted for: read into a project, set aside as a column that holds nothing to import, or reported
with its place. A project's own errors keep that project out; the others are still written.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

from .. import ast
from ..diagnostics import Diagnostic, Severity, diag
from ..evaluation.figures import has_evaluation
from ..frameworks import DEFAULT_FRAMEWORK, Framework, best_fit, builtin, builtin_names
from ..syntax import values
from ..syntax.textblock import join_soft
from ..syntax.vocab import (ACTUAL_KEYS, COLUMN_HEADINGS, FORM_TITLE, NATIONAL_COLUMN_HEADINGS, ALL_KEYS, ATTRIBUTE_KEYS, BUDGET_HEADING, BUDGET_KEYS, BUDGET_WEIGHT_KEY,
                            COMPARATOR_WORDS, EXECUTION_HEADING, KEY_BY_FIELD, NOT_APPLICABLE, NATIONAL_BUDGET_HEADING, PROJECT_NAME_LABEL, SOURCES_LABEL, Key)
from .grid import Grid
from .text import refused_characters, seen, unwritable, writable_target

_FRAMEWORKS = [builtin(n) for n in builtin_names()]
_TABLE_FIELDS = ("level1", "level2", "name", "target")
_NAME_KEY = Key("项目", "name", "word", PROJECT_NAME_LABEL)
_SOURCES = (SOURCES_LABEL, SOURCES_LABEL.replace("：", ":"))
_YEAR = re.compile(r"[（(]?\s*(\d{4})\s*年(?:度)?\s*[）)]?")
_GOALS = re.compile(r"(\d{4}\s*年(度)?)?\s*(年度)?(绩效目标|绩效指标|年度绩效目标)([(（][^()（）]*[)）]|分)*")
_PREAMBLE = re.compile(r"(附件|附表|表)[0-9０-９一二三四五六七八九十]+[：:]?|\d{6}_\w+")
_NOTE = re.compile(r"(注|说明|备注)\s*[0-9一二三]*\s*[：:.、]")
_TREE_GROUP = re.compile(r"(年度|本年度|当年|长期|中长期|实施期|中期)(?:绩效)?(?:目标|指标)(?:值)?")
_MONEY_UNIT = re.compile(r"(?:金额|资金)?单位\s*[：:]\s*(万元|元)")
_LABEL_UNIT = re.compile(r"[(（]\s*(万元|元)\s*[)）]")
_NORMAL = str.maketrans({"（": "(", "）": ")", "：": ":", "★": "", "☆": ""})


def normal(heading: str) -> str:
    """A heading as headings are compared: no spaces or line breaks, ★ set aside, brackets of one width."""
    return "".join(heading.translate(_NORMAL).split())


# the columns of a 自评表's budget rows (年度资金总额, then each source): the money of the year three times over,
# and 预算执行's 分值 and 得分; 执行率 is B/A, computed, never read
_EXECUTION = {**{normal(s): k.field for k in BUDGET_KEYS if k.field in ("current", "full_year", "executed")
                 for s in (k.official, k.canonical, *k.aliases) if s and not s.isascii()},
              "分值": "weight", "得分": "score", "执行率": "rate", "执行率(B/A)": "rate"}
_EXECUTION_SOURCES = {"current": "sources", "full_year": "adjusted_sources", "executed": "executed_sources"}
_TOTAL_ROW = ("年度资金总额", "资金总额", "总额", "合计", "总计")
# the 年度总体目标 row of a 自评表: the goals under 预期目标, what came of them under 实际完成情况
_GOAL_COLUMNS = {"预期目标": "goals", "年度目标": "goals", "实际完成情况": "achieved", "完成情况": "achieved"}


@dataclass
class Vocabulary:
    """What headings.toml (and a user's mapping file) says: titles, and column heading -> field."""

    titles: list[str]
    columns: dict[str, str]
    """Normalised heading -> field: level1, level2, name, target, project, ignore, self_evaluation, or an
    attribute's field (weight, standard, midterm …)."""
    units: list[str] = field(default_factory=list)
    """Units a figure may carry, longest first: where a figure's cell ends in text with no separators."""
    frameworks: list[Framework] = field(default_factory=lambda: list(_FRAMEWORKS))
    """The frameworks a table may follow: the builtins, and the local ones of the project's perfdsl.toml."""

    @classmethod
    def load(cls, extra: Iterable[dict[str, Any]] = (), frameworks: Iterable[Framework] = ()) -> Vocabulary:
        data = tomllib.loads((Path(__file__).with_name("headings.toml")).read_text(encoding="utf-8"))
        titles, columns = list(data["titles"]), {}
        for key in ATTRIBUTE_KEYS:  # the language's own spellings of attribute columns
            for spelling in (key.official, key.canonical, *key.aliases):
                if spelling and not spelling.isascii():
                    columns[normal(spelling)] = key.field
        units: list[str] = []
        for more in (data, *extra):
            titles += [t for t in more.get("titles", []) if t not in titles]
            units += [u for u in more.get("units", {}).get("known", []) if u not in units]
            for group in ("columns", "attributes"):
                for name, headings in more.get(group, {}).items():
                    columns.update((normal(h), name) for h in headings)
        local = [fw for fw in frameworks if fw.name not in {b.name for b in _FRAMEWORKS}]
        return cls(sorted(titles, key=len, reverse=True), columns, sorted(units, key=len, reverse=True),
                   [*_FRAMEWORKS, *local])

    def title(self, text: str) -> re.Match[str] | None:
        squashed = "".join(text.split())
        for title in self.titles:
            if (at := squashed.find(title)) >= 0:
                return re.compile(re.escape(title)).search(squashed, at)
        return None


_LABELS: dict[str, Key] = {}
for _key in (*ALL_KEYS, BUDGET_WEIGHT_KEY, _NAME_KEY):
    for _spelling in (_key.official, _key.canonical, *_key.aliases):
        if _spelling and not _spelling.isascii():
            _LABELS.setdefault(normal(_spelling), _key)
_LABELS[normal("项目名称")] = _NAME_KEY
_DERIVED_LABELS = ("评分规则", "自评等级")
"""Labels of what `perfdsl score` computes (the rule set a sheet was scored by, the total's grade): read past."""
_LABEL_RE = re.compile("(" + "|".join(re.escape(s) for s in sorted([*_LABELS, *_DERIVED_LABELS], key=len, reverse=True))
                       + r")\s*[：:]")


def label_key(text: str) -> Key | None:
    """The key a label cell names (项目名称, 主管部门及编码, 项目总预算(元) …), or None."""
    return _LABELS.get(normal(text).rstrip(":"))


def cell_text(value: Any) -> str:
    """A cell as the text it shows: whole numbers without `.0`, dates as ISO dates (with the time if any),
    invisible characters read as the text importer reads them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(" ", "seconds" if value.second else "minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return seen(str(value).replace("\r\n", "\n").replace("\r", "\n")).strip()


def cell_line(value: Any) -> str:
    # a line break inside a name, a word or a target is where the cell wrapped: nothing between CJK
    # characters, a space between Latin ones (the spaces within a line, an ideographic one included, are the
    # value's own)
    return functools.reduce(join_soft, (line.strip() for line in cell_text(value).split("\n") if line.strip()), "")


def _amount(value: Any, kind: str, scale: Decimal) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        text = format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), "f")
    else:
        text = cell_line(value)
    if kind != "money":
        return values.number(text)
    bare = values.number(text)
    # a bare figure in a table headed `金额单位：万元` is in 万元; one with its own unit says so itself
    # 112.1 万元 is 1121000 元, never 1121000.0
    return values.money(text) if bare is None else values.money(format((bare * scale).normalize(), "f"))


@dataclass
class Imported:
    """One project read from a grid: the spec to write, the cell that names it, its own diagnostics."""

    spec: ast.Spec
    place: str
    diagnostics: list[Diagnostic]
    indicators: int = 0


@dataclass
class Mapping:
    """A column heading and the field its cells were read into (for `perfdsl import --report`)."""

    place: str
    heading: str
    field: str


@dataclass
class _Project:
    fields: dict[str, Any] = field(default_factory=dict)
    sources: list[ast.Source] = field(default_factory=list)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    name_at: tuple[int, int] = (1, 1)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    year: int | None = None
    """The year its table's title (or the line below it) names."""
    execution: dict[str, Any] = field(default_factory=dict)
    """What a 自评表's budget rows give the 预算 block beside BUDGET_KEYS: 得分, and the sources of 全年预算
    and 全年执行 (`adjusted_sources`, `executed_sources` -> list of sources)."""


class GridReader:
    """Reads one grid into projects; `diagnostics` holds what belongs to no project."""

    def __init__(self, grid: Grid, file: str, strict: bool, vocabulary: Vocabulary) -> None:
        self.grid, self.file, self.strict, self.vocabulary = grid, file, strict, vocabulary
        self.diagnostics: list[Diagnostic] = []
        self.mapping: list[Mapping] = []
        self.projects: list[_Project] = []
        self.shared: dict[str, Any] = {}
        """Header fields read before a table's first 项目名称: every project of the table has them."""
        self.scale = Decimal(1)
        self.columns: dict[str, int] = {}
        self.headed: set[int] = set()
        self.project_column: int | None = None
        self.titled = False
        self.width = 0
        self.shanghai = False
        self.lost = False
        """The table's column headings are missing: its rows are not read (I105 says so)."""
        self.groups: dict[int, str] = {}
        """Column -> `year` or `midterm`: the row above two trees side by side (实施期目标 | 年度目标)."""
        self.carried: list[tuple[int, Any]] = []
        """Headings of that row merged down over the headings row (一级指标)."""
        self.second: dict[str, int] = {}
        """The 二级 and 三级 columns of the 实施期 tree beside the year's: its target is the 中期指标值."""
        self.execution: dict[str, int] = {}
        """Field -> column of a 自评表's budget rows (年初预算数 | 全年预算数 | 全年执行数 …), while they last."""
        self.goal_columns: dict[int, str] = {}
        """Column -> field of the row after a `年度总体目标 | 预期目标 | 实际完成情况` row."""
        self.prose: Key | None = None
        """The prose key of a `评价结论：` line with nothing after it: the lines below are its paragraphs."""

    # places and messages
    def span(self, row: int, column: int = 1) -> ast.Span:
        line = self.grid.line(row)
        return ast.Span(file=self.file, line=line, column=column, end_line=line, end_column=column + 1)

    def report(self, code: str, row: int, column: int, severity: Severity = Severity.error, key: str | None = None,
               **args: Any) -> None:
        d = diag(code, severity, self.span(row, column), key, cell=self.grid.where(row, column), **args)
        (self.projects[-1].diagnostics if self.projects else self.diagnostics).append(d)

    def guess(self) -> Severity:
        return Severity.error if self.strict else Severity.warning

    @property
    def project(self) -> _Project:
        if not self.projects:
            self.projects.append(_Project(fields=dict(self.shared)))
        return self.projects[-1]

    # the walk
    def read(self) -> list[Imported]:
        grid = self.grid
        self._refused_characters()
        in_table = False
        self.width = width = grid.max_column  # a walk over all rows: once, not per row
        for row in range(1, grid.max_row + 1):
            cells = [(c, grid.own(row, c)) for c in range(1, width + 1)]
            filled = [(c, v) for c, v in cells if cell_text(v)]
            if not filled:
                continue
            first_column, first = filled[0][0], cell_line(filled[0][1])
            if len(filled) == 1 and _PREAMBLE.fullmatch("".join(first.split())):
                continue  # 附件2, 表11, 510000_0013zp: what stands above a title
            if (title := self.vocabulary.title(first)) is not None and len(filled) == 1:
                self._title(row, first_column, first, title)
                in_table = False
                continue
            if self._group_row(row, filled) or self._execution_headings(row, filled):
                continue
            if self.execution and self._execution_row(row, filled):
                continue
            self.execution = {}
            if self.goal_columns and self._goal_row(row, filled):
                continue
            if self.prose is not None and self._paragraph(row, filled):
                continue
            self.prose = None
            # the row above's headings merged down over this one (一级指标) count as this row's
            carried = [(c, v) for c, v in self.carried if c not in dict(filled)]
            if self._headings(row, sorted(carried + filled, key=lambda cell: cell[0])):
                in_table = not self.lost
                self.groups, self.carried = {}, []
                continue
            if self.lost:
                continue  # the rows of a table whose headings are missing: I105 said they are not imported
            if not self.columns and _level1_like(first, self.vocabulary.frameworks) and len(filled) > 1:
                self._missing(row, first_column, list(_TABLE_FIELDS), self.shanghai)
                continue
            if in_table and self._indicator_row(row, filled):
                continue
            # a 项目名称 row between indicator rows starts the next project of the same table
            in_table = in_table and first.startswith(PROJECT_NAME_LABEL)
            self._other(row, filled)
        if not self.titled and not self.headed:
            # no title and no column headings: a sheet of notes, a cover page; not a table at all
            self.diagnostics = [diag("I101", Severity.warning, self.span(1), sheet=grid.name)]
            return []
        return [self._build(p) for p in self.projects]

    def _refused_characters(self) -> None:
        for row, cells in enumerate(self.grid.rows, 1):
            for column, value in enumerate(cells, 1):
                if isinstance(value, str):
                    for key, _, args in refused_characters(value.replace("\r\n", "\n").replace("\r", "\n")):
                        self.report("I008", row, column, key=f"I008.{key}", **args)

    def _title(self, row: int, column: int, text: str, title: re.Match[str]) -> None:
        """A title starts a table: a new project, whose year may follow the title (or come before it)."""
        squashed = "".join(text.split())
        if self.titled or (self.projects and self.projects[-1].rows):
            self.projects.append(_Project())
            self.shared = {}
        self.titled = True
        self.shanghai = FORM_TITLE in squashed
        self.columns, self.project_column, self.lost = {}, None, False
        if not self.projects:
            self.projects.append(_Project())
        # the title may share its line with what follows it: 项目支出绩效目标表（2023年度）项目名称：…
        spaced = re.search(r"\s*".join(map(re.escape, title.group())), text)
        after = text[spaced.end():].strip() if spaced is not None else ""
        if (m := _YEAR.match(after) or _YEAR.search(squashed[:title.start()])) is not None:
            self.projects[-1].year = int(m.group(1))
            after = after[m.end():].lstrip(")） ") if m.string is after else after
        if after:
            if _LABEL_RE.match(after):
                self._label_text(row, column, after)
            else:
                self.report("I103", row, column, self.guess(), text=after)

    def _group_row(self, row: int, filled: list[tuple[int, Any]]) -> bool:
        """The row above the headings of two trees side by side: `一级指标 | 实施期目标 | 年度目标`, each
        group over its tree's columns."""
        groups: dict[int, str] = {}
        carried = []
        for column, value in filled:
            text = normal(cell_line(value))
            if (m := _TREE_GROUP.fullmatch(text)) is not None:
                kind = "year" if m.group(1) in ("年度", "本年度", "当年") else "midterm"
                groups.update((c, kind) for c in range(column, self.grid.end(row, column) + 1))
            elif self.vocabulary.columns.get(text) in ("level1", "ignore", "project"):
                carried.append((column, value))
            else:
                return False
        if len(set(groups.values())) < 2:
            return False
        self.groups, self.carried = groups, carried
        return True

    def _headings(self, row: int, filled: list[tuple[int, Any]]) -> bool:
        """A row of column headings: it names at least an indicator and a target column."""
        found: dict[str, int] = {}
        unknown: list[tuple[int, str]] = []
        trees = self._trees(row, filled)
        level1 = min((c for c, v in filled if self.vocabulary.columns.get(normal(cell_line(v))) == "level1"),
                     default=0)
        for column, value in filled:
            text = cell_line(value)
            name = self.vocabulary.columns.get(normal(text))
            if trees is not None and column in trees:
                name = trees[column]
            if name == "name" and column < level1:
                name = "ignore"  # 绩效指标 merged down beside the tree (a 自评表's first column): its label
            if name is None or (name in found and name not in ("ignore", "self_evaluation")):
                # a second column of one field (the 长期 tree beside the 年度 one) is not read: said, not lost
                unknown.append((column, text))
            elif name not in found:
                found[name] = column
        if "name" not in found or "target" not in found:
            tree = [f for f in _TABLE_FIELDS if f in found]
            if len(tree) < 2:
                return False
            # headings of an indicator table with some deleted: its rows cannot be placed
            self._missing(row, filled[0][0], [f for f in _TABLE_FIELDS if f not in found],
                          any(cell_line(v).endswith("目标") for _, v in filled))
            return True
        self.second = {f.removeprefix("second_"): c for f, c in found.items() if f.startswith("second_")}
        self.columns = {f: c for f, c in found.items()
                        if f not in ("ignore", "self_evaluation", "project") and not f.startswith("second_")}
        # a merged heading covers its columns; an unknown heading was reported once, for its whole column
        self.headed = {c for column, _ in filled for c in range(column, self.grid.end(row, column) + 1)}
        self.project_column = found.get("project")
        for name, column in found.items():
            self.mapping.append(Mapping(self.grid.where(row, column), cell_line(self.grid.own(row, column)), name))
            if name == "self_evaluation":
                self.report("I107", row, column, Severity.warning, text=cell_line(self.grid.own(row, column)))
        for column, text in unknown:
            self.report("I103", row, column, self.guess(), text=text)
        return True

    def _trees(self, row: int, filled: list[tuple[int, Any]]) -> dict[int, str] | None:
        """Two trees side by side (二级, 三级, 指标值 twice): the fields of the 实施期 tree's columns, its target
        read as the 中期指标值 of the year's indicator in the same row. Which tree is the year's the row above
        says (年度目标); without it, the second is taken for the year's, as forms print them, and said."""
        seen: dict[str, list[int]] = {}
        for column, value in filled:
            name = self.vocabulary.columns.get(normal(cell_line(value)))
            if name in ("level2", "name", "target"):
                seen.setdefault(name, []).append(column)
        if len(seen.get("name", ())) != 2 or len(seen.get("target", ())) != 2:
            return None
        first_is_year = self.groups.get(seen["name"][0]) == "year"
        if not self.groups:
            self.report("I154", row, seen["name"][1], self.guess())
        year, other = (0, 1) if first_is_year else (1, 0)
        fields = {columns[other]: "second_" + f for f, columns in seen.items() if len(columns) == 2}
        fields[seen["target"][other]] = "midterm"
        fields.update((columns[year], f) for f, columns in seen.items() if len(columns) == 2)
        return fields

    def _missing(self, row: int, column: int, fields: list[str], shanghai: bool) -> None:
        headings = COLUMN_HEADINGS if shanghai else NATIONAL_COLUMN_HEADINGS
        self.report("I105", row, column, names=", ".join(h for h, f in zip(headings, _TABLE_FIELDS) if f in fields))
        self.headed = {0}
        self.columns = {}
        self.lost = True

    def _indicator_row(self, row: int, filled: list[tuple[int, Any]]) -> bool:
        first = cell_line(filled[0][1])
        if label_key(first) is KEY_BY_FIELD["total_score"] and "score" in self.columns:
            # 总分 below a 自评表's rows: the total is its last figure, in the 得分 column after the 分值 one
            # (which sums the weights); a pasted row that lost its merged cells keeps their order
            figures = [(c, v) for c, v in filled[1:] if values.number(cell_line(v)) is not None]
            for column, value in filled[1:]:
                derived = _LABEL_RE.match(cell_line(value))
                if (column, value) not in figures and (derived is None or derived.group(1) not in _DERIVED_LABELS):
                    self.report("I106", row, column, self.guess(), text=cell_line(value))
            if figures:
                self._field(KEY_BY_FIELD["total_score"], figures[-1][1], row, figures[-1][0])
            return True
        if label_key(first) is not None and not _level1_like(first, self.vocabulary.frameworks):
            return False  # a label row below the table (填表人, 填报日期 …) or a 项目名称 row
        if len(filled) == 1 and _LABEL_RE.match(first):
            return False  # 填表人：某某 below the table
        cells = {f: self.grid.value(row, c) for f, c in self.columns.items()}
        if "name" in self.second:
            other = cell_line(self.grid.value(row, self.second["name"]))
            if other and not cell_line(cells["name"]):
                cells["name"] = other  # an indicator of the 实施期 tree only: the year sets it no target
            elif other and other != cell_line(cells["name"]):
                self.report("I155", row, self.second["name"], self.guess(), text=other, name=cell_line(cells["name"]))
        if not (cell_text(cells["name"]) or cell_text(cells["target"])) and not self._heading_row(row, filled):
            return False  # 年度绩效目标(90分) and other lines of one cell between the rows
        if self.project_column is not None:
            name = cell_line(self.grid.value(row, self.project_column))
            if name and name != self.project.fields.get("name"):
                if self.project.rows or "name" in self.project.fields:
                    self.projects.append(_Project(fields=dict(self.shared), year=self.project.year))
                self.project.fields["name"] = name
                self.project.name_at = (row, self.project_column)
        self.project.rows.append((row, cells))
        for column, value in filled:
            if column not in self.headed:  # a cell under no heading: reported, as it is imported nowhere
                self.report("I106", row, column, self.guess(), text=cell_line(value))
        return True

    def _heading_row(self, row: int, filled: list[tuple[int, Any]]) -> bool:
        """A row that only opens a 一级 or 二级 (its cells in those columns, nothing else)."""
        tree = {self.columns.get("level1"), self.columns.get("level2")}
        if any(c not in tree for c, _ in filled):
            return False
        text = "".join(cell_line(filled[0][1]).split())
        # a note below the table (注：…) or a weight line above the tree (年度绩效目标(90分)) opens nothing
        return len(filled) > 1 or not (_GOALS.fullmatch(text) or _NOTE.match(text) or _MONEY_UNIT.search(text))

    def _other(self, row: int, filled: list[tuple[int, Any]]) -> None:
        """A row outside the indicator rows: the year, a money-unit line, headings of parts of the form, or
        header fields as `label | value` cells or `label：value` text."""
        if len(filled) == 1:
            column, value = filled[0]
            text = cell_line(value)
            squashed = "".join(text.split())
            if (m := _MONEY_UNIT.search(squashed)) is not None:
                self.scale = Decimal(10000) if m.group(1) == "万元" else Decimal(1)
                return
            if (year := _YEAR.fullmatch(squashed)) is not None:
                self.project.year = int(year.group(1))
                return
            if squashed in (BUDGET_HEADING, NATIONAL_BUDGET_HEADING) or _GOALS.fullmatch(squashed):
                return
            rest = squashed.removeprefix(EXECUTION_HEADING)
            unit = _LABEL_UNIT.fullmatch(rest)
            if rest != squashed and (not rest or unit is not None):
                if unit is not None:  # `预算执行情况（元）`: the heading of a 自评表's budget rows, their unit
                    self.scale = Decimal(10000) if unit.group(1) == "万元" else Decimal(1)
                return
            if _LABEL_RE.match(squashed.replace(" ", "")) or _LABEL_RE.match(text):
                self._label_text(row, column, text)
                return
            if label_key(text) is None or self.width == 1:
                self.report("I103", row, column, self.guess(), text=text)
                return
        self._pairs(row, filled)

    def _label_text(self, row: int, column: int, text: str) -> None:
        """`项目名称：某某  主管部门：某某局`: one or more fields on one line."""
        matches = list(_LABEL_RE.finditer(text))
        if matches[0].start() != 0:
            self.report("I103", row, column, self.guess(), text=text)
            return
        key = label_key(matches[0].group(1))
        if len(matches) == 1 and key is not None and key.kind == "text" and not text[matches[0].end():].strip():
            self.prose = key  # `评价结论：` alone on its line, its paragraphs on the lines below
            return
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            if m.group(1) not in _DERIVED_LABELS:
                self._field(label_key(m.group(1)), text[m.end():end].strip(), row, column)

    def _pairs(self, row: int, filled: list[tuple[int, Any]]) -> None:
        """`label | value` cells: a value is the cell right of its label (after the label's merged columns);
        a label with an empty cell there has no value, which is no error on a form."""
        own = dict(filled)
        skip: set[int] = set()
        for column, value in filled:
            if column in skip:
                continue
            label = cell_line(value)
            key = label_key(label)
            at = self.grid.end(row, column) + 1
            skip.add(at)
            nxt = (at, own[at]) if at in own else None
            if label.startswith(_SOURCES) or (self.project.sources and key is None):
                name = label.removeprefix(_SOURCES[0]).removeprefix(_SOURCES[1]).strip()
                self._source(name, row, column, nxt)
            elif key is None or key in ATTRIBUTE_KEYS:
                self.report("I103", row, column, self.guess(), text=label)
            elif nxt is not None and key.kind == "text" and normal(cell_line(nxt[1])) in _GOAL_COLUMNS:
                self.goal_columns = {c: _GOAL_COLUMNS[normal(cell_line(v))] for c, v in filled
                                     if normal(cell_line(v)) in _GOAL_COLUMNS}
                if key.field in ("annual_goals", "midterm_goals"):
                    self.goal_columns = {c: key.field if f == "goals" else f for c, f in self.goal_columns.items()}
                return
            elif nxt is not None:
                self._field(key, nxt[1], row, at)

    def _source(self, name: str, row: int, column: int, value: tuple[int, Any] | None,
                into: list[ast.Source] | None = None) -> None:
        """One source of funds: of 年初预算 (the project's `sources`), or of 全年预算 or 全年执行 (`into`)."""
        sources = self.project.sources if into is None else into
        if value is None:
            self.report("I102", row, column, key="I102.no_value", text=name)
            return
        amount = _amount(value[1], "money", self.scale)
        if amount is None or not name:
            self.report("I102", row, value[0], text=cell_text(value[1]))
            return
        if any(s.name == name for s in sources):  # a source given twice: the first one counts
            self.report("I103", row, column, self.guess(), text=name)
            return
        sources.append(ast.Source(span=self.span(row, column), name=name, value=amount))

    def _execution_headings(self, row: int, filled: list[tuple[int, Any]]) -> bool:
        """`项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分`: the budget rows of a
        自评表 follow, a label and its figures in each."""
        found = {_EXECUTION[normal(cell_line(v))]: c for c, v in filled if normal(cell_line(v)) in _EXECUTION}
        if len({"current", "full_year", "executed"} & set(found)) < 2:
            return False
        first = min(found.values())
        for column, value in filled:
            if column < first and (m := _LABEL_UNIT.search(cell_line(value))) is not None:
                self.scale = Decimal(10000) if m.group(1) == "万元" else Decimal(1)
            elif column > first and normal(cell_line(value)) not in _EXECUTION:
                self.report("I103", row, column, self.guess(), text=cell_line(value))
        self.execution = found
        for name, column in found.items():
            self.mapping.append(Mapping(self.grid.where(row, column), cell_line(self.grid.own(row, column)), name))
        return True

    def _execution_row(self, row: int, filled: list[tuple[int, Any]]) -> bool:
        """A budget row of a 自评表: 年度资金总额 (the 预算 block's figures), or a source (其中：财政拨款 …), whose
        three figures go to 其中, 调整 and 执行. A row with no figure under those columns ends the rows."""
        first = min(self.execution.values())
        labels = [(c, cell_line(v)) for c, v in filled if c < first]
        own = dict(filled)
        if not labels or not any(self.execution.get(f) in own for f in _EXECUTION_SOURCES):
            return False
        column, label = labels[-1]
        key = label_key(label)
        if key is not None and key.field != "current" or not any(
                _amount(own[at], "money", self.scale) is not None for f, at in self.execution.items()
                if f in _EXECUTION_SOURCES and at in own):
            return False  # a label of the form after the budget rows (年度总体目标 | …), not a source
        name = label.removeprefix(_SOURCES[0]).removeprefix(_SOURCES[1]).strip()
        total = label in _TOTAL_ROW or normal(label) in _LABELS and _LABELS[normal(label)].field == "current" or (
            "current" not in self.project.fields and not label.startswith(_SOURCES) and not self.project.sources)
        for f, at in self.execution.items():
            raw = own.get(at)
            if raw is None or f == "rate" or cell_line(raw) in ("—", "-", "--", "/", "／"):
                continue  # 执行率 is computed; a dash fills the cells a source has no figure in
            if not total:
                if f in _EXECUTION_SOURCES:
                    into = None if f == "current" else self.project.execution.setdefault(_EXECUTION_SOURCES[f], [])
                    self._source(name, row, column, (at, raw), into)
                else:
                    self.report("I103", row, at, self.guess(), text=cell_line(raw))
            elif f == "score":
                node = self._node(KEY_BY_FIELD["score"], raw, self.span(row, at), row, at)
                if node is None:
                    self.report("I102", row, at, text=cell_text(raw))
                else:
                    self.project.execution["score"] = node
            else:
                self._field(BUDGET_WEIGHT_KEY if f == "weight" else KEY_BY_FIELD[f], raw, row, at)
        return True

    def _paragraph(self, row: int, filled: list[tuple[int, Any]]) -> bool:
        """A line of one cell below a prose label: a paragraph of it."""
        text = cell_line(filled[0][1])
        if len(filled) != 1 or self.prose is None or _LABEL_RE.match(text) or self.vocabulary.title(text):
            return False
        old = self.project.fields.get(self.prose.field)
        paragraphs = (old.paragraphs if isinstance(old, ast.Text) else ()) + (text,)
        span = old.span if isinstance(old, ast.Text) else self.span(row, filled[0][0])
        if unwritable(paragraphs):
            self.report("I009", row, filled[0][0], key="I009.cell")
            return True
        self.project.fields[self.prose.field] = ast.Text(span=span, blank_before=True, paragraphs=paragraphs)
        return True

    def _goal_row(self, row: int, filled: list[tuple[int, Any]]) -> bool:
        """The row under `年度总体目标 | 预期目标 | 实际完成情况`: the goals and what came of them, in the
        order of their headings (a pasted row that lost its merged cells is shifted, never reordered)."""
        fields, self.goal_columns = [f for _, f in sorted(self.goal_columns.items())], {}
        cells = [(c, v) for c, v in filled if label_key(cell_line(v)) is None]
        if len(cells) != len(fields):
            return False
        for (column, value), name in zip(cells, fields):
            self._field(KEY_BY_FIELD[name], value, row, column)
        return True

    def _field(self, key: Key | None, raw: Any, row: int, column: int) -> None:
        if key is _NAME_KEY:
            name = cell_line(raw)
            if self.project.rows or "name" in self.project.fields and self.project.fields["name"] != name:
                self.projects.append(_Project(fields=dict(self.shared), year=self.project.year))
            self.project.fields["name"] = name
            self.project.name_at = (row, column)
            return
        assert key is not None
        node = self._node(key, raw, self.span(row, column), row, column)
        if node is None:
            self.report("I102", row, column, text=cell_text(raw))
            return
        self.project.fields[key.field] = node
        if "name" not in self.project.fields:
            self.shared[key.field] = node

    def _node(self, key: Key, raw: Any, span: ast.Span, row: int, column: int) -> ast.Node | None:
        """The value of a cell as the node its key calls for, read as the parser reads a `.perf` value."""
        text = cell_line(raw)
        if key.kind == "text":
            paragraphs = ((cell_line(raw),) if self.grid.wrapped and cell_line(raw) else
                          tuple(" ".join(p.split()) for p in cell_text(raw).split("\n") if p.strip()))
            if unwritable(paragraphs):
                self.report("I009", row, column, key="I009.cell")
                return ast.Text(span=span, blank_before=True, paragraphs=())
            return ast.Text(span=span, blank_before=True, paragraphs=paragraphs)
        if key.kind in ("money", "number"):
            amount = _amount(raw, key.kind, self.scale)
            return None if amount is None else ast.Amount(span=span, value=amount)
        # a cell a workbook keeps as a date or a truth value is one already
        if key.kind == "date" and isinstance(raw, datetime.date):
            return ast.Day(span=span, value=raw.date() if isinstance(raw, datetime.datetime) else raw)
        if key.kind == "flag" and isinstance(raw, bool):
            return ast.Flag(span=span, value=raw)
        read = values.read_value(key.kind, text, span) if text else None
        return None if read is None else read[0](span=span, **read[1])

    # one project's rows -> its spec
    def _build(self, project: _Project) -> Imported:
        saved, self.projects = self.projects, [project]
        try:
            spec, count = self._spec(project)
        finally:
            self.projects = saved
        one = Imported(spec, self.grid.where(*project.name_at), project.diagnostics, count)
        require_content(one)
        return one

    def _target(self, row: int, cells: dict[str, Any]) -> tuple[str, int]:
        """The target text of a row: its value cell, with the comparator of a 指标方向/指标性质 cell
        (大于等于, ≥) and the unit of a 计量单位 cell when the value has none (`大于等于 | 98 | %`)."""
        column = self.columns["target"]
        raw = cells["target"]
        text = cell_line(raw)  # a target wrapped in its narrow cell (a PDF's) is one line
        if not text:
            return "", column
        words = [cell_line(cells.get(f)) for f in ("direction", "nature")]
        if values.number(text) is not None:  # a bare figure: its comparator and unit are in cells of their own
            for word in words:
                comparator = COMPARATOR_WORDS.get(word) or ({"≥": ">=", "≤": "<=", "＝": "=", "=": "=", ">": ">",
                                                             "<": "<"}.get(word))
                if comparator:
                    text = comparator + text
                    break
            measure = cell_line(cells.get("measure"))
            if measure and values.number(text.lstrip("<>=")) is not None:
                text += measure
        return text, column

    def _indicator(self, row: int, cells: dict[str, Any]) -> ast.Indicator | None:
        name = cell_line(cells["name"])
        target_text, target_column = self._target(row, cells)
        if not target_text:
            # an empty target cell is a target not filled in, as build prints one (`?`, which check names)
            self.report("I102", row, target_column, self.guess(), key="I102.no_target", text=name)
            target_text = values.PENDING[0]
        target_text, basis = values.split_basis(target_text)
        parsed = writable_target(" ".join(target_text.split()))
        if parsed is None:
            self.report("I102", row, target_column, text=target_text)
            return None
        attributes: dict[str, Any] = {}
        for key in ATTRIBUTE_KEYS:
            column = self.columns.get(key.field)
            if column is None or cell_text(cells[key.field]) == "" or column == target_column:
                continue
            if key.field == "nature" and cell_line(cells[key.field]) in ("≥", "≤", "=", "＝", ">", "<"):
                continue  # the comparator itself, read into the target
            if key.field in ("actual", "score") and cell_line(cells[key.field]) == NOT_APPLICABLE:
                attributes["not_applicable"] = ast.Flag(span=self.span(row, column), value=True)
                continue  # the form's way of saying an indicator drops out of the score
            node = self._node(key, cells[key.field], self.span(row, column), row, column)
            if node is None:
                self.report("I102", row, column, text=cell_text(cells[key.field]))
            else:
                attributes[key.field] = node
        if basis is not None and "standard" not in attributes:
            attributes["standard"] = ast.Word(span=self.span(row, target_column), value=basis)
        return ast.Indicator(span=self.span(row, self.columns["name"]), name=name,
                             target=values.make_target(parsed, self.span(row, target_column)), **attributes)

    def _spec(self, project: _Project) -> tuple[ast.Spec, int]:
        rows = project.rows
        level1_column, level2_column = self.columns.get("level1"), self.columns.get("level2")
        framework = _framework(self.vocabulary.frameworks,
                               [(values.split_weight(cell_line(c.get("level1")))[0], cell_line(c.get("level2")))
                                for _, c in rows])
        level1s: list[tuple[str, int, list[tuple[str, int, list[ast.Indicator]]]]] = []
        scores: dict[int, ast.Score] = {}
        count = 0
        for row, cells in rows:
            heading, level2, name = (cell_line(cells.get("level1")), cell_line(cells.get("level2")),
                                     cell_line(cells["name"]))
            if not name and cell_text(cells.get("target")):
                self.report("I102", row, self.columns["name"], key="I102.no_name", text=cell_text(cells["target"]))
            if heading:
                heading, score, _ = values.split_weight(heading)
                known = framework.match_level1(heading)
                heading = known.name if known is not None else heading
                if not level1s or level1s[-1][0] != heading:
                    level1s.append((heading, row, []))
                    if score is not None:
                        scores[len(level1s) - 1] = ast.Score(span=self.span(row, level1_column or 1), **score)
            elif not level1s:
                self.report("I102", row, level1_column or self.columns["name"], key="I102.no_level1",
                            text=name or level2)
                continue
            sections = level1s[-1][2]
            if level2 and (not sections or sections[-1][0] != level2):
                sections.append((level2, row, []))
            if not name:
                continue
            if not sections:
                self.report("I102", row, level2_column or self.columns["name"], key="I102.no_level2", text=name)
            elif (indicator := self._indicator(row, cells)) is not None:
                sections[-1][2].append(indicator)
                count += 1
        tree = tuple(ast.Level1(span=self.span(r), blank_before=True, name=n, weight=scores.get(i), sections=tuple(
            ast.Level2(span=self.span(r2), name=n2, indicators=tuple(inds)) for n2, r2, inds in l2s))
            for i, (n, r, l2s) in enumerate(level1s))
        return self._assemble(project, tree, framework), count

    def _assemble(self, project: _Project, tree: tuple[ast.Level1, ...], framework: Framework) -> ast.Spec:
        fields: dict[str, Any] = dict(project.fields)
        name = str(fields.pop("name", ""))
        unit = fields.pop("unit", None)
        budget_fields = {k.field: fields.pop(k.field) for k in (*BUDGET_KEYS, BUDGET_WEIGHT_KEY) if k.field in fields}
        if project.sources:
            budget_fields["sources"] = ast.Sources(span=project.sources[0].span, items=tuple(project.sources))
        for field_name, value in project.execution.items():
            budget_fields[field_name] = (ast.Sources(span=value[0].span, items=tuple(value))
                                         if isinstance(value, list) else value)
        if budget_fields:
            first = min(n.span.line for n in budget_fields.values() if isinstance(n, ast.Node))
            fields["budget"] = ast.Budget(span=ast.Span(file=self.file, line=first, column=1, end_line=first,
                                                        end_column=2), blank_before=True, **budget_fields)
        if framework.name != DEFAULT_FRAMEWORK:
            fields["framework"] = ast.Word(span=self.span(1), value=framework.name)
        spec_project = ast.Project(span=self.span(*project.name_at), name=name, sections=tree, **fields)
        year = ast.Year(span=self.span(min(2, max(self.grid.max_row, 1))), value=project.year) if project.year else None
        return ast.Spec(file=self.file, unit=unit, year=year, framework=None, projects=(spec_project,),
                        end_comments=())


def _level1_like(text: str, frameworks: Sequence[Framework] = _FRAMEWORKS) -> bool:
    name = values.split_weight(text)[0]
    return any(fw.match_level1(name) is not None for fw in frameworks)


def _framework(frameworks: Sequence[Framework], cells: list[tuple[str, str]]) -> Framework:
    names = list(dict.fromkeys(h for h, _ in cells if h))
    # The 二级 too: national-2021 and shanghai-2025 share their 一级 and differ in the 二级 of 成本指标. An
    # empty 一级 cell is the one above it, as a merged cell is.
    tree: dict[str, list[str]] = {}
    heading = ""
    for cell, level2 in cells:
        heading = cell or heading
        if heading and level2:
            tree.setdefault(heading, []).append(level2)
    return best_fit(names, frameworks, level2=tree) or builtin(DEFAULT_FRAMEWORK)


def require_content(one: Imported) -> None:
    """A project with no name or no indicator is an error of its own: never an empty file, never exit 0."""
    project = one.spec.projects[0]
    if not project.name:
        one.diagnostics.append(diag("I108", Severity.error, project.span, cell=one.place))
    elif one.indicators == 0 and not any(d.severity is Severity.error for d in one.diagnostics):
        one.diagnostics.append(diag("I109", Severity.error, project.span, cell=one.place, name=project.name))


def span(file: str, line: int = 1) -> ast.Span:
    return ast.Span(file=file, line=line, column=1, end_line=line, end_column=2)


def interpret(grids: list[Grid], file: str, strict: bool = False, vocabulary: Vocabulary | None = None
              ) -> tuple[list[Imported], list[Diagnostic], list[Mapping]]:
    """Every project of every grid; the diagnostics that belong to no project; the column mapping."""
    vocabulary = vocabulary or Vocabulary.load()
    imported: list[Imported] = []
    diagnostics: list[Diagnostic] = []
    mapping: list[Mapping] = []
    for grid in grids:
        reader = GridReader(grid, file, strict, vocabulary)
        try:
            imported += reader.read()
        except Exception as e:  # a bug: this grid is refused with a message, the others are still read
            diagnostics.append(diag("X005", Severity.error, reader.span(1), place=f"{file}:{grid.name}",
                                    reason=f"{type(e).__name__}: {e}"))
            continue
        diagnostics += reader.diagnostics
        mapping += reader.mapping
    if not imported and not any(d.severity is Severity.error for d in diagnostics):
        diagnostics.append(diag("I005", Severity.error, span(file)))
    return joined(imported), diagnostics, mapping


def joined(imported: list[Imported]) -> list[Imported]:
    """A project's 自评表 sheet after its target sheet (as `build` writes them) is one project: the actuals,
    scores and execution of the later join the targets of the earlier, matched by name and indicator path."""
    out: list[Imported] = []
    by_name: dict[str, list[Imported]] = {}  # a dictionary, not a scan: a table of many projects stays linear
    for one in imported:
        project = one.spec.projects[0]
        earlier = next((o for o in by_name.get(project.name, ()) if _same_project(o, one)), None)
        if earlier is None or not has_evaluation(project):
            out.append(one)
            by_name.setdefault(project.name, []).append(one)
            continue
        merged, lost = evaluated(earlier.spec.projects[0], project)
        earlier.spec = dataclasses.replace(earlier.spec, projects=(merged,))
        earlier.diagnostics += one.diagnostics
        earlier.diagnostics += [diag("I157", Severity.error, ind.span, cell=one.place, name=ind.name) for ind in lost]
    return out


def _same_project(target: Imported, evaluation: Imported) -> bool:
    """The 自评表 of this target table: the same name, the same year where both say one."""
    a, b = target.spec.projects[0], evaluation.spec.projects[0]
    years = {target.spec.year_of(a), evaluation.spec.year_of(b)} - {None}
    return a.name == b.name and len(years) <= 1 and not has_evaluation(a)


_PROJECT_STAGE = ("finance_manager", "total_score", "achieved", "conclusion", "problems", "improvements")
_BUDGET_STAGE = ("full_year", "executed", "score", "reason", "adjusted_sources", "executed_sources")
_INDICATOR_STAGE = tuple(k.field for k in ACTUAL_KEYS)


def evaluated(target: ast.Project, evaluation: ast.Project) -> tuple[ast.Project, list[ast.Indicator]]:
    """The target project with what its self-evaluation adds; the evaluated indicators it has no place for."""
    found = {(l1.name, l2.name, i.name): i for l1 in evaluation.sections for l2 in l1.sections for i in l2.indicators}
    used: set[tuple[str, str, str]] = set()

    def indicator(path: tuple[str, str, str], ind: ast.Indicator) -> ast.Indicator:
        other = found.get(path)
        if other is None:
            return ind
        used.add(path)
        return dataclasses.replace(ind, **{f: getattr(other, f) for f in _INDICATOR_STAGE})

    sections = tuple(dataclasses.replace(l1, sections=tuple(
        dataclasses.replace(l2, indicators=tuple(indicator((l1.name, l2.name, i.name), i) for i in l2.indicators))
        for l2 in l1.sections)) for l1 in target.sections)
    budget = target.budget
    if evaluation.budget is not None:
        stage = {f: getattr(evaluation.budget, f) for f in _BUDGET_STAGE}
        budget = (dataclasses.replace(budget, **stage) if budget is not None
                  else ast.Budget(span=evaluation.budget.span, blank_before=True, **stage))
    fields = {f: getattr(evaluation, f) for f in _PROJECT_STAGE if getattr(evaluation, f) is not None}
    merged = dataclasses.replace(target, sections=sections, budget=budget, **fields)
    return merged, [i for path, i in found.items() if path not in used]

