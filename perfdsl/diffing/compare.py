"""Semantic diff: two sets of parsed specs -> a `Diff` (pure data; `diff_render` and the templates print it).

Projects are paired by (单位, 项目名称) whatever file and year they stand in, indicators by (一级, 二级, name)
with section names compared through the project's framework (产出 == 产出目标 == 产出指标); see
diff_match.py. Only content is compared, never text: layout, key spellings, comments, the order of items and
file-level defaults are not content, so whatever `perfdsl fmt` would change gives an empty diff. The result
is made of the models of diff_model.py, re-exported here.
"""

from __future__ import annotations

import difflib
import os
from decimal import Decimal, localcontext
from typing import Literal, Sequence

from .. import ast
from .match import Item, Pair, indicator_items, pair_indicators, pair_projects, plain
from ..config import Config, ConfigError, find_config
from ..evaluation.rules import DEFAULT_RULES, RuleSet, rule_set
from ..evaluation.figures import has_evaluation
from ..evaluation.score import score_project
from .model import (EXACT, SCHEMA_VERSION, SCORE_FIELD, SOURCE_BLOCKS, LEVEL1_FIELD, AttributeChanged, BudgetChanged, Diff, Direction, Edit, FieldChanged,
                         Goal, IndicatorAdded, IndicatorMoved, IndicatorRemoved, IndicatorRenamed, ProjectAdded,
                         ProjectChanged, ProjectEdit, ProjectRemoved, Section, TargetChanged, TextChanged, TextOp)
from ..syntax.vocab import ATTRIBUTE_KEYS, BUDGET_KEYS, BUDGET_WEIGHT_KEY, HEADER_KEYS, KEY_BY_FIELD, TEXT_KEYS
from ..syntax.values import show_number, shown, write_score, write_value

__all__ = ["SCHEMA_VERSION", "AttributeChanged", "BudgetChanged", "Diff", "Direction", "Edit", "FieldChanged", "Goal",
           "IndicatorAdded", "IndicatorMoved", "IndicatorRemoved", "IndicatorRenamed", "ProjectAdded",
           "ProjectChanged", "ProjectEdit", "ProjectRemoved", "Section", "TargetChanged", "TextChanged", "TextOp",
           "compare_projects", "diff", "direction", "text_ops"]


# ------------------------------------------------------------------------------------------------ comparing


def diff(old: Sequence[ast.Spec], new: Sequence[ast.Spec], old_label: str = "", new_label: str = "",
         same: Sequence[ast.Spec] = ()) -> Diff:
    """Compare every project of `old` with every project of `new`.

    `same` are files known to be identical on both sides: their projects are unchanged and count in the
    totals, without taking part in the pairing (where a namesake elsewhere could pair with them)."""
    kept = [(s, p) for s in same for p in s.projects]
    old_entries = [(s, p) for s in old for p in s.projects]
    new_entries = [(s, p) for s in new for p in s.projects]
    pairs, removed, added = pair_projects(old_entries, new_entries)
    configs: dict[str, Config] = {}  # one configuration per folder, for the whole comparison
    out: list[ProjectAdded | ProjectRemoved | ProjectChanged] = []
    unchanged: list[str] = [p.name for _, p in kept]
    for pair in pairs:
        changed = compare_projects(pair, configs)
        if changed is None:
            unchanged.append(pair.new[1].name)
        else:
            out.append(changed)
    out.extend(_lone(ProjectRemoved, s, p) for s, p in removed)
    out.extend(_lone(ProjectAdded, s, p) for s, p in added)
    totals = BudgetChanged.of("current", _sum_current(old_entries + kept), _sum_current(new_entries + kept))
    return Diff(old=old_label, new=new_label, projects=tuple(out), unchanged=tuple(unchanged),
                totals=totals if old_entries or new_entries or kept else None)


def _current(p: ast.Project) -> Decimal | None:
    return p.budget.current.value if p.budget and p.budget.current else None


def _sum_current(entries: list[tuple[ast.Spec, ast.Project]]) -> Decimal:
    with localcontext(EXACT):
        return sum((_current(p) or Decimal(0) for _, p in entries), Decimal(0))


def _lone(cls: type[ProjectAdded] | type[ProjectRemoved], spec: ast.Spec, p: ast.Project) -> ProjectAdded | ProjectRemoved:
    return cls(unit=spec.unit_of(p), name=p.name, year=spec.year_of(p), file=spec.file,
               indicators=len(indicator_items(spec, p)), budget=_current(p))


