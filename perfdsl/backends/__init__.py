"""Backends: `ast.Spec` -> the documents people read and file, one project at a time.

Each module has `render(spec, project, **options) -> str`; the shared view model (`view.py`) decides the
labels, headings, number formats and table grouping, the templates in `templates/` only lay them out. Importing
this package imports Jinja, so `perfdsl check` never does: only `perfdsl build` comes here.
"""

from __future__ import annotations

from typing import Any, Callable

from . import cycle, html, json, markdown, text

Render = Callable[..., str]

BACKENDS: dict[str, Render] = {
    "text": text.render,
    "html": html.render,
    "md": markdown.render,
    "json": json.render,
}
"""Output formats by the name `--format` takes, in the order they are built."""

EXTENSIONS: dict[str, str] = {"text": ".txt", "html": ".html", "md": ".md", "json": ".json"}
"""File name extension of each format."""


def render_form(kind: str, form: cycle.Sheet, data: dict[str, Any], *, index_href: str | None = None) -> str:
    """A 自评表 or 监控表 (`cycle.forms`) in one of the formats (`data` is its JSON form)."""
    if kind == "json":
        import json as json_module

        return json_module.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if kind == "html":
        return html.render_sheet(form, index_href=index_href)
    return text.render_sheet(form) if kind == "text" else markdown.render_sheet(form)
