"""Randomly edited inputs for `perfdsl import` and the properties every import must keep, shared by
tests/test_import_fuzz.py (a small derandomised run in CI) and tests/fuzz_import.py (the long local campaign).

Workbooks start from what `perfdsl build --format xlsx` writes for specs/ and are edited with openpyxl as
people edit them in Excel; texts start from tests/data/*.txt, tests/import/*.txt and the text layout of
specs/, and lose, gain and change lines and characters.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import random
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

from perfdsl.cli.import_ import _canonical
from perfdsl.diagnostics import Diagnostic, render_text

ROOT = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------------------------- seeds

def text_seeds() -> list[str]:
    """The published documents the tests hold, and the text layout of every project in specs/."""
    from perfdsl.backends import text
    from perfdsl.importers.text import decode_document
    from perfdsl.syntax.loader import load_file

    seeds = []
    for path in sorted([*(ROOT / "tests" / "data").glob("*.txt"), *(ROOT / "tests" / "import").glob("*.txt")]):
        decoded, _ = decode_document(path.read_bytes(), path.name)
        seeds.append(decoded or "")
    for path in sorted((ROOT / "specs").rglob("*.perf")):
        spec = load_file(str(path)).spec
        seeds.extend(text.render(spec, project) for project in spec.projects)
    return seeds


def workbook_seeds() -> list[bytes]:
    """The workbooks `perfdsl build --format xlsx` writes for specs/ (one per spec)."""
    from perfdsl.backends.xlsx import workbook
    from perfdsl.syntax.loader import load_file

    return [workbook(load_file(str(path)).spec) for path in sorted((ROOT / "specs").rglob("*.perf"))]


# ------------------------------------------------------------------------------------------ text edits

_WORDS = ["项目名称：", "项目概况：", "财政项目支出绩效目标表", "（2020年度）", "一级目标 二级目标 三级目标 指标目标值",
          "产出目标", "数量", "=100%", "≥90%", "＞＝９５％", "合理", "项目总预算（元）：", "10,144,000", "：", "《", "》",
          "一、", "本项目上年度市级财政资金使用情况", " 2020年绩效目标", "绩效类型：", '"""', "{", "}", "#", "\\"]
_ODD = ["\x00", "\r", "\t", "\u3000", "\u00a0", "\u200b", "\ufeff", "\u2028", "\x85", "\U0001f600", "e\u0301",
        "\ud7ff", "Ａ", "１", "%", "\x1b[31m"]


def random_unicode(rng: random.Random, size: int) -> str:
    """Characters from all over Unicode (no lone surrogates: a document cannot hold them)."""
    out = []
    for _ in range(size):
        c = rng.choice([rng.randrange(0x20, 0x7F), rng.randrange(0x4E00, 0x9FFF), rng.randrange(0x80, 0xD800),
                        rng.randrange(0xE000, 0x110000)])
        out.append(chr(c))
    return "".join(out)


def _piece(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return rng.choice(_WORDS)
    if kind == 1:
        return rng.choice(_ODD)
    return random_unicode(rng, rng.randrange(1, 12))


def mutate_text(text: str, rng: random.Random) -> str:
    """1 to 5 random edits of a document: lines deleted, duplicated, swapped or replaced, characters
    inserted or changed, the document cut short."""
    lines = text.split("\n")
    for _ in range(rng.randrange(1, 6)):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        op = rng.randrange(9)
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[i])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 3:
            at = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:at] + _piece(rng) + lines[i][at:]
        elif op == 4:
            lines[i] = _piece(rng)
        elif op == 5 and lines[i]:
            at = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:at] + _piece(rng)[:1] + lines[i][at + 1:]
        elif op == 6:
            lines.insert(i, "")
        elif op == 7:
            joined = "\n".join(lines)
            lines = joined[:rng.randrange(len(joined) + 1)].split("\n")
        else:
            del lines[i:i + rng.randrange(1, 40)]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------- workbook edits

def delete(ws: Any, rows: tuple[int, int] | None = None, cols: tuple[int, int] | None = None) -> None:
    """Delete rows or columns as Excel does: merged ranges below or right of them move up or left, and shrink
    or go when they lose rows or columns (openpyxl's delete_rows and delete_cols leave them where they were)."""
    from openpyxl.worksheet.cell_range import CellRange

    merged = [CellRange(str(r)) for r in ws.merged_cells.ranges]
    for rng in merged:
        ws.unmerge_cells(str(rng))
    if rows:
        ws.delete_rows(*rows)
    if cols:
        ws.delete_cols(*cols)
    start, count = rows or cols or (0, 0)
    end = start + count - 1
    for rng in merged:
        lo, hi = (rng.min_row, rng.max_row) if rows else (rng.min_col, rng.max_col)
        kept = (hi - lo + 1) - max(0, min(hi, end) - max(lo, start) + 1)
        new_lo = lo if lo < start else max(start, lo - count)
        if kept < 1:
            continue
        if rows:
            rng = CellRange(min_col=rng.min_col, max_col=rng.max_col, min_row=new_lo, max_row=new_lo + kept - 1)
        else:
            rng = CellRange(min_row=rng.min_row, max_row=rng.max_row, min_col=new_lo, max_col=new_lo + kept - 1)
        if rng.size["rows"] * rng.size["columns"] > 1:
            ws.merge_cells(rng.coord)


