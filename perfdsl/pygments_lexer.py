"""Pygments lexer for `.perf` specs, so documentation and review tools highlight them (`pygmentize -l perfdsl`).

Outside the pipeline: Pygments finds this class through the `pygments.lexers` entry point in pyproject.toml,
and only Pygments imports this module. Keys and keywords come from perfdsl/vocab.py, so the highlighting
knows every spelling the parser knows. Like the language, the lexer reads a line by its shape: `NAME {` is
a section, `NAME TARGET` an indicator, `KEY VALUE` a field.
"""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, default
from pygments.token import (Comment, Error, Keyword, Literal, Name, Number, Operator, Punctuation, String,
                            Whitespace)

from .vocab import BUDGET_WORDS, COMPARATOR_SUFFIXES, COMPARATOR_WORDS, COMPARATORS, FLAG_WORDS, KEY_BY_SPELLING, \
    PROJECT_WORDS

NAME = r'(?:"(?:[^"\\\n]|\\.)*"|[^\s{}"#]+)'
"""A name: a quoted string, or a run without whitespace, braces, quotes or `#` (docs/language.md)."""
END = r"(?=[ \t\u3000]|$)"
_DIGITS = r"[0-9０-９]"
NUMBER = rf"[-+]?{_DIGITS}[0-9０-９,，.．]*"
_SUFFIX = "|".join(sorted(COMPARATOR_SUFFIXES, key=len, reverse=True))


def _any(spellings: object) -> str:
    """One regex group matching any of the spellings, longest first (so `>=` is never read as `>`)."""
    return "(" + "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True)) + ")"  # type: ignore[call-overload]


_KEYS = _any(KEY_BY_SPELLING)


class PerfdslLexer(RegexLexer):
    """Lexer for perfdsl specs (项目支出绩效目标表 as plain text)."""

    name = "perfdsl"
    aliases = ["perfdsl", "perf"]
    filenames = ["*.perf"]
    mimetypes = ["text/x-perfdsl"]
    flags = re.MULTILINE | re.UNICODE

    tokens = {
        "root": [
            (r"[ \t\u3000]+", Whitespace),
            (r"\n", Whitespace),
            (r"#\s*perfdsl:.*$", Comment.Special),
            (r"#.*$", Comment.Single),
            (_any(PROJECT_WORDS) + rf"{END}([ \t]+)({NAME})",
             bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (_any(BUDGET_WORDS) + r"(?=[ \t]*\{)", Keyword),
            (_KEYS + END + r'([ \t]+)(""")',
             bygroups(Name.Attribute, Whitespace, String.Doc), "textblock"),
            (_KEYS + END, Name.Attribute, "value"),
            (rf"({NAME})([ \t]*)(\{{)", bygroups(Name.Namespace, Whitespace, Punctuation)),
            (rf"({NAME})([ \t]+)", bygroups(Name.Variable, Whitespace), "target"),
            (rf"{NAME}(?=[ \t]*(?:#|$))", Name.Variable),  # an indicator still without its target
            (r"[{}]", Punctuation),
            (r".", Error),
        ],
        "textblock": [
            (r'"""', String.Doc, "#pop"),
            (r'[^"]+|"', String.Doc),
        ],
        "value": [
            (r"[ \t\u3000]+", Whitespace),
            (r"#\s*perfdsl:.*$", Comment.Special, "#pop"),
            (r"#.*$", Comment.Single, "#pop"),
            (r"\n", Whitespace, "#pop"),
            (rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}{END}", Literal.Date),
            (rf"({NUMBER})(万元|元|年)?{END}", bygroups(Number, Keyword.Type)),
            (_any(FLAG_WORDS) + END, Keyword.Constant),
            (r'"(?:[^"\\\n]|\\.)*"', String.Double),
            (r"[^\s#]+", String),
        ],
        "target": [
            (r"[ \t\u3000]+", Whitespace),
            (r"#\s*perfdsl:.*$", Comment.Special, "#pop"),
            (r"#.*$", Comment.Single, "#pop"),
            (r"\{", Punctuation, "#pop"),
            (r"\n", Whitespace, "#pop"),
            (_any(COMPARATOR_WORDS), Operator.Word),
            (_any(COMPARATORS), Operator),
            (rf"({NUMBER})([^\s#{{}}]*?)({_SUFFIX})?(?=[\s#{{]|$)", bygroups(Number, Keyword.Type, Operator.Word)),
            (r'"(?:[^"\\\n]|\\.)*"', Name.Constant),
            (r"[^\s#{}]+", Name.Constant),
            default("#pop"),
        ],
    }
