"""The VS Code extension (editors/vscode/): its TextMate grammar, tokenized by VS Code's own engine
(vscode-textmate + vscode-oniguruma under node), and its activation, with stand-ins for VS Code."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from perfdsl import ast
from perfdsl.syntax.parser import parse
from perfdsl.editor.textmate import render
from perfdsl.syntax.vocab import TEXT_KEYS
from tests.conftest import ROOT

VSCODE = ROOT / "editors" / "vscode"
GRAMMAR = VSCODE / "syntaxes" / "perfdsl.tmLanguage.json"
HERE = ROOT / "tests" / "editors"
TEXT_FIELDS = [k.field for k in TEXT_KEYS]
CACHE = Path(os.environ.get("PERFDSL_NODE_CACHE", Path.home() / ".cache" / "perfdsl" / "node"))


def _unavailable(reason: str) -> None:
    if os.environ.get("PERFDSL_REQUIRE_NODE"):
        pytest.fail(f"{reason} (PERFDSL_REQUIRE_NODE is set: CI runs .ci/node-deps first)")
    pytest.skip(f"{reason}; run .ci/node-deps")


@pytest.fixture(scope="module")
def node_path() -> str:
    """node_modules with vscode-textmate and vscode-oniguruma, installed on first use (npm registry only)."""
    if not shutil.which("node") or not shutil.which("npm"):
        _unavailable("node and npm are not installed")
    modules = CACHE / "node_modules"
    installed = (CACHE / "package.json").is_file() and \
        (CACHE / "package.json").read_bytes() == (HERE / "package.json").read_bytes()
    if not (installed and (modules / "vscode-textmate").is_dir()):
        CACHE.mkdir(parents=True, exist_ok=True)
        shutil.copy(HERE / "package.json", CACHE / "package.json")
        r = subprocess.run(["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "--loglevel=error"],
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            _unavailable(f"npm install failed: {r.stderr.strip()[-300:]}")
    return str(modules)


def _node(node_path: str, *args: str) -> str:
    r = subprocess.run(["node", *args], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "NODE_PATH": node_path})
    assert r.returncode == 0, r.stderr
    return r.stdout


def tokenize(node_path: str, path: Path) -> list[list[tuple[str, list[str]]]]:
    """Each line's tokens as (text, scopes below source.perfdsl), as VS Code colours them."""
    out = _node(node_path, str(HERE / "tokenize.js"), str(GRAMMAR), str(path))
    return [[(text, scopes) for text, scopes in json.loads(line)["tokens"]] for line in out.splitlines()]


def scope_of(line: list[tuple[str, list[str]]], text: str) -> str:
    found = [scopes[-1] for t, scopes in line if t == text]
    assert found, f"no token {text!r} in {line}"
    return found[0]


def test_grammar_file_is_generated_from_the_vocabulary() -> None:
    assert GRAMMAR.read_text(encoding="utf-8") == render(), "run: python -m perfdsl.editor.textmate > " + str(
        GRAMMAR.relative_to(ROOT))


def test_sample_scopes(node_path: str, golden) -> None:
    lines = tokenize(node_path, HERE / "sample.perf")
    text = "".join(f"{n}\t{t!r}\t{' '.join(s)}\n" for n, line in enumerate(lines, 1) for t, s in line if t.strip())
    golden(HERE / "sample.scopes", text)
    by_line = dict(enumerate(lines, 1))
    assert scope_of(by_line[6], "project") == "keyword.control.project.perfdsl"
    assert scope_of(by_line[6], '"档案 数字化"') == "entity.name.type.project.perfdsl"
    assert scope_of(by_line[11], "budget") == "keyword.control.budget.perfdsl"
    for n, key in ((2, "unit"), (3, "年度"), (7, "类别"), (8, "start"), (12, "总预算"), (15, "总目标"), (21, "分值")):
        assert scope_of(by_line[n], key) == "keyword.other.key.perfdsl", key
    assert scope_of(by_line[7], "其他一次性项目") == "string.unquoted.value.perfdsl"
    assert scope_of(by_line[7], " 注释") == "comment.line.number-sign.perfdsl"
    assert scope_of(by_line[8], "2021-01-01") == "constant.numeric.date.perfdsl"
    assert scope_of(by_line[10], "否") == "constant.language.boolean.perfdsl"
    assert (scope_of(by_line[12], "65"), scope_of(by_line[12], "万元")) == ("constant.numeric.perfdsl",
                                                                           "keyword.other.unit.perfdsl")
    assert scope_of(by_line[16], '    完成 "历史" 档案的扫描。# 不是注释') == "string.quoted.triple.perfdsl"
    assert scope_of(by_line[18], "成本指标") == "entity.name.section.perfdsl"
    assert scope_of(by_line[20], "项目成本") == "variable.other.indicator.perfdsl"
    assert scope_of(by_line[20], "<=") == scope_of(by_line[28], "≥") == "keyword.operator.comparison.perfdsl"
    assert scope_of(by_line[29], "以上") == scope_of(by_line[30], "不低于") == "keyword.operator.word.perfdsl"
    assert scope_of(by_line[28], "万卷") == "keyword.other.unit.perfdsl"
    assert scope_of(by_line[30], '"标准"') == "variable.other.indicator.perfdsl"  # a quoted key is a name
    assert scope_of(by_line[35], "提升") == "constant.language.qualitative.perfdsl"
    assert scope_of(by_line[35], "perfdsl: ignore[C410]") == "keyword.other.suppression.perfdsl"


