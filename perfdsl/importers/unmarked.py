"""Tables pasted as text with nothing that marks their cells, as grids.

Copied out of a PDF or a Word file, a table comes as one row per line with single spaces between the cells
(a long cell broken over the next lines), as one cell per line with no sign of where a row ends, or as one
run of text with no separator at all. The column headings say how many cells a row has and what each is;
the frameworks' 一级 and 二级 names and the shape of a target say where the cells of the tree end:

- a row is an optional 一级, an optional 二级 (both omitted where the form merged them with the row above),
  the indicator's name, and the cells of the columns after the name;
- in one run of text, a name ends where a target starts (a comparator or a figure, or a target word such as
  合理), and a figure's unit is the longest of the known units (`headings.toml`) that follows it.

Where that is a guess (a line joined to the row above, a unit that is no known one, a row with cells left
over) the place is reported (I150–I153), a warning or, with `--strict`, an error. The text above the
headings and below the rows stays as lines, read as a table's title and `label：value` fields are.
"""

from __future__ import annotations

import re
from typing import Any, Sequence
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Severity, diag
from ..frameworks import Framework
from ..syntax import values
from ..syntax.vocab import (COMPARATOR_WORDS, COMPARATORS, DIRECTION_WORDS, NATURE_KINDS, NATURE_WORDS,
                            QUALITATIVE_WORDS, SOURCE_WORDS, STANDARD_WORDS)
from .grid import Grid
from .tables import (_LABEL_RE, _LABELS, _MONEY_UNIT, _NOTE, _SOURCES, Vocabulary, _level1_like, label_key,
                     normal, span)

_TREE = ("level1", "level2")
_WEIGHT = r"(?:\s*[(（]\s*\d+(?:\.\d+)?(?:\s*-\s*\d+(?:\.\d+)?)?\s*分?\s*[)）]\s*分?)?"
_COMPARATOR = "|".join(re.escape(c) for c in sorted([*COMPARATORS, *COMPARATOR_WORDS], key=len, reverse=True))
_FIGURE = re.compile(rf"(?:{_COMPARATOR})?\s*[+-]?\d+(?:\.\d+)?")
_TARGET_START = re.compile(rf"(?:{_COMPARATOR})\s*\d|(?<![\d.])\d")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# a deadline or a period as tables write them (2024年12月底前, 2023.07-2024.01, 2023年7月-12月)
_MOMENT = r"\d{4}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[.-]\d{1,2}(?:[.-]\d{1,2})?)"
_DATE = re.compile(rf"(?:{_COMPARATOR}|不晚于|不迟于|截至|截止)?\s*{_MOMENT}"
                   rf"(?:\s*(?:-{{1,2}}|~|至|\.\.)\s*(?:{_MOMENT}|\d{{1,2}}\s*月))?(?:底|末)?(?:之前|以前|前)?")


def _level(text: str, frameworks: Sequence[Framework]) -> str | None:
    """`level1` or `level2` when the text is a 一级 or 二级 name of a framework (with its weight, if any)."""
    name = values.split_weight(text.strip())[0]
    for fw in frameworks:
        if fw.match_level1(name) is not None:
            return "level1"
    for fw in frameworks:
        if any(l1.match_level2(name) is not None for l1 in fw.level1):
            return "level2"
    return None


def _tree_names(frameworks: Sequence[Framework]) -> list[str]:
    names = {s for fw in frameworks for l1 in fw.level1 for s in (l1.name, *l1.aliases)}
    names |= {s for fw in frameworks for l1 in fw.level1 for l2 in l1.level2 for s in (l2.name, *l2.aliases)}
    return sorted(names, key=len, reverse=True)


@dataclass
class _Cell:
    text: str
    line: int
    """The source line; in one run of text every cell is on its line."""


@dataclass
class Unmarked:
    grid: Grid
    diagnostics: list[Diagnostic] = field(default_factory=list)
    rows: int = 0
    """How many rows of the tree were found under the headings."""
    spaced: bool = False
    """A row per line with spaces between the cells: the official text layout looks so too."""


