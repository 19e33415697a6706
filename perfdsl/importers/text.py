"""Importer: the official text layout (text extracted from the published PDF) -> `ast.Spec`.

It undoes what PDF extraction did: prose lines wrapped at the page width are joined (a line shorter than the
page ends a paragraph), indicator names wrapped inside their table cell are rejoined, and rows where the 二级
and the indicator share a line are split. Anything it cannot place is a diagnostic with the input's line
number, never a silent drop. The result is printed by `fmt`, so imported files are canonical.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterator

from .. import ast
from ..syntax import lexicon, values
from ..diagnostics import Diagnostic, Severity, diag
from ..syntax.fmt import block_holds
from ..frameworks import DEFAULT_FRAMEWORK, Framework, best_fit, builtin, builtin_names
from ..syntax.scanner import CONTROL, DIRECTION, INVISIBLE_NAMES, UNSEEN  # the parser's reading of such characters
from ..syntax.textblock import breakable, join_soft, starts_item
from ..syntax.vocab import (ATTRIBUTE_KEYS, BUDGET_KEYS, BUDGET_WEIGHT_KEY, COMPARATORS, HEADER_KEYS, NATIONAL_BUDGET_HEADING,
                            PROJECT_NAME_LABEL, QUALITATIVE_WORDS, SOURCES_LABEL, TEXT_KEYS, Key)

_QUALITATIVE = set(QUALITATIVE_WORDS)

TITLE = "财政项目支出绩效目标表"
PAGE_CHARS = 40
"""The published form wraps prose at 40 characters (digits included); shorter lines end a paragraph."""

_YEAR = re.compile(r"[（(]\s*(\d{4})\s*年度\s*[）)]")
_GOALS_HEADING = re.compile(r"(\d{4}\s*年\s*)?绩效目标")  # the text layout leaves the year out when a spec has none
_COLUMNS = re.compile(r"一级(目标|指标)\s+二级(目标|指标)\s+三级(目标|指标)")
_BUDGET_INTRO = re.compile(r"本项目上年度.*资金使用情况")
_COLON = lexicon.pattern("LABEL_COLON")
# Header labels in the order they are printed; a line holds one or two `label： value` pairs.
_NAME = Key("项目", "name", "word", PROJECT_NAME_LABEL)


def _labels(keys: tuple[Key, ...]) -> list[tuple[str, Key]]:
    """Every label a key prints under (its official one, else its own) and the ones real forms use for it."""
    return [(label, k) for k in keys
            for label in dict.fromkeys((k.official or k.canonical, *(a for a in k.aliases if not a.isascii())))]


# 年度 and 框架 print no label (the year is in the title line)
_HEADER_LABELS = _labels(tuple(k for k in (*HEADER_KEYS, _NAME) if k.field not in ("year", "framework")))
_TEXT_LABELS = _labels(TEXT_KEYS)
_BUDGET_LABELS = _labels((*BUDGET_KEYS, BUDGET_WEIGHT_KEY))
_LABEL_RE = re.compile(
    "(" + "|".join(re.escape(label).replace("（", "[（(]").replace("）", "[）)]")
                   for label, _ in sorted(_HEADER_LABELS + _BUDGET_LABELS, key=lambda x: -len(x[0])))
    + f")\\s*{_COLON}")
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}  # full-width digits only: prose keeps its own


@dataclass
class Table:
    """One table being read: fields collected so far, with the input line each came from."""

    start: int
    year: int | None = None
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    texts: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    rows: list[tuple[str, int]] = field(default_factory=list)
    unknown: list[tuple[str, int]] = field(default_factory=list)
    """`label：value` lines of the header whose label the language does not know."""
    sources: list[tuple[str, str, int]] = field(default_factory=list)
    """其中：财政拨款： 2,600,000 …: each source's name, amount and line."""


