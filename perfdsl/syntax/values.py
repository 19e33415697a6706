"""Reading the values of a line: targets, money, dates, years, 是/否 and text blocks.

The scanner hands over a whole value as one token; these functions split it with compiled expressions and
report what cannot be read as a diagnostic on the value's own span.
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal
from typing import Any, cast

from .. import ast
from . import lexicon, textblock
from ..diagnostics import Severity, diag
from .scanner import MISSING, Piece, Scan
from .vocab import (COMPARATOR_SUFFIXES, COMPARATOR_WORDS, COMPARATORS, FLAG_SPELLING, FLAG_WORDS, MONEY_UNITS,
                    STANDARD_WORDS, UNIT_ALIASES, Key, Kind)


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


@functools.lru_cache(maxsize=4096)  # tables repeat a few targets (= 100%, >= 90%) thousands of times
def read_target(text: str) -> tuple[str, Decimal, str, bool] | str | None:
    """Split a target: (comparator, value, unit, implicit) or the qualitative word, or None if unreadable.

    Accepts `>= 90%`, `≥90%`, `＞＝９０％`, `不低于90%`, `95%以上`, `100%` (implicit `=`) and words.
    """
    text = text.strip()
    # full-width digits and signs are read as half-width in numbers only: a word keeps its own punctuation
    m = _TARGET.fullmatch(text.translate(_FULLWIDTH))
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


def make_target(parsed: tuple[str, Decimal, str, bool] | str, span: ast.Span) -> ast.Target:
    if isinstance(parsed, str):
        return ast.Qualitative(word=parsed, span=span, kind="qualitative")
    comparator, value, unit, implicit = parsed
    return ast.Quantitative(comparator=cast(ast.Comparator, comparator), value=value, unit=unit, implicit=implicit,
                            span=span, kind="quantitative")


def target(scan: Scan, name: Piece, tok: Piece) -> ast.Target:
    """Read the target token of an indicator line, reporting what cannot be read."""
    span = _span(scan, tok)
    if tok.type == MISSING:
        return ast.Qualitative(word="", span=span, kind="qualitative")
    parsed = read_target(tok.value)
    if parsed is None:
        if out_of_bounds(tok.value):
            _report(scan, "P010", tok, key="P010.too_long", **_bounds(tok.value), name=name.value)
        else:
            _report(scan, "P010", tok, name=name.value, value=tok.value)
        return ast.Qualitative(word="", span=span, kind="qualitative")
    if not isinstance(parsed, str) and _FULLWIDTH_FORM.search(tok.value):
        normal = tok.value.translate(_FULLWIDTH)
        _report(scan, "P020", tok, Severity.warning, value=tok.value, normal=normal)
    return make_target(parsed, span)


def money(text: str) -> Decimal | None:
    """An amount in 元 (`10,144,000`, `65万元`), or None when it is none or out of bounds."""
    m = _MONEY.fullmatch(text.translate(_FULLWIDTH).strip())
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
    read = read_value(key.kind, text)
    if read is not None:
        return read
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


def read_value(kind: Kind, text: str) -> tuple[type[ast.Node], dict[str, Any]] | None:
    """A value of a key of `kind` (anything but text) written as `text`, as the node class and fields it reads
    as, or None when it reads as none: the one reader of words, years, dates, 是/否 and amounts, for the
    parser and the importers alike."""
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
    spellings = (f"{head}{unit}",
                 f"{head} {unit}",  # a unit such as `.5` or `,000` that would run on into the number
                 f"{head} {unit}以内")  # a unit ending in 以上 or 以下, which the reader takes for a comparator
    for text in spellings:
        if read_target(text) == wanted:
            return text
    return spellings[0]  # no spelling reads back: the proof in `fmt.format_source` refuses it


def write_target(t: ast.Target, explicit: bool = False) -> str:
    """A target as the source writes it; `explicit` names the comparator of `100%` too (`= 100%`), as
    messages, hover and diff do."""
    if isinstance(t, ast.Qualitative):
        return t.word  # it was read from a bare value, so it prints back as one
    return write_quantity(t.comparator, t.value, t.unit, t.implicit and not explicit)


def show_target(t: ast.Target) -> str:
    """A target as the form prints it: `=100%`, `>=30000件`, `合理`; a target written without a comparator
    (`100%`) is printed as written."""
    if isinstance(t, ast.Qualitative):
        return t.word
    text = f"{write_number(t.value)}{t.unit}"
    return text if t.implicit else f"{t.comparator}{text}"


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
    if isinstance(node, ast.Text):
        return "".join(node.paragraphs)
    return str(getattr(node, "value"))