def random_value(rng: random.Random) -> Any:
    """What a cell may hold: nothing, numbers of every size, booleans, dates and times, text of every kind."""
    kind = rng.randrange(10)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([0, 1, -1, 2020, 10**6, 10**15, 10**30, rng.randrange(-10**6, 10**6)])
    if kind == 2:
        return rng.choice([0.5, -0.25, 1e-9, 1e20, 12.5, rng.random() * 1000])
    if kind == 3:
        return rng.choice([True, False])
    if kind == 4:
        return rng.choice([datetime.datetime(2020, 3, 1), datetime.datetime(1899, 12, 31, 23, 59),
                           datetime.date(2021, 2, 28), datetime.time(12, 30), datetime.timedelta(days=2)])
    if kind == 5:
        return rng.choice([Decimal("1.25"), "=SUM(A1:A3)", "#REF!", "", " ", "\n", "是", "否", "2020", "２０２０"])
    return _piece(rng)


def _cell(ws: Any, rng: random.Random) -> Any:
    return ws.cell(row=rng.randrange(1, max(ws.max_row, 1) + 2), column=rng.randrange(1, max(ws.max_column, 1) + 2))


def _set(ws: Any, rng: random.Random) -> None:
    from openpyxl.cell.cell import MergedCell

    cell = _cell(ws, rng)
    if isinstance(cell, MergedCell):
        return
    with contextlib.suppress(ValueError, TypeError):  # openpyxl refuses control characters in text
        cell.value = random_value(rng)


def _merge(ws: Any, rng: random.Random) -> None:
    r, c = rng.randrange(1, ws.max_row + 2), rng.randrange(1, ws.max_column + 2)
    with contextlib.suppress(ValueError):
        ws.merge_cells(start_row=r, start_column=c, end_row=r + rng.randrange(0, 8), end_column=c + rng.randrange(0, 4))


def _unmerge(ws: Any, rng: random.Random) -> None:
    ranges = list(ws.merged_cells.ranges)
    if ranges:
        ws.unmerge_cells(str(rng.choice(ranges)))


def _copy_row(ws: Any, rng: random.Random) -> None:
    from openpyxl.cell.cell import MergedCell

    src, dst = rng.randrange(1, ws.max_row + 1), rng.randrange(1, ws.max_row + 2)
    for c in range(1, ws.max_column + 1):
        target = ws.cell(row=dst, column=c)
        if not isinstance(target, MergedCell):
            target.value = ws.cell(row=src, column=c).value


_WORKBOOK_EDITS: list[Callable[[Any, random.Random], None]] = [
    lambda ws, rng: ws.delete_rows(rng.randrange(1, ws.max_row + 1), rng.randrange(1, 4)),
    lambda ws, rng: ws.delete_cols(rng.randrange(1, ws.max_column + 1), rng.randrange(1, 3)),
    lambda ws, rng: delete(ws, rows=(rng.randrange(1, ws.max_row + 1), rng.randrange(1, 4))),
    lambda ws, rng: delete(ws, cols=(rng.randrange(1, ws.max_column + 1), 1)),
    lambda ws, rng: ws.insert_rows(rng.randrange(1, ws.max_row + 2), rng.randrange(1, 3)),
    lambda ws, rng: ws.insert_cols(rng.randrange(1, ws.max_column + 2)),
    _set, _set, _set, _merge, _unmerge, _copy_row,
    lambda ws, rng: ws.delete_rows(1, ws.max_row),
]


def mutate_workbook(data: bytes, rng: random.Random) -> bytes:
    """1 to 5 random edits of a workbook's sheets (or a sheet added), saved again."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    for _ in range(rng.randrange(1, 6)):
        if rng.random() < 0.05:
            wb.create_sheet(rng.choice(["备注", "Sheet", "表"]), rng.randrange(len(wb.sheetnames) + 1))
            continue
        # openpyxl refuses some edits (control characters, a merge over a merge it lost track of): skipped
        with contextlib.suppress(Exception):
            rng.choice(_WORKBOOK_EDITS)(rng.choice(wb.worksheets), rng)
    buffer = io.BytesIO()
    try:
        wb.save(buffer)
    except Exception:  # an edit openpyxl accepted but cannot save: the next random edit instead
        return mutate_workbook(data, rng)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------- properties

def check_import(specs: list[Any], diags: list[Diagnostic], file: str, source: str = "") -> None:
    """What every import must give: diagnostics that render in both languages at a place in the input, no
    internal error, and specs whose canonical text reads back as the same spec."""
    for d in diags:
        assert not d.code.startswith("X"), d.message("en")
        assert d.span.file == file and d.span.line >= 1 and d.span.column >= 1, d
        for lang in ("zh", "en"):
            d.message(lang)
            d.hint(lang)
    render_text(diags, {file: source}, "en")
    for spec in specs:
        content, problem = _canonical(spec, file)
        if problem is not None:
            from perfdsl.syntax.parser import parse

            codes = sorted({d.code for d in parse(content, file)[1]})
            raise AssertionError(f"{spec.projects[0].name!r} does not read back ({', '.join(codes) or 'other AST'})")


def check_command(path: Path) -> None:
    """`perfdsl import PATH -o DIR` in this process: no exception; every file it says it wrote and no other;
    with some of the input not imported (exit 1) only the projects that imported, and none at all (the folder
    is not even made) when no project did."""
    from perfdsl.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = main(["--color", "never", "import", str(path), "-o", str(out)])
        assert code in (0, 1), (code, err.getvalue())
        written = sorted(os.listdir(out)) if out.exists() else []
        assert len(written) == err.getvalue().count("已写入："), (written, err.getvalue())
        assert written or code == 1, err.getvalue()
        assert ("没有写入任何文件" in err.getvalue()) == (not written), err.getvalue()
