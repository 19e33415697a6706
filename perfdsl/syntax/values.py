"""Reading the values of a line: targets, money, dates, years, 是/否 and text blocks.

The scanner hands over a whole value as one token; these functions split it with compiled expressions and
report what cannot be read as a diagnostic on the value's own span.
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal
from typing import Any, Callable

from .. import ast
from . import lexicon, textblock
from ..diagnostics import Severity, diag
from .scanner import MISSING, Piece, Scan
from .vocab import (COMPARATOR_SUFFIXES, COMPARATOR_WORDS, COMPARATORS, DEADLINE_WORDS, FLAG_SPELLING, FLAG_WORDS,
                    MONEY_UNITS, STANDARD_WORDS, UNIT_ALIASES, Key, Kind)


MAX_WHOLE_DIGITS = 18
"""Digits a number may have before its decimal point. Amounts in 元 and the counts of these tables stay far
below 10**18; the bound keeps every number (万元 x 10,000 included) within what Decimal arithmetic, JSON and
a spreadsheet take without overflow, and keeps a pasted run of digits from slowing every stage down."""
MAX_DECIMALS = 6
"""Digits a number may have after its decimal point (分 are two, targets such as 99.95% three)."""

_NUMBER = lexicon.pattern("NUMBER")
_CMP = lexicon.pattern("COMPARATOR")
_TARGET = re.compile(rf"(?P<cmp>{_CMP})?[ \t]*(?P<num>{_NUMBER})[ \t]*(?P<unit>[^\s\d][^\s]*)?")
_WORD = re.compile(r"[^\s<>=≥≤＝＞＜\d+-][^\s]*")
_MONEY = re.compile(rf"(?P<num>{_NUMBER})[ \t]*(?P<unit>元|万元)?")
_PLAIN = re.compile(_NUMBER)
# A number as a spreadsheet or a program would print it (1e6, 1.5E+10), or a run of digits: looked for only
# in a value that did not read, to say why.
_WRITTEN = re.compile(r"(?P<num>[+-]?[\d,]+(?:\.\d*)?|\.\d+)(?P<exp>[eE][+-]?\d+)?")
_EXPONENT = re.compile(r"[eE][+-]?\d")
_YEAR = re.compile(r"(\d{4})年?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Full-width ASCII (＞＝９０％ pasted from Word) read as half-width; U+3000 is the full-width space.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Full-width forms worth a warning in a target: all but ＝ ＞ ＜ ％ (U+FF1D, FF1E, FF1C, FF05), which are
# common in Chinese text and read silently.
_FULLWIDTH_FORM = re.compile("[\uff01-\uff04\uff06-\uff1b\uff1f-\uff5e]")


def normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _span(scan: Scan, tok: Piece) -> ast.Span:
    return scan.span(tok.line, tok.column, tok.end_line, tok.end_column)


def _report(scan: Scan, code: str, tok: Piece, severity: Severity = Severity.error, **args: Any) -> None:
    scan.diagnostics.append(diag(code, severity, _span(scan, tok), **args))


# Dates in targets. A moment is a month or a day, with or without its year; the forms write them in ISO,
# with dots, as six digits (in periods only) or in Chinese. A year alone is a moment only as `2022年底`.
_Y = r"(?:19|2[01])\d\d"
_MOMENT_FORMS = (
    rf"(?P<y>{_Y})-(?P<m>\d{{1,2}})(?:-(?P<d>\d{{1,2}}))?",
    rf"(?P<y>{_Y})[./](?P<m>\d\d)(?:[./](?P<d>\d\d))?",
    rf"(?P<y>{_Y})年(?:(?P<m>\d{{1,2}})月(?:(?P<d>\d{{1,2}})[日号])?|(?P<ye>底|末))",
    r"(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号])?",
)
_MOMENT_READERS = tuple(re.compile(f) for f in (*_MOMENT_FORMS, rf"(?P<y>{_Y})(?P<m>0[1-9]|1[0-2])"))
# the forms again without their group names, to stand twice in one expression
_MOMENT = "|".join("(?:" + re.sub(r"\(\?P<\w+>", "(?:", f) + ")" for f in _MOMENT_FORMS)
_MONTH_END = "(?:底|末|份)?"
_DEADLINE_SUFFIX = "(?:前完成|内完成|之前|以前|前|完成|止)"
_DEADLINE = re.compile(rf"(?:在|于)?(?P<cmp>{_CMP}|{'|'.join(DEADLINE_WORDS)})?[ \t]*"
                       rf"(?P<at>{_MOMENT}){_MONTH_END}[ \t]*(?P<suffix>{_DEADLINE_SUFFIX})?")
_PERIOD_SEPARATOR = r"[ \t]*(?:\.\.|-{1,2}|—{1,2}|–|~|～|至|到)[ \t]*"
_SIX = rf"{_Y}(?:0[1-9]|1[0-2])"  # 202001, in periods only (`202001-202012`)
_PERIOD = re.compile(rf"(?P<a>{_MOMENT}|{_SIX}){_PERIOD_SEPARATOR}(?P<b>{_MOMENT}|{_SIX})")
_DIGIT = re.compile(r"\d")
_PLAIN_NUMBER = re.compile(r"\d+\.\d+")
PENDING = ("?", "？")
"""The spellings of a target not filled in yet."""


def _moment(text: str, year: int | None = None) -> ast.Moment | None:
    """The moment `text` names (its year `year` when it names none), or None when it is no date."""
    m = next((m for m in (r.fullmatch(text) for r in _MOMENT_READERS) if m is not None), None)
    if m is None:
        return None
    parts = {k: v for k, v in m.groupdict().items() if v}
    y = int(parts["y"]) if "y" in parts else year
    month = 12 if "ye" in parts else int(parts["m"])
    day = int(parts["d"]) if "d" in parts else None
    if not 1 <= month <= 12:
        return None
    try:  # the day must exist in its month (29 February only in a leap year, or when the year is open)
        datetime.date(y or 2000, month, day or 1)
    except ValueError:
        return None
    return ast.Moment(y, month, day)


def _read_date(text: str) -> tuple[Any, ...] | None:
    """A deadline ("deadline", moment) or a period ("period", start, end); ("bad",) for a date that does not
    exist (`2022-02-30`); None when `text` is no date at all.

    A deadline is a moment with a comparator or a suffix (`<= 2022-12-31`, `11月底之前`), or a moment with
    its year and nothing else (`2022年12月`); a period two moments with a dash, `..`, `~` or 至 between."""
    m = _PERIOD.fullmatch(text)
    if m is not None:
        start = _moment(m.group("a"))
        end = _moment(m.group("b"), start.year) if start is not None else None
        return ("bad",) if start is None or end is None else ("period", start, end)
    m = _DEADLINE.fullmatch(text)
    if m is None:
        return None
    written = m.group("cmp") or ""
    cmp = COMPARATORS.get(written) or COMPARATOR_WORDS.get(written) or DEADLINE_WORDS.get(written)
    by = _moment(m.group("at"))
    if by is None or (written and cmp != "<="):
        return ("bad",)  # no such date, or a date with a comparator no deadline takes (`> 2022-12-31`)
    if by.year is None and not (cmp or m.group("suffix") or text.endswith(("底", "末"))):
        return None  # a month alone (`3月`) is a duration as often as a date
    return "deadline", by


@functools.lru_cache(maxsize=4096)  # tables repeat a few targets (= 100%, >= 90%) thousands of times
def read_target(text: str) -> tuple[str, Decimal, str, bool] | tuple[Any, ...] | str | None:
    """Split a target: (comparator, value, unit, implicit), a date ("deadline", moment) or ("period", start,
    end), ("pending",), or the qualitative word; None if unreadable.

    Accepts `>= 90%`, `≥90%`, `＞＝９０％`, `不低于90%`, `95%以上`, `100%` (implicit `=`), `<= 2022-12-31`,
    `11月底前`, `2023-07..2024-01`, `?` and words (any phrase that does not start like a number).
    """
    text = text.strip()
    if text in PENDING:
        return ("pending",)
    # full-width digits and signs are read as half-width in numbers only: a word keeps its own punctuation
    half = text.translate(_FULLWIDTH)
    if ("月" in half or "年" in half or "-" in half or "." in half or "/" in half) and _DIGIT.search(half):
        dated = _read_date(half)
        figure = _TARGET.fullmatch(half)
        # 2043.75 is no month of 2043, and `>= 2043.07` no deadline: a figure that is no date reads as the figure
        plain = figure is not None and not figure.group("unit") and _PLAIN_NUMBER.fullmatch(figure.group("num"))
        if dated is not None and not (dated[0] == "bad" and plain):
            return None if dated[0] == "bad" else dated
    m = _TARGET.fullmatch(half)
    if m:
        unit = m.group("unit") or ""
        written = m.group("cmp")
        comparator = (COMPARATORS.get(written) or COMPARATOR_WORDS.get(written)) if written else None
        for suffix, meaning in COMPARATOR_SUFFIXES.items():
            if unit.endswith(suffix):
                unit = unit[: -len(suffix)]
                comparator = comparator or meaning
                break
        if not _fits(m.group("num")) or _EXPONENT.match(unit):  # `1e6件` is no unit `e6件`
            return None
        unit = UNIT_ALIASES.get(unit, unit)
        return comparator or "=", Decimal(m.group("num").replace(",", "")), unit, comparator is None
    if _WORD.fullmatch(text):
        return text
    return None


_BASIS = re.compile("(.*?)[ \t]*[(（](" + "|".join(STANDARD_WORDS) + ")[)）]")


def split_basis(text: str) -> tuple[str, str | None]:
    """`100%(历史标准)`: the target and the standard its value rests on, written after it in brackets as real
    tables do; any other text comes back whole, with None."""
    m = _BASIS.fullmatch(text)
    return (m.group(1), m.group(2)) if m and m.group(1) else (text, None)


def make_target(parsed: tuple[Any, ...] | str, span: ast.Span) -> ast.Target:
    """The target node of what `read_target` read, at `span`."""
    return _maker(parsed)(span)


def _maker(parsed: tuple[Any, ...] | str) -> Callable[[ast.Span], ast.Target]:
    if isinstance(parsed, str):
        return lambda span: ast.Qualitative(word=parsed, span=span, kind="qualitative")
    if parsed[0] == "deadline":
        return lambda span: ast.Deadline(by=parsed[1], span=span, kind="deadline")
    if parsed[0] == "period":
        return lambda span: ast.Period(start=parsed[1], end=parsed[2], span=span, kind="period")
    if parsed[0] == "pending":
        return lambda span: ast.Pending(span=span, kind="pending")
    comparator, value, unit, implicit = parsed
    return lambda span: ast.Quantitative(comparator=comparator, value=value, unit=unit, implicit=implicit,
                                         span=span, kind="quantitative")


@functools.lru_cache(maxsize=4096)
def _reading(text: str) -> tuple[Callable[[ast.Span], ast.Target], bool] | None:
    """How the target written `text` is made at a span, and whether its figures were written in full-width
    forms (`＞＝90％`); None when it reads as no target. Once per distinct text, as `read_target`."""
    parsed = read_target(text)
    if parsed is None:
        return None
    return _maker(parsed), not isinstance(parsed, str) and bool(_FULLWIDTH_FORM.search(text))


def target(scan: Scan, name: Piece, tok: Piece) -> ast.Target:
    """Read the target token of an indicator line, reporting what cannot be read."""
    span = scan.span(tok.line, tok.column, tok.end_line, tok.end_column)
    if tok.type == MISSING:
        return ast.Qualitative(word="", span=span, kind="qualitative")
    reading = _reading(tok.value)
    if reading is None:
        if out_of_bounds(tok.value):
            _report(scan, "P010", tok, key="P010.too_long", **_bounds(tok.value), name=name.value)
        else:
            _report(scan, "P010", tok, name=name.value, value=tok.value)
        return ast.Qualitative(word="", span=span, kind="qualitative")
    make, fullwidth = reading
    if fullwidth:
        normal = tok.value.translate(_FULLWIDTH)
        _report(scan, "P020", tok, Severity.warning, value=tok.value, normal=normal)
    return make(span)


def money(text: str) -> Decimal | None:
    """An amount in 元 (`10,144,000`, `65万元`), or None when it is none or out of bounds."""
    m = _MONEY.fullmatch((text if text.isascii() else text.translate(_FULLWIDTH)).strip())
    if not m or not _fits(m.group("num")):
        return None
    amount = Decimal(m.group("num").replace(",", "")) * MONEY_UNITS[m.group("unit") or "元"]
    # bounded in 元, as `fmt` writes it back: 万元 leaves four digits fewer
    return amount if amount.adjusted() < MAX_WHOLE_DIGITS else None


def number(text: str) -> Decimal | None:
    """A plain number (`10`, `2.5`, `1,000`), or None when it is none or out of bounds.

    Only the digits `money` and targets take: Decimal alone would also read `1e5000`, `NaN` and `1_0`."""
    m = _PLAIN.fullmatch(text.translate(_FULLWIDTH).strip())
    if not m or not _fits(m.group()):
        return None
    return Decimal(m.group().replace(",", ""))


def _fits(num: str) -> bool:
    whole, _, fraction = num.lstrip("+-").replace(",", "").partition(".")
    return len(whole) <= MAX_WHOLE_DIGITS and len(fraction) <= MAX_DECIMALS


def out_of_bounds(text: str) -> bool:
    """Whether `text` holds a number in exponent form or with more digits than a number may have."""
    return any(m.group("exp") or not _fits(m.group("num"))
               for m in _WRITTEN.finditer(text.translate(_FULLWIDTH)))


def _bounds(text: str) -> dict[str, Any]:
    """The arguments of a `too_long` message: the value (cut short: it may be thousands of digits) and the
    bounds."""
    shown = text if len(text) <= 40 else text[:30] + "…"
    return {"value": shown, "whole": MAX_WHOLE_DIGITS, "decimals": MAX_DECIMALS}


def read(scan: Scan, key: Key, tok: Piece) -> tuple[type[ast.Node], dict[str, Any]] | None:
    """Read the value of a `key value` line into the node class and fields its key calls for."""
    text = tok.value
    if key.kind == "text":
        if tok.type == "TEXT":
            return ast.Text, {"paragraphs": textblock.paragraphs(text)}
        return ast.Text, {"paragraphs": (text,) if text else ()}
    if tok.type == "TEXT":
        _report(scan, "P022", tok, field=key.canonical)
        return None
    if tok.type == "VALUE":  # a quoted value is taken exactly as written
        text = text.strip()
    read = read_value(key.kind, text, _span(scan, tok))
    if read is not None:
        return read
    if key.kind == "target":
        _report(scan, "P010", tok, key="P010.attribute", field=key.canonical, value=text)
        return None
    if key.kind == "term":
        _report(scan, "P007", tok, key="P007.term", value=text)
        return None
    if key.kind == "score":
        _report(scan, "P009", tok, key="P009.score", value=text)
        return None
    if key.kind == "year":
        _report(scan, "P008", tok, value=text)
        return None
    if key.kind == "date":
        _report(scan, "P007", tok, value=text)
        return None
    if key.kind == "flag":
        _report(scan, "P011", tok, field=key.canonical, value=text)
        return None
    if key.kind in ("money", "number"):
        form = _MONEY if key.kind == "money" else _PLAIN
        if form.fullmatch(text.translate(_FULLWIDTH).strip()) or out_of_bounds(text):  # written right, too big
            which = "P009.too_long" if key.kind == "money" else "P009.number.too_long"
            _report(scan, "P009", tok, key=which, **_bounds(text))
        elif key.kind == "money":
            _report(scan, "P009", tok, value=text)
        else:
            _report(scan, "P009", tok, key="P009.number", field=key.canonical, value=text)
    return None


def read_value(kind: Kind, text: str, span: ast.Span | None = None) -> tuple[type[ast.Node], dict[str, Any]] | None:
    """A value of a key of `kind` (anything but text) written as `text`, as the node class and fields it reads
    as, or None when it reads as none: the one reader of words, years, dates, 是/否, amounts and attribute
    targets (which stand at `span`), for the parser and the importers alike."""
    if kind == "target":
        parsed = read_target(text)
        if parsed is None or span is None:
            return None
        return ast.TargetValue, {"target": make_target(parsed, span)}
    if kind == "term":
        return read_term(text)
    if kind == "score":
        return read_score(text)
    if kind == "word":
        return ast.Word, {"value": text}
    if kind == "year":
        m = _YEAR.fullmatch(text)
        return (ast.Year, {"value": int(m.group(1))}) if m and 1900 <= int(m.group(1)) <= 2200 else None
    if kind == "date":
        if not _DATE.fullmatch(text):  # fromisoformat alone would also read 20200101 and 2020-W01
            return None
        try:
            return ast.Day, {"value": datetime.date.fromisoformat(text)}
        except ValueError:
            return None
    if kind == "flag":
        flag = FLAG_WORDS.get(text.lower())
        return None if flag is None else (ast.Flag, {"value": flag})
    if kind in ("money", "number"):
        amount = money(text) if kind == "money" else number(text)
        return None if amount is None else (ast.Amount, {"value": amount})
    return None


_MONTHS = re.compile(r"(?P<n>\d{1,3})[ \t]*(?P<unit>个月|月|年)")
_SCORE = re.compile(r"(?P<low>\d{1,3}(?:\.\d{1,2})?)(?:[ \t]*[-–~～至][ \t]*(?P<high>\d{1,3}(?:\.\d{1,2})?))?[ \t]*分?")
_WEIGHTED = re.compile(r"(?P<name>.+?)[ \t]*[(（](?P<score>[^()（）]+?)[)）][ \t]*(?P<after>分?)")


def read_term(text: str) -> tuple[type[ast.Node], dict[str, Any]] | None:
    """项目期: a period (`2023-04..2024-02`, `202001-202012`, `2023年4月-2024年2月`) or months (`24个月`, `2年`)."""
    half = text.translate(_FULLWIDTH).strip()
    m = _MONTHS.fullmatch(half)
    if m:
        months = int(m.group("n")) * (12 if m.group("unit") == "年" else 1)
        return (ast.Term, {"months": months}) if months > 0 else None
    dated = _read_date(half)
    if dated is None or dated[0] != "period":
        return None
    return ast.Term, {"start": dated[1], "end": dated[2]}


def read_score(text: str) -> tuple[type[ast.Node], dict[str, Any]] | None:
    """A 一级's 分值: `50`, `50分`, `40-50`."""
    m = _SCORE.fullmatch(text.translate(_FULLWIDTH).strip())
    if m is None:
        return None
    low, high = Decimal(m.group("low")), m.group("high")
    return ast.Score, {"value": low, "upto": Decimal(high) if high is not None and Decimal(high) != low else None}