def _expected(spec: ast.Spec) -> dict[int, tuple[str, str]]:
    """(first line -> written name, scope) of every section and indicator, as the parser read them."""
    out: dict[int, tuple[str, str]] = {}
    for project in spec.projects:
        for l1 in project.sections:
            out[l1.span.line] = (l1.name, "entity.name.section.perfdsl")
            for l2 in l1.sections:
                out[l2.span.line] = (l2.name, "entity.name.section.perfdsl")
                for ind in l2.indicators:
                    out[ind.span.line] = (ind.name, "variable.other.indicator.perfdsl")
    return out


def test_the_grammar_reads_lines_as_the_parser_does(node_path: str) -> None:
    """Every section and indicator of the seed specs and national fixtures gets its scope, and no line of a
    text block is coloured as anything but prose."""
    paths = [*sorted((ROOT / "specs").rglob("*.perf")), ROOT / "tests" / "checks" / "C105_ok_every_level1.perf"]
    checked = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        spec, diags = parse(text, str(path))
        assert not diags
        lines = tokenize(node_path, path)
        expected = _expected(spec)
        for number, (name, scope) in expected.items():
            first = next((t, s) for t, s in lines[number - 1] if t.strip())
            assert (first[0].strip('"'), first[1]) == (name, [scope]), (path.name, number)
        prose = [n for p in spec.projects for k in TEXT_FIELDS if (node := getattr(p, k)) is not None
                 for n in range(node.span.line + 1, node.span.end_line)]
        for number in prose:
            assert {tuple(s) for _, s in lines[number - 1]} <= {("string.quoted.triple.perfdsl",)}, (path.name, number)
        checked += len(expected) + len(prose)
    assert checked > 300  # specs/ alone: 213 sections and indicators, 109 lines of prose


def test_extension_starts_perfdsl_lsp(node_path: str) -> None:
    report: dict[str, Any] = json.loads(_node(node_path, str(HERE / "activate.js"), str(VSCODE / "extension.js"), "en"))
    assert report["server"] == {"command": "perfdsl", "args": ["lsp"], "transport": 0}
    assert report["documentSelector"] == [{"scheme": "file", "language": "perfdsl"},
                                          {"scheme": "untitled", "language": "perfdsl"}]
    assert report["initializationOptions"] == {"lang": "en"}
    assert report["running"] and report["stopped"] and report["subscriptions"] == 1


def test_manifest_and_language_configuration() -> None:
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    (grammar,) = manifest["contributes"]["grammars"]
    assert language["id"] == grammar["language"] == "perfdsl" and language["extensions"] == [".perf"]
    assert (VSCODE / grammar["path"]).resolve() == GRAMMAR and grammar["scopeName"] == "source.perfdsl"
    assert (VSCODE / manifest["main"]).is_file()
    assert set(manifest["contributes"]["configuration"]["properties"]) == {
        "perfdsl.server.command", "perfdsl.server.args", "perfdsl.language", "perfdsl.trace.server"}
    config = json.loads((VSCODE / language["configuration"]).read_text(encoding="utf-8"))
    assert config["comments"] == {"lineComment": "#"} and config["brackets"] == [["{", "}"]]
    start, end = (re.compile(config["folding"]["markers"][k]) for k in ("start", "end"))
    assert start.search("  产出 {  # 一级") and start.search("项目 a {") and not start.search("  结案率 >= 90%")
    assert end.search("  }") and not end.search("  产出 {")