def split_tables(lines: list[str]) -> Iterator[Table]:
    """Cut the document at each title line; the lines of each table are kept with their numbers."""
    table: Table | None = None
    section: str | None = None
    in_rows = False
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if _is_title(line):
            if table is not None:
                yield table
            table, section, in_rows = Table(number), None, False
            continue
        if table is None:
            continue
        if not line:
            # a blank line inside a section ends its paragraph: how the text layout marks a paragraph whose
            # last line fills the page (a PDF has none, its paragraphs end on a short line)
            if not in_rows and section is not None and table.texts[section] and table.texts[section][-1][0]:
                table.texts[section].append(("", number))
            continue
        if in_rows:
            # an indicator's attribute lines are indented under it (`  分值：10`): the indent tells them
            table.rows.append((raw.rstrip() if raw.startswith("  ") else line, number))
            continue
        if line.startswith(_SOURCES) or (table.sources and _SOURCE_LINE.fullmatch(line)):
            rest = line.removeprefix(_SOURCES[0]).removeprefix(_SOURCES[1]).strip()
            if _SOURCE_LINE.fullmatch(rest):
                table.sources += [(name, amount, number) for name, amount in _SOURCE_PAIR.findall(rest)]
                section = None
                continue
        m = _YEAR.fullmatch(line)
        if m and table.year is None:
            table.year = int(m.group(1))
            continue
        label = _text_label(line)
        if label is not None:
            section, rest = label
            table.texts[section] = [(rest, number)] if rest else []
            continue
        pairs = _label_pairs(line)
        if pairs:
            for key, value in pairs:
                table.fields[key] = (value, number)
            section = None
            continue
        if _BUDGET_INTRO.fullmatch(line) or line == NATIONAL_BUDGET_HEADING or _GOALS_HEADING.fullmatch(line):
            section = None
            continue
        if _COLUMNS.match(line):
            in_rows = True
            continue
        if section is not None:
            table.texts[section].append((line, number))
        elif _UNKNOWN_LABEL.match(line) and not table.texts:
            table.unknown.append((line, number))
        else:
            table.rows.append((line, number))  # reported as unplaced by the caller
    if table is not None:
        yield table


_SOURCES = (SOURCES_LABEL, SOURCES_LABEL.replace("：", ":"))
_SOURCE_PAIR = re.compile(r"([^\s：:]+)\s*[：:]\s*([\d,，.]+(?:万元|元)?)")
_SOURCE_LINE = re.compile(rf"(?:{_SOURCE_PAIR.pattern}\s*)+")
_UNKNOWN_LABEL = re.compile(r"[^\s：:，,。；;]{2,16}[：:]")


def _is_title(line: str) -> bool:
    """The table title: 财政项目支出绩效目标表, or a variant such as 2021年度项目支出绩效目标表."""
    squashed = line.replace(" ", "")
    return squashed == TITLE or (squashed.endswith("项目支出绩效目标表") and len(squashed) <= 24)


def _text_label(line: str) -> tuple[str, str] | None:
    for label, key in _TEXT_LABELS:
        for spelling in (label, key.canonical, *key.aliases):
            if line.startswith(spelling):
                rest = line[len(spelling):].lstrip()
                if rest[:1] in ("：", ":"):
                    return key.field, rest[1:].strip()
    return None


def _label_pairs(line: str) -> list[tuple[str, str]]:
    matches = list(_LABEL_RE.finditer(line))
    if not matches or matches[0].start() != 0:
        return []
    pairs = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        label = re.sub(r"[（(]元[）)]", "（元）", m.group(1))
        key = next(k for spelled, k in _HEADER_LABELS + _BUDGET_LABELS if spelled == label)
        pairs.append((key.field, line[m.end():end].strip()))
    return pairs


def page_chars(tables: list[Table]) -> int:
    """The page width of the document's prose, in characters: its longest prose line."""
    lengths = [len(text) for t in tables for lines in t.texts.values() for text, _ in lines]
    return max(lengths, default=PAGE_CHARS)


