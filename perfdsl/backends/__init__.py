"""Backends: `ast.Spec` -> the documents people read and file, one project at a time.

Each module has `render(spec, project, **options) -> str`; the shared view model (`view.py`) decides the
labels, headings, number formats and table grouping, the templates in `templates/` only lay them out. Importing
this package imports Jinja, so `perfdsl check` never does: only `perfdsl build` comes here.
"""

from __future__ import annotations

from typing import Callable

from . import html, json, markdown, text

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
