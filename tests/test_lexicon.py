"""The grammar is the syntax: it loads in Lark on its own, carries vocab.py's words, and says of every line
what the scanner makes of it — on every spec of the repository and on damaged ones."""

from __future__ import annotations

from pathlib import Path

import lark
from hypothesis import HealthCheck, given, settings

from perfdsl.syntax import lexicon, scanner, values
from perfdsl.resources import grammar_path
from tests.conftest import ROOT
from tests.test_hardening import mutated_seed

ALL_PERF = sorted(p for folder in ("specs", "tests", "docs") for p in (ROOT / folder).rglob("*.perf"))


def test_the_grammar_loads_in_lark_alone() -> None:
    made = lark.Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr")
    assert {r.origin.name for r in made.rules} >= {"start", "project", "budget", "section", "indicator"}


def test_the_grammars_vocabulary_is_vocab_py() -> None:
    text = grammar_path().read_text(encoding="utf-8")
    assert lexicon.with_vocabulary(text) == text, "vocab.py changed: run `python -m perfdsl.syntax.lexicon`"


def _lines(text: str) -> tuple[list[tuple[str, str, int]], list[str]]:
    """Per token the scanner makes: its type, the content it stands for by the grammar (indentation and
    comment left off; a text block's lines joined), and its line; and the lines as the scanner read them."""
    scan = scanner.Scan(text=values.normalise_newlines(text), file="x.perf")
    lines = scan.text.split("\n")
    tokens = list(scanner.scan_lines(scan))
    flagged = {line for d in scan.diagnostics for line in range(d.span.line, d.span.end_line + 1)}
    out = []
    for tok in tokens:
        if tok.type == "RBRACE" and tok.head.line > len(lines) or tok.line in flagged or tok.end_line in flagged:
            continue  # made up to close what the file left open, or on a line with a diagnostic
        first, last = tok.line, tok.end_line
        body = "\n".join(lines[first - 1:last])
        start = len(lines[first - 1]) - len(lines[first - 1].lstrip())
        end = len(body) - len(lines[last - 1])
        comment = scan.trailing.get(last)
        end += comment.span.column - 1 if comment else len(lines[last - 1])
        out.append((tok.type, body[start:end].rstrip(), first))
    return out, lines


def _agrees(text: str) -> None:
    tokens, lines = _lines(text)
    for kind, content, line in tokens:
        assert lexicon.line_shape(content) == kind, (line, content, kind)


def test_the_grammar_names_every_line_of_every_spec_as_the_scanner_does() -> None:
    assert len(ALL_PERF) > 100
    shapes: set[str] = set()
    for path in ALL_PERF:
        text = path.read_text(encoding="utf-8", errors="replace")
        _agrees(text)
        shapes |= {kind for kind, _, _ in _lines(text)[0]}
    assert shapes == set(lexicon.line_shapes()) == {
        "PROJECT", "BUDGET", "FIELD", "INDICATOR_BLOCK", "SECTION", "INDICATOR", "RBRACE"}


@settings(derandomize=True, deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_seed())
def test_the_grammar_names_the_lines_of_damaged_specs_as_the_scanner_does(text: str) -> None:
    _agrees(text)


def test_lines_the_grammar_reads_differently_are_not_read_silently() -> None:
    # the grammar's shapes for lines the scanner reports: never a line read as something else without a word
    for text, shape in (("项目 {", "SECTION"), ("类别 其他类 {", "FIELD"), ("预算 100", "INDICATOR")):
        scan = scanner.Scan(text=text + "\n", file="x.perf")
        list(scanner.scan_lines(scan))
        assert lexicon.line_shape(text) == shape and scan.diagnostics, text


def test_the_lexicon_is_kept_in_the_private_cache(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lexicon._lexicon.cache_clear()
    try:
        made = lexicon.terminals()
        [entry] = (tmp_path / "perfdsl").glob("lexicon-*")
        lexicon._lexicon.cache_clear()
        assert lexicon.terminals() == made
        entry.write_bytes(entry.read_bytes()[:-5])  # cut short: made anew, not failing
        lexicon._lexicon.cache_clear()
        assert lexicon.terminals() == made
    finally:
        lexicon._lexicon.cache_clear()