def join_prose(lines: list[tuple[str, int]], width: int = 0) -> tuple[str, ...]:
    """Join PDF-wrapped lines into paragraphs.

    A line as long as the page continues into the next. Typesetting may end a full line one character early
    (a closing mark may not start a line), so one short still counts as full unless the line ends a sentence.
    A full line ending a sentence still ends its paragraph when the next line opens a new item (《…》). An
    empty line (a blank line in the document) always ends one.
    """
    width = width or PAGE_CHARS
    paragraphs: list[str] = []
    current = ""
    for i, (text, _) in enumerate(lines):
        if not text:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        current = join_soft(current, text)
        ends_sentence = text.endswith(_SENTENCE_END)
        # a line is full too when the next one starts with a run that may not be broken (`400平方米`) and
        # that would not have fitted after it
        head = _unbroken_head(lines[i + 1][0]) if i + 1 < len(lines) else 0
        full = len(text) >= width or (not ends_sentence and (len(text) == width - 1 or len(text) + head > width))
        next_item = i + 1 < len(lines) and lines[i + 1][0].startswith(_ITEM_START)
        # a numbered goal (目标2：) starts a paragraph however the line before it ends, as the parser reads it
        next_goal = i + 1 < len(lines) and starts_item(lines[i + 1][0])
        if not full or (ends_sentence and next_item) or next_goal:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return tuple(paragraphs)


def _unbroken_head(line: str) -> int:
    """How many characters open `line` before the first place a line may break."""
    return next((k for k in range(1, len(line)) if breakable(line[:k], line[k:]) is not None), len(line))


_SENTENCE_END = ("。", "；", "！", "？", "：", ";")
_ITEM_START = ("《", "一、", "二、", "三、", "四、", "五、", "六、", "（一）", "1.", "1、")


# `>= 90%` printed with a space: one cell, as the comparator and its number are one target
_CMP_SPACE = re.compile("(" + "|".join(map(re.escape, sorted(COMPARATORS, key=len, reverse=True))) + r")\s+(?=\d)")


@dataclass
class Rows:
    """Reads the indicator rows of one table into 一级 -> 二级 -> indicators."""

    file: str
    framework: Framework
    strict: bool
    diagnostics: list[Diagnostic]
    sections: list[tuple[str, int, list[tuple[str, int, list[ast.Indicator]]]]] = field(default_factory=list)
    pending: list[tuple[str, int]] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)
    scores: dict[int, dict[str, Any]] = field(default_factory=dict)
    """The 分值 of a 一级 (by its place in `sections`), as `values.split_weight` reads it off the heading."""
    attribute_open: str | None = None
    """The text attribute the last attribute line began, which an indented line goes on with."""

    def span(self, line: int) -> ast.Span:
        end = self.widths.get(line, 1) + 1
        return ast.Span(file=self.file, line=line, column=1, end_line=line, end_column=end)

    def report(self, code: str, line: int, severity: Severity = Severity.error, **args: Any) -> None:
        self.diagnostics.append(diag(code, severity, self.span(line), **args))

    def level2_known(self, name: str) -> bool:
        if not self.sections:
            return False
        level1 = self.framework.match_level1(self.sections[-1][0])
        return level1 is not None and level1.match_level2(name) is not None

    def open_level2(self, name: str, line: int) -> None:
        if not self.sections:
            self.report("I001", line, text=name)
            return
        self.flush()
        self.sections[-1][2].append((name, line, []))

    def add(self, name: str, target_text: str, line: int) -> None:
        target_text, basis = values.split_basis(target_text)  # `100%(历史标准)`: the 标准 after the value
        parsed = writable_target(target_text)
        if self.pending:
            name = "".join(part for part, _ in self.pending) + name
            line = self.pending[0][1]
            self.pending = []
        if parsed is None:
            self.report("I004", line, text=f"{name} {target_text}")
            return
        if not self.sections or not self.sections[-1][2]:
            self.report("I001", line, text=f"{name} {target_text}")
            return
        span = self.span(line)
        standard = None if basis is None else ast.Word(span=span, value=basis)
        indicator = ast.Indicator(name=name, target=values.make_target(parsed, span), span=span, standard=standard)
        self.sections[-1][2][-1][2].append(indicator)

    def flush(self) -> None:
        if self.pending:
            self.report("I002", self.pending[0][1], text="".join(p for p, _ in self.pending))
            self.pending = []

    def attribute(self, line: str, number: int) -> bool:
        """`  分值：10` under an indicator (and `  …` going on with its text): one of its attributes."""
        indicators = self.sections[-1][2][-1][2] if self.sections and self.sections[-1][2] else []
        m = _ATTRIBUTE_LINE.fullmatch(line)
        if not indicators or not line.startswith("  ") or (m is None and self.attribute_open is None):
            self.attribute_open = None
            return False
        last = indicators[-1]
        span = self.span(number)
        if m is None:  # a further paragraph of the text attribute above
            field_name = self.attribute_open
            assert field_name is not None
            before = getattr(last, field_name)
            node: Any = dataclasses.replace(before, paragraphs=(*before.paragraphs, line.strip()))
        else:
            key = _ATTRIBUTE_LABELS[m.group(1)]
            field_name, text = key.field, m.group(2).strip()
            if key.kind == "text":
                node = ast.Text(span=span, blank_before=True, paragraphs=(text,))
            else:
                read = values.read_value(key.kind, text, span)
                if read is None:
                    self.report("I004", number, text=line.strip())
                    return True
                node = read[0](span=span, **read[1])
        self.attribute_open = field_name if isinstance(node, ast.Text) else None
        indicators[-1] = dataclasses.replace(last, **{field_name: node})
        return True

    def read(self, rows: list[tuple[str, int]]) -> None:
        self.widths = {number: len(line) for line, number in rows}
        for i, (line, number) in enumerate(rows):
            if self.attribute(line, number):
                continue
            line = line.strip()
            tokens = _CMP_SPACE.sub(r"\1", line).split()
            # a 一级 heading may carry its 分值, as the forms print it: 产出指标（50分）
            heading, score, _ = values.split_weight(tokens[0]) if len(tokens) == 1 else ("", None, 0)
            level1 = self.framework.match_level1(heading) if len(tokens) == 1 else None
            if level1 is not None:
                self.flush()
                if score is not None:
                    self.scores[len(self.sections)] = score
                self.sections.append((level1.name, number, []))
                continue
            if len(tokens) >= 2 and self.level2_known(tokens[0]) and (
                    len(tokens) >= 3 or not _target_like(tokens[1])):
                self.open_level2(tokens[0], number)
                tokens = tokens[1:]
            if len(tokens) == 1:
                self.single(tokens[0], number, rows[i + 1][0] if i + 1 < len(rows) else None)
            elif len(tokens) == 2:
                self.add(tokens[0], tokens[1], number)
            else:
                self.report("I004", number, text=line)
        self.flush()

    def single(self, token: str, number: int, next_line: str | None) -> None:
        """A lone cell: a 二级 heading, a piece of a wrapped name, or the target of a wrapped name."""
        if self.level2_known(token) and not self.pending:
            self.open_level2(token, number)
        elif self.pending and _target_like(token):
            self.add("", token, number)
        elif not self.pending and next_line is not None and len(next_line.split()) >= 2:
            # A lone cell followed by a whole row is a 二级 heading this framework does not list.
            self.report("I003", number, Severity.error if self.strict else Severity.warning, name=token)
            self.open_level2(token, number)
        else:
            self.pending.append((token, number))


