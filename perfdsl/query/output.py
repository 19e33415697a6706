"""The result of a query as a terminal table, CSV, JSON or an Excel sheet.

Every cell that reaches a terminal goes through `diagnostics.shown` (a name may hold control characters);
JSON keeps exact decimals as strings, as `perfdsl score --format json` does; an Excel cell holding text is
a string cell, so text starting with `=` is never a formula.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any, Sequence

from ..diagnostics import display_width, shown


def cell(value: Any) -> str:
    """A value as text: no exponent for a decimal, trailing zeros of the DECIMAL type dropped."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def table(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    body = [[shown(n) for n in names], *([shown(cell(v)) for v in r] for r in rows)]
    widths = [max(display_width(r[i]) for r in body) for i in range(len(names))]
    lines = ["  ".join(c + " " * (w - display_width(c)) for c, w in zip(r, widths)).rstrip() for r in body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def to_csv(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([cell(v) for v in r] for r in rows)
    return out.getvalue()


def _json_value(value: Any) -> Any:
    return cell(value) if isinstance(value, Decimal) else value if value is None or isinstance(
        value, (bool, int, float, str)) else str(value)


def to_json(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    data = [{n: _json_value(v) for n, v in zip(names, r)} for r in rows]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def put_rows(ws: Any, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Fill an openpyxl sheet: a bold header row, then the rows; numbers as numbers, text as text."""
    from openpyxl.styles import Font

    ws.append(list(names))
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([_xlsx_value(v) for v in r])
        for c in ws[ws.max_row]:
            if isinstance(c.value, str):
                c.data_type = "s"  # never a formula, whatever the text starts with
                c.quotePrefix = c.value.startswith(("=", "+", "-", "@"))
    ws.freeze_panes = "A2"
    for i, n in enumerate(names, start=1):
        longest = max([display_width(n), *(display_width(cell(r[i - 1])) for r in rows[:200])])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, longest + 2)


def _xlsx_value(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, Decimal):  # Excel holds doubles; the exact text is what the other formats give
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: shown(m.group()), value)
    return value


def xlsx_bytes(names: Sequence[str], rows: Sequence[Sequence[Any]], title: str = "query") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    put_rows(ws, names, rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
