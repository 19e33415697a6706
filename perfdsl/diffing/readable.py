"""The line form of one spec that `git diff` shows for `*.perf` files (`perfdsl diff --textconv FILE`).

One fact per line, each line saying where it belongs (`产出/数量/全年累计收案数量 >= 30000件`), prose one
sentence per line, everything in a fixed order (projects and indicators sorted, sections in their framework's
order) with comments and layout left out. So a plain line diff of two readable forms shows what changed and
nothing else: reformatting or reordering a file leaves its readable form as it was.
"""

from __future__ import annotations

import re
from typing import Any

from .. import ast
from ..diagnostics import shown
from ..syntax import values
from .match import framework_for, section_names, target_text
from ..syntax.vocab import (ATTRIBUTE_KEYS, BUDGET_KEYS, HEADER_KEYS, LEVEL1_WEIGHT_KEY, SOURCES_WORDS,
                             TEXT_KEYS)

_SENTENCE = re.compile(r"[^。；！？]+(?:[。；！？]+[”’）」』]*|$)|[。；！？]+[”’）」』]*")


def sentences(paragraph: str) -> list[str]:
    """Split a CJK paragraph after 。；！？ (and a closing quote or bracket that follows)."""
    return [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(paragraph)) if s]


def _value(node: Any) -> str:
    # numbers without the trailing zeros a reformat may add or drop
    return values.show_number(node.value) if isinstance(node, ast.Amount) else values.write_value(node, explicit=True)


def _header(spec: ast.Spec, p: ast.Project) -> list[str]:
    effective = {"unit": spec.unit_of(p), "year": spec.year_of(p), "framework": spec.framework_of(p)}
    out = []
    for key in HEADER_KEYS:
        if key.field in effective:
            if effective[key.field] is not None:
                out.append(f"{key.canonical} {effective[key.field]}")
        elif getattr(p, key.field) is not None:
            out.append(f"{key.canonical} {_value(getattr(p, key.field))}")
    if p.budget:
        out.extend(f"{k.canonical} {_value(getattr(p.budget, k.field))}" for k in BUDGET_KEYS
                   if getattr(p.budget, k.field) is not None)
        if p.budget.sources is not None:
            out.extend(f"{SOURCES_WORDS[0]} {s.name} {values.show_number(s.value)}" for s in p.budget.sources.items)
    out.extend(f"{l1.name} {LEVEL1_WEIGHT_KEY.canonical} {values.write_score(l1.weight)}" for l1 in p.sections
               if l1.weight is not None)
    for key in TEXT_KEYS:
        text = getattr(p, key.field)
        for para in text.paragraphs if text else ():
            out.extend(f"{key.canonical} {'¶ ' if i == 0 else ''}{s}" for i, s in enumerate(sentences(para)))
    return out


def _indicators(spec: ast.Spec, p: ast.Project) -> list[str]:
    framework = framework_for(spec, p)
    order1 = framework.level1_names if framework else []
    rows = []
    for l1 in p.sections:
        for l2 in l1.sections:
            n1, n2 = section_names(framework, l1.name, l2.name)
            match = framework.match_level1(n1) if framework else None
            order2 = match.level2_names if match else []
            place = (_rank(order1, n1), _rank(order2, n2))
            for ind in l2.indicators:
                path = f"{n1}/{n2}/{ind.name}"
                t = ind.target
                goal = (target_text(t.comparator, t.value, t.unit, None) if t.kind == "quantitative"
                        else target_text(None, None, "", t.word if t.kind == "qualitative" else values.write_target(t)))
                lines = [f"{path} {goal}"]
                attributes = ((k.canonical, _value(getattr(ind, k.field))) for k in ATTRIBUTE_KEYS
                              if getattr(ind, k.field) is not None)
                lines.extend(f"{path} {key} {value}" for key, value in attributes if value)
                rows.append((place, ind.name, lines))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [line for _, _, lines in rows for line in lines]


def _rank(order: list[str], name: str) -> tuple[int, str]:
    return (order.index(name), "") if name in order else (len(order), name)


def readable(spec: ast.Spec) -> str:
    """The line form of a spec: a `项目 NAME` line, then its facts indented, project after project.

    git prints it to the terminal as it is, so control characters in the spec are shown as escapes."""
    projects = sorted(spec.projects, key=lambda p: (spec.unit_of(p) or "", p.name))
    out = []
    for p in projects:
        out.append(f"项目 {p.name}")
        out.extend("  " + line for line in _header(spec, p) + _indicators(spec, p))
    return "\n".join(shown(line) for line in out) + ("\n" if out else "")
