"""JSON documents and the published JSON Schema (docs/perfdsl.schema.json)."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

import jsonschema
import pytest

from perfdsl import ast
from perfdsl.backends import json as json_backend
from perfdsl.loader import load_file, load_text
from tests.conftest import ROOT

SCHEMA_FILE = ROOT / "docs" / "perfdsl.schema.json"
SOURCES = sorted((ROOT / "specs" / "2020").glob("*.perf")) + [ROOT / "tests" / "build" / "national.perf"]


def test_published_schema_is_in_sync_with_the_models() -> None:
    out = subprocess.run([sys.executable, "-m", "perfdsl", "schema"], capture_output=True, text=True, cwd=ROOT,
                         timeout=60, check=True).stdout
    assert out == SCHEMA_FILE.read_text(encoding="utf-8"), "run: perfdsl schema > docs/perfdsl.schema.json"
    jsonschema.Draft202012Validator.check_schema(json.loads(out))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
@pytest.mark.parametrize("with_spans", [False, True])
def test_documents_validate_against_the_schema(path, with_spans: bool) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    src = load_file(str(path))
    for project in src.spec.projects:
        document = json.loads(json_backend.render(src.spec, project, with_spans=with_spans))
        jsonschema.Draft202012Validator(schema).validate(document)


def test_the_schema_refuses_what_is_not_a_document() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    src = load_file(str(SOURCES[0]))
    good = json_backend.document(src.spec, src.spec.projects[0])
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "extra": 1})
    bad_target = json.loads(json.dumps(good))
    bad_target["projects"][0]["sections"][0]["sections"][0]["indicators"][0]["target"]["comparator"] = "≈"
    assert not validator.is_valid(bad_target)


def test_layout_is_left_out_unless_asked_for() -> None:
    src = load_file(str(SOURCES[0]))
    plain = json_backend.render(src.spec, src.spec.projects[0])
    full = json_backend.render(src.spec, src.spec.projects[0], with_spans=True)
    assert '"span"' not in plain and '"blank_before"' not in plain and '"file"' not in plain
    assert '"span"' in full and '"end_column"' in full
    assert "审判" in plain or "信息化" in plain  # UTF-8, not \\u escapes
    assert "\\u" not in plain


def test_numbers_are_json_numbers() -> None:
    text = """项目 x {
  预算 {
    总预算 10,144,000
    当年预算 1.5万元
    上年预算 0.1
    上年执行 12345678901234567.89
  }
  产出 {
    数量 {
      a >= 98.5%
      b = 100%
    }
  }
}
"""
    src = load_text(text, "n.perf")
    assert [d for d in src.diagnostics if d.severity.value == "error"] == []
    doc = json_backend.document(src.spec, src.spec.projects[0])
    budget = doc["projects"][0]["budget"]
    assert budget["total"]["value"] == 10144000 and isinstance(budget["total"]["value"], int)
    assert budget["current"]["value"] == 15000 and isinstance(budget["current"]["value"], int)
    assert budget["prior"]["value"] == 0.1
    # more digits than a double holds: a string, so that none is lost
    assert budget["prior_executed"]["value"] == "12345678901234567.89"
    targets = [i["target"] for i in doc["projects"][0]["sections"][0]["sections"][0]["indicators"]]
    assert targets[0] == {"kind": "quantitative", "comparator": ">=", "value": 98.5, "unit": "%",
                          "implicit": False}
    assert targets[1]["value"] == 100


def test_key_order_follows_the_models_and_output_is_stable() -> None:
    src = load_file(str(SOURCES[0]))
    project = src.spec.projects[0]
    doc = json_backend.document(src.spec, project)
    assert list(doc) == ["unit", "year", "framework", "projects"]
    fields = [f for f in ast.Project.model_fields if f not in ast.LAYOUT_FIELDS]
    own = [f for f in fields if f not in ("comments", "trailing", "end_comments", "end_trailing")]
    assert list(doc["projects"][0])[: len(own)] == own
    assert json_backend.render(src.spec, project) == json_backend.render(src.spec, project)
    assert Decimal(str(doc["projects"][0]["budget"]["total"]["value"])) == project.budget.total.value