_ATTRIBUTE_LABELS = {label: k for k in ATTRIBUTE_KEYS for label in (k.official or k.canonical, *k.aliases) if not label.isascii()}
_ATTRIBUTE_LINE = re.compile("  (" + "|".join(map(re.escape, sorted(_ATTRIBUTE_LABELS, key=len, reverse=True)))
                             + ")：(.*)")
_UNWRITABLE = re.compile(r'[\s"#＃{}]')


def writable_target(text: str) -> tuple[Any, ...] | str | None:
    """The target `text` reads as, or None when it reads as none or as one a `.perf` file cannot hold: a word
    or unit with a space, a quote, a comment sign or a brace would read back as something else (a date, a
    period and `?` always write back)."""
    parsed = values.read_target(text)
    if parsed is None:
        return None
    written = parsed if isinstance(parsed, str) else parsed[2] if len(parsed) == 4 else ""
    return None if _UNWRITABLE.search(written) else parsed


def _target_like(token: str) -> bool:
    parsed = values.read_target(token)
    return parsed is not None and (not isinstance(parsed, str) or parsed in _QUALITATIVE)


def _choose_framework(rows: list[tuple[str, int]]) -> Framework:
    """The framework that knows the most of the 一级 headings, then of the rows' first cells under each (the
    二级: national-2021 and shanghai-2025 share their 一级)."""
    candidates = [builtin(n) for n in builtin_names()]
    level1: list[str] = []
    tree: dict[str, list[str]] = {}
    for line, _ in rows:
        if line.startswith("  "):
            continue  # an indicator's attribute
        tokens = line.split()
        name = values.split_weight(tokens[0])[0] if len(tokens) == 1 else ""
        if name and any(fw.match_level1(name) for fw in candidates):
            level1.append(name)
        elif level1 and tokens:
            tree.setdefault(level1[-1], []).append(tokens[0])
    return best_fit(level1, candidates, level2=tree) or builtin(DEFAULT_FRAMEWORK)