def compare_projects(pair: Pair, configs: dict[str, Config] | None = None) -> ProjectChanged | None:
    """The edits from one version of a project to another, or None when they say the same. `configs` keeps
    the configurations found (one per folder) between the pairs of one comparison."""
    (old_spec, old), (new_spec, new) = pair.old, pair.new
    edits: list[Edit] = [*_fields(old_spec, old, new_spec, new), *_computed(pair, configs), *_budget(old, new),
                         *_scores(old, new),
                         *_texts(old, new),
                         *_indicators(indicator_items(old_spec, old), indicator_items(new_spec, new))]
    if not edits and pair.similarity is None:
        return None
    return ProjectChanged(unit=new_spec.unit_of(new), old_name=old.name, new_name=new.name,
                          old_year=old_spec.year_of(old), new_year=new_spec.year_of(new), old_file=old_spec.file,
                          new_file=new_spec.file, similarity=pair.similarity, overlap=pair.overlap,
                          edits=tuple(edits))


def _field_value(spec: ast.Spec, p: ast.Project, field: str) -> str | None:
    if field == "year":
        year = spec.year_of(p)
        return None if year is None else str(year)
    if field == "framework":
        return spec.framework_of(p)
    return shown(getattr(p, field))


def _fields(old_spec: ast.Spec, old: ast.Project, new_spec: ast.Spec, new: ast.Project) -> list[FieldChanged]:
    out = []
    for key in HEADER_KEYS:
        if key.field == "unit":  # part of the pairing key: equal on both sides of a pair
            continue
        a, b = _field_value(old_spec, old, key.field), _field_value(new_spec, new, key.field)
        if a != b:
            out.append(FieldChanged(field=key.field, old=a, new=b))
    return out


def _budget(old: ast.Project, new: ast.Project) -> list[BudgetChanged]:
    out = []
    for key in (*BUDGET_KEYS, BUDGET_WEIGHT_KEY, KEY_BY_FIELD["score"]):  # 得分 of 预算执行 too
        a, b = (getattr(p.budget, key.field) if p.budget else None for p in (old, new))
        a_value, b_value = (n.value if n is not None else None for n in (a, b))
        if a_value != b_value:
            out.append(BudgetChanged.of(key.field, a_value, b_value))
    # the sources of the year's funds (年初, 全年预算, 全年执行), paired by name
    for block in SOURCE_BLOCKS:
        a_sources, b_sources = ({s.name: s.value for s in getattr(p.budget, block).items}
                                if p.budget and getattr(p.budget, block) else {} for p in (old, new))
        for name in dict.fromkeys([*a_sources, *b_sources]):
            if a_sources.get(name) != b_sources.get(name):
                out.append(BudgetChanged.of(f"{block}.{name}", a_sources.get(name), b_sources.get(name)))
    return out


def _computed(pair: Pair, configs: dict[str, Config] | None) -> list[FieldChanged]:
    """The total the rules give a self-evaluation, when it moved: what a changed actual comes to. Each side is
    scored under the rule set of its own perfdsl.toml (the default where there is none)."""
    totals: list[str | None] = []
    for spec, project in (pair.old, pair.new):
        if not has_evaluation(project):
            totals.append(None)
            continue
        scored = score_project(spec, project, _rules(spec.file, configs))
        totals.append(f"{show_number(scored.total)} {scored.grade}")
    if totals[0] == totals[1]:
        return []
    return [FieldChanged(field=SCORE_FIELD, old=totals[0], new=totals[1])]


def _rules(file: str, configs: dict[str, Config] | None) -> RuleSet:
    try:
        return find_config(os.path.dirname(file) or ".", configs).rule_set()
    except ConfigError:  # a broken perfdsl.toml is check's to report: diff scores by the default rules
        return rule_set(DEFAULT_RULES)


def _scores(old: ast.Project, new: ast.Project) -> list[FieldChanged]:
    """The 分值 of each 一级, paired by name."""
    a_scores, b_scores = ({l1.name: (l1.name, l1.weight) for l1 in p.sections} for p in (old, new))
    out = []
    for key in dict.fromkeys([*a_scores, *b_scores]):
        a, b = (None if key not in m or m[key][1] is None else write_score(m[key][1])  # type: ignore[arg-type]
                for m in (a_scores, b_scores))
        if a != b:
            out.append(FieldChanged(field=LEVEL1_FIELD + (b_scores.get(key) or a_scores[key])[0], old=a, new=b))
    return out


def _joined(text: ast.Text | None) -> str | None:
    return None if text is None else "\n".join(text.paragraphs)


