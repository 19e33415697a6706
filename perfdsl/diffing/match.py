"""Pairing for the semantic diff: which project of one side is which of the other, which indicator is which.

`diff_compare.py` compares what this module pairs. Pairing goes from certain to likely: the same key, then the same
name somewhere else (moved), then a similar name (renamed). Every greedy choice breaks ties with a key that
does not depend on which side is old, so comparing B with A mirrors comparing A with B.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, TypeVar

from .. import ast
from ..syntax import values
from ..frameworks import DEFAULT_FRAMEWORK, Framework, builtin, builtin_names, normalise

RENAME_THRESHOLD = 0.6
"""Least name similarity for an indicator rename. Real renames keep a stem and change a word or two
(资金使用合规性 -> 资金使用规范性 0.86, 运维工作完成率 -> 运维任务完成率 0.71, 司法文书送达率 -> 文书送达率 0.83);
unrelated names of one table share a 率 or a 性 at most (预算执行率 / 支付及时率 0.20, 设备采购及时率 /
采购质量合格率 0.43). Names that share a long stem (财务管理制度健全性 / 财务管理制度实施有效性 0.70) would pair if
one disappeared as the other appeared, which is why exact and same-name pairing run first."""

PROJECT_NAME_THRESHOLD = 0.5
PROJECT_OVERLAP_THRESHOLD = 0.5
"""A project whose name changed is still the same project when the names are alike (信息化运维 ->
信息化运行维护 0.83) and at least half of the indicator names are shared (Jaccard index)."""

Entry = tuple[ast.Spec, ast.Project]
T = TypeVar("T")


def similarity(a: str, b: str) -> float:
    """How alike two names are, 0..1, rounded to two places.

    difflib's ratio (2 x matched characters / total) rather than character-bigram Dice: CJK names change by
    swapping one word of two characters (合规 -> 规范), which leaves the matched characters high but breaks
    every bigram across the swap, so Dice scores real renames too low (资金使用合规性 -> 资金使用规范性: 0.5).
    Names longer than LONG are compared by the characters they share in any order (difflib's quick_ratio):
    the ratio takes time that grows with the square of the length.
    """
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return round(matcher.ratio() if len(a) <= LONG and len(b) <= LONG else matcher.quick_ratio(), 2)


LONG = 200
"""Characters of a name (no real table's comes near) past which `similarity` takes the linear measure."""


def plain(value: Decimal) -> Decimal:
    """The same number without trailing zeros or an exponent: 100.0 and 1E+2 are both written 100."""
    return Decimal(format(value.normalize(), "f"))


def target_text(comparator: str | None, value: Decimal | None, unit: str, word: str | None) -> str:
    """A target as a diff names it: as the source writes it, with its comparator, the number without the
    trailing zeros a reformat may add or drop (`>= 90%`, `合理`)."""
    if word is not None or comparator is None or value is None:
        return word or ""
    return values.write_quantity(comparator, plain(value), unit)


@dataclass(frozen=True)
class Item:
    """An indicator in its place: the section names as written and the key it is paired by."""

    section: tuple[str, str]
    key: tuple[str, str, str]
    """(一级, 二级, name) with the section names in their framework's canonical form."""
    indicator: ast.Indicator

    @property
    def name(self) -> str:
        return self.indicator.name


@dataclass(frozen=True)
class Pair:
    old: Entry
    new: Entry
    similarity: float | None = None
    overlap: float | None = None


def framework_for(spec: ast.Spec, project: ast.Project) -> Framework | None:
    """The builtin framework the project names, if it names one; else None, and its section names are
    compared as written (a user's framework, a typo). The name is checked against the list: whatever else a
    `框架` says is never looked up as a file."""
    name = spec.framework_of(project) or DEFAULT_FRAMEWORK
    return builtin(name) if name in builtin_names() else None


def section_names(framework: Framework | None, level1: str, level2: str) -> tuple[str, str]:
    """The canonical (一级, 二级) names: the framework's, else the names as written."""
    l1 = framework.match_level1(level1) if framework else None
    l2 = l1.match_level2(level2) if l1 else None
    return (l1.name if l1 else level1), (l2.name if l2 else level2)


def indicator_items(spec: ast.Spec, project: ast.Project) -> list[Item]:
    framework = framework_for(spec, project)
    items: list[Item] = []
    for l1 in project.sections:
        for l2 in l1.sections:
            canonical = section_names(framework, l1.name, l2.name)
            # normalise() makes 产出 (shanghai) and 产出指标 (national) one key across frameworks
            key1, key2 = normalise(canonical[0]), normalise(canonical[1])
            items.extend(Item((l1.name, l2.name), (key1, key2, ind.name), ind) for ind in l2.indicators)
    return items


def _by_key(old: list[T], new: list[T], key: Callable[[T], object]) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pair items with equal keys, first with first; return (pairs, old left, new left), order kept."""
    waiting: dict[object, list[T]] = {}
    for item in new:
        waiting.setdefault(key(item), []).append(item)
    pairs, left = [], []
    taken: set[int] = set()
    for item in old:
        queue = waiting.get(key(item))
        if queue:
            match = queue.pop(0)
            taken.add(id(match))
            pairs.append((item, match))
        else:
            left.append(item)
    return pairs, left, [n for n in new if id(n) not in taken]


def _greedy(old: list[T], new: list[T], score: Callable[[T, T], tuple[float, ...] | None],
            tie: Callable[[T, T], tuple[object, ...]]) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Pair the best-scoring candidates first; `score` returns None for a pair that must not be made."""
    candidates = []
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            s = score(a, b)
            if s is not None:
                candidates.append((tuple(-x for x in s), tie(a, b), i, j))
    candidates.sort(key=lambda c: (c[0], c[1]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for _, _, i, j in candidates:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((old[i], new[j]))
    return (pairs, [a for i, a in enumerate(old) if i not in used_old],
            [b for j, b in enumerate(new) if j not in used_new])


def _sym(*values: Iterable[object]) -> tuple[object, ...]:
    """A tie-break key that is the same whichever side each value came from."""
    return tuple(tuple(sorted(map(str, v))) for v in values)


def pair_indicators(old: list[Item], new: list[Item]) -> tuple[list[tuple[Item, Item, float | None]], list[Item],
                                                                list[Item]]:
    """(pairs with the name similarity of renames, removed, added)."""
    exact, old_left, new_left = _by_key(old, new, lambda i: i.key)
    moved, old_left, new_left = _by_key(old_left, new_left, lambda i: i.name)

    def score(a: Item, b: Item) -> tuple[float, ...] | None:
        ratio = similarity(a.name, b.name)
        return (ratio, float(a.key[:2] == b.key[:2])) if ratio >= RENAME_THRESHOLD else None

    renamed, old_left, new_left = _greedy(old_left, new_left, score,
                                          lambda a, b: _sym((a.name, b.name), (a.key[:2], b.key[:2])))
    pairs: list[tuple[Item, Item, float | None]] = [(a, b, None) for a, b in exact + moved]
    pairs.extend((a, b, similarity(a.name, b.name)) for a, b in renamed)
    return pairs, old_left, new_left


def _indicator_names(entry: Entry) -> set[str]:
    spec, project = entry
    return {i.name for i in indicator_items(spec, project)}


def overlap(a: Entry, b: Entry) -> float:
    """Jaccard index of the indicator names of two projects, rounded to two places."""
    x, y = _indicator_names(a), _indicator_names(b)
    return round(len(x & y) / len(x | y), 2) if x | y else 1.0


def pair_projects(old: list[Entry], new: list[Entry]) -> tuple[list[Pair], list[Entry], list[Entry]]:
    """(pairs, removed, added): by (单位, 项目名称), then a renamed project by name and indicator overlap."""

    def key(entry: Entry) -> tuple[str, str]:
        spec, project = entry
        return spec.unit_of(project) or "", project.name

    exact, old_left, new_left = _by_key(old, new, key)

    def score(a: Entry, b: Entry) -> tuple[float, ...] | None:
        if key(a)[0] != key(b)[0]:
            return None
        name, shared = similarity(a[1].name, b[1].name), overlap(a, b)
        return (shared, name) if name >= PROJECT_NAME_THRESHOLD and shared >= PROJECT_OVERLAP_THRESHOLD else None

    renamed, old_left, new_left = _greedy(old_left, new_left, score, lambda a, b: _sym((a[1].name, b[1].name)))
    pairs = [Pair(a, b) for a, b in exact]
    pairs.extend(Pair(a, b, similarity(a[1].name, b[1].name), overlap(a, b)) for a, b in renamed)
    return pairs, old_left, new_left