class _Reader:
    def __init__(self, path: str, strict: bool, vocabulary: Vocabulary) -> None:
        self.path, self.strict, self.vocabulary = path, strict, vocabulary
        self.diagnostics: list[Diagnostic] = []
        # headings as written (the vocabulary's are normalised: its brackets are half-width)
        spelt = {h for h in vocabulary.columns} | {h.replace("(", "（").replace(")", "）") for h in vocabulary.columns}
        self.known = sorted((h for h in spelt if h), key=len, reverse=True)
        self.units = frozenset(vocabulary.units)
        self.frameworks = vocabulary.frameworks
        self.tree = _tree_names(self.frameworks)
        self.tree_names = re.compile("|".join(re.escape(n) for n in self.tree))
        self.normal = ""
        """The run of text being cut, its brackets and colons of one width."""
        self.anywhere = re.compile("|".join(re.escape(h) for h in self.known))

    def guess(self, code: str, line: int, **args: Any) -> None:
        severity = Severity.error if self.strict else Severity.warning
        self.diagnostics.append(diag(code, severity, span(self.path, line), **args))

    # ------------------------------------------------------------------------------------ the headings
    def headings(self, text: str, at: int = 0, whole: bool = True) -> tuple[list[str], list[str], int] | None:
        """The fields and headings of a run of column headings from `at` in `text` (spaces or none between
        them), and where it ends; `whole`: only if it fills the text."""
        known = self.known
        fields: list[str] = []
        texts: list[str] = []
        while at < len(text):
            while at < len(text) and text[at].isspace():
                at += 1
            hit = next((h for h in known if text.startswith(h, at)), None)
            if hit is None:
                break
            fields.append(self.vocabulary.columns[normal(hit)])
            texts.append(hit)
            at += len(hit)
        if whole and text[at:].strip():
            return None
        return (fields, texts, at) if "name" in fields and "target" in fields else None

    def find_headings(self, text: str) -> tuple[int, int, list[str], list[str]] | None:
        """Where a run of column headings starts and ends in one run of text, with its fields and headings."""
        for m in self.anywhere.finditer(text):
            found = self.headings(text, m.start(), whole=False)
            if found is not None:
                return m.start(), found[2], found[0], found[1]
        return None

    # -------------------------------------------------------------------------------------- the rows
    def rows(self, fields: list[str], lines: list[list[_Cell]]) -> list[tuple[int, list[str | None]]]:
        """The rows of the tree, each line of `lines` one row (its empty cells left out)."""
        after = fields[fields.index("name") + 1:]
        out: list[tuple[int, list[str | None]]] = []
        for cells in lines:
            row: dict[str, str] = {}
            rest = list(cells)
            for level in _TREE:
                if rest and level in fields and _level(rest[0].text, self.frameworks) == level:
                    row[level] = rest.pop(0).text
            if not rest:
                if row:
                    out.append((cells[0].line, _placed(fields, row)))
                continue
            if out and len(rest) == 1 and not row:
                self._continue(fields, out[-1], rest[0])
                continue
            joined = 1
            placed, used = _assign(after, [c.text for c in rest[1:]], self.units)
            while used < len(rest) - 1 and joined < len(rest) - 1:  # spaces inside a name
                joined += 1
                placed, used = _assign(after, [c.text for c in rest[joined:]], self.units)
                used += joined - 1
            if joined > 1:
                self.guess("I151", rest[0].line, text=" ".join(c.text for c in rest[:joined]))
            row.update(placed, name=" ".join(c.text for c in rest[:joined]))
            out.append((cells[0].line, _placed(fields, row)))
        return out

    def _continue(self, fields: list[str], last: tuple[int, list[str | None]], cell: _Cell) -> None:
        """A line of one cell after a row: the rest of a cell of that row broken over the line. A target that
        reads as a figure is whole, so it is the name that went on; a word target may go on itself."""
        row = last[1]
        name, target = fields.index("name"), fields.index("target")
        whole = isinstance(values.read_target(row[target] or ""), tuple)
        at = name if whole or row[target] is None else target
        row[at] = (row[at] or "") + cell.text
        self.guess("I150", cell.line, text=cell.text, joined=row[at])

    def cut(self, fields: list[str], cells: list[_Cell]) -> list[tuple[int, list[str | None]]]:
        """Rows from cells in one stream, a cell per line: a row ends where its next cell fits no column left
        (a figure is no 计量单位) or opens a 一级 or 二级."""
        after = fields[fields.index("name") + 1:]
        out: list[tuple[int, list[str | None]]] = []
        row: dict[str, str] = {}
        i = 0
        while i < len(cells):
            cell = cells[i]
            level = _level(cell.text, self.frameworks)
            if level in fields:
                row[level] = cell.text
                i += 1
                continue
            following = []
            for later in cells[i + 1:i + 1 + len(after)]:
                if _level(later.text, self.frameworks) in fields:
                    break
                following.append(later.text)
            placed, used = _assign(after, following, self.units)
            if "target" not in placed:
                self.guess("I152", cell.line, text=cell.text, count=len(after) - used)
            row.update(placed, name=cell.text)
            out.append((cell.line, _placed(fields, row)))
            row = {}
            i += 1 + used
        if row:
            out.append((cells[-1].line, _placed(fields, row)))
        return out

    def split_run(self, text: str, line: int, fields: list[str]) -> tuple[list[tuple[int, list[str | None]]], int]:
        """Rows cut out of one run of text: a 一级 or 二级 name is known by its spelling, a name ends where a
        target starts, and each column after it takes what its kind of cell can be (a comparator word, a
        figure, a unit, a 分值). Also where the rows end: a label after a row (填表人, 填报日期) starts the text below."""
        after = fields[fields.index("name") + 1:]
        tree, units = self.tree, self.vocabulary.units
        out: list[tuple[int, list[str | None]]] = []
        row: dict[str, str] = {}
        at = 0
        self.normal = normal_run(text)  # once: looked at by position for every cell
        while at < len(text):
            while at < len(text) and text[at].isspace():
                at += 1
            if at >= len(text) or (not row and _TAIL_LABEL.match(self.normal, at)):
                break
            hit = next((n for n in tree if text.startswith(n, at)), None)
            if hit is not None:
                m = re.compile(re.escape(hit) + _WEIGHT).match(text, at)
                assert m is not None
                row[_level(hit, self.frameworks) or "level1"] = m.group().strip()
                at = m.end()
                continue
            start = self._target_start(text, at + 1)  # a name has one character at least
            if start is None:
                self.guess("I152", line, text=text[at:].strip(), count=len(after))
                row["name"] = text[at:].strip()
                break
            row["name"] = text[at:start].strip()
            at = start
            for column in after:
                value, at = self._take(column, text, at, units, line, "measure" in after)
                if value:
                    row[column] = value
            out.append((line, _placed(fields, row)))
            row = {}
        if row:
            out.append((line, _placed(fields, row)))
        return out, at

    def _target_start(self, text: str, at: int) -> int | None:
        """Where the next target starts: a comparator or figure, or a target word, whichever comes first."""
        figure = m.start() if (m := _TARGET_START.search(text, at)) is not None else None
        # a target word counts where a cell ends after it (路面优良率 holds 优良, and goes on); looked for only
        # before the figure, or up to the next 一级/二级 name, so that the whole run is read in linear time
        stop = figure if figure is not None else next(
            (m.start() for m in self.tree_names.finditer(text, at)), len(text)) + _LONGEST_WORD
        for word in _BY_LENGTH_WORDS:
            found = text.find(word, at, stop)
            while 0 <= found and (figure is None or found < figure):
                end = found + len(word)
                if end == len(text) or text[end].isdigit() or self._cell_starts(text, end):
                    figure = found
                    break
                found = text.find(word, found + 1, stop)
        return figure

    def _cell_starts(self, text: str, at: int) -> bool:
        return (any(text.startswith(n, at) for n in self.tree)
                or _TAIL_LABEL.match(self.normal, at) is not None)

    def _take(self, column: str, text: str, at: int, units: list[str], line: int, own_unit: bool
              ) -> tuple[str, int]:
        """The cell of `column` at `at` in one run of text, and where it ends ('' when it is not there)."""
        if column == "direction":
            word = next((w for w in _BY_LENGTH_DIRECTIONS if text.startswith(w, at)), "")
            return word, at + len(word)
        if column == "measure":
            unit = next((u for u in units if text.startswith(u, at)), "")
            return unit, at + len(unit)
        if column != "target":
            m = _NUMBER.match(text, at)
            return (m.group(), m.end()) if m else ("", at)
        known = next((w for w in _BY_LENGTH_WORDS if text.startswith(w, at)), None)
        if known is not None:
            return known, at + len(known)
        dated = _DATE.match(text, at)
        if dated is not None and isinstance(values.read_target(dated.group()), tuple):
            return dated.group(), dated.end()
        m = _FIGURE.match(text, at)
        if m is None:
            return "", at
        end = m.end()
        if own_unit:  # the unit has a column of its own
            return text[at:end], end
        after = next((u for u in units if text.startswith(u, end)), None)
        if after is None:
            # a unit no list knows: the few characters before a cell that starts here (本 in 500本质量指标)
            gap = next((k for k in range(1, 4) if end + k <= len(text) and
                        (end + k == len(text) or self._cell_starts(text, end + k))), 0)
            if any(c.isdigit() for c in text[end:end + gap]):
                gap = 0
            self.guess("I153", line, text=text[at:end + gap], unit=text[end:end + gap])
            return text[at:end + gap], end + gap
        end += len(after)
        if text.startswith("/", end) and (per := next((u for u in units if text.startswith(u, end + 1)), None)):
            end += 1 + len(per)  # 1次/月
        return text[at:end], end

    def grid(self, before: list[tuple[int, list[str]]], headings: tuple[int, list[str]],
             rows: list[tuple[int, list[str | None]]], tail: list[tuple[int, list[str]]]) -> Unmarked:
        """The grid: the lines above and below the rows as their cells (`label value` pairs), the headings,
        the rows."""
        grid = Grid(name="pasted", kind="text", lines=[])
        assert grid.lines is not None
        every: list[tuple[int, list[str | None]]] = [*((m, list[str | None](c)) for m, c in before),
                                                     (headings[0], list(headings[1])), *rows,
                                                     *((m, list[str | None](c)) for m, c in tail)]
        for line, cells in every:
            if any(c for c in cells):
                grid.rows.append(list(cells))
                grid.lines.append(line)
        return Unmarked(grid, self.diagnostics, rows=len(rows))


