"""Randomly edited documents and workbooks never make `perfdsl import` raise or write part of its output: a
small, derandomised run of the campaign in tests/fuzz_import.py (which runs tens of thousands locally)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from perfdsl.importers.text import import_text
from tests.import_mutations import check_command, check_import, mutate_text, mutate_workbook, text_seeds, workbook_seeds

TEXTS = 300
WORKBOOKS = 40
COMMAND_EVERY = 10


def test_edited_documents(tmp_path: Path) -> None:
    texts = text_seeds()
    for i in range(TEXTS):
        rng = random.Random(f"ci-text-{i}")
        text = mutate_text(rng.choice(texts), rng)
        specs, diags = import_text(text, "fuzz.txt", strict=i % 4 == 0)
        check_import(specs, diags, "fuzz.txt", text)
        if i % COMMAND_EVERY == 0:
            path = tmp_path / "fuzz.txt"
            path.write_text(text, encoding="utf-8")
            check_command(path)


def test_edited_workbooks(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl", reason="the xlsx extra: pip install '.[test]'")
    from perfdsl.importers.xlsx import import_workbook

    books = workbook_seeds()
    for i in range(WORKBOOKS):
        rng = random.Random(f"ci-xlsx-{i}")
        data = mutate_workbook(rng.choice(books), rng)
        specs, diags = import_workbook(data, "fuzz.xlsx", strict=i % 4 == 0)
        check_import(specs, diags, "fuzz.xlsx")
        if i % COMMAND_EVERY == 0:
            path = tmp_path / "fuzz.xlsx"
            path.write_bytes(data)
            check_command(path)
