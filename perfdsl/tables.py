"""The LALR tables of grammar/perfdsl.lark, in a plain form the parser's own driver runs.

Lark builds the tables from the grammar; perfdsl/grammar-tables.json keeps them, with the hash of the
grammar they were built from, so that parsing never needs to import Lark (a third of a one-file
`perfdsl check`). Should the grammar change, the tables are rebuilt with Lark on the spot, and a test fails
until `python -m perfdsl.tables` writes the file anew.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, NamedTuple

from .resources import grammar_path

TABLES_FILE = Path(__file__).with_name("grammar-tables.json")


class Rule(NamedTuple):
    origin: str
    """The nonterminal the rule reduces to."""
    size: int
    splice: tuple[bool, ...]
    """Per symbol of the expansion: an inlined rule (`_items`, Lark's `__x_star`), whose children are spliced
    into this rule's, as in Lark's trees."""


class Tables(NamedTuple):
    start: int
    end: int
    rules: tuple[Rule, ...]
    states: dict[int, dict[str, tuple[str, int]]]
    """Per state, per symbol: ("shift", next state) or ("reduce", rule index); a missing symbol is an error."""


def from_lark(parser: Any) -> dict[str, Any]:
    """The tables of a Lark LALR parser as JSON data, states numbered in a canonical order (Lark's own
    numbering changes from run to run with Python's hash seed; the file must not)."""
    table = parser.parser.parser.parser.parse_table
    rules = list(parser.rules)
    index = {rule: i for i, rule in enumerate(rules)}
    start, end = table.start_states["start"], table.end_states["start"]
    order: dict[int, int] = {}
    queue = [start]
    while queue:  # breadth first from the start state, symbols in sorted order
        state = queue.pop(0)
        if state in order:
            continue
        order[state] = len(order)
        queue += [arg for _, (action, arg) in sorted(table.states[state].items()) if action.name == "Shift"]
    for state in sorted(table.states):
        order.setdefault(state, len(order))
    return {
        "start": order[start],
        "end": order[end],
        "rules": [[r.origin.name, len(r.expansion),
                   [not s.is_term and s.name.startswith("_") for s in r.expansion]] for r in rules],
        "states": {str(order[state]): {sym: ["shift", order[arg]] if action.name == "Shift"
                                       else ["reduce", index[arg]]
                                       for sym, (action, arg) in sorted(row.items())}
                   for state, row in sorted(table.states.items(), key=lambda item: order[item[0]])},
    }


def _digest(grammar: bytes) -> str:
    return hashlib.sha256(grammar).hexdigest()


def _build(grammar: bytes) -> dict[str, Any]:
    from .larkparser import lark_parser

    return {"grammar_sha256": _digest(grammar), **from_lark(lark_parser())}


def _tables(data: dict[str, Any]) -> Tables:
    return Tables(start=data["start"], end=data["end"],
                  rules=tuple(Rule(origin, size, tuple(splice)) for origin, size, splice in data["rules"]),
                  states={int(state): {sym: (action, arg) for sym, (action, arg) in row.items()}
                          for state, row in data["states"].items()})


def load() -> Tables:
    """The tables of the installed grammar: the saved ones if they were built from it, else built now."""
    grammar = grammar_path().read_bytes()
    try:
        data = json.loads(TABLES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if data is None or data.get("grammar_sha256") != _digest(grammar):
        data = _build(grammar)
    return _tables(data)


def render() -> str:
    """The content of grammar-tables.json for the current grammar: a rule or a state per line."""
    data = _build(grammar_path().read_bytes())
    rows = [f' "grammar_sha256": {json.dumps(data["grammar_sha256"])},', f' "start": {data["start"]},',
            f' "end": {data["end"]},', ' "rules": [']
    rows += [f"  {json.dumps(rule)}," for rule in data["rules"]]
    rows[-1] = rows[-1].rstrip(",")
    rows += [" ],", ' "states": {']
    rows += [f"  {json.dumps(state)}: {json.dumps(row)}," for state, row in data["states"].items()]
    rows[-1] = rows[-1].rstrip(",")
    return "{\n" + "\n".join(rows) + "\n }\n}\n"


if __name__ == "__main__":
    TABLES_FILE.write_text(render(), encoding="utf-8")
    print(f"wrote {TABLES_FILE}")