_BY_LENGTH_WORDS = sorted(QUALITATIVE_WORDS, key=len, reverse=True)
_LONGEST_WORD = len(_BY_LENGTH_WORDS[0])
_BY_LENGTH_DIRECTIONS = sorted({*DIRECTION_WORDS, *COMPARATOR_WORDS, *COMPARATORS}, key=len, reverse=True)


def _fits(column: str, text: str, units: frozenset[str]) -> bool:
    """Whether a cell can be one of `column`: the columns of a kind of their own take only that kind."""
    if column == "direction":
        return text in DIRECTION_WORDS or text in COMPARATOR_WORDS or text in COMPARATORS
    if column == "measure":
        return text in units
    if column == "weight":
        return _NUMBER.fullmatch(text) is not None
    if column == "nature":
        return text in NATURE_KINDS or text in NATURE_WORDS
    if column == "standard":
        return text in STANDARD_WORDS
    if column == "core":
        return text in ("★", "是", "否")
    return True


def _assign(columns: list[str], cells: list[str], units: frozenset[str]) -> tuple[dict[str, str], int]:
    """The cells in order to the columns they fit, a column a cell does not fit left empty; how many were
    placed (the rest fit no column left)."""
    placed: dict[str, str] = {}
    left = list(columns)
    used = 0
    for cell in cells:
        while left and not _fits(left[0], cell, units):
            left.pop(0)
        if not left:
            break
        placed[left.pop(0)] = cell
        used += 1
    return placed, used


