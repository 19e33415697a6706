"""How `check`, `fmt` and `diff` scale with one text block that is a single long paragraph.

    python benchmarks/long_paragraph.py [LINES ...]      (default: 50000 100000 400000)

Each size writes a spec whose 概况 is LINES lines of one paragraph (no blank line), and a second version with
another 年度 (the paragraph as it was), then times `perfdsl check`, `perfdsl fmt --check` and `perfdsl diff`
on them as processes. Linear work shows as seconds that grow like the line count; reading a text block once
took quadratic time (each line joined to the paragraph read so far). Not part of run.py: it measures one
input's shape, not the corpus.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))


def spec(lines: int, year: int = 2020) -> str:
    body = ["    本行说明项目的实施内容和预算安排 text"] * lines
    return "\n".join([f"年度 {year}", "项目 长段落 {", '  概况 """', *body, '  """', "}", ""])


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "perfdsl", *args], capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> int:
    sizes = [int(a) for a in sys.argv[1:]] or [50_000, 100_000, 400_000]
    print("| lines | check | fmt --check | diff |\n| --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            old, new = Path(tmp) / "old.perf", Path(tmp) / "new.perf"
            old.write_text(spec(n), encoding="utf-8")
            new.write_text(spec(n, year=2021), encoding="utf-8")
            figures = [timed(["check", str(old)]), timed(["fmt", "--check", str(old)]),
                       timed(["diff", str(old), str(new)])]
            print(f"| {n:,} | " + " | ".join(f"{t:.1f} s" for t in figures) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