def split_weight(name: str) -> tuple[str, dict[str, Any] | None, int]:
    """`产出指标(50分)`, `成本指标(0-20)分`, `效益指标（30分）`: the 一级's name, its 分值 (as `read_score` gives
    it) and where in `name` the 分值 starts; any other name comes back whole, with None."""
    if not name.endswith((")", "）", "分")):
        return name, None, len(name)
    m = _WEIGHTED.fullmatch(name)
    score = read_score(m.group("score") + m.group("after")) if m else None
    if m is None or score is None or not (m.group("after") or m.group("score").rstrip().endswith("分")):
        return name, None, len(name)
    return m.group("name"), score[1], m.end("name")


# ------------------------------------------------------------------------------------------------ writing
# Each value has one reader (above) and these writers: `write_*` for the source (what `fmt` prints, read back
# by the reader as the same value: the fmt proof and the round-trip tests hold them to it), `show_*` for
# documents and messages (what the printed form and a reader expect to see).

def write_number(value: Decimal) -> str:
    """A number as the source writes it: as precise as it was written, never in exponent form."""
    return format(value, "f")


def write_money(value: Decimal) -> str:
    """An amount in the source: thousands commas, the decimals it was written with (`10,144,000.50`)."""
    return format(value, ",f")


def write_quantity(comparator: str, value: Decimal, unit: str, implicit: bool = False) -> str:
    """A quantitative target in the source: canonical (`>= 90%`), else the first spelling the reader gives
    back as the same (a unit that would run on into the number or read as a comparator)."""
    head = write_number(value) if implicit else f"{comparator} {write_number(value)}"
    # The reader takes `＃` for `#` in a target, where `#` would start a comment.
    unit = unit.replace("#", "＃")
    wanted = (comparator, value, unit, implicit)
    spellings: tuple[str, ...] = (
        f"{head}{unit}",
        f"{head} {unit}",  # a unit such as `.5` or `,000` that would run on into the number
        *((f"{head}0{unit}",) if "." in head else ()),  # a figure that reads as a month (`2043.07`): `2043.070`
        f"{head} {unit}以内")  # a unit ending in 以上 or 以下, which the reader takes for a comparator
    for text in spellings:
        if read_target(text) == wanted:
            return text
    return spellings[0]  # no spelling reads back: the proof in `fmt.format_source` refuses it


