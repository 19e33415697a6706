"""The database of `perfdsl query`, `export` and `review`: specs read, checked, scored and compared year
with year, in an in-memory DuckDB with the tables of `perfdsl.query.tables`.

DuckDB takes Python rows one statement at a time (`executemany` loads some thousand rows a second), so each
table is written to a temporary file of JSON lines and read back by `read_json` with the table's column
types, which keeps the Decimal values exact (they travel as decimal strings) and costs about what writing
the lines costs (benchmarks/README.md).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, Sequence

from .. import ast
from ..diagnostics import Diagnostic, Severity, sort_key
from . import tables


class QueryError(Exception):
    """What DuckDB refused (a query, or a file it could not write), as its one-line message."""


@dataclass
class Tree:
    """The specs of a run with their diagnostics: what the tables are made of."""

    specs: list[ast.Spec] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    """The text of each `.review` file (the specs' texts are not kept: a big tree holds them once, in its AST)."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    opinions: list[Any] = field(default_factory=list)
    """The 审核意见 of the `.review` files beside the specs (`perfdsl.review.opinions`)."""

    @property
    def errors(self) -> int:
        return sum(d.severity is Severity.error for d in self.diagnostics)


def read_tree(files: Sequence[str], encoding: str | None = None, config: Any = None) -> Tree:
    """Parse and check every file as `perfdsl check` does (the cross-file checks included)."""
    from ..syntax.loader import load_file

    return _read((load_file(path, encoding) for path in files), lambda path: config)


def read_revision(blobs: Sequence[Any], reviews: dict[str, bytes], config_of: Callable[[str], Any],
                  encoding: str | None = None) -> Tree:
    """`read_tree` of the files of a git revision (`diffing.revisions.Blob`s, their paths `REV:path`) and the
    `.review` files beside them; `config_of` gives the configuration of a blob's path."""
    from ..syntax.loader import Source, decode, load_text

    def sources() -> Iterator[Source]:
        for blob in blobs:
            text, problems = decode(blob.data, blob.path, encoding)
            if text is None:
                empty = ast.Spec(file=blob.path, unit=None, year=None, framework=None, projects=(), end_comments=())
                yield Source(blob.path, blob.data.decode("utf-8", "replace"), empty, problems)
            else:
                yield load_text(text, blob.path)

    return _read(sources(), config_of, reviews)


def _read(sources: Iterable[Any], config_of: Callable[[str], Any], reviews: dict[str, bytes] | None = None) -> Tree:
    from ..checks import check_file, gather, not_a_spec
    from ..review.opinions import read_all

    tree, cache, parse_diags, files = Tree(), {}, {}, []  # type: ignore[var-annotated]

    def checked() -> Iterable[Any]:
        for src in sources:
            alien = not_a_spec(src.text, src.spec, src.diagnostics)
            parse_diags[src.path] = [alien] if alien else src.diagnostics
            files.append(src.path)
            tree.specs.append(src.spec)
            yield check_file(src.spec, parse_diags[src.path], config_of(src.path), cache)

    found = gather(checked())
    tree.opinions, problems = read_all(tree.specs, tree.texts, reviews)
    tree.diagnostics = [d for path in files
                        for d in sorted((*parse_diags[path], *found.get(path, ())), key=sort_key)]
    tree.diagnostics += sorted(problems, key=sort_key)
    return tree


def _scores(tree: Tree) -> dict[int, Any]:
    """The `perfdsl score` of every self-evaluated project, by id(project), under its folder's rules."""
    from ..config import find_config
    from ..evaluation.figures import has_evaluation
    from ..evaluation.score import score_project

    configs: dict[str, Any] = {}
    out = {}
    for spec in tree.specs:
        rules = None
        for project in spec.projects:
            if has_evaluation(project):
                rules = rules or find_config(os.path.dirname(spec.file) or ".", configs).rule_set()
                out[id(project)] = score_project(spec, project, rules)
    return out


def rows(tree: Tree, lang: str) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every table."""
    from ..diffing.compare import diff

    scores = _scores(tree)
    out: dict[str, list[tuple[Any, ...]]] = {name: [] for name in tables.TABLES}
    for spec in tree.specs:
        for p in spec.projects:
            s = scores.get(id(p))
            out["projects"].append(tables.project_rows(spec, p, s))
            out["sources"] += tables.source_rows(spec, p)
            out["indicators"] += tables.indicator_rows(spec, p, s)
    out["opinions"] += tables.opinion_rows(tree.opinions)
    out["diagnostics"] += tables.diagnostic_rows({s.file: s for s in tree.specs}, tree.diagnostics, lang)
    years = tables.year_groups(tree.specs)
    for year in sorted(years):
        if year - 1 in years:  # each year against the one before, as a reviewer reads a unit's submission
            out["changes"] += tables.change_rows(diff(years[year - 1], years[year]), year - 1, year)
    return out


def connect(table_rows: dict[str, list[tuple[Any, ...]]]) -> Any:
    """An in-memory DuckDB holding the tables (the caller has checked that duckdb is installed)."""
    import duckdb

    con = duckdb.connect(":memory:")
    with tempfile.TemporaryDirectory(prefix="perfdsl-query-") as tmp:
        for name, columns in tables.TABLES.items():
            ddl = ", ".join(f'"{c.name}" {c.type}' for c in columns)
            con.execute(f"CREATE TABLE {name} ({ddl})")
            if not table_rows[name]:
                continue
            path = os.path.join(tmp, name + ".jsonl")
            _write_lines(path, [c.name for c in columns], table_rows[name])
            types = "{" + ", ".join(f"'{c.name}': '{c.type}'" for c in columns) + "}"
            try:
                con.execute(f"INSERT INTO {name} SELECT * FROM read_json(?, format='newline_delimited', "
                            f"columns={types})", [path])
            except duckdb.Error as e:  # a value the column cannot hold: a perfdsl bug, said, not a traceback
                raise QueryError(str(e).strip()) from None
    return con


def _plain(value: Any) -> Any:
    return format(value, "f") if isinstance(value, Decimal) else value


def _write_lines(path: str, names: list[str], table: list[tuple[Any, ...]]) -> None:
    encode = json.JSONEncoder(ensure_ascii=False, default=_plain).encode
    with open(path, "w", encoding="utf-8") as f:
        for row in table:
            f.write(encode(dict(zip(names, row))))
            f.write("\n")


def database(tree: Tree, lang: str) -> Any:
    return connect(rows(tree, lang))


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """The cyclic collector at rest while a tree is read and turned into rows: millions of small objects that
    are all kept and hold no cycles, which it would otherwise walk again and again as they pile up (as
    `checks.check_sources` does for `perfdsl check`)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def run_sql(con: Any, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows of `sql` (its last statement); QueryError with DuckDB's message."""
    import duckdb

    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description] if cur.description else []
        return names, cur.fetchall() if names else []
    except duckdb.Error as e:
        raise QueryError(str(e).strip()) from None


def sql_error(error: QueryError, lang: str) -> str:
    """DuckDB's message as perfdsl says an error, each of its lines shown safely (it quotes the SQL)."""
    from ..diagnostics import shown
    from ..messages import say

    lines = [shown(line) for line in str(error).splitlines()] or [""]
    return "\n".join([say("query.sql_error", lang, message=lines[0]), *lines[1:]])
