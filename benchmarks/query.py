"""Benchmark of `perfdsl query`: loading a tree and a typical aggregate query, against `perfdsl check` of
the same tree, both as whole processes (the best of `--repeat` runs).

The tree is the corpus of corpus.py twice, as two years of the same projects (the second with some
targets lowered and budgets changed), so that the `changes` table is filled as a review season fills it.
The in-process split (read and check, rows, DuckDB load, the query) says where the time goes.

    python benchmarks/query.py [--projects N] [--repeat R]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))
from corpus import write_corpus  # noqa: E402
from run import PERFDSL, run_process  # noqa: E402

QUERY = """SELECT i.year, i.level2, count(*) AS indicators, count(DISTINCT i.file) AS projects,
       avg(i.value) FILTER (WHERE i.target_unit = '%') AS mean_percent, sum(p.current) AS budget
FROM indicators i JOIN projects p ON p.file = i.file AND p.name = i.project
GROUP BY ALL ORDER BY ALL"""


def two_years(root: Path, projects: int) -> list[Path]:
    """The corpus as 2020 and, edited, 2021: every fifth file with a lowered target and a larger budget."""
    first = write_corpus(root / "2020", projects)
    for n, path in enumerate(first):
        text = path.read_text(encoding="utf-8").replace("年度 2020", "年度 2021", 1)
        if n % 5 == 0:
            text = text.replace(">= 95%", ">= 90%").replace("当年预算 ", "当年预算 1", 1)
        target = root / "2021" / path.relative_to(root / "2020")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return first


def split(root: Path) -> dict[str, float]:
    from perfdsl.query.database import connect, no_cyclic_gc, read_tree, rows, run_sql
    from perfdsl.syntax.loader import find_files

    out, start = {}, time.perf_counter()
    with no_cyclic_gc():  # as the command runs
        tree = read_tree(find_files([str(root)])[0])
        out["read and check"], start = time.perf_counter() - start, time.perf_counter()
        table_rows = rows(tree, "zh")
        out["rows (scores, diff)"], start = time.perf_counter() - start, time.perf_counter()
        con = connect(table_rows)
    out["DuckDB load"], start = time.perf_counter() - start, time.perf_counter()
    run_sql(con, QUERY)
    out["the query"] = time.perf_counter() - start
    out["indicator rows"] = len(table_rows["indicators"])
    out["change rows"] = len(table_rows["changes"])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=2000, help="projects per year (default 2000)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--check-and-query", action="store_true",
                        help="only the two processes of the headline figure (no export, no split): for big trees")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="perfdsl-query-bench-") as tmp:
        root = Path(tmp) / "tree"
        two_years(root, args.projects)
        size = sum(p.stat().st_size for p in root.rglob("*.perf")) / 1e6
        run_process([*PERFDSL, "check", str(next(root.rglob("*.perf")))])  # caches warm, as a user's are
        check = min(run_process([*PERFDSL, "check", str(root)])[0] for _ in range(args.repeat))
        runs = [run_process([*PERFDSL, "query", "--format", "csv", QUERY, str(root)]) for _ in range(args.repeat)]
        query, status, rss = min(runs)
        if args.check_and_query:
            print(f"{2 * args.projects} projects ({size:.1f} MB)")
            print(f"perfdsl check: {check:8.2f} s")
            print(f"perfdsl query: {query:8.2f} s  ({query / check:.2f}x check, exit {status}, "
                  f"peak RSS {rss / 1024:.0f} MB)")
            return 0
        export = min(run_process([*PERFDSL, "export", str(root), "-o", str(Path(tmp) / "out")])[0]
                     for _ in range(args.repeat))
        parts = split(root)
    print(f"{2 * args.projects} projects ({size:.1f} MB, {parts['indicator rows']:,} indicators, "
          f"{parts['change rows']:,} changes)")
    print(f"perfdsl check:                 {check:8.2f} s")
    print(f"perfdsl query (load + query):  {query:8.2f} s  ({query / check:.2f}x check, exit {status}, "
          f"peak RSS {rss / 1024:.0f} MB)")
    print(f"perfdsl export (parquet):      {export:8.2f} s  ({export / check:.2f}x check)")
    for name, value in parts.items():
        if "rows" not in name or "(" in name:
            print(f"  in process, {name + ':':22} {value:8.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
