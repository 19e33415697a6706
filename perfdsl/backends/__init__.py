"""Backends: `ast.Spec` -> the documents people read and file, one project at a time.

Each module has `render(spec, project, **options) -> str`; the shared view model (`view.py`) decides the
labels, headings, number formats and table grouping, the templates in `templates/` only lay them out. Importing
this package imports Jinja, so `perfdsl check` never does: only `perfdsl build` comes here.
"""

from __future__ import annotations

from typing import Any, Callable

from .. import ast
from ..frameworks import Framework
from . import cycle, html, json, markdown, text

Render = Callable[..., str]

BACKENDS: dict[str, Render] = {
    "text": text.render,
    "html": html.render,
    "md": markdown.render,
    "json": json.render,
}
"""Output formats by the name `--format` takes, in the order they are built."""

DOCUMENTS = ("pdf", "docx")
"""The formats written as bytes, one file per form (`render_document`): their libraries are optional extras,
imported only when one is built."""

EXTENSIONS: dict[str, str] = {"text": ".txt", "html": ".html", "md": ".md", "json": ".json", "pdf": ".pdf",
                              "docx": ".docx"}
"""File name extension of each format."""


def render_document(kind: str, spec: ast.Spec, project: ast.Project, framework: Framework | None) -> bytes:
    """The project's target table as a PDF (`backends.pdf`) or a Word document (`backends.docx`)."""
    if kind == "pdf":
        from . import pdf

        return pdf.render(spec, project, framework=framework)
    from . import docx

    return docx.render(spec, project, framework=framework)


def render_form(kind: str, form: cycle.Sheet, data: dict[str, Any], *,
                index_href: str | None = None) -> str | bytes:
    """A 自评表 or 监控表 (`cycle.forms`) in one of the formats (`data` is its JSON form)."""
    if kind == "pdf":
        from . import pdf

        return pdf.render_sheet(form)
    if kind == "docx":
        from . import docx

        return docx.render_sheet(form)
    if kind == "json":
        import json as json_module

        return json_module.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if kind == "html":
        return html.render_sheet(form, index_href=index_href)
    return text.render_sheet(form) if kind == "text" else markdown.render_sheet(form)