def _placed(fields: list[str], row: dict[str, str]) -> list[str | None]:
    return [row.get(f) for f in fields]


def unmarked_grid(text: str, path: str, strict: bool, vocabulary: Vocabulary | None = None) -> Unmarked | None:
    """The grid of a table pasted with its cells unmarked, or None when no line of column headings (or run
    of them, one per line or inside one run of text) is found."""
    reader = _Reader(path, strict, vocabulary or Vocabulary.load())
    numbered = [(n, line.strip()) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    numbered = [(n, line[:-1].strip() if line.endswith("|") else line) for n, line in numbered]  # `cell |`
    for i, (n, line) in enumerate(numbered):
        found = reader.headings(line)
        if found is not None and len(found[0]) >= 3 and len(line.split()) == len(found[0]):
            fields, texts, _ = found  # a row per line, cells between spaces
            after = numbered[i + 1:]
            end = _table_end([t.split()[0] for _, t in after], reader.frameworks)
            rows = reader.rows(fields, [[_Cell(c, m) for c in t.split()] for m, t in after[:end]])
            split = [(m, t.split()) for m, t in numbered]
            unmarked = reader.grid(split[:i], (n, texts), rows, split[i + 1 + end:])
            unmarked.spaced = True
            return unmarked
        count = 0
        for _, t in numbered[i:]:  # one heading per line
            if normal(t) not in reader.vocabulary.columns:
                break
            count += 1
        fields = [reader.vocabulary.columns[normal(t)] for _, t in numbered[i:i + count]]
        if count >= 3 and "name" in fields and "target" in fields:
            after = numbered[i + count:]
            end = _table_end([t for _, t in after], reader.frameworks)
            rows = reader.cut(fields, [_Cell(t, m) for m, t in after[:end]])
            return reader.grid(_paired(numbered[:i], reader.frameworks), (n, [t for _, t in numbered[i:i + count]]),
                               rows, _paired(after[end:], reader.frameworks))
        run = reader.find_headings(line)
        if run is not None:  # one run of text
            start, stop, fields, texts = run
            rest = line[stop:]
            note = _LABEL_RE.search(rest) or _NOTE.search(rest)
            cut = note.start() if note else len(rest)
            rows, cut = reader.split_run(rest[:cut], n, fields)
            before = [*_paired(numbered[:i], reader.frameworks), *_labelled(n, line[:start])]
            tail = [*_labelled(n, rest[cut:]), *_paired(numbered[i + 1:], reader.frameworks)]
            return reader.grid(before, (n, texts), rows, tail)
    return None


def _is_label(text: str, frameworks: Sequence[Framework]) -> bool:
    return bool(_LABEL_RE.match(text) or _NOTE.match(text)
                or (label_key(text) is not None and not _level1_like(text, frameworks)))


def _table_end(firsts: list[str], frameworks: Sequence[Framework]) -> int:
    """The first line below the rows (`填表人 …`, `注：…`), given each line's first cell."""
    return next((j for j, t in enumerate(firsts) if _is_label(t, frameworks)), len(firsts))


def _paired(lines: list[tuple[int, str]], frameworks: Sequence[Framework]) -> list[tuple[int, list[str]]]:
    """Lines of one cell each: a label and the line after it (its value) make one row, and so do a name and
    the figure after it (其他资金, 20: a source of the year's funds)."""
    out: list[tuple[int, list[str]]] = []
    for n, text in lines:
        last = out[-1][1] if out and len(out[-1][1]) == 1 else None
        labelled = last is not None and (label_key(last[0]) is not None or last[0].startswith(_SOURCES))
        if last is not None and ((labelled and not _is_label(text, frameworks))
                                 or (_NUMBER.fullmatch(text) and not _NUMBER.fullmatch(last[0]))):
            last.append(text)
        else:
            out.append((n, [text]))
    return out


# What may stand below the rows of one run of text: who filled the table in, and when (an indicator's name
# may start like any other label: 实施计划完成率)
_TAIL_LABEL = re.compile("|".join(re.escape(s) for s in sorted(_LABELS, key=len, reverse=True)
                                  if _LABELS[s].field in ("filer", "preparer", "filed", "phone", "manager")))


# In one run of text a label is known by its spelling alone: only the longer ones, which no value holds by
# chance (项目, 单位, 年度 may stand inside a name), or any followed by its colon.
_RUN_LABEL = re.compile("|".join([
    _MONEY_UNIT.pattern,  # 金额单位：万元, kept whole
    *(re.escape(s) + "(?:" + "|".join(SOURCE_WORDS) + ")?" for s in _SOURCES),  # 其中：财政拨款
    *(re.escape(s) for s in sorted({*_LABELS, *SOURCE_WORDS}, key=len, reverse=True) if len(s) >= 4),
    _TAIL_LABEL.pattern, _LABEL_RE.pattern]))


def _labelled(line: int, text: str) -> list[tuple[int, list[str]]]:
    """Text cut at the labels in it: what comes before the first (a title) is a row, each label its value."""
    cuts = [m.start() for m in _RUN_LABEL.finditer(normal_run(text))]
    pieces = [text[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(text)])]
    out: list[tuple[int, list[str]]] = []
    for piece in pieces:
        if not piece:
            continue
        m = _RUN_LABEL.match(normal_run(piece))
        if m is not None and m.end() < len(piece):
            out.append((line, [piece[:m.end()].rstrip("：:"), piece[m.end():].strip()]))
        else:
            out.append((line, [piece]))
    return out


def normal_run(text: str) -> str:
    """The text with brackets of one width, length kept (so that positions in it are positions in `text`)."""
    return text.translate(_ONE_WIDTH)


_ONE_WIDTH = str.maketrans("（）：", "():")
