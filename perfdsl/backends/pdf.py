"""PDF backend: the HTML form (`backends.html`, the same templates and view model) laid out on A4 by
WeasyPrint, a CSS paged-media engine: page numbers `第 N 页 共 M 页` in the bottom margin
(templates/html/paged.css), the indicator table's heading repeated on every page, and the print rules of
templates/html/style.css keeping the header grid, the budget band and each 一级 group on one page when it fits.

The glyphs come from the system's fonts through fontconfig and are embedded (subset) in the file: the form's
font list (style.css) ends in WenQuanYi Zen Hei and Noto CJK, so a machine with one of them (Debian:
fonts-wqy-zenhei) prints the same. The bytes depend only on the page: WeasyPrint writes no dates unless the
page declares them, so an unchanged spec rebuilds to an unchanged file. Nothing is fetched: the page links
nothing, and a URL would be refused rather than read. Needs WeasyPrint (the optional extra `perfdsl[print]`).
"""

from __future__ import annotations

from typing import Any, NoReturn

from .. import ast
from ..frameworks import Framework
from . import html
from .cycle import Sheet


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    # the form loads nothing; a user's text must never make the build read a file or the network
    raise ValueError("perfdsl's forms load nothing")


def document(page: str) -> bytes:
    """A page of `backends.html` (rendered with `paged=True`) as PDF bytes."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=page, url_fetcher=_refuse).write_pdf()
    return pdf


def render(spec: ast.Spec, project: ast.Project, *, framework: Framework | None = None) -> bytes:
    """The project's target table."""
    return document(html.render(spec, project, framework=framework, paged=True))


def render_sheet(sheet: Sheet) -> bytes:
    """The 自评表 or the 监控表 (`backends.cycle`)."""
    return document(html.render_sheet(sheet, paged=True))
