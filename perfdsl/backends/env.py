"""The Jinja environments of the backends: one per output format, with every filter registered here.

HTML autoescapes; text and Markdown cannot (their escaping is not HTML's), so their templates pass every piece
of user text through the format's own filter (`one_line`, `md_text`, `md_cell`). User text only ever reaches a
template as a variable, never as template source, so `{{ 7*7 }}` in a spec prints as written. Undefined
variables are errors (StrictUndefined): a template typo must fail the tests, not print an empty cell.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable

import jinja2
import jinja2.bccache

from ..resources import discard_cached, private_cache, read_cached, templates_dir, write_cached

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(value: Any) -> str:
    """Text output: keep a value on its line (control characters and line breaks become one space); the bytes
    of a file name that are not UTF-8 are written as `\\xb1` (a UTF-8 stream cannot hold them)."""
    from ..diagnostics import undecodable_shown

    return _CONTROL.sub(" ", undecodable_shown(str(value)))


# Markdown syntax user text could form, escaped so that it prints as written. Only what would start syntax is
# touched, so ordinary text stays readable in the .md file: `<=5%`, `[2019]254号` and `A&B` are left as they
# are, while `<script>`, `&lt;`, `[x](javascript:…)`, `*`, `` ` ``, `~` and `|` are escaped.
_MD_ALWAYS = re.compile(r"([\\`*_~|])")
_MD_HTML = re.compile(r"<(?=[A-Za-z/!?])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_LINK = re.compile(r"\](?=[(\[:])")
_MD_LINE_START = re.compile(r"^([#>+=-]|\d+[.)])")


def _md_escape(text: str) -> str:
    text = _MD_ENTITY.sub("&amp;", text)
    text = _MD_HTML.sub("&lt;", text)
    text = _MD_ALWAYS.sub(r"\\\1", text)
    return _MD_LINK.sub(r"\\]", text)


def md_text(value: Any) -> str:
    """Markdown paragraph: HTML and Markdown syntax in user text shows as text; one line, no leading blanks
    (four would make a code block), no block marker at its start (`#`, `>`, `-`, `1.` …)."""
    text = _md_escape(one_line(value).strip())
    return _MD_LINE_START.sub(_neutralise, text, count=1)


def _neutralise(m: re.Match[str]) -> str:
    # The backslash goes before the punctuation: a backslash before a digit would print.
    mark = m.group(1)
    return mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark


def md_cell(value: Any) -> str:
    """GitHub table cell: inline escaping as `md_text` (block markers mean nothing in a cell), `|` escaped so
    it cannot end the cell, line breaks as <br>."""
    lines = [_md_escape(one_line(part).strip()) for part in re.split(r"\r\n|\r|\n|\u2028|\u2029", str(value))]
    return "<br>".join(line for line in lines if line)


def md_cells(paragraphs: Any) -> str:
    """A cell holding several paragraphs (an indicator's 指标解释)."""
    return "<br>".join(md_cell(p) for p in paragraphs)


FILTERS: dict[str, dict[str, Callable[..., Any]]] = {
    "text": {"one_line": one_line},
    "markdown": {"md_text": md_text, "md_cell": md_cell, "md_cells": md_cells},
    "html": {},
}


class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept between runs in the user's private cache, each entry checked before it is
    loaded (`resources.read_cached`); Jinja checks each against its template's source."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        name = _entry(bucket)
        data = read_cached(name)
        if data is None:
            return
        try:
            bucket.bytecode_from_string(data)
        except Exception:  # whole but not Jinja's (another version's layout): compile anew, keep that
            bucket.reset()
            discard_cached(name)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        write_cached(_entry(bucket), bucket.bytecode_to_string())


def _entry(bucket: jinja2.bccache.Bucket) -> str:
    return f"template-{bucket.key}"


@lru_cache(maxsize=None)
def environment(kind: str) -> jinja2.Environment:
    """The environment for one output format ("text", "markdown" or "html")."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        # compiled templates kept between runs: a build that renders one changed spec should not spend most
        # of its time compiling templates
        bytecode_cache=TemplateCache() if private_cache() is not None else None,
        autoescape=kind == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS[kind])
    return env


def render(kind: str, template: str, **context: Any) -> str:
    return environment(kind).get_template(template).render(**context)
