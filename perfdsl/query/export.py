"""`perfdsl export`: every table written by DuckDB's COPY, each file in one step.

DuckDB writes each table to a hidden temporary file in the output folder, which is then renamed over the
table's file: a reader, or a run cut short, never sees half a file, and an error leaves the older files as
they were."""

from __future__ import annotations

import os
import secrets
from typing import Any

from .database import QueryError
from .tables import TABLES

OPTIONS = {"parquet": "FORMAT parquet, COMPRESSION zstd", "csv": "FORMAT csv, HEADER true"}


def export(con: Any, folder: str, fmt: str) -> list[str]:
    """Write every table to `folder` (made if missing) as `<table>.<fmt>`; the paths written."""
    import duckdb

    os.makedirs(folder, exist_ok=True)
    written = []
    for name in TABLES:
        target = os.path.join(folder, f"{name}.{fmt}")
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            con.execute(f"COPY {name} TO '{_quoted(tmp)}' ({OPTIONS[fmt]})")
            os.replace(tmp, target)
        except duckdb.Error as e:
            raise QueryError(str(e).strip()) from None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        written.append(target)
    return written


def _quoted(path: str) -> str:
    return path.replace("'", "''")
