"""Starter specs (`perfdsl new`): a project with every field its framework requires and the framework's sections.

Before the pipeline: it writes the text a person then fills in. What only the person knows is left visibly
empty, in the ways `perfdsl check` already reports: a word or a prose section is `""` and a date, flag or
budget figure is an example line commented out, so C201 lists every required field still to fill in one
diagnostic; each 二级 section is empty, so C105 names each one still without indicators. Nothing is
invented: a starter never passes `check` before a person has filled it. The text is what `perfdsl fmt`
writes, so the first format run changes nothing.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

from . import Framework
from ..messages import Phrase, say
from ..syntax.vocab import (BUDGET_KEYS, BUDGET_WORDS, FILE_LEVEL_FIELDS, FLAG_SPELLING, HEADER_KEYS, PROJECT_WORDS,
                    TEXT_KEYS, Key, lookup_key)

INDENT = "  "


def _example(key: Key, year: int) -> str:
    """A value of the key's kind, for the commented-out example line."""
    if key.field == "end":
        return f"{year}-12-31"
    if key.kind == "date":
        return f"{year}-01-01"
    if key.kind == "flag":
        return FLAG_SPELLING[False]
    if key.kind == "term":
        return f"{year}-01..{year}-12"
    return "0"


def _field(key: Key, year: int) -> str:
    if key.kind in ("word", "text"):
        return f'{INDENT}{key.canonical} ""'
    return f"{INDENT}# {key.canonical} {_example(key, year)}"


def refusal(name: str, unit: str, year: int) -> tuple[str, dict[str, Any]] | None:
    """Why no starter can be written for these values (a catalogue key and its arguments), or None.

    A name is written on one line as it is given, so it holds no line break or other control character and
    no invisible one (the parser would refuse it, P024, or read it otherwise, P023); the year is one `check`
    accepts (C204), so a starter is never born with an error."""
    from ..checks.header import FIRST_PLAUSIBLE_YEAR, YEARS_AHEAD

    last = datetime.date.today().year + YEARS_AHEAD
    if not FIRST_PLAUSIBLE_YEAR <= year <= last:
        return "new.year", {"year": year, "first": FIRST_PLAUSIBLE_YEAR, "last": last}
    for what, text in (("new.name", name), ("new.unit", unit)):
        if not text.strip():
            return "new.empty", {"what": Phrase(what)}
        at = next((i for i, c in enumerate(text) if not _writable(c)), None)
        if at is not None:
            return "new.unwritable", {"what": Phrase(what), "at": at + 1, "char": f"U+{ord(text[at]):04X}"}
    return None


def _writable(c: str) -> bool:
    # isprintable() refuses controls, format characters (zero-width, direction), line and paragraph
    # separators, surrogates and every space but " "; the ideographic space is ordinary in Chinese text, and
    # private-use and not yet assigned characters are letters as far as the parser is concerned.
    return c.isprintable() or c == "\u3000" or unicodedata.category(c) in ("Co", "Cn")


def starter(name: str, unit: str, year: int, framework: Framework, lang: str = "zh",
            name_framework: bool = False) -> str:
    """The text of a new spec; `name_framework` writes the `框架` line (needed unless it is the default).
    The values are ones `refusal` accepts."""
    from ..syntax.fmt import format_source, name as written_name, word

    # of keys any one of which will do, the first is written
    required = {k.field for k in (lookup_key(c if isinstance(c, str) else c[0]) for c in framework.required)
                if k is not None}
    printed = {k.field for k in (lookup_key(c) for c in framework.printed) if k is not None}
    keys = {k.field: k.canonical for k in HEADER_KEYS}
    lines = [f"# {say('new.title', lang, name=name, year=year)}", f"# {say('new.fill', lang)}",
             f"{keys['unit']} {word(unit)}", f"{keys['year']} {year}"]
    if name_framework:
        lines.append(f"{keys['framework']} {framework.name}")
    lines += ["", f"{PROJECT_WORDS[0]} {written_name(name, after_keyword=True)} {{"]
    lines += [_field(k, year) for k in HEADER_KEYS
              if (k.field in required or k.field in printed) and k.field not in FILE_LEVEL_FIELDS]
    budget = [k for k in BUDGET_KEYS if k.field in required]
    if budget:
        lines += ["", f"{INDENT}{BUDGET_WORDS[0]} {{", *(INDENT + _field(k, year) for k in budget), f"{INDENT}}}"]
    texts = [_field(k, year) for k in TEXT_KEYS if k.field in required]
    if texts:
        lines += ["", *texts]
    for level1 in framework.level1:
        if level1.status != "confirmed":
            continue
        lines += ["", f"{INDENT}{written_name(level1.name)} {{"]
        for level2 in (l2 for l2 in level1.level2 if l2.status == "confirmed"):
            lines += [f"{INDENT * 2}{written_name(level2.name)} {{", f"{INDENT * 2}}}"]
        lines.append(f"{INDENT}}}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    formatted, _ = format_source(text, "new.perf")
    assert formatted is not None, "a starter spec must parse"
    return formatted
