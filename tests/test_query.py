"""perfdsl query and export over tests/query/specs: three units, two years, a 自评表 and 审核意见.

The named queries' output are golden files (tests/query/expected/); formats, errors, the shell and the
exported files are read back with the libraries that read them in practice (csv, json, openpyxl, DuckDB)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from perfdsl.query.queries import named
from perfdsl.query.tables import TABLES
from tests.conftest import ROOT, run_cli

duckdb = pytest.importorskip("duckdb")

SPECS = "tests/query/specs"
EXPECTED = ROOT / "tests" / "query" / "expected"


@pytest.mark.parametrize("name", sorted(named()))
def test_each_named_query_gives_its_golden_table(capsys, golden, name: str) -> None:
    code, out, err = run_cli(capsys, "query", name, SPECS)
    assert (code, err) == (0, "")
    golden(EXPECTED / f"{name}.txt", out)


def test_the_named_queries_answer_the_reviewers_questions(capsys) -> None:
    rows = {}
    for name in named():
        code, out, _ = run_cli(capsys, "query", "--format", "json", name, SPECS)
        rows[name] = json.loads(out)
    assert [(r["unit"], r["name"], r["target"]) for r in rows["satisfaction_below_90"]] == [
        ("某县教育局", "家长满意度", ">= 85%"), ("某市卫生健康委员会", "居民满意度", ">= 85%")]
    # 教育局 lowered its target too, but its budget went down
    assert [(r["unit"], r["indicator"], r["budget_percent"]) for r in rows["lowered_while_budget_rose"]] == [
        ("某区民政局", "老年人满意度", "20")]
    assert {(r["project"], r["year"]) for r in rows["no_cost_indicator"]} == {("学生营养改善", 2025),
                                                                               ("学生营养改善", 2026)}
    assert [(r["name"], r["target"], r["last_actual"]) for r in rows["below_last_actual"]] == [
        ("老年人满意度", ">= 90%", "97%")]
    assert sum(r["with_core"] for r in rows["core_indicator_use"]) == 2


def test_money_and_scores_are_exact_decimals(capsys) -> None:
    con_sql = "SELECT sum(current) AS s, typeof(sum(current)) AS t FROM projects"
    code, out, _ = run_cli(capsys, "query", "--format", "json", con_sql, SPECS)
    assert json.loads(out) == [{"s": "8800000", "t": "DECIMAL(38,6)"}]
    code, out, _ = run_cli(capsys, "query", "--format", "csv",
                           "SELECT name, score, grade FROM projects WHERE score IS NOT NULL", SPECS)
    assert list(csv.reader(io.StringIO(out))) == [["name", "score", "grade"], ["老年助餐服务", "79.6", "中"]]


def test_xlsx_needs_a_file_and_reads_back(capsys, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    assert run_cli(capsys, "query", "--format", "xlsx", "satisfaction_below_90", SPECS)[0] == 2
    target = tmp_path / "满意度.xlsx"
    code, _, _ = run_cli(capsys, "query", "--format", "xlsx", "-o", str(target),
                         "SELECT name, value, '=1+1' AS f FROM indicators WHERE level2 LIKE '%满意度%' ORDER BY name",
                         SPECS)
    ws = openpyxl.load_workbook(target).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0] == ["name", "value", "f"]
    assert ["家长满意度", 90, "=1+1"] in values  # text that looks like a formula stays text
    assert ws["C2"].data_type == "s"


def test_a_sql_error_is_said_without_a_traceback(capsys) -> None:
    code, out, err = run_cli(capsys, "query", "SELECT nope FROM projects", SPECS)
    assert code == 2 and out == ""
    assert err.startswith("SQL 错误：Binder Error") and "Traceback" not in err
    code, _, err = run_cli(capsys, "--lang", "en", "query", "SELEKT 1", SPECS)
    assert code == 2 and err.startswith("SQL error: Parser Error")


def test_paths_are_checked_and_sql_needs_them(capsys) -> None:
    assert run_cli(capsys, "query", "SELECT 1")[0] == 2
    code, _, err = run_cli(capsys, "query", "SELECT 1", "tests/query/nowhere")
    assert code == 2 and "tests/query/nowhere" in err


def test_sql_from_stdin_when_it_is_not_a_terminal(capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("SELECT count(*) AS n FROM indicators WHERE core;\n"))
    code, out, _ = run_cli(capsys, "query", "--format", "csv", SPECS)
    assert (code, out) == (0, "n\n2\n")


def test_the_shell_runs_statements_and_dot_commands(capsys) -> None:
    from perfdsl.query.database import database, read_tree
    from perfdsl.query.shell import Shell
    from perfdsl.syntax.loader import find_files

    shell = Shell(database(read_tree(find_files([str(ROOT / SPECS)])[0]), "en"), "en")
    assert shell.onecmd(".tables") is False
    assert shell.onecmd("SELECT count(*) AS n FROM projects") is False
    assert shell.onecmd("SELECT nope") is False
    assert shell.onecmd(".schema opinions") is False
    assert shell.onecmd(".quit") is True
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == " ".join(TABLES)
    assert out.splitlines()[1:4] == ["n", "-", "5"]
    assert "opinions(file VARCHAR, line INTEGER" in out
    assert err.startswith("SQL error: Binder Error")


def test_the_list_names_every_query(capsys) -> None:
    code, out, _ = run_cli(capsys, "query", "--list")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == sorted(named())


def test_user_text_reaches_the_terminal_escaped(capsys, tmp_path: Path) -> None:
    spec = tmp_path / "a.perf"
    spec.write_text("单位 某局\n年度 2026\n项目 \"x\u202ey\" {\n  产出 {\n    数量 {\n      完成率 >= 90%\n"
                    "    }\n  }\n}\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "query", "SELECT name FROM projects", str(spec))
    assert "\u202e" not in out and "x\\u202ey" in out  # a direction override would reorder the line
    code, out, _ = run_cli(capsys, "query", "SELECT 'a' || chr(27) || '[2J' AS x", str(spec))
    assert out.splitlines()[2] == "a\\x1b[2J"  # what SQL makes is escaped too


def test_without_duckdb_the_command_names_the_extra(capsys, monkeypatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "duckdb" else real(name, *a))
    for command in (["query", "SELECT 1", SPECS], ["export", SPECS, "-o", "x"], ["review", SPECS, "-o", "x"]):
        code, _, err = run_cli(capsys, *command)
        assert code == 2 and "pip install 'perfdsl[query]'" in err


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_writes_every_table_that_reads_back(capsys, tmp_path: Path, fmt: str) -> None:
    out_dir = tmp_path / "tables"
    code, out, _ = run_cli(capsys, "export", "--format", fmt, SPECS, "-o", str(out_dir))
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(f"{t}.{fmt}" for t in TABLES)  # no temp files
    con = duckdb.connect()
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    for table, columns in TABLES.items():
        names = [d[0] for d in con.execute(f"SELECT * FROM {reader}(?)", [str(out_dir / f"{table}.{fmt}")])
                 .description]
        assert names == [c.name for c in columns]
    total = con.execute(f"SELECT sum(current) FROM {reader}(?)", [str(out_dir / f"projects.{fmt}")]).fetchone()
    assert Decimal(total[0]) == Decimal("8800000")
    if fmt == "parquet":  # the column types travel with the file
        kinds = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
                                 [str(out_dir / "projects.parquet")]).fetchall())
        assert kinds["current"] == "DECIMAL(24,6)" and kinds["year"] == "INTEGER"


def test_export_into_a_file_is_an_error_not_a_traceback(capsys, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run_cli(capsys, "export", SPECS, "-o", str(blocker))
    assert code == 2 and str(blocker) in err


def test_docs_list_every_table_and_column() -> None:
    text = (ROOT / "docs" / "query.md").read_text(encoding="utf-8")
    for table, columns in TABLES.items():
        section = re.search(rf"^### `{table}`\n(.*?)(?=^### |^## |\Z)", text, re.S | re.M)
        assert section, table
        documented = re.findall(r"^\| `(\w+)` \| `([A-Z0-9(),]+)` \|", section.group(1), re.M)
        assert documented == [(c.name, c.type) for c in columns], table


def test_the_largest_amounts_and_their_changes_fit_their_columns(capsys, tmp_path: Path) -> None:
    body = "项目 p {{\n  预算 {{\n    当年预算 {0}\n  }}\n  产出 {{\n    数量 {{\n      完成率 >= 90%\n    }}\n  }}\n}}\n"
    for year, amount in ((2025, "0.000001"), (2026, "999,999,999,999,999,999.999999")):
        (tmp_path / str(year)).mkdir()
        (tmp_path / str(year) / "p.perf").write_text(f"单位 某局\n年度 {year}\n" + body.format(amount), encoding="utf-8")
    code, out, err = run_cli(capsys, "query", "--format", "json",
                             "SELECT new_value, delta, percent FROM changes WHERE kind = 'budget_changed'",
                             str(tmp_path))
    assert code == 0, err
    assert json.loads(out) == [{"new_value": "999999999999999999.999999", "delta": "999999999999999999.999998",
                                "percent": "99999999999999999999999800"}]