def write_moment(m: ast.Moment) -> str:
    """A moment in the source: ISO (`2022-12`, `2022-12-31`), or `11月` / `11月30日` without a year."""
    if m.year is None:
        return f"{m.month}月" + (f"{m.day}日" if m.day else "")
    return f"{m.year:04d}-{m.month:02d}" + (f"-{m.day:02d}" if m.day else "")


def show_moment(m: ast.Moment) -> str:
    """A moment as the forms print it: `2022年12月31日`, `2022年12月`, `11月`."""
    return (f"{m.year}年" if m.year else "") + f"{m.month}月" + (f"{m.day}日" if m.day else "")


def write_term(t: ast.Term) -> str:
    if t.months is not None:
        return f"{t.months}个月"
    assert t.start is not None and t.end is not None
    return f"{write_moment(t.start)}..{write_moment(t.end)}"


def show_term(t: ast.Term) -> str:
    if t.months is not None:
        return f"{t.months}个月"
    assert t.start is not None and t.end is not None
    return f"{show_moment(t.start)}至{show_moment(t.end)}"


def write_score(s: ast.Score) -> str:
    return write_number(s.value) + (f"-{write_number(s.upto)}" if s.upto is not None else "")


def write_target(t: ast.Target, explicit: bool = False) -> str:
    """A target as the source writes it; `explicit` names the comparator of `100%` too (`= 100%`), as
    messages, hover and diff do."""
    if t.kind == "quantitative":
        return write_quantity(t.comparator, t.value, t.unit, t.implicit and not explicit)
    if t.kind == "qualitative":
        return t.word  # it was read from a bare value, so it prints back as one
    if t.kind == "deadline":
        return f"<= {write_moment(t.by)}"
    if t.kind == "period":
        return f"{write_moment(t.start)}..{write_moment(t.end)}"
    return PENDING[0]


