"""Pygments lexer for `.perf` specs, so documentation and review tools highlight them (`pygmentize -l perfdsl`).

Outside the pipeline: Pygments finds this class through the `pygments.lexers` entry point in pyproject.toml,
and only Pygments imports this module. Keys and keywords come from perfdsl/syntax/vocab.py, so the highlighting
knows every spelling the parser knows. Like the language, the lexer reads a line by its shape: `NAME {` is
a section, `NAME TARGET` an indicator, `KEY VALUE` a field.
"""

from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, default
from pygments.token import (Comment, Error, Keyword, Literal, Name, Number, Operator, Punctuation, String,
                            Whitespace)

from ..syntax import lexicon
from ..syntax.vocab import COMPARATOR_WORDS, COMPARATORS, FLAG_WORDS, MONEY_UNITS

# The pieces of a line as the grammar defines them.
NAME = lexicon.pattern("NAME")
QUOTED = lexicon.pattern("QUOTED")
NUMBER = lexicon.pattern("NUMBER")
SPACE = lexicon.pattern("_SP")
END = rf"(?={SPACE}|$)"
_SUFFIX = lexicon.pattern("COMPARATOR_SUFFIX")


def _any(spellings: object) -> str:
    """One regex group matching any of the spellings, longest first (so `>=` is never read as `>`)."""
    return "(" + "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True)) + ")"  # type: ignore[call-overload]


_KEYS = f"({lexicon.pattern('KEY')})"


class PerfdslLexer(RegexLexer):
    """Lexer for perfdsl specs (项目支出绩效目标表 as plain text)."""

    name = "perfdsl"
    aliases = ["perfdsl", "perf"]
    filenames = ["*.perf"]
    mimetypes = ["text/x-perfdsl"]
    flags = re.MULTILINE | re.UNICODE

    tokens = {
        "root": [
            (SPACE, Whitespace),
            (r"\n", Whitespace),
            (r"#\s*perfdsl:.*$", Comment.Special),
            (r"#.*$", Comment.Single),
            (rf"({lexicon.pattern('PROJECT_WORD')}){END}({SPACE})({NAME})",
             bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (rf"{lexicon.pattern('BUDGET_WORD')}(?={SPACE}?\{{)", Keyword),
            (_KEYS + END + rf'({SPACE})(""")',
             bygroups(Name.Attribute, Whitespace, String.Doc), "textblock"),
            (_KEYS + END, Name.Attribute, "value"),
            (rf"({NAME})({SPACE}?)(\{{)", bygroups(Name.Namespace, Whitespace, Punctuation)),
            (rf"({NAME})({SPACE})", bygroups(Name.Variable, Whitespace), "target"),
            (rf"{NAME}(?={SPACE}?(?:#|$))", Name.Variable),  # an indicator still without its target
            (r"[{}]", Punctuation),
            (r".", Error),
        ],
        "textblock": [
            (r'"""', String.Doc, "#pop"),
            (r'[^"]+|"', String.Doc),
        ],
        "value": [
            (SPACE, Whitespace),
            (r"#\s*perfdsl:.*$", Comment.Special, "#pop"),
            (r"#.*$", Comment.Single, "#pop"),
            (r"\n", Whitespace, "#pop"),
            (rf"\d{{4}}-\d{{1,2}}-\d{{1,2}}{END}", Literal.Date),
            (rf"({NUMBER})({'|'.join([*MONEY_UNITS, '年'])})?{END}", bygroups(Number, Keyword.Type)),
            (_any(FLAG_WORDS) + END, Keyword.Constant),
            (QUOTED, String.Double),
            (r"[^\s#]+", String),
        ],
        "target": [
            (SPACE, Whitespace),
            (r"#\s*perfdsl:.*$", Comment.Special, "#pop"),
            (r"#.*$", Comment.Single, "#pop"),
            (r"\{", Punctuation, "#pop"),
            (r"\n", Whitespace, "#pop"),
            (_any(COMPARATOR_WORDS), Operator.Word),
            (_any(COMPARATORS), Operator),
            (rf"({NUMBER})([^\s#{{}}]*?)({_SUFFIX})?(?=[\s#{{]|$)", bygroups(Number, Keyword.Type, Operator.Word)),
            (QUOTED, Name.Constant),
            (r"[^\s#{}]+", Name.Constant),
            default("#pop"),
        ],
    }
