"""perfdsl: performance-target tables (项目支出绩效目标表) as plain text.

The Python API, the same pipeline as the `perfdsl` command: `load` a spec (a path or the text itself),
`check` it, `render` a project as a document, `diff` two versions. Nothing heavy is imported until a
function runs, so `import perfdsl` stays instant.

>>> import perfdsl
>>> spec = perfdsl.load('''
... 单位 某市中级人民法院
... 年度 2021
... 项目 庭审记录 {
...   产出 {
...     数量 {
...       庭审记录完成率 >= 120%
...     }
...   }
... }
... ''', name="庭审记录.perf")
>>> spec.projects[0].name, spec.unit_of(spec.projects[0])
('庭审记录', '某市中级人民法院')

`check` gives what `perfdsl check` prints, as `Diagnostic` objects (code, severity, span, message):

>>> [(d.code, d.severity.value, d.span.line) for d in perfdsl.check(spec)]
[('C105', 'warning', 4), ('C201', 'error', 4), ('C411', 'warning', 4), ('C401', 'error', 7)]
>>> print(perfdsl.check(spec)[-1].message("en"))
the target >= 120% of `庭审记录完成率` is above 100%

`render` writes one project as a document, the same as `perfdsl build`:

>>> print(perfdsl.render(spec, "md").splitlines()[0])
# 财政项目支出绩效目标表（2021年度）
>>> "庭审记录完成率" in perfdsl.render(spec, "html")
True

`diff` compares two versions by content and reads each target's direction:

>>> fixed = perfdsl.load(perfdsl.render(spec, "perf").replace(">= 120%", ">= 95%"), name="new.perf")
>>> stricter = perfdsl.load(perfdsl.render(fixed, "perf").replace(">= 95%", ">= 98%"))
>>> [(e.name, e.direction.value) for e in perfdsl.diff(fixed, stricter).projects[0].edits]
[('庭审记录完成率', 'raised')]

A text that does not parse raises `LoadError`, which carries the diagnostics:

>>> perfdsl.load("项目 x {\\n  产出 {\\n")  # doctest: +ELLIPSIS
Traceback (most recent call last):
  ...
perfdsl.LoadError: <input>:2:7: ...[P003]: ...
>>> try:
...     perfdsl.load("项目 x {\\n  产出 {\\n", name="a.perf")
... except perfdsl.LoadError as e:
...     print([(d.code, d.span.file, d.span.line) for d in e.diagnostics])
[('P003', 'a.perf', 2)]
"""

from __future__ import annotations

import os
import weakref
from typing import TYPE_CHECKING, Any, Literal, Sequence

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .ast import Spec
    from .diagnostics import Diagnostic
    from .diffing.model import Diff

__all__ = ["Format", "FormatError", "LoadError", "__version__", "check", "diff", "load", "parse", "render"]

Format = Literal["text", "html", "md", "json", "perf"]
"""What `render` writes: the backends of `perfdsl build`, and `perf` (the canonical source, as `fmt`)."""


class LoadError(ValueError):
    """The text does not parse (or the file cannot be read); `diagnostics` says where and why."""

    def __init__(self, diagnostics: list[Diagnostic], text: str) -> None:
        self.diagnostics = diagnostics
        super().__init__(_first_line(diagnostics, text))


class FormatError(ValueError):
    """`render(spec, "perf")` has no text to give: the spec came from `parse` with errors (those are in
    `diagnostics`), or its text could not be proven to mean the spec (X002, as `perfdsl fmt` refuses such a
    file: a perfdsl bug, please report it)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__(_first_line(diagnostics, ""))


def _first_line(diagnostics: list[Diagnostic], text: str) -> str:
    from .diagnostics import default_lang, render_text

    files = {d.span.file: text for d in diagnostics}
    return render_text(diagnostics[:1], files, default_lang()).splitlines()[0]


_NOTES: dict[int, list[Diagnostic]] = {}
"""Warnings the parser gave for a loaded spec, by id(spec), until the spec is collected; `check` adds them."""
_BROKEN: dict[int, list[Diagnostic]] = {}
"""The parser's errors for a spec `parse` recovered, likewise: `render(spec, "perf")` refuses it with them."""


