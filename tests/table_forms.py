"""What a printed table can say of a spec, for the tests that build a table and import it back."""

from __future__ import annotations

import dataclasses
from typing import Any

from perfdsl import ast
from perfdsl.syntax import vocab

# what a 监控表 or 自评表 adds to a spec: the target table has no place for it
LATER_STAGES = frozenset(
    {k.field for k in vocab.MONITOR_KEYS + vocab.ACTUAL_KEYS + vocab.CONCLUSION_KEYS}
    | {"finance_manager", "total_score", "as_of", "executed_to_date", "forecast_executed", "full_year", "executed"}
    | set(vocab.EXECUTION_SOURCE_WORDS.values()))


def the_target_table(value: Any) -> Any:
    """A spec as its target table holds it: without the monitoring and self-evaluation of the year."""
    if isinstance(value, tuple):
        return tuple(the_target_table(v) for v in value)
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    return dataclasses.replace(value, **{
        f.name: None if f.name in LATER_STAGES else the_target_table(getattr(value, f.name))
        for f in dataclasses.fields(value) if f.init})


def as_a_table_holds_it(value: Any) -> Any:
    """What a workbook can say of a node: no comments (a workbook has none), an empty prose section, 其中 or
    预算 block the same as none (an empty cell), names without spaces at their ends (a cell's edge spaces
    are stray ones, which import drops)."""
    if isinstance(value, tuple):
        return tuple(as_a_table_holds_it(v) for v in value)
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(value):
        v = getattr(value, f.name)
        if f.name in ("comments", "end_comments"):
            changes[f.name] = ()
        elif f.name in ("trailing", "end_trailing"):
            changes[f.name] = None
        elif f.name == "name" and isinstance(v, str):
            changes[f.name] = v.strip()
        else:
            v = as_a_table_holds_it(v)
            empty = (isinstance(v, ast.Text) and not v.paragraphs) or (isinstance(v, ast.Sources) and not v.items)
            changes[f.name] = None if empty else v
    out = dataclasses.replace(value, **changes)
    if isinstance(out, ast.Budget) and all(getattr(out, k) is None for k in
                                           ("total", "current", "prior", "prior_executed", "weight", "sources")):
        return None
    return out
