"""One Diagnostic type for every pass, and its renderers.

Passes never raise on bad input: they return Diagnostics, which carry a catalogue key and arguments rather
than a finished sentence, so the same diagnostic prints in Chinese or English (`--lang`) and JSON output is the
same object dumped.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import field
from enum import Enum
from typing import Any, Iterable

from .ast import Span, node
from .messages import say


class Severity(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


@node
class Related:
    """A second place that explains a diagnostic, such as where an unclosed `{` was opened."""

    span: Span
    key: str
    args: dict[str, Any] = field(default_factory=dict)


@node
class Diagnostic:
    code: str
    severity: Severity
    span: Span
    key: str
    """Catalogue entry of the message; its `.hint` entry, when present, is the hint."""
    args: dict[str, Any] = field(default_factory=dict)
    related: tuple[Related, ...] = ()

    def message(self, lang: str = "zh") -> str:
        text: str = say(self.key, lang, **self.args)
        return text

    def hint(self, lang: str = "zh") -> str | None:
        text: str | None = say(self.key + ".hint", lang, default=None, **self.args)
        return text


def diag(code: str, severity: Severity, span: Span, key: str | None = None, related: Iterable[Related] = (),
         **args: Any) -> Diagnostic:
    return Diagnostic(code=code, severity=severity, span=span, key=key or code, args=args,
                      related=tuple(related))


def default_lang() -> str:
    return "en" if os.environ.get("PERFDSL_LANG", "").lower().startswith("en") else "zh"


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# What a terminal or a CI log would act on or hide rather than show: C0 and C1 controls (ESC starts the
# sequences that retitle a window or clear the screen, CR goes back over the line, a line break would start
# a line that looks like perfdsl's own), line and paragraph separators, the direction controls that reorder
# a line, zero-width and other invisible format characters; and lone surrogates, which is how Python hands
# over the bytes of a file name that are not UTF-8 (os.fsdecode), and which a strict UTF-8 stdout refuses.
_UNSHOWN = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
                      "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name, written as that byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def shown(text: str) -> str:
    """`text` as a terminal or a CI log shows it without acting on it: control, direction and invisible
    characters as escapes (`\\x1b`, `\\x0d`, `\\u202e`) and the bytes of a file name that are not UTF-8 as
    `\\xb1`. Each escape is printable and as wide as it is written, so carets placed by display width hold."""
    return text if _UNSHOWN.search(text) is None else _UNSHOWN.sub(_escape, text)


def undecodable_shown(text: str) -> str:
    """`text` with only the bytes of a file name that are not UTF-8 escaped (`\\xb1`): for JSON, which keeps
    every character exact but cannot hold those bytes."""
    return text if _SURROGATE.search(text) is None else _SURROGATE.sub(_escape, text)


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
    # measured on the line as shown, so the caret stays under a character printed as an escape
    marks = " " * display_width(shown(text[:start])) + "^" * max(display_width(shown(text[start:stop])), 1)
    if color:
        marks = STYLE[tone] + marks + STYLE["reset"]
    return [f" {span.line} | {shown(text)}", f" {gutter} | {marks}"]


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
        place, message = f"{shown(d.span.file)}:{d.span.line}:{d.span.column}:", shown(d.message(lang))
        head = f"{place} {sev}[{d.code}]: {message}"
        if color:
            head = (f"{STYLE['bold']}{place}{STYLE['reset']} "
                    f"{STYLE[d.severity.value]}{sev}[{d.code}]{STYLE['reset']}: {message}")
        out.append(head)
        out.extend(_excerpt(lines, d.span, color, d.severity.value))
        hint = d.hint(lang)
        if hint:
            out.append(f"  = {say('label.hint', lang)}: {shown(hint)}")
        for r in d.related:
            out.append(f"  {shown(r.span.file)}:{r.span.line}:{r.span.column}: {shown(say(r.key, lang, **r.args))}")
            rel_lines = _lines(cache, sources, r.span.file)
            out.extend("  " + x for x in _excerpt(rel_lines, r.span, color, "info"))
    return "\n".join(out) + ("\n" if out else "")


JSON_VERSION = 1


def to_json(diags: Iterable[Diagnostic], lang: str = "zh") -> dict[str, Any]:
    """The versioned JSON form of diagnostics (documented in docs/cli.md)."""
    items = []
    exact = undecodable_shown
    for d in diags:
        hint = d.hint(lang)
        items.append({
            "code": d.code, "severity": d.severity.value, "message": exact(d.message(lang)),
            "hint": exact(hint) if hint is not None else None,
            "file": exact(d.span.file), "line": d.span.line, "column": d.span.column,
            "end_line": d.span.end_line, "end_column": d.span.end_column,
            "related": [{"file": exact(r.span.file), "line": r.span.line, "column": r.span.column,
                         "message": exact(say(r.key, lang, **r.args))} for r in d.related],
        })
    return {"version": JSON_VERSION, "diagnostics": items}


def render_json(diags: Iterable[Diagnostic], lang: str = "zh") -> str:
    return json.dumps(to_json(diags, lang), ensure_ascii=False, indent=2) + "\n"


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.span.file, d.span.line, d.span.column, d.code)
