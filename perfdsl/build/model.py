"""What the build's stages hand each other: the outputs a worker made of one file, and what the build did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import ast
from ..diagnostics import Diagnostic, Severity
from ..messages import Phrase

if TYPE_CHECKING:
    from ..backends.view import IndexEntry


@dataclass(frozen=True)
class Staged:
    """An output written in full into the build's staging folder, to be moved into place."""

    path: str


@dataclass
class ProjectOutput:
    name: str
    span: ast.Span
    files: dict[str, Any]
    """Output path (relative, `/`-separated) -> its content (bytes for a workbook) while the worker makes
    it; then where it was staged, or None when the output folder already holds exactly it."""
    entry: IndexEntry


@dataclass
class FileResult:
    path: str
    text: str
    diagnostics: list[Diagnostic]
    outputs: list[ProjectOutput]
    keys: list[dict[str, Any]] = field(default_factory=list)
    """Each project's 单位, 年度, name and span: what the cross-file duplicate check needs."""
    failures: list[tuple[str, str]] = field(default_factory=list)
    """(path, reason) of outputs that could not be staged (a full disk): then none of the file's is written."""


@dataclass
class Report:
    """What a build did; the command prints it."""

    files: int = 0
    projects: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    failures: list[tuple[str, str | Phrase]] = field(default_factory=list)
    """(path, reason) of outputs that could not be written."""
    seconds: float = 0.0
    skipped: int = 0
    """Sources not read again: unchanged since the last build into the same folder."""

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.error for d in self.diagnostics) + len(self.failures)

    @property
    def warnings(self) -> int:
        return sum(d.severity is Severity.warning for d in self.diagnostics)


class BuildRefused(Exception):
    """The build cannot start (a usage problem, exit 2): `key` and `values` make the catalogue message."""

    def __init__(self, key: str, **args: Any) -> None:
        super().__init__(key)
        self.key, self.values = key, args
