"""The named queries `perfdsl query --list` shows: one `.sql` file each, its first line a `--` comment
saying what it answers. They are the worked examples of docs/query.md, and tests/query holds their output."""

from __future__ import annotations

from importlib.resources import files


def named() -> dict[str, str]:
    """Each named query and its one-line summary, by name."""
    out = {}
    for entry in sorted(files(__package__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".sql"):
            first = entry.read_text(encoding="utf-8").splitlines()[0]
            out[entry.name[:-4]] = first.removeprefix("--").strip()
    return out


def named_sql(name: str) -> str | None:
    """The SQL of a named query, None when there is none by that name."""
    if name not in named():
        return None
    return files(__package__).joinpath(name + ".sql").read_text(encoding="utf-8")