def _node(cls: type[Any], file: str, line: int, blank: bool = False, **fields: Any) -> Any:
    span = ast.Span(file=file, line=line, column=1, end_line=line, end_column=2)
    return cls(span=span, blank_before=blank, **fields)


def _header_value(key_field: str, text: str) -> tuple[type[Any], dict[str, Any]] | None:
    kind = next(k.kind for k in HEADER_KEYS if k.field == key_field)
    return values.read_value(kind, text) if text else None


_BUDGET_FIELDS = frozenset(k.field for k in (*BUDGET_KEYS, BUDGET_WEIGHT_KEY))


def build_project(table: Table, file: str, strict: bool, diagnostics: list[Diagnostic],
                  width: int = PAGE_CHARS) -> ast.Project:
    fields: dict[str, Any] = {}
    for key_field, (text, line) in table.fields.items():
        if key_field in _BUDGET_FIELDS:
            continue
        if key_field == "name":
            continue
        read = _header_value(key_field, text)
        if read is None:
            diagnostics.append(diag("I004", Severity.error, _span(file, line), text=text))
            continue
        fields[key_field] = _node(read[0], file, line, **read[1])
    amounts = {}
    for key in (*BUDGET_KEYS, BUDGET_WEIGHT_KEY):
        if key.field in table.fields:
            text, line = table.fields[key.field]
            amount = values.money(text) if key.kind == "money" else values.number(text)
            if amount is None:
                diagnostics.append(diag("I004", Severity.error, _span(file, line), text=text))
            else:
                amounts[key.field] = _node(ast.Amount, file, line, value=amount)
    sources: list[ast.Source] = []
    for name, text, line in table.sources:
        amount = values.money(text.replace("，", ","))
        if amount is None:
            diagnostics.append(diag("I004", Severity.error, _span(file, line), text=f"{name}：{text}"))
        elif any(s.name == name for s in sources):  # given twice, it would not read back: the first counts
            diagnostics.append(diag("I006", Severity.warning, _span(file, line), text=f"{name}：{text}"))
        else:
            sources.append(_node(ast.Source, file, line, name=name, value=amount))
    budget: dict[str, Any] = dict(amounts)
    if sources:
        budget["sources"] = _node(ast.Sources, file, sources[0].span.line, items=tuple(sources))
    if budget:
        first = min(a.span.line for a in budget.values())
        fields["budget"] = _node(ast.Budget, file, first, True, **budget)
    for key in TEXT_KEYS:
        if key.field in table.texts:
            lines = table.texts[key.field]
            line = lines[0][1] if lines else table.start
            paragraphs = join_prose(lines, width)
            if unwritable(paragraphs):
                diagnostics.append(diag("I009", Severity.error, _span(file, line), label=key.official or key.canonical))
                continue
            fields[key.field] = _node(ast.Text, file, line, True, paragraphs=paragraphs)
    for text, line in table.unknown:
        severity = Severity.error if strict else Severity.warning
        diagnostics.append(diag("I006", severity, _span(file, line, len(text)), text=text))
    framework = _choose_framework(table.rows)
    rows = Rows(file, framework, strict, diagnostics)
    rows.read(table.rows)
    level1s = []
    for i, (name, line, level2s) in enumerate(rows.sections):
        sections = tuple(_node(ast.Level2, file, l2_line, name=l2_name, indicators=tuple(inds))
                         for l2_name, l2_line, inds in level2s)
        score = rows.scores.get(i)
        weight = None if score is None else _node(ast.Score, file, line, **score)
        level1s.append(_node(ast.Level1, file, line, True, name=name, weight=weight, sections=sections))
    name_text, name_line = table.fields.get("name", ("", table.start))
    if framework.name != DEFAULT_FRAMEWORK:
        fields["framework"] = _node(ast.Word, file, table.start, value=framework.name)
    project: ast.Project = _node(ast.Project, file, name_line, True, name=name_text, sections=tuple(level1s), **fields)
    return project