def text_ops(old: str, new: str) -> tuple[TextOp, ...]:
    """A character-level edit script (CJK has no spaces, so words are no unit), with one-character islands
    of equal text between two edits merged into them: `[-甲乙丙-]{+甲丁丙+}` reads better than three edits."""
    raw = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    steps: list[list[str]] = []
    for i, (tag, i1, i2, j1, j2) in enumerate(raw):
        a, b = old[i1:i2], new[j1:j2]
        island = tag == "equal" and len(a) == 1 and 0 < i < len(raw) - 1
        if (tag != "equal" or island) and steps and steps[-1][0] != "equal":
            steps[-1][1] += a
            steps[-1][2] += b
            continue
        steps.append(["equal" if tag == "equal" and not island else "replace", a, b])
    ops = []
    for kind, a, b in steps:
        op: Literal["equal", "replace", "delete", "insert"] = "equal" if kind == "equal" else \
            "replace" if a and b else "delete" if a else "insert"
        ops.append(TextOp(op=op, old=a, new=b))
    return tuple(ops)


def _texts(old: ast.Project, new: ast.Project) -> list[TextChanged]:
    out = []
    for key in TEXT_KEYS:
        # an empty section says as much as a missing one
        a, b = _joined(getattr(old, key.field)) or "", _joined(getattr(new, key.field)) or ""
        if a != b:
            out.append(TextChanged(field=key.field, ops=text_ops(a, b)))
    return out


# ---------------------------------------------------------------------------------------------- indicators


def direction(old: ast.Target, new: ast.Target) -> Direction | None:
    """How `new` differs from `old`, or None when they accept the same values."""
    a, b = Goal.of(old), Goal.of(new)
    if a == b:
        return None
    if a.word is not None or b.word is not None:
        return Direction.word if a.word is not None and b.word is not None else Direction.changed
    if a.unit != b.unit:
        return Direction.unit
    if _covers(a, b):
        return Direction.raised
    if _covers(b, a):
        return Direction.lowered
    return Direction.changed


def _bounds(g: Goal) -> tuple[Decimal | None, bool, Decimal | None, bool]:
    """(low, low included, high, high included) of the values a target accepts; None is unbounded."""
    v, c = g.value, g.comparator
    return (v if c in ("=", ">=", ">") else None, c in ("=", ">="),
            v if c in ("=", "<=", "<") else None, c in ("=", "<="))


def _covers(a: Goal, b: Goal) -> bool:
    """Whether every value `b` accepts, `a` accepts too."""
    a_lo, a_lo_in, a_hi, a_hi_in = _bounds(a)
    b_lo, b_lo_in, b_hi, b_hi_in = _bounds(b)
    low = a_lo is None or (b_lo is not None and (b_lo > a_lo or (b_lo == a_lo and (a_lo_in or not b_lo_in))))
    high = a_hi is None or (b_hi is not None and (b_hi < a_hi or (b_hi == a_hi and (a_hi_in or not b_hi_in))))
    return low and high


def _attribute(ind: ast.Indicator, field: str) -> str | None:
    node = getattr(ind, field)
    if node is None:
        return None
    if isinstance(node, ast.Text):
        return _joined(node) or None
    return str(plain(node.value)) if isinstance(node, ast.Amount) else write_value(node, explicit=True)


def _indicators(old: list[Item], new: list[Item]) -> list[Edit]:
    pairs, removed, added = pair_indicators(old, new)
    edits: list[Edit] = []
    for a, b, similarity in pairs:
        edits.extend(_indicator_pair(a, b, similarity))
    edits.extend(IndicatorRemoved(section=i.section, name=i.name, target=Goal.of(i.indicator.target))
                 for i in removed)
    edits.extend(IndicatorAdded(section=i.section, name=i.name, target=Goal.of(i.indicator.target))
                 for i in added)
    return edits


def _indicator_pair(a: Item, b: Item, similarity: float | None) -> list[Edit]:
    turn = direction(a.indicator.target, b.indicator.target)
    old, new = Goal.of(a.indicator.target), Goal.of(b.indicator.target)
    edits: list[Edit] = []
    if a.name != b.name:
        edits.append(IndicatorRenamed(old_name=a.name, new_name=b.name, similarity=similarity or 0.0,
                                      old_section=a.section, new_section=b.section, old=old, new=new,
                                      direction=turn))
    elif a.key[:2] != b.key[:2]:
        edits.append(IndicatorMoved(name=b.name, old_section=a.section, new_section=b.section, old=old, new=new,
                                    direction=turn))
    elif turn is not None:
        edits.append(TargetChanged(section=b.section, name=b.name, old=old, new=new, direction=turn))
    for key in ATTRIBUTE_KEYS:
        x, y = _attribute(a.indicator, key.field), _attribute(b.indicator, key.field)
        if x != y:
            edits.append(AttributeChanged(section=b.section, name=b.name, field=key.field, old=x, new=y))
    return edits
