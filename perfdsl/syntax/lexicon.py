"""The language's lexicon, read from grammar/perfdsl.lark: every terminal as a regular expression, and the
LALR parser Lark builds from the same file.

Whatever needs the line syntax (the scanner, `fmt`, completion, hover, the TextMate grammar, the Pygments
lexer) takes its expressions from `pattern(NAME)` instead of writing one of its own, so there is one
definition of a name, a value or a line shape: the grammar's. The words of the vocabulary are data in
perfdsl/syntax/vocab.py; the grammar carries them in a block `python -m perfdsl.syntax.lexicon` writes, so the grammar
stays a complete Lark grammar a reader (or Lark alone) can load.

Both compiled forms are kept in the user's private cache, keyed by the grammar and the Lark version:
terminals as JSON, the parser as Lark's own saved form (`Lark.save`/`Lark.load`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import sys
from typing import Any

from ..resources import discard_cached, grammar_path, read_cached, write_cached

_BEGIN, _END = "// BEGIN VOCABULARY\n", "// END VOCABULARY\n"


@functools.lru_cache(maxsize=1)
def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


def _cache_name(kind: str) -> str:
    import lark  # only when the cache is missed or checked: the version is part of the key

    key = f"{grammar_text()}{lark.__version__}{sys.version}".encode()
    return f"{kind}-" + hashlib.sha256(key).hexdigest()[:20]


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[str, tuple[str, int]]:
    name = _cache_name("lexicon")
    data = read_cached(name)
    if data is not None:
        try:
            found = json.loads(data)
            if isinstance(found, dict) and all(isinstance(v, list) and len(v) == 2 for v in found.values()):
                return {k: (str(v[0]), int(v[1])) for k, v in found.items()}
        except ValueError:
            pass
        discard_cached(name)
    from lark import Lark

    # Lexer-only, Lark keeps every terminal (an LALR parser drops those no rule names, such as BARE).
    made = Lark(grammar_text(), parser=None, lexer="basic")
    found = {t.name: (t.pattern.to_regexp(), t.priority) for t in made.terminals}
    write_cached(name, json.dumps(found, ensure_ascii=False).encode())
    return found


def terminals() -> dict[str, str]:
    """Every terminal of the grammar, by name, as the regular expression Lark compiles it to."""
    return {name: regexp for name, (regexp, _) in _lexicon().items()}


@functools.lru_cache(maxsize=1)
def line_shapes() -> tuple[str, ...]:
    """The terminals the parser reads, one per line: those the grammar's rules name, highest priority first."""
    named = {t.name for t in parser().terminals}
    return tuple(sorted(named, key=lambda name: (-_lexicon()[name][1], name)))


def line_shape(content: str) -> str | None:
    """The line shape `content` (a line without its indentation and comment) has by the grammar: of the
    terminals it matches, the one of highest priority; None for none."""
    return next((name for name in line_shapes() if compiled(name).fullmatch(content)), None)


def pattern(name: str) -> str:
    """The regular expression of terminal `name`, grouped so that it can be put inside another."""
    return f"(?:{_lexicon()[name][0]})"


def literal(name: str) -> str:
    """The text a terminal of one fixed string matches (`"｛"`)."""
    found = re.fullmatch(r"(?:\\.|[^\\()\[\]|*+?{}^$.])+", _lexicon()[name][0])
    if found is None:
        raise ValueError(f"{name} is not one fixed string")
    return re.sub(r"\\(.)", r"\1", found.group())


@functools.lru_cache(maxsize=None)
def compiled(name: str) -> re.Pattern[str]:
    return re.compile(_lexicon()[name][0])


@functools.lru_cache(maxsize=1)
def parser() -> Any:
    """The LALR parser Lark builds from the grammar over the scanner's line tokens, reducing into the AST
    builder as it goes (Lark's inline transformer)."""
    from lark import Lark

    from .parser import Builder
    from .scanner import LineLexer

    name = _cache_name("parser")
    data = read_cached(name)
    if data is not None:
        try:
            return Lark.load(io.BytesIO(data))
        except Exception:  # whole but not what this Lark reads: build it anew, keep that one
            discard_cached(name)
    made = Lark(grammar_text(), parser="lalr", lexer=LineLexer, transformer=Builder(), maybe_placeholders=False)
    saved = io.BytesIO()
    made.save(saved)
    write_cached(name, saved.getvalue())
    return made


# ---------------------------------------------------------------------------------------------- vocabulary

def _words(name: str, words: Any) -> str:
    return f"{name}: " + " | ".join(json.dumps(w, ensure_ascii=False) for w in words) + "\n"


def vocabulary_block() -> str:
    """The grammar's vocabulary block as perfdsl/syntax/vocab.py has it."""
    from .vocab import BUDGET_WORDS, COMPARATOR_SUFFIXES, COMPARATOR_WORDS, COMPARATORS, KEY_BY_SPELLING, \
        PROJECT_WORDS

    return (_words("PROJECT_WORD", PROJECT_WORDS) + _words("BUDGET_WORD", BUDGET_WORDS)
            + _words("KEY", KEY_BY_SPELLING) + _words("COMPARATOR", [*COMPARATORS, *COMPARATOR_WORDS])
            + _words("COMPARATOR_SUFFIX", COMPARATOR_SUFFIXES))


def with_vocabulary(text: str) -> str:
    """`text` (the grammar) with its vocabulary block written anew."""
    start = text.index(_BEGIN) + len(_BEGIN)
    return text[:start] + vocabulary_block() + text[text.index(_END, start):]


if __name__ == "__main__":
    path = grammar_path()
    path.write_text(with_vocabulary(path.read_text(encoding="utf-8")), encoding="utf-8")
