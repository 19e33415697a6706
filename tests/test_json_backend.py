"""JSON documents and the published JSON Schema (perfdsl/perfdsl.schema.json, copied to docs/)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from perfdsl import ast
from perfdsl.backends import json as json_backend
from perfdsl.syntax.loader import load_file, load_text
from tests.conftest import ROOT, run_cli

SCHEMA_FILE = ROOT / "perfdsl" / "perfdsl.schema.json"
DOCS_COPY = ROOT / "docs" / "perfdsl.schema.json"
SOURCES = sorted((ROOT / "specs" / "2020").glob("*.perf")) + [ROOT / "tests" / "build" / "national.perf"]

# The only ways in which the pydantic versions pyproject.toml allows write the same models differently; the
# comparison with the models forgets these and nothing else:
#   - a Decimal given as a string: 2.12 and 2.13 add this `pattern`, earlier versions and 2.14 do not;
#   - a Literal field: 2.7 to 2.9 write `enum: [v]` beside `const: v`, later versions only the `const`.
# (2.6 differs more: no `type` beside a `const`, and up to 2.6.3 no discriminator; hence pydantic>=2.7.)
PYDANTIC_DECIMAL_PATTERN = r"^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$"


def _without_version_quirks(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_version_quirks(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _without_version_quirks(v) for k, v in node.items()}
    if out.get("type") == "string" and out.get("pattern") == PYDANTIC_DECIMAL_PATTERN:
        del out["pattern"]
    if "const" in out and out.get("enum") == [out["const"]]:
        del out["enum"]
    return out


def test_shipped_schema_is_in_sync_with_the_models(request: pytest.FixtureRequest) -> None:
    generated = json_backend.schema()
    if request.config.getoption("--update-golden"):
        for path in (SCHEMA_FILE, DOCS_COPY):
            path.write_text(json.dumps(generated, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    shipped = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(shipped)
    assert _without_version_quirks(shipped) == _without_version_quirks(generated), \
        "the models changed: pytest --update-golden tests/test_json_backend.py, then review the diff"


def test_the_comparison_with_the_models_forgets_only_the_version_quirks() -> None:
    decimal = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": PYDANTIC_DECIMAL_PATTERN}]}
    assert _without_version_quirks(decimal) == {"anyOf": [{"type": "number"}, {"type": "string"}]}
    assert _without_version_quirks({"const": "a", "enum": ["a"], "type": "string"}) == {"const": "a", "type": "string"}
    for kept in ({"type": "string", "pattern": "^[0-9]+$"}, {"pattern": PYDANTIC_DECIMAL_PATTERN},
                 {"const": "a", "enum": ["a", "b"]}):
        assert _without_version_quirks(kept) == kept
    shipped = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    renamed = json.loads(json.dumps(shipped).replace('"Quantitative"', '"Quantity"'))
    assert _without_version_quirks(renamed) != _without_version_quirks(shipped)


def test_the_docs_copy_is_the_shipped_schema() -> None:
    assert DOCS_COPY.read_bytes() == SCHEMA_FILE.read_bytes(), "cp perfdsl/perfdsl.schema.json docs/"


def test_perfdsl_schema_prints_the_shipped_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "schema") == (0, SCHEMA_FILE.read_text(encoding="utf-8"), "")


def test_the_installed_package_prints_its_schema_from_any_folder(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    r = subprocess.run([sys.executable, "-m", "perfdsl", "schema"], capture_output=True, text=True, cwd=tmp_path,
                       env=env, timeout=60)
    if "No module named perfdsl" in r.stderr:
        pytest.skip("perfdsl is not installed here: pip install '.[test]'")
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == SCHEMA_FILE.read_text(encoding="utf-8")


def test_built_json_documents_validate_against_the_shipped_schema(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "build", str(ROOT / "specs" / "2020"), "--format", "json", "-o", str(tmp_path))
    assert code == 0, err
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    documents = sorted(tmp_path.glob("[!.]*.json"))  # not the build manifest
    assert len(documents) == len(list((ROOT / "specs" / "2020").glob("*.perf")))
    for path in documents:
        validator.validate(json.loads(path.read_text(encoding="utf-8")))


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
    fields = list(ast.content_fields(ast.Project))
    own = [f for f in fields if f not in ("comments", "trailing", "end_comments", "end_trailing")]
    assert list(doc["projects"][0])[: len(own)] == own
    assert json_backend.render(src.spec, project) == json_backend.render(src.spec, project)
    assert Decimal(str(doc["projects"][0]["budget"]["total"]["value"])) == project.budget.total.value


def test_indented_json_is_the_standard_librarys_text_and_takes_what_utf8_cannot() -> None:
    import json

    from perfdsl.backends.json import dumps

    data = {"name": "审判\x1b\u2028\"x\"", "values": [1, 12.5, 0.000123, 10**18, None, True], "empty": [{}, []]}
    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    odd = {"file": "specs/\udcb1.perf"}  # a file name's undecodable byte, as os.fsdecode keeps it
    assert dumps(odd) == json.dumps(odd, ensure_ascii=False, indent=2) + "\n"
