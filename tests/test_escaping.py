"""Hostile text in every user-text position comes out inert in every backend.

tests/escaping/hostile.perf puts `<script>`, `"><img onerror=…>`, `{{ 7*7 }}`, Markdown links, pipes and
entities into the unit, the project name, header values, prose, 一级/二级/indicator names, targets and the
national attributes. HTML is parsed back and must hold only the tags the templates write, with every string
in its text; Markdown is rendered by GitHub's cmark-gfm (raw HTML allowed, so an escape that failed would
show) and checked the same way.
"""

from __future__ import annotations

import dataclasses
import json
from html.parser import HTMLParser
from typing import Any

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options as CmarkOptions

from perfdsl import ast
from perfdsl.backends import html, json as json_backend, markdown, text
from perfdsl.syntax.loader import load_file
from tests.conftest import ROOT

SPEC = ROOT / "tests" / "escaping" / "hostile.perf"
PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "nav", "a", "main", "h1", "p", "table",
             "colgroup", "col", "thead", "tbody", "tr", "th", "td"}
MARKDOWN_TAGS = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "br"}


def load() -> ast.Spec:
    src = load_file(str(SPEC))
    assert src.diagnostics == []
    return src.spec


# Not user text the documents print: the language's own words, dates, the framework's name, comments.
_NOT_SHOWN = {"kind", "comparator", "framework", "start", "end", "comments", "trailing", "end_comments",
              "end_trailing"}


def user_strings(value: Any, key: str = "") -> list[str]:
    """Every piece of user text in a stripped AST or a JSON document."""
    if key in _NOT_SHOWN:
        return []
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in user_strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in user_strings(v, key)]
    return [value] if isinstance(value, str) else []


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs.extend(attrs)
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if not self.in_style:
            self.text.append(data)


def parse(document: str) -> Page:
    page = Page()
    page.feed(document)
    page.close()
    return page


def assert_inert(page: Page, allowed: set[str], strings: list[str]) -> None:
    assert page.tags <= allowed, page.tags - allowed
    assert not [name for name, _ in page.attrs if name.startswith("on")]
    assert not [v for name, v in page.attrs if name == "href" and v and ":" in v.split("/")[0]]
    shown = "".join(page.text)
    missing = [s for s in strings if s not in shown]
    assert missing == []
    assert "49" not in shown  # {{ 7*7 }} was never evaluated


@pytest.fixture(scope="module")
def spec() -> ast.Spec:
    return load()


def test_the_fixture_has_hostile_text_everywhere(spec: ast.Spec) -> None:
    strings = user_strings(ast.strip_spans(spec))
    assert len(strings) >= 25
    for probe in ("<script>", "onerror=", "{{ 7*7 }}", "javascript:", "|", "&lt;"):
        assert any(probe in s for s in strings), probe


@pytest.mark.parametrize("index", [0, 1])
def test_html_pages_show_hostile_text_as_text(spec: ast.Spec, index: int) -> None:
    project = spec.projects[index]
    out = html.render(spec, project, index_href="../index.html")
    one = dataclasses.replace(spec, projects=(project,))
    assert_inert(parse(out), PAGE_TAGS, user_strings(ast.strip_spans(one)))


def test_html_index_shows_hostile_text_as_text(spec: ast.Spec) -> None:
    from perfdsl.backends.view import index_entry

    entries = [index_entry(spec, p, "x.perf", (("html", f'a/{p.name}".html'),)) for p in spec.projects]
    page = parse(html.render_index(entries))
    assert_inert(page, PAGE_TAGS | {"h2", "h3", "section", "tfoot"}, [p.name for p in spec.projects])
    assert all(v is None or '"' not in v for _, v in page.attrs)


@pytest.mark.parametrize("index", [0, 1])
def test_markdown_renders_hostile_text_as_text_on_github(spec: ast.Spec, index: int) -> None:
    project = spec.projects[index]
    out = markdown.render(spec, project)
    rendered = cmarkgfm.markdown_to_html_with_extensions(out, options=CmarkOptions.CMARK_OPT_UNSAFE,
                                                         extensions=["table"])
    one = dataclasses.replace(spec, projects=(project,))
    strings = [s for s in user_strings(ast.strip_spans(one))]
    page = parse(rendered)
    # multi-paragraph cells are joined by <br>: compare them paragraph by paragraph
    assert_inert(page, MARKDOWN_TAGS, strings)
    rows = [line for line in out.split("\n") if line.startswith("| ")]
    assert rows
    widths = {line.replace("\\|", "").count("|") for line in rows if "---" not in line}
    assert len(widths) <= 2  # the header table, and the budget and indicator tables of the same width


@pytest.mark.parametrize("index", [0, 1])
def test_text_prints_hostile_text_as_written_on_its_line(spec: ast.Spec, index: int) -> None:
    project = spec.projects[index]
    out = text.render(spec, project)
    one = dataclasses.replace(spec, projects=(project,))
    # prose is wrapped (a break may stand for a space), so compare without whitespace
    flat = "".join(out.split())
    assert [s for s in user_strings(ast.strip_spans(one)) if "".join(s.split()) not in flat] == []


def test_text_keeps_control_characters_and_line_breaks_out(spec: ast.Spec) -> None:
    project = dataclasses.replace(spec.projects[0], name="a\nb\x1b[31mc\u2028d")
    out = text.render(spec, project)
    assert "\x1b" not in out and "\u2028" not in out
    assert "项目名称： a b [31mc d 项目类别：" in out


@pytest.mark.parametrize("index", [0, 1])
def test_json_keeps_every_string_exactly(spec: ast.Spec, index: int) -> None:
    project = spec.projects[index]
    data = json.loads(json_backend.render(spec, project))
    one = dataclasses.replace(spec, projects=(project,))
    assert sorted(user_strings(data)) == sorted(user_strings(ast.strip_spans(one)))
