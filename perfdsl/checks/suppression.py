"""Suppression comments: `# perfdsl: ignore[C203] 理由…` silences a rule on one line.

The comment stands at the end of the line the diagnostic points at, or on its own line(s) directly above it
(the parser attaches such comments to the node below, so "the line above" is the node's first line, even
with another comment in between). The reason is mandatory: a suppression without one is reported (C901),
and so is one that silences nothing (C902) or names no rule (C903); those three cannot be suppressed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .. import ast
from ..config import Settings
from ..diagnostics import Diagnostic, Severity
from ..syntax.vocab import SUPPRESS_MARK, SUPPRESS_WORD
from .registry import RULES, Names, rule

C901 = rule("C901", "suppression-without-reason", Severity.error, "suppression")
C902 = rule("C902", "unused-suppression", Severity.warning, "suppression")
C903 = rule("C903", "unreadable-suppression", Severity.warning, "suppression")

_FORM = re.compile(rf"{re.escape(SUPPRESS_MARK)}\s*{SUPPRESS_WORD}\s*\[(?P<codes>[^\]]*)\](?P<reason>.*)",
                   re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,，、]+")
_REASON_LEAD = " \t:：-—–"
_OWN = {C901.code, C902.code, C903.code}


@dataclass
class Suppression:
    comment: ast.Comment
    lines: frozenset[int]
    """The lines it applies to: its own, and the first line of the node it is attached to."""
    codes: tuple[str, ...]
    reason: str
    used: set[str] = field(default_factory=set)


def comments(spec: ast.Spec) -> Iterator[tuple[ast.Comment, frozenset[int]]]:
    """Every comment of a spec with the lines it speaks about."""
    # most files have few comments: nodes without any are passed over in one comprehension
    for node in [n for n in ast.nodes(spec) if n.comments or n.trailing is not None
                 or (type(n) in _BLOCKS and (n.end_comments or n.end_trailing is not None))]:  # type: ignore[attr-defined]
        for c in node.comments:
            yield c, frozenset({c.span.line, node.span.line})
        if node.trailing is not None:
            yield node.trailing, frozenset({node.trailing.span.line, node.span.line})
        # by type, not isinstance: the models' metaclass makes isinstance slow, and every node passes here
        if type(node) in _BLOCKS:
            for c in node.end_comments:  # type: ignore[attr-defined]
                yield c, frozenset({c.span.line})
            if node.end_trailing is not None:  # type: ignore[attr-defined]
                yield node.end_trailing, frozenset({node.end_trailing.span.line})  # type: ignore[attr-defined]
    for c in spec.end_comments:
        yield c, frozenset({c.span.line})


_BLOCKS = frozenset(cls for cls in vars(ast).values()
                    if isinstance(cls, type) and issubclass(cls, ast.Block))


def collect(spec: ast.Spec) -> tuple[list[Suppression], list[Diagnostic]]:
    """The suppressions of a spec, and diagnostics for those that cannot be used."""
    found: list[Suppression] = []
    problems: list[Diagnostic] = []
    for comment, lines in comments(spec):
        if not comment.text.lower().startswith(SUPPRESS_MARK):
            continue
        m = _FORM.fullmatch(comment.text)
        if m is None:
            problems.append(C903.at(comment.span, "C903.form"))
            continue
        codes = tuple(c.upper() for c in _SEPARATORS.split(m.group("codes")) if c)
        bad = [c for c in codes if c not in RULES or c in _OWN]
        for code in bad:
            problems.append(C903.at(comment.span, given=code))
        if not codes:
            problems.append(C903.at(comment.span, "C903.form"))
        reason = m.group("reason").strip(_REASON_LEAD)
        if not reason:
            problems.append(C901.at(comment.span, codes=",".join(codes) or "C…"))
        good = tuple(c for c in codes if c not in bad)
        if good:
            found.append(Suppression(comment, lines, good, reason))
    return found, problems


def apply(spec: ast.Spec, diags: Iterable[Diagnostic], settings: Settings) -> list[Diagnostic]:
    """Drop the diagnostics a suppression covers; add C901–C903 for the suppressions themselves."""
    return apply_collected(spec.file, collect(spec), diags, settings)


def apply_collected(file: str, collected: tuple[list[Suppression], list[Diagnostic]], diags: Iterable[Diagnostic],
                    settings: Settings) -> list[Diagnostic]:
    """`apply` with the suppressions collected earlier, so the spec itself need not be kept."""
    suppressions, problems = collected
    problems = list(problems)
    kept = []
    for d in diags:
        hit = next((s for s in suppressions if d.code in s.codes and d.span.line in s.lines
                    and d.span.file == file and d.code not in _OWN), None)
        if hit is None:
            kept.append(d)
        else:
            hit.used.add(d.code)
    for s in suppressions:
        # a rule switched off for this file cannot fire, so its suppression is not stale, only idle
        unused = [c for c in s.codes if c not in s.used and settings.severity(c, RULES[c].severity) is not None]
        if unused:
            problems.append(C902.at(s.comment.span, codes=Names(unused)))
    return kept + problems
