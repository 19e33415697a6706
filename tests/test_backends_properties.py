"""Properties of the backends over generated specs: every backend renders every spec, the text layout keeps
every piece of content, the HTML table's rowspans cover every row, JSON validates against the schema."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import jsonschema
from hypothesis import given, settings

from perfdsl import ast
from perfdsl.backends import html, json as json_backend, markdown, text
from tests.conftest import ROOT
from tests.strategies import specs

VALIDATOR = jsonschema.Draft202012Validator(json.loads((ROOT / "docs" / "perfdsl.schema.json").read_text("utf-8")))


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


class Cells(HTMLParser):
    """Counts rows and the rows each 一级 cell spans in the indicator table."""

    def __init__(self) -> None:
        super().__init__()
        self.in_goals = self.in_body = False
        self.rows = 0
        self.level1_spans: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.in_goals = "goals" in (a.get("class") or "")
        elif tag == "tbody" and self.in_goals:
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows += 1
        elif tag == "td" and self.in_body and a.get("class") == "l1":
            self.level1_spans.append(int(a.get("rowspan") or 1))

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False


@settings(derandomize=True, deadline=None, max_examples=40)
@given(specs())
def test_every_backend_renders_every_spec(spec: ast.Spec) -> None:
    for project in spec.projects:
        out = text.render(spec, project)
        flat = squash(out)
        for level1 in project.sections:
            for level2 in level1.sections:
                assert squash(level2.name) in flat
                for ind in level2.indicators:
                    assert squash(ind.name) in flat
        for key in ("overview", "basis", "necessity", "measures", "plan", "goals"):
            node = getattr(project, key)
            for paragraph in node.paragraphs if node is not None else ():
                assert squash(paragraph) in flat

        cells = Cells()
        cells.feed(html.render(spec, project))
        assert sum(cells.level1_spans) == cells.rows
        # one row per indicator; an empty 二级, or an empty 一级, still shows as one row
        assert cells.rows == sum(sum(max(len(l2.indicators), 1) for l2 in l1.sections) or 1
                                 for l1 in project.sections)

        assert markdown.render(spec, project).endswith("\n")
        VALIDATOR.validate(json.loads(json_backend.render(spec, project)))
        VALIDATOR.validate(json.loads(json_backend.render(spec, project, with_spans=True)))