def _span(file: str, line: int, width: int = 1) -> ast.Span:
    return ast.Span(file=file, line=line, column=1, end_line=line, end_column=width + 1)


def seen(text: str) -> str:
    """Text as a reader sees it (and as the parser reads a `.perf` file): no-break spaces are spaces, zero-width
    characters, direction controls and control characters are gone."""
    text = UNSEEN.sub(lambda m: " " if INVISIBLE_NAMES.get(m.group()) == "NBSP" else "", text)
    return CONTROL.sub("", text)


def refused_characters(text: str) -> list[tuple[str, int, dict[str, Any]]]:
    """What the parser refuses in a `.perf` file wherever it stands, as (message key, column, arguments):
    direction controls, which make a line display in another order than it holds (P024), and control
    characters (P025)."""
    refused = []
    for key, pattern in (("P024", DIRECTION), ("P025", CONTROL)):
        first = pattern.search(text)
        if first is not None:
            found = dict.fromkeys(pattern.findall(text, first.start()))
            args: dict[str, Any] = {"codes": ", ".join(f"U+{ord(c):04X}" for c in found)}
            if key == "P024":
                args["chars"] = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c)}" for c in found)
            refused.append((key, first.start() + 1, args))
    return refused


def _seen_lines(lines: list[str], file: str, diagnostics: list[Diagnostic]) -> list[str]:
    for i, line in enumerate(lines):
        if UNSEEN.search(line) or CONTROL.search(line):
            for key, at, args in refused_characters(line):
                span = ast.Span(file=file, line=i + 1, column=at, end_line=i + 1, end_column=at + 1)
                diagnostics.append(diag("I008", Severity.error, span, key, **args))
            lines[i] = seen(line)
    return lines


def unwritable(paragraphs: tuple[str, ...]) -> bool:
    """Prose a `.perf` file cannot hold: several paragraphs, one with three quotes (a text block would end there,
    and a one-line string holds one paragraph)."""
    return len(paragraphs) > 1 and not all(block_holds(p) for p in paragraphs)


def import_text(text: str, file: str = "<input>", strict: bool = False) -> tuple[list[ast.Spec], list[Diagnostic]]:
    """Read every table of a document; one Spec (file) per project, 单位 and 年度 at file level."""
    diagnostics: list[Diagnostic] = []
    specs = []
    lines = _seen_lines(values.normalise_newlines(text.lstrip("\ufeff")).split("\n"), file, diagnostics)
    tables = list(split_tables(lines))
    width = page_chars(tables)
    for table in tables:
        try:
            project = build_project(table, file, strict, diagnostics, width)
        except Exception as e:  # a bug: this table is refused with a message, the others are still read
            diagnostics.append(diag("X005", Severity.error, _span(file, table.start), place=f"{file}:{table.start}",
                                    reason=f"{type(e).__name__}: {e}"))
            continue
        unit = project.unit
        year = _node(ast.Year, file, table.start, value=table.year) if table.year else None
        project = dataclasses.replace(project, unit=None)
        specs.append(ast.Spec(file=file, unit=unit, year=year, framework=None,
                              projects=(project,), end_comments=()))
    if not tables:
        diagnostics.append(diag("I005", Severity.error, _span(file, 1)))
    return specs, diagnostics


def decode_document(data: bytes, file: str, encoding: str | None = None) -> tuple[str | None, list[Diagnostic]]:
    """Decode a published document: the given encoding, else UTF-8 (BOM or not), else GB18030.

    Published tables come from Windows offices as often as not, so GB18030 is read without complaint here
    (unlike `.perf` sources, which are UTF-8 by definition).
    """
    if encoding:
        try:
            return data.decode(encoding), []
        except (UnicodeDecodeError, LookupError) as e:
            return None, [diag("P000", Severity.error, _span(file, 1), "P000.encoding", encoding=encoding,
                               reason=str(e))]
    for name in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(name), []
        except UnicodeDecodeError:
            continue
    from ..syntax.loader import decode

    return decode(data, file)