def write_value(node: ast.Node, *, money: bool = False, explicit: bool = False) -> str:
    """A one-line value as the source writes it (a text block's paragraphs run on): what `fmt` prints after
    its key (`money`: an amount of 预算, with thousands commas), and what `diff` compares (`explicit`: `= 100%`
    for a target written `100%`). Every kind of value node has its case here, so none is written two ways."""
    if isinstance(node, (ast.Word, ast.Year)):
        return str(node.value)
    if isinstance(node, ast.Flag):
        return FLAG_SPELLING[node.value]
    if isinstance(node, ast.Day):
        return node.value.isoformat()
    if isinstance(node, ast.Amount):
        return write_money(node.value) if money else write_number(node.value)
    if isinstance(node, ast.TargetValue):
        return write_target(node.target, explicit)
    if isinstance(node, ast.Term):
        return write_term(node)
    if isinstance(node, ast.Score):
        return write_score(node)
    if isinstance(node, ast.Text):
        return " ".join(node.paragraphs)
    raise TypeError(f"no writer for {type(node).__name__}")


def show_target(t: ast.Target) -> str:
    """A target as the form prints it: `=100%`, `>=30000件`, `合理`, `2022年12月31日前`, `2023年7月至2024年1月`; a
    target written without a comparator (`100%`) is printed as written, one not filled in as an empty cell."""
    if t.kind == "quantitative":
        figure = write_number(t.value)
        text = f"{figure}{t.unit}" if t.implicit else f"{t.comparator}{figure}{t.unit}"
        # only a year and a month (`2043.07`) can read as a date: the rest are not read again
        read = read_target(text) if figure[4:5] == "." and figure[:4].isdigit() else None
        if isinstance(read, tuple) and read[0] in ("deadline", "period"):
            text = text.replace(figure, figure + "0", 1)  # `<=2043.07` is a month: `<=2043.070` the figure
        return text
    if t.kind == "qualitative":
        return t.word
    if t.kind == "deadline":
        return show_moment(t.by) + ("底前" if t.by.day is None else "前")
    if t.kind == "period":
        end = t.end if t.end.year != t.start.year or t.start.year is None else ast.Moment(None, t.end.month, t.end.day)
        return f"{show_moment(t.start)}至{show_moment(end)}"
    return ""


