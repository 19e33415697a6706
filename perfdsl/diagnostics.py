"""One Diagnostic type for every pass, and its renderers.

Passes never raise on bad input: they return Diagnostics, which carry a catalogue key and arguments rather
than a finished sentence, so the same diagnostic prints in Chinese or English (`--lang`) and JSON output is the
same object dumped.
"""

from __future__ import annotations

import json
import os
import unicodedata
from enum import Enum
from typing import Any, Iterable

from pydantic import BaseModel, ConfigDict

from .ast import Span
from .messages import say


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class Related(BaseModel):
    """A second place that explains a diagnostic, such as where an unclosed `{` was opened."""

    model_config = ConfigDict(frozen=True, defer_build=True)
    span: Span
    key: str
    args: dict[str, Any] = {}


class Diagnostic(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)
    code: str
    severity: Severity
    span: Span
    key: str
    """Catalogue entry of the message; its `.hint` entry, when present, is the hint."""
    args: dict[str, Any] = {}
    related: tuple[Related, ...] = ()

    def message(self, lang: str = "zh") -> str:
        return say(self.key, lang, **self.args)

    def hint(self, lang: str = "zh") -> str | None:
        return say(self.key + ".hint", lang, default=None, **self.args)


def diag(code: str, severity: Severity, span: Span, key: str | None = None, related: Iterable[Related] = (),
         **args: Any) -> Diagnostic:
    """Build a Diagnostic without re-validating what the passes already guarantee."""
    return Diagnostic.model_construct(code=code, severity=severity, span=span, key=key or code, args=args,
                                      related=tuple(related))


def default_lang() -> str:
    return "en" if os.environ.get("PERFDSL_LANG", "").lower().startswith("en") else "zh"


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


STYLE = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m", "bold": "\x1b[1m",
         "dim": "\x1b[2m", "reset": "\x1b[0m"}


def _excerpt(lines: list[str], span: Span, color: bool, tone: str) -> list[str]:
    if not 1 <= span.line <= len(lines):
        return []
    text = lines[span.line - 1].rstrip("\r\n").expandtabs(1)
    if len(text) > 200:  # a 1 MB line helps nobody: show the neighbourhood of the column
        lo = max(0, span.column - 80)
        text, shift = text[lo:lo + 160], lo
    else:
        shift = 0
    start = max(span.column - 1 - shift, 0)
    end_col = span.end_column if span.end_line == span.line else len(text) + shift + 1
    stop = max(min(end_col - 1 - shift, len(text)), start + 1)
    gutter = " " * len(str(span.line))
    marks = " " * display_width(text[:start]) + "^" * max(display_width(text[start:stop]), 1)
    if color:
        marks = STYLE[tone] + marks + STYLE["reset"]
    return [f" {span.line} | {text}", f" {gutter} | {marks}"]


def _lines(cache: dict[str, list[str]], sources: dict[str, str], file: str) -> list[str]:
    # split each file once: a big file with many diagnostics must not be split again for each
    if file not in cache:
        cache[file] = sources.get(file, "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return cache[file]


def render_text(diags: Iterable[Diagnostic], sources: dict[str, str], lang: str = "zh",
                color: bool = False) -> str:
    """Render diagnostics as `file:line:col: severity[CODE]: message`, the line, a caret, hint and related."""
    out: list[str] = []
    cache: dict[str, list[str]] = {}
    for d in diags:
        lines = _lines(cache, sources, d.span.file)
        sev = say("severity." + d.severity.value, lang)
        head = f"{d.span.file}:{d.span.line}:{d.span.column}: {sev}[{d.code}]: {d.message(lang)}"
        if color:
            head = (f"{STYLE['bold']}{d.span.file}:{d.span.line}:{d.span.column}:{STYLE['reset']} "
                    f"{STYLE[d.severity.value]}{sev}[{d.code}]{STYLE['reset']}: {d.message(lang)}")
        out.append(head)
        out.extend(_excerpt(lines, d.span, color, d.severity.value))
        hint = d.hint(lang)
        if hint:
            out.append(f"  = {say('label.hint', lang)}: {hint}")
        for r in d.related:
            out.append(f"  {r.span.file}:{r.span.line}:{r.span.column}: {say(r.key, lang, **r.args)}")
            rel_lines = _lines(cache, sources, r.span.file)
            out.extend("  " + x for x in _excerpt(rel_lines, r.span, color, "info"))
    return "\n".join(out) + ("\n" if out else "")


JSON_VERSION = 1


def to_json(diags: Iterable[Diagnostic], lang: str = "zh") -> dict[str, Any]:
    """The versioned JSON form of diagnostics (documented in docs/cli.md)."""
    items = []
    for d in diags:
        items.append({
            "code": d.code, "severity": d.severity.value, "message": d.message(lang), "hint": d.hint(lang),
            "file": d.span.file, "line": d.span.line, "column": d.span.column,
            "end_line": d.span.end_line, "end_column": d.span.end_column,
            "related": [{"file": r.span.file, "line": r.span.line, "column": r.span.column,
                         "message": say(r.key, lang, **r.args)} for r in d.related],
        })
    return {"version": JSON_VERSION, "diagnostics": items}


def render_json(diags: Iterable[Diagnostic], lang: str = "zh") -> str:
    return json.dumps(to_json(diags, lang), ensure_ascii=False, indent=2) + "\n"


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.span.file, d.span.line, d.span.column, d.code)
