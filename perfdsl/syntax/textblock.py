"""Text blocks: dedent, split into paragraphs, join soft line breaks (CJK-aware). Pure functions.

Used by the parser (`\"\"\"…\"\"\"` blocks), `fmt` (re-wrapping) and the importer (undoing PDF line wrapping),
so all three agree on what a soft line break means.
"""

from __future__ import annotations

import re
import unicodedata

EDGE = " \t\u3000"
"""What the reader strips from both ends of a text block's lines: a wrapped line must not begin or end with it."""


ITEM = re.compile(r"(?:目标|任务)[\d一二三四五六七八九十]{1,3}[：:]")
"""What starts a numbered goal of a text (`目标1：`, `任务二：`): a line that starts with one starts a paragraph
of its own, so that the goals of a form stay items however the lines run. (`一、`, `1.` are not: the forms
also run those on inside one paragraph.)"""
_ITEM_FIRST = frozenset("目任")


def starts_item(text: str, at: int = 0) -> bool:
    return text[at:at + 1] in _ITEM_FIRST and ITEM.match(text, at) is not None


_width = unicodedata.east_asian_width


def is_wide(ch: str) -> bool:
    """Wide or full-width characters (CJK ideographs, full-width punctuation) take two columns."""
    return _width(ch) in "WF"


def join_soft(left: str, right: str) -> str:
    """Join two lines of one paragraph: no space next to a CJK character, one space between Latin ones."""
    if not left:
        return right
    if not right:
        return left
    if is_wide(left[-1]) or is_wide(right[0]):
        return left + right
    return left + " " + right


def paragraphs(raw: str) -> tuple[str, ...]:
    """Turn the inside of a text block into paragraphs: blank lines separate, other breaks are soft."""
    result: list[str] = []
    # the pieces of the paragraph being read, joined once at its end: joining line by line would copy the
    # paragraph so far at every line (quadratic in a long one)
    pieces: list[str] = []
    for line in raw.split("\n"):
        line = line.strip(EDGE)
        if not line:
            if pieces:
                result.append("".join(pieces))
                pieces = []
            continue
        if pieces:
            if line[0] in _ITEM_FIRST and ITEM.match(line) is not None:  # `starts_item`, written out: every line
                result.append("".join(pieces))
                pieces = []
            elif _width(pieces[-1][-1]) not in "WF" and _width(line[0]) not in "WF":  # nor wide: `join_soft`
                pieces.append(" ")
        pieces.append(line)
    if pieces:
        result.append("".join(pieces))
    return tuple(result)


def display_width(text: str) -> int:
    return sum(2 if is_wide(c) else 1 for c in text)


def breakable(left: str, right: str) -> str | None:
    """What a line break between `left` and `right` stands for, if one may go there: '' or ' '.

    A break is only placed where `join_soft` gives the text back exactly, so wrapping never changes content.
    """
    if not left or not right or right[0] in EDGE or left[-1] in EDGE or starts_item(right):
        return None
    if is_wide(left[-1]) or is_wide(right[0]):
        return ""
    return None


def wrap(paragraph: str, width: int, wide: int = 2) -> list[str]:
    """Wrap one paragraph at `width` columns (a CJK character counts `wide`, two by default) without changing
    its content.

    Breaks go between two characters where at least one is wide, or at a single space between two narrow
    ones (the space is then restored by `join_soft`). `wide=1` counts characters, as the published form does.
    """
    # each character's width looked up once per distinct character: a paragraph can be millions long
    seen: dict[str, bool] = {}
    wides = [seen[c] if c in seen else seen.setdefault(c, is_wide(c)) for c in paragraph]
    lines: list[str] = []
    start = 0
    col = 0
    last_break: tuple[int, int] | None = None  # (cut position, resume position)
    n = len(paragraph)
    for i in range(n):
        w = wide if wides[i] else 1
        if i > start:
            ch, prev = paragraph[i], paragraph[i - 1]
            # never next to a tab or U+3000 (wide, but the reader strips it from a line's ends): the rule
            # of `breakable`, written out
            if ch == " ":
                if i < n - 1 and not wides[i - 1] and not wides[i + 1] and paragraph[i + 1] not in EDGE \
                        and prev not in EDGE and not starts_item(paragraph, i + 1):
                    last_break = (i, i + 1)
            elif (wides[i - 1] or wides[i]) and ch not in EDGE and prev not in EDGE \
                    and not starts_item(paragraph, i):
                last_break = (i, i)
        if col + w > width and last_break is not None and last_break[0] > start:
            cut, resume = last_break
            lines.append(paragraph[start:cut])
            start = resume
            col = sum(wide if wides[j] else 1 for j in range(start, i))
            last_break = None
        col += w
    lines.append(paragraph[start:])
    return lines
