"""One entry to every importer: a document's bytes -> the projects in it, whatever its format.

The format is told by content (perfdsl.importers.sniff), the file's extension deciding only what content
cannot: a web page saved as `.xls` is read as HTML, an `.xlsx` renamed `.txt` as a workbook. Every format
but the official text layout is read into grids and interpreted by perfdsl.importers.tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Severity, diag
from .grid import Grid
from .sniff import sniff
from .tables import Imported, Mapping, Vocabulary, interpret, require_content, span


@dataclass
class Read:
    """What one document gave: its projects, the diagnostics of none of them, the column mapping, and its
    text when it has one (diagnostics show their line)."""

    kind: str
    imported: list[Imported] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    mapping: list[Mapping] = field(default_factory=list)
    text: str | None = None


def kind_of(data: bytes, path: str) -> str:
    found = sniff(data)
    lower = path.lower()
    if found == "xls" and lower.endswith(".doc"):
        return "doc"  # an old Word file is an OLE2 file as an old workbook is
    return found or "text"


def read_document(data: bytes, path: str, strict: bool = False, encoding: str | None = None,
                  vocabulary: Vocabulary | None = None) -> Read:
    kind = kind_of(data, path)
    read = Read(kind)
    grids: list[Grid] = []
    if kind == "doc":
        read.diagnostics.append(diag("I110", Severity.error, span(path)))
        return read
    if kind == "xlsx":
        from .xlsx import workbook_grids

        grids, read.diagnostics = workbook_grids(data, path)
    elif kind in ("xls", "ods"):
        from .calamine import read_spreadsheet

        grids, read.diagnostics = read_spreadsheet(data, path)
    elif kind == "docx":
        from .docx import read_docx

        grids, read.diagnostics = read_docx(data, path)
    elif kind == "html":
        from .html import read_html

        grids, read.diagnostics = read_html(data, path)
    elif kind == "pdf":
        from .pdf import read_pdf

        grids, read.diagnostics = read_pdf(data, path, strict, vocabulary)
    else:
        return _read_text(data, path, strict, encoding, vocabulary, read)
    if grids:
        imported, more, read.mapping = interpret(grids, path, strict, vocabulary)
        read.imported, read.diagnostics = imported, read.diagnostics + more
    elif not any(d.severity is Severity.error for d in read.diagnostics):
        read.diagnostics.append(diag("I005", Severity.error, span(path)))
    return read


def _read_text(data: bytes, path: str, strict: bool, encoding: str | None, vocabulary: Vocabulary | None,
               read: Read) -> Read:
    from .pasted import pasted_grid
    from .unmarked import unmarked_grid
    from .text import decode_document, import_text

    text, read.diagnostics = decode_document(data, path, encoding)
    if text is None:
        return read
    read.text = text
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    grid = pasted_grid(text)
    if grid is not None:
        read.kind = "pasted"
        read.imported, more, read.mapping = interpret([grid], path, strict, vocabulary)
        read.diagnostics += more
        return read
    specs, more = import_text(text, path, strict)
    errors = sum(d.severity is Severity.error for d in more)
    indicators = sum(len(l2.indicators) for spec in specs for l1 in spec.projects[0].sections for l2 in l1.sections)
    # a table pasted with its cells unmarked, if its headings are found: one heading per line or all in one
    # run of text is no official layout; spaced out, it may be, so it is taken only if it reads better so
    # (as many indicators, fewer errors)
    unmarked = unmarked_grid(text, path, strict, vocabulary)
    if unmarked is not None and not (unmarked.spaced and indicators and not errors):
        found, said, mapping = interpret([unmarked.grid], path, strict, vocabulary)
        own = [d for one in found for d in one.diagnostics] + said + unmarked.diagnostics
        got = sum(one.indicators for one in found)
        fewer_errors = sum(d.severity is Severity.error for d in own) < errors
        if got and (not unmarked.spaced or not indicators or (got >= indicators and fewer_errors)):
            read.kind, read.imported, read.mapping = "pasted", found, mapping
            read.diagnostics += unmarked.diagnostics + said
            return read
    # the official layout's diagnostics belong to the table whose lines they are on
    starts = [spec.projects[0].span.line for spec in specs]
    read.imported = [Imported(spec, f"{path}:{line}", []) for spec, line in zip(specs, starts)]
    for d in more:
        owner = max((i for i, start in enumerate(starts) if start <= d.span.line), default=None)
        if owner is None or d.code == "I005":
            read.diagnostics.append(d)
        else:
            read.imported[owner].diagnostics.append(d)
    for one in read.imported:
        one.indicators = sum(len(l2.indicators) for l1 in one.spec.projects[0].sections for l2 in l1.sections)
        require_content(one)
    return read
