"""The rules of `perfdsl check`: stable codes, default severities, and what every check is handed.

A `Rule` is declared once, next to the check that emits it (`C301 = rule("C301", "current-over-total",
Severity.error)`); its one-line summary and rationale are catalogue entries (`rule.C301.summary`,
`rule.C301.why`) and its bad and fixed examples live in `examples.toml` beside this module. `perfdsl rules`,
`perfdsl explain` and docs/rules.md are all rendered from these three, so they cannot disagree.

Checks build diagnostics with the rule's default severity; the configuration's levels and the suppression
comments are applied afterwards, in one place (`perfdsl.checks.check_specs`).
"""

from __future__ import annotations

import functools

import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .. import ast
from ..syntax import values
from ..config import Config, Settings
from ..diagnostics import Diagnostic, Related, Severity, diag
from ..frameworks import Framework, best_fit

AREAS = ("structure", "header", "budget", "targets", "weights", "evaluation", "suppression")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    """A readable alias of the code, accepted in the configuration (`current-over-total`)."""
    severity: Severity
    area: str

    def at(self, span: ast.Span, key: str | None = None, related: Iterable[Related] = (), **args: Any) -> Diagnostic:
        """A diagnostic of this rule; `key` picks a variant sentence (`C105.empty`), default the code."""
        return diag(self.code, self.severity, span, key or self.code, related, **args)


RULES: dict[str, Rule] = {}
"""Every rule by code (import order; `ordered()` for display)."""


def ordered() -> list[Rule]:
    """Every rule in code order, which groups them by area (C1 structure … C9 suppression)."""
    return [RULES[code] for code in sorted(RULES)]


def rule(code: str, name: str, severity: Severity, area: str) -> Rule:
    assert code not in RULES and area in AREAS, code
    RULES[code] = Rule(code, name, severity, area)
    return RULES[code]


@lru_cache(maxsize=1)
def examples() -> dict[str, dict[str, str]]:
    """The bad and fixed `.perf` example of each rule (examples.toml)."""
    return tomllib.loads((Path(__file__).parent / "examples.toml").read_text(encoding="utf-8"))


Row = tuple[ast.Level1, ast.Level2, ast.Indicator, str, "ast.Quantitative | None"]


@dataclass
class Context:
    """What a check may know besides the spec: the configuration that applies to its file."""

    config: Config
    settings: Settings
    _fits: dict[tuple[int, str], Framework | None] = field(default_factory=dict)
    _rows: dict[int, list[Row]] = field(default_factory=dict)

    def rows(self, project: ast.Project) -> list[Row]:
        """Every indicator of a project as (一级, 二级, indicator, name as compared, quantitative target or
        None): made once for all the checks that walk the indicators, which is most of them."""
        rows = self._rows.get(id(project))
        if rows is None:
            rows = self._rows[id(project)] = [
                (l1, l2, ind, plain(ind.name), ind.target if ind.target.kind == "quantitative" else None)
                for l1 in project.sections for l2 in l1.sections for ind in l2.indicators]
        return rows

    def all_rows(self, spec: ast.Spec) -> list[Row]:
        """`rows` of every project of the spec."""
        if len(spec.projects) == 1:
            return self.rows(spec.projects[0])
        return [row for project in spec.projects for row in self.rows(project)]

    def framework_name(self, spec: ast.Spec, project: ast.Project) -> str:
        return spec.framework_of(project) or self.settings.framework

    def framework(self, spec: ast.Spec, project: ast.Project) -> Framework | None:
        """The project's framework, or None when its `框架` names none known (reported by C101)."""
        return self.config.framework(self.framework_name(spec, project))


    def better_fit(self, project: ast.Project, fw: Framework) -> Framework | None:
        """Another framework that recognises more of the project's 一级 than `fw` does, if one does.

        Then the project was written for that framework, and asking for `fw`'s fields or sections would
        only bury the one useful message: select the other `框架` (C102 says so).
        """
        key = (id(project), fw.name)
        if key not in self._fits:  # asked by several checks per project
            self._fits[key] = self._better_fit(project, fw)
        return self._fits[key]

    def _better_fit(self, project: ast.Project, fw: Framework) -> Framework | None:
        names = [l1.name for l1 in project.sections]
        if all(fw.match_level1(n) is not None for n in names):
            return None  # no framework recognises more than all: the others need not even be loaded
        level2 = {l1.name: [l2.name for l2 in l1.sections] for l1 in project.sections}
        fit = best_fit(names, self.config.known_frameworks(), level2)
        if fit is None or fit.name == fw.name:
            return None
        score = sum(fit.match_level1(n) is not None for n in names)
        return fit if score > sum(fw.match_level1(n) is not None for n in names) else None


Check = Callable[[ast.Spec, "Context"], Iterator[Diagnostic]]


# ---------------------------------------------------------------------------------------------- phrases


class Names(tuple):  # type: ignore[type-arg]
    """A list of names rendered in the reader's language: `数量、质量` / `数量, 质量`."""

    def render(self, lang: str) -> str:
        return (", " if lang == "en" else "、").join(str(n) for n in self)


@functools.lru_cache(maxsize=8192)
def plain(name: str) -> str:
    """A name as compared for sameness: NFKC, without whitespace."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def target_text(t: ast.Target) -> str:
    """A target as a message names it: as the source writes it, with its comparator."""
    return values.write_target(t, explicit=True)


def indicators(projects: Iterable[ast.Project]) -> list[tuple[ast.Level1, ast.Level2, ast.Indicator]]:
    """Every indicator of the projects, with its 一级 and 二级 (a list: several checks walk every indicator
    of every file, and a comprehension is several times cheaper than a generator)."""
    return [(level1, level2, ind) for project in projects for level1 in project.sections
            for level2 in level1.sections for ind in level2.indicators]


def head(node: ast.Node) -> ast.Span:
    """The first line of a node's span, which for a block runs to its `}`: the name of a section or an
    indicator, the keyword of a project."""
    s = node.span
    if s.end_line == s.line:
        return s
    name = getattr(node, "name", "")
    width = len(name) if name and not isinstance(node, ast.Project) else 2
    return ast.Span(file=s.file, line=s.line, column=s.column, end_line=s.line,
                    end_column=s.column + width)


def file_start(spec: ast.Spec) -> ast.Span:
    return ast.Span(file=spec.file, line=1, column=1, end_line=1, end_column=2)