def parse(text: str, file: str = "<input>") -> tuple[Spec, list[Diagnostic]]:
    """Parse `.perf` text into a spec and the parser's diagnostics (never raises on bad input)."""
    from .syntax.parser import parse as parse_text

    spec, diagnostics = parse_text(text, file)
    _remember(_BROKEN, spec, [d for d in diagnostics if d.severity.value == "error"])
    return spec, diagnostics


def _remember(notes: dict[int, list[Diagnostic]], spec: Spec, diagnostics: list[Diagnostic]) -> None:
    if diagnostics:
        key = id(spec)
        notes[key] = list(diagnostics)
        weakref.finalize(spec, notes.pop, key, None)


def load(source: str | os.PathLike[str], *, name: str | None = None, encoding: str | None = None) -> Spec:
    """Read a spec from a file or from text.

    A path-like, or a string on one line, is a file to read (UTF-8, or `encoding`); a string with a line
    break is the text itself (`name` is the file name its diagnostics give, default `<input>`). Raises
    `LoadError` when it does not parse; the parser's warnings come back from `check`.
    """
    from .diagnostics import Severity
    from .syntax.loader import load_file, load_text

    if isinstance(source, str) and "\n" in source:
        src = load_text(source, name or "<input>")
    else:
        src = load_file(os.fspath(source), encoding)
    if any(d.severity is Severity.error for d in src.diagnostics):
        raise LoadError(src.diagnostics, src.text)
    _remember(_NOTES, src.spec, src.diagnostics)
    return src.spec


def check(spec: Spec, config: str | os.PathLike[str] | None = None) -> list[Diagnostic]:
    """Every diagnostic `perfdsl check` gives for the spec, sorted by position.

    The configuration is `config` (a perfdsl.toml or pyproject.toml), else the one found from the spec's
    folder upwards, as the command does. A broken configuration raises `perfdsl.config.ConfigError`.
    """
    from .checks import run
    from .config import load_config
    from .diagnostics import sort_key

    found = run(spec, load_config(os.fspath(config)) if config is not None else None)
    return sorted([*_NOTES.get(id(spec), ()), *found], key=sort_key)


def render(spec: Spec, format: Format = "html", project: str | None = None) -> str:
    """One project of the spec as a document: `text` (the official layout), `html` (the printed form),
    `md`, `json`, or `perf` (the whole spec in the canonical layout of `perfdsl fmt`).

    `project` names the project; it may be left out when the spec holds one. Raises ValueError for an
    unknown format or project (a mistake in the calling program, not in the spec), and `FormatError` when
    the `perf` text could not be proven to mean the spec (never an unproven text).
    """
    if format == "perf":
        from .syntax.fmt import format_proven

        if id(spec) in _BROKEN:  # what did not parse has no text to print: say that, not that the printer failed
            raise FormatError(_BROKEN[id(spec)])
        text, problems = format_proven(spec)
        if text is None:
            raise FormatError(problems)
        return text
    from .backends import BACKENDS

    if format not in BACKENDS:
        raise ValueError(f"unknown format {format!r}; known: {', '.join([*BACKENDS, 'perf'])}")
    return BACKENDS[format](spec, _project(spec, project))


def _project(spec: Spec, name: str | None) -> Any:
    names = [p.name for p in spec.projects]
    if name is None and len(names) == 1:
        return spec.projects[0]
    if name is not None and name in names:
        return spec.projects[names.index(name)]
    wanted = "a project name" if name is None else f"one of the projects, not {name!r}"
    raise ValueError(f"{spec.file} holds {len(names)} projects ({', '.join(names) or 'none'}): give {wanted}")


def diff(old: Spec | Sequence[Spec], new: Spec | Sequence[Spec]) -> Diff:
    """Compare two versions (a spec or several each): what changed in targets, money, fields, prose."""
    from .ast import Spec as SpecType
    from .diffing.compare import diff as compare

    olds = [old] if isinstance(old, SpecType) else list(old)
    news = [new] if isinstance(new, SpecType) else list(new)
    return compare(olds, news, olds[0].file if len(olds) == 1 else "", news[0].file if len(news) == 1 else "")