def show_number(value: Decimal) -> str:
    """A number in a message: thousands commas, no trailing zeros (10,144,000 / 0.5)."""
    text = format(value.normalize() if value == value.to_integral_value() else value, ",f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def show_money(value: Decimal) -> str:
    """Money as the form writes it: thousands commas, no decimals when there are none (`10,144,000`)."""
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return format(value, ",f")


def shown(node: ast.Node | None) -> str | None:
    """A header or budget value as documents show it: 是/否, ISO dates, money as on the form, prose run on."""
    if node is None:
        return None
    if isinstance(node, ast.Flag):
        return FLAG_SPELLING[node.value]
    if isinstance(node, ast.Day):
        return node.value.isoformat()
    if isinstance(node, ast.Amount):
        return show_money(node.value)
    if isinstance(node, ast.TargetValue):
        # beside the year's target, whose empty cell is one not filled in, a 中期 target not filled in is `?`:
        # an empty 中期 cell is an indicator that has none
        return show_target(node.target) or PENDING[0]
    if isinstance(node, ast.Term):
        return show_term(node)
    if isinstance(node, ast.Score):
        return write_score(node) + "分"
    if isinstance(node, ast.Text):
        return "".join(node.paragraphs)
    if isinstance(node, (ast.Word, ast.Year)):
        return str(node.value)
    raise TypeError(f"no document form for {type(node).__name__}")
