"""The long fuzzing campaign, for local use (not collected by pytest, not run in CI).

    nice -n 19 python tests/fuzz_long.py --examples 10000 --seed 1            # every entry point
    nice -n 19 python tests/fuzz_long.py --examples 200 --seed 1 --only diff  # one (or a,b,c)

Each entry point gets its own stream of inputs: `load` (and `parse`), `check` (default configuration and each
builtin framework), `render` (text, html, md and json of every project), `render-xlsx`, `fmt`, `diff` (every
output format, coloured text too), `import-text`, `import-xlsx` (edited workbooks of the xlsx backend) and `lsp`
(the language server's handlers called directly). Inputs are seed specs from specs/ and tests/ mutated line by
line and character by character (controls, NUL, bidi marks, full-width forms, astral characters, truncation),
specs with the language's structure and hostile content (tests/strategies.py), generated ASTs and random bytes.

A failure is an exception that is not the entry point's documented usage error (`LoadError` from `load`), an
input that runs longer than `--limit` seconds, or a broken invariant (a `fmt` result that does not read back, a
control character in text output, a position outside the document...). Failures are grouped by cause: the
step, the exception type and the line of perfdsl that raised it. The smallest input of each group is then
minimised by deleting lines, then characters, while it still fails the same way, and every entry point's
groups go to REPORT_DIR/fuzz-report-<entry>.txt (default /tmp) with a Python line that replays the reproducer
from the repository root. Generation is seeded: the same seed on the same code gives the same inputs, input i
of an entry point being `ENTRIES[entry].inputs(random.Random(...))` of the i-th number the seed draws. Each
input may use `--memory-gb` of address space (past it, MemoryError is a failure like any other).

`--replay REPORT...` runs the reproducers of earlier reports again and says which still fail. tests/
test_hardening.py runs every entry point here on a few derandomized inputs in CI.
"""

from __future__ import annotations

import dataclasses
import argparse
import atexit
import io
import json
import math
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import seed as reproducible  # noqa: E402

import perfdsl  # noqa: E402
from perfdsl import ast  # noqa: E402
from perfdsl.diagnostics import Severity, render_text, sort_key  # noqa: E402
from tests import strategies as gen  # noqa: E402

PRODUCT = ROOT / "perfdsl"
FILE = "fuzz.perf"

# ------------------------------------------------------------------------------------------------ failures


class Broken(AssertionError):
    """An invariant that does not hold; the message names the invariant (it is the group), `detail` the case."""

    def __init__(self, invariant: str, detail: str = "") -> None:
        super().__init__(invariant)
        self.detail = detail


class Hang(BaseException):
    """The input ran longer than the time limit (a BaseException, so that no `except Exception` in perfdsl
    swallows it and runs on without a limit)."""


def expect(condition: object, invariant: str, detail: object = "") -> None:
    if not condition:
        raise Broken(invariant, str(detail)[:2000])


STEPS: Counter[str] = Counter()
_step = ["?"]


def step(name: str) -> None:
    """Name what runs now: failures are grouped by it, and the report counts how often each step ran."""
    _step[0] = name
    STEPS[name] += 1


def _where(frame: traceback.FrameSummary, line: bool = True) -> str:
    path = Path(frame.filename)
    shown = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else "/".join(path.parts[-2:])
    return f"{shown}:{frame.lineno} ({frame.name})" if line else f"{shown} ({frame.name})"


def cause(exc: BaseException) -> str:
    """The group of a failure: the step, and what broke (the invariant, or the exception type and the line of
    perfdsl that raised it; for a hang, the perfdsl function it was in, since the line varies)."""
    if isinstance(exc, Broken):
        return f"{_step[0]}: broken: {exc.args[0]}"
    frames = traceback.extract_tb(exc.__traceback__)
    if isinstance(exc, AssertionError) and frames:  # a plain assert of a shared property (tests/test_hardening)
        return f"{_step[0]}: broken: assertion at {_where(frames[-1])}"
    own = [f for f in frames if Path(f.filename).is_relative_to(PRODUCT)]
    where = _where(own[-1], not isinstance(exc, Hang)) if own else _where(frames[-1]) if frames else "?"
    return f"{_step[0]}: {type(exc).__name__} in {where}"


def _alarm(signum: int, frame: Any) -> None:
    raise Hang("ran longer than the time limit")


LIMIT = [20.0]


def attempt(run: Callable[..., None], parts: tuple[Any, ...]) -> tuple[str, BaseException] | None:
    """Run one input; its failure's group and exception, or None."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, LIMIT[0])
    try:
        run(*parts)
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # noqa: BLE001 (SystemExit and MemoryError are failures too)
        signal.setitimer(signal.ITIMER_REAL, 0)
        return cause(e), e
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return None


# ------------------------------------------------------------------------------------------------- shrinking


def _ddmin(items: list[Any], fails: Callable[[list[Any]], bool], expired: Callable[[], bool]) -> list[Any]:
    """Delta debugging: remove ever smaller chunks of `items` while the rest still fails."""
    n = 2
    while len(items) >= 2 and not expired():  # each round copies the list per chunk: stop on time, not on n
        size = math.ceil(len(items) / n)
        for start in range(0, len(items), size):
            if expired():
                return items
            rest = items[:start] + items[start + size:]
            if fails(rest):
                items, n = rest, max(n - 1, 2)
                break
        else:
            if n >= len(items):
                break
            n = min(len(items), n * 2)
    if len(items) == 1 and not expired() and fails([]):
        return []
    return items


Cut = tuple[Callable[[Any], list[Any]], Callable[[list[Any]], Any]]
_CUTS: dict[type, list[Cut]] = {
    list: [(list, list)],
    str: [(lambda v: v.split("\n"), "\n".join), (list, "".join)],
    bytes: [(lambda v: v.split(b"\n"), b"\n".join), (lambda v: [bytes([b]) for b in v], b"".join)],
}
"""How a part of an input can be cut, coarsest first: lists by item, text and bytes by lines, then characters."""


def shrink(run: Callable[..., None], parts: tuple[Any, ...], group: str, seconds: float) -> tuple[Any, ...]:
    deadline = time.monotonic() + seconds
    current = list(parts)

    def expired() -> bool:
        return time.monotonic() > deadline

    def fails(candidate: list[Any]) -> bool:
        found = attempt(run, tuple(candidate))
        return found is not None and found[0] == group

    progress = True
    while progress and not expired():
        progress = False
        for level in range(2):  # every part at the coarse level before any at the fine one
            for i in range(len(current)):
                cuts = _CUTS.get(type(current[i]), [])
                if level >= len(cuts):
                    continue
                cut, join = cuts[level]
                kept = _ddmin(cut(current[i]), lambda units: fails([*current[:i], join(units), *current[i + 1:]]),
                              expired)
                if join(kept) != current[i]:
                    current[i], progress = join(kept), True
    return tuple(current)


# -------------------------------------------------------------------------------------------------- inputs


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


PERF_SEEDS = [t for d in ("specs", "tests") for p in sorted((ROOT / d).rglob("*.perf")) if (t := _read(p)) is not None]
_TXT = [*sorted((ROOT / "tests" / "data").glob("*.txt")), *sorted((ROOT / "tests" / "import").glob("*.txt"))]


def loaded(text: str) -> ast.Spec | None:
    try:
        return perfdsl.load(text if "\n" in text else text + "\n", name=FILE)
    except perfdsl.LoadError:
        return None


@lru_cache(maxsize=None)
def text_layouts() -> list[str]:
    """The official text layout as the text backend writes it, for every project of the seed specs."""
    out = []
    for text in PERF_SEEDS:
        spec = loaded(text)
        if spec is not None:
            out += [perfdsl.render(spec, "text", project.name) for project in spec.projects]
    return out


def _printed(spec: ast.Spec) -> str:
    from perfdsl.syntax.fmt import format_spec

    try:
        return format_spec(spec)
    except Exception:  # noqa: BLE001 (a printer bug on a generated AST is test_fmt's to report; here it is a seed)
        return ""


@lru_cache(maxsize=None)
def printed_asts() -> list[str]:
    """Specs printed from generated ASTs (tests/strategies.py): a pool drawn once, since Hypothesis draws
    an AST in tens of milliseconds."""
    pool: list[str] = []

    @settings(max_examples=200, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(gen.specs())
    def collect(spec: ast.Spec) -> None:
        pool.append(_printed(spec))

    reproducible(0)(collect)()
    return pool


def random_text(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.randbytes(rng.randint(0, 2000)).decode("utf-8", "replace")
    return "".join(gen.abuse_char(rng) for _ in range(rng.randint(0, 300)))


def source(rng: random.Random) -> str:
    """A `.perf` text: a seed (mutated or not), a hostile spec (mutated or not), a printed AST, random text."""
    roll = rng.random()
    if roll < 0.25:
        return gen.mutate(rng.choice(PERF_SEEDS), rng)
    if roll < 0.32:
        return rng.choice(PERF_SEEDS)
    if roll < 0.62:
        return gen.abusive_spec(rng)
    if roll < 0.72:
        return gen.mutate(gen.abusive_spec(rng), rng)
    if roll < 0.87:
        text = rng.choice(printed_asts())
        return gen.mutate(text, rng) if rng.random() < 0.3 else text
    return random_text(rng)


def spec_source(rng: random.Random) -> str:
    """A `.perf` text more likely to load (for the entry points that need a spec): half from `source`, half a
    seed or a printed AST retouched (structure kept), or a hostile spec."""
    roll = rng.random()
    if roll < 0.5:
        return source(rng)
    if roll < 0.7:
        return gen.retouch(rng.choice(PERF_SEEDS), rng)
    if roll < 0.85:
        return gen.retouch(rng.choice(printed_asts()), rng)
    return gen.abusive_spec(rng)


def _lines_ok(text: str, diags: list[Any]) -> None:
    """Every diagnostic points inside its file and can be said in both languages."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for d in diags:
        for span in (d.span, *(r.span for r in d.related)):
            expect(1 <= span.line <= len(lines), "diagnostic line outside the file", (d.code, span))
            expect(span.end_line >= span.line, "diagnostic ends before it starts", (d.code, span))
        expect(1 <= d.span.column <= len(lines[d.span.line - 1]) + 2, "diagnostic column outside its line",
               (d.code, d.span))
        for lang in ("zh", "en"):
            d.message(lang), d.hint(lang)
    for lang in ("zh", "en"):
        render_text(diags, {d.span.file: text for d in diags}, lang, color=lang == "en")


# ----------------------------------------------------------------------------------------------- load, check

NAMES = [FILE, FILE, FILE, "<input>", "", "名 称.perf", "a\x00b.perf", "../../x.perf", "x" * 300 + ".perf", "\u202ecod.perf"]
ENCODINGS = [None, None, None, "utf-8", "gb18030", "latin-1", "utf-16", "no-such-encoding"]


def run_load(source: str | bytes, option: str | None) -> None:
    """`perfdsl.load` of text (with a file name), or of a file of bytes (with an encoding); `perfdsl.parse`."""
    if isinstance(source, bytes):
        with tempfile.NamedTemporaryFile(suffix=".perf", delete=False) as f:
            f.write(source)
        try:
            step("load file")
            try:
                perfdsl.load(Path(f.name), encoding=option)
            except perfdsl.LoadError as e:
                expect(e.diagnostics and str(e), "LoadError without a diagnostic")
        finally:
            os.unlink(f.name)
        return
    text = source if "\n" in source else source + "\n"  # a one-line string is a path to `load`
    step("load")
    try:
        perfdsl.load(text, name=option)
        failed = False
    except perfdsl.LoadError as e:
        expect(e.diagnostics and str(e), "LoadError without a diagnostic")
        failed = True
    step("parse")
    spec, diags = perfdsl.parse(text, option or "<input>")
    _lines_ok(text, diags)
    expect(failed == any(d.severity is Severity.error for d in diags), "load raises iff parse finds an error")


def load_inputs(rng: random.Random) -> tuple[Any, ...]:
    if rng.random() < 0.2:
        data = rng.randbytes(rng.randint(0, 3000)) if rng.random() < 0.5 else source(rng).encode()
        return data, rng.choice(ENCODINGS)
    return source(rng), rng.choice(NAMES)


@lru_cache(maxsize=None)
def configs() -> dict[str, Path]:
    """A perfdsl.toml with the defaults, and one naming each builtin framework, each in its own folder."""
    from perfdsl.frameworks import builtin_names

    top, out = Path(tempfile.mkdtemp(prefix="perfdsl-fuzz-")), {}
    atexit.register(shutil.rmtree, top, True)
    for name in ["default", *builtin_names()]:
        (top / name).mkdir()
        (top / name / "perfdsl.toml").write_text("" if name == "default" else f'framework = "{name}"\n',
                                                 encoding="utf-8")
        out[name] = top / name / "perfdsl.toml"
    return out


def _checked(text: str, spec: ast.Spec, config: Path | None, name: str) -> None:
    step(name)
    found = perfdsl.check(spec, config=config)
    expect(found == sorted(found, key=sort_key), "check results are not sorted by position")
    _lines_ok(text, found)


def run_check(text: str) -> None:
    """`perfdsl.check` under the default configuration and each builtin framework; a spec that does not load
    is checked as `perfdsl.parse` recovered it (the API allows it)."""
    spec = loaded(text)
    if spec is None:
        spec, _ = perfdsl.parse(text, FILE)
        _checked(text, spec, configs()["default"], "check recovered spec")
        return
    for name, config in configs().items():
        _checked(text, spec, config, f"check {name}")


# -------------------------------------------------------------------------------------------------- render

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _some_projects(spec: ast.Spec) -> list[str]:
    return list(dict.fromkeys(p.name for p in spec.projects))[:3]


def _spec_of(text: str) -> tuple[ast.Spec, str]:
    spec = loaded(text)
    if spec is not None:
        return spec, ""
    return perfdsl.parse(text, FILE)[0], " (recovered spec)"


def run_render(text: str) -> None:
    """`perfdsl.render` of each project in text, html, md and json."""
    spec, how = _spec_of(text)
    for name in _some_projects(spec):
        for fmt in ("text", "html", "md", "json"):
            step(f"render {fmt}{how}")
            out = perfdsl.render(spec, fmt, name)  # type: ignore[arg-type]
            expect(isinstance(out, str) and out, "render gives no document")
            if fmt in ("text", "md"):
                expect(not _CONTROL.search(out), f"control character in {fmt} output", _CONTROL.findall(out))
            if fmt == "json":
                json.loads(out)


def run_render_xlsx(text: str) -> None:
    """The xlsx backend's workbook of the spec, which openpyxl must read back."""
    from openpyxl import load_workbook

    from perfdsl.backends.xlsx import workbook

    spec, how = _spec_of(text)
    step(f"render xlsx{how}")
    data = workbook(spec)
    step("openpyxl reads the workbook")
    load_workbook(io.BytesIO(data))


# ----------------------------------------------------------------------------------------------------- fmt

WIDTHS = [80, 80, 80, 20, 40, 120, 1000]


def run_fmt(text: str, width: int) -> None:
    """`format_source`: a result that parses to the same AST and formats to itself, or an error diagnostic."""
    from perfdsl.syntax.fmt import comment_texts, format_source

    step("fmt")
    out, diags = format_source(text, FILE, width)
    _lines_ok(text, diags)
    expect("X002" not in {d.code for d in diags}, "fmt refused its own result (X002)")
    if out is None:
        expect(any(d.severity is Severity.error for d in diags), "fmt gave no result and no error")
        return
    step("fmt result")
    before, _ = perfdsl.parse(text, FILE)
    after, again = perfdsl.parse(out, FILE)
    expect(not any(d.severity is Severity.error for d in again), "fmt result does not parse", again[:1])
    expect(ast.same(before, after), "fmt result parses to another AST")
    expect(comment_texts(before) == comment_texts(after), "fmt lost or added a comment")
    expect(format_source(out, FILE, width)[0] == out, "fmt is not idempotent")
    if width == 80:
        spec = loaded(text)
        expect(spec is None or perfdsl.render(spec, "perf") == out, "render(spec, 'perf') differs from fmt")


# ---------------------------------------------------------------------------------------------------- diff

DIFF_FORMATS = [("text", False), ("text", True), ("markdown", False), ("json", False), ("html", False)]


def run_diff(old_text: str, new_text: str, options: tuple[str, bool, bool]) -> None:
    """`perfdsl.diff` of two versions, printed in every format (text with and without colour)."""
    from perfdsl.diffing.render import render

    lang, stat, as_lists = options
    old, how = _spec_of(old_text)
    new, how_new = _spec_of(new_text)
    how = how or how_new
    step(f"diff{how}")
    changes = perfdsl.diff([old] if as_lists else old, [new] if as_lists else new)
    for fmt, color in DIFF_FORMATS:
        step(f"diff render {fmt}{' colour' if color else ''}{how}")
        out = render(changes, fmt, lang, color=color, stat=stat)
        if fmt == "json":
            json.loads(out)
        if fmt == "text":
            expect(not _CONTROL.search(_ANSI.sub("", out)), "control character in diff text output")
    if not how:
        step("diff with itself")
        same = perfdsl.diff(old, old)
        expect(not same.projects, "a spec differs from itself", [type(p).__name__ for p in same.projects])


def diff_inputs(rng: random.Random) -> tuple[Any, ...]:
    old, roll = spec_source(rng), rng.random()
    new = gen.retouch(old, rng) if roll < 0.6 else gen.mutate(old, rng) if roll < 0.8 else spec_source(rng)
    return old, new, (rng.choice(["zh", "en"]), rng.random() < 0.5, rng.random() < 0.3)


# -------------------------------------------------------------------------------------------------- import


def _read_back(specs: list[ast.Spec], diags: list[Any], text: str, file: str) -> None:
    """What `perfdsl import` does with the tables: print each, parse it back, say the diagnostics."""
    from perfdsl.syntax.fmt import format_spec

    for spec in specs:
        step("print imported table")
        content = format_spec(spec)
        again, again_diags = perfdsl.parse(content, file)
        # the command refuses such a table (X003); the group says why it does not read back
        expect(not again_diags, f"imported table reads back with {again_diags[0].code if again_diags else ''} (X003)",
               again_diags[:1])
        expect(ast.same(dataclasses.replace(spec, file=file), again), "imported table reads back as another (X003)")
    step("say import diagnostics")
    for lang in ("zh", "en"):
        render_text(diags, {file: text}, lang)


def run_import_text(data: bytes, strict: bool, encoding: str | None) -> None:
    """`perfdsl import` of a document in the official text layout."""
    from perfdsl.importers.text import decode_document, import_text

    step("import decode")
    text, diags = decode_document(data, "fuzz.txt", encoding)
    if text is None:
        expect(diags, "undecodable document without a diagnostic")
        return
    step("import text")
    specs, found = import_text(text, "fuzz.txt", strict)
    _lines_ok(text, found)
    _read_back(specs, [*diags, *found], text, "fuzz.txt")


@lru_cache(maxsize=None)
def layouts() -> list[str]:
    """Documents in the official text layout: the seed documents of tests/, and text-backend outputs."""
    return [t for p in _TXT if (t := _read(p)) is not None] + text_layouts()


def import_text_inputs(rng: random.Random) -> tuple[Any, ...]:
    roll = rng.random()
    if roll < 0.1:
        data = rng.randbytes(rng.randint(0, 3000))
    else:
        text = rng.choice(layouts())
        text = text if roll < 0.25 else gen.mutate(text, rng)
        data = text.encode("gb18030" if roll < 0.3 else "utf-8", "replace")
    return data, rng.random() < 0.5, rng.choice([None, None, None, None, "utf-8", "gb18030", "ascii"])


_WORKBOOKS: dict[str, bytes | None] = {}
_SEED_SET = set(PERF_SEEDS)


def _workbook_of(text: str) -> bytes | None:
    """The xlsx backend's workbook of a spec (kept for the seeds, which come again and again)."""
    from perfdsl.backends.xlsx import workbook

    if text in _WORKBOOKS:
        return _WORKBOOKS[text]
    spec = loaded(text)
    data = workbook(spec) if spec is not None and spec.projects else None
    if text in _SEED_SET:
        _WORKBOOKS[text] = data
    return data


def _apply(wb: Any, edit: tuple[Any, ...]) -> None:
    op, sheet_at, a, b, value = edit
    if not wb.worksheets:
        return
    ws = wb.worksheets[sheet_at % len(wb.worksheets)]
    row, col = a % (ws.max_row + 3) + 1, b % (ws.max_column + 2) + 1
    if op == "set":
        ws.cell(row=row, column=col).value = value
    elif op == "insert_rows":
        ws.insert_rows(row, b % 4 + 1)
    elif op == "delete_rows":
        ws.delete_rows(row, b % 4 + 1)
    elif op == "insert_cols":
        ws.insert_cols(col)
    elif op == "delete_cols":
        ws.delete_cols(col)
    elif op == "unmerge" and ws.merged_cells.ranges:
        ws.unmerge_cells(str(list(ws.merged_cells.ranges)[a % len(ws.merged_cells.ranges)]))
    elif op == "merge":
        ws.merge_cells(start_row=row, start_column=col, end_row=row + b % 3, end_column=col + a % 3)
    elif op == "move":
        ws.move_range(f"A{row}:{ws.cell(row=row, column=col).column_letter}{row}", rows=b % 5 - 2)
    elif op == "title":
        ws.title = str(value)[:31]
    elif op == "add_sheet":
        wb.create_sheet(str(value)[:31] or "x").cell(row=row, column=col).value = value
    elif op == "remove_sheet":
        wb.remove(ws)


def _zipped(data: bytes, edit: tuple[Any, ...]) -> bytes:
    """A damaged file: truncated, a byte changed, or an archive member dropped or garbled."""
    import zipfile

    op, a, b = edit
    if op == "truncate":
        return data[: a % (len(data) + 1)]
    if op == "flip" and data:
        at = a % len(data)
        return data[:at] + bytes([b % 256]) + data[at + 1:]
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
            members = src.namelist()
            victim = members[a % len(members)] if members else ""
            for name in members:
                content = src.read(name)
                if name == victim and op == "drop":
                    continue
                if name == victim:  # garble: cut the XML in the middle
                    content = content[: b % (len(content) + 1)]
                dst.writestr(name, content)
    except Exception:  # noqa: BLE001 (a flipped byte may have broken the archive already: keep it as it is)
        return data
    return out.getvalue()


def run_import_xlsx(text: str, edits: list[tuple[Any, ...]], strict: bool) -> None:
    """`perfdsl import` of a workbook the xlsx backend wrote, edited as a person (or a broken tool) might."""
    from openpyxl import load_workbook

    from perfdsl.importers.xlsx import import_workbook

    step("xlsx backend workbook")
    try:
        base = _workbook_of(text) or _workbook_of(PERF_SEEDS[0])
    except Exception:  # noqa: BLE001 (the backend failing is render-xlsx's finding; import a seed's workbook)
        base = _workbook_of(PERF_SEEDS[0])
    assert base is not None
    data = base
    cell_edits = [e for e in edits if len(e) == 5]
    if cell_edits:
        step("edit workbook")
        wb = load_workbook(io.BytesIO(base))
        for e in cell_edits:
            try:
                _apply(wb, e)
            except Exception:  # noqa: BLE001 (an edit openpyxl refuses, such as a control character, is no case)
                pass
        buffer = io.BytesIO()
        try:
            wb.save(buffer)
        except Exception:  # noqa: BLE001 (openpyxl cannot write what the edits made: no workbook, no case)
            return
        data = buffer.getvalue()
    for e in edits:
        if len(e) == 3:
            data = _zipped(data, e)
    step("import xlsx")
    specs, diags = import_workbook(data, "fuzz.xlsx", strict)
    for d in diags:
        for lang in ("zh", "en"):
            d.message(lang), d.hint(lang)
    _read_back(specs, diags, "", "fuzz.xlsx")


def _cell_value(rng: random.Random) -> Any:
    import datetime

    return rng.choice([
        lambda: gen.abuse_word(rng), lambda: gen.abuse_number(rng), lambda: gen.abuse_target(rng), lambda: None,
        lambda: rng.random() < 0.5, lambda: rng.randint(-10**20, 10**20),
        lambda: rng.choice([0.1, -0.0, 1e308, 5e-324, math.inf, -math.inf, math.nan, rng.uniform(-1e9, 1e9)]),
        lambda: datetime.datetime(rng.randint(1900, 9999), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23)),
        lambda: datetime.date(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28)),
        lambda: rng.choice(["=1/0", "=SUM(A1:A3)", "#N/A", "#DIV/0!", "", " ", "\n", "是", "否", "正向", "反向"]),
    ])()


_CELL_OPS = ["set"] * 8 + ["insert_rows", "delete_rows", "insert_cols", "delete_cols", "unmerge", "unmerge", "merge",
                           "move", "title", "add_sheet", "remove_sheet"]


def import_xlsx_inputs(rng: random.Random) -> tuple[Any, ...]:
    text = rng.choice(PERF_SEEDS) if rng.random() < 0.7 else gen.abusive_spec(rng)
    edits: list[tuple[Any, ...]] = []
    for _ in range(rng.randint(0, 8)):
        if rng.random() < 0.15:
            edits.append((rng.choice(["truncate", "flip", "drop", "garble"]), rng.randrange(10**6),
                          rng.randrange(10**6)))
        else:
            edits.append((rng.choice(_CELL_OPS), rng.randrange(4), rng.randrange(60), rng.randrange(60),
                          _cell_value(rng)))
    return text, edits, rng.random() < 0.5


# ----------------------------------------------------------------------------------------------------- lsp

_SERVER: list[Any] = []


def _units(text: str, encoding: str) -> int:
    return {"utf-8": len(text.encode("utf-8")), "utf-32": len(text)}.get(encoding, len(text.encode("utf-16-le")) // 2)


def _doc_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _inside(lines: list[str], encoding: str, r: Any, what: str) -> None:
    for p in (r.start, r.end):
        expect(0 <= p.line < len(lines), f"{what}: line outside the document", p)
        expect(0 <= p.character <= _units(lines[p.line], encoding), f"{what}: character past the line end", p)
    expect((r.start.line, r.start.character) <= (r.end.line, r.end.character), f"{what}: range ends before start")


def run_lsp(text: str, requests: list[tuple[str, int, int]], encoding: str, folder: str) -> None:
    """The language server's handlers, called as pygls calls them, on one document: open (diagnostics),
    formatting, document symbols, completion and hover at the given positions, save, close."""
    from lsprotocol import types as lsp
    from pygls.uris import from_fs_path
    from pygls.workspace import Workspace

    from perfdsl.editor.lsp import make_server

    server = make_server("zh")
    published: list[Any] = []
    server.text_document_publish_diagnostics = published.append  # type: ignore[method-assign,assignment]
    kind = {"utf-8": lsp.PositionEncodingKind.Utf8, "utf-32": lsp.PositionEncodingKind.Utf32}.get(
        encoding, lsp.PositionEncodingKind.Utf16)
    server.protocol._workspace = Workspace(None, lsp.TextDocumentSyncKind.Full, position_encoding=kind)
    uri = "untitled:Untitled-1" if folder == "untitled" else from_fs_path(str(configs()[folder].parent / FILE))
    server.workspace.put_text_document(lsp.TextDocumentItem(uri=uri, language_id="perfdsl", version=1, text=text))
    features = server.protocol.fm.features
    doc = lsp.TextDocumentIdentifier(uri=uri)
    lines = _doc_lines(text)
    unstructure = server.protocol._converter.unstructure

    def sent(value: Any) -> Any:
        json.dumps(unstructure(value))  # what goes over the wire
        return value

    step("lsp open (diagnostics)")
    features[lsp.TEXT_DOCUMENT_DID_OPEN](lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="perfdsl", version=1, text=text)))
    expect(len(published) == 1, "open publishes diagnostics once")
    found = server.found.get(uri, [])
    shown = sent(published[0]).diagnostics
    for d in shown:
        _inside(lines, encoding, d.range, "diagnostic")
    for d, ours in zip([s for s in shown if s.code is not None], found):
        index = min(max(ours.span.line - 1, 0), len(lines) - 1)
        wanted = _units(lines[index][: max(ours.span.column - 1, 0)], encoding)
        expect(d.range.start.character == wanted, f"diagnostic start not counted in {encoding} units",
               (ours.code, ours.span, d.range.start))
    step("lsp formatting")
    for edit in sent(features[lsp.TEXT_DOCUMENT_FORMATTING](lsp.DocumentFormattingParams(
            text_document=doc, options=lsp.FormattingOptions(tab_size=2, insert_spaces=True)))):
        _inside(lines, encoding, edit.range, "formatting edit")
    step("lsp document symbols")
    todo = list(sent(features[lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL](lsp.DocumentSymbolParams(text_document=doc))))
    while todo:
        symbol = todo.pop()
        _inside(lines, encoding, symbol.range, "symbol")
        _inside(lines, encoding, symbol.selection_range, "symbol selection")
        todo += symbol.children or []
    for what, line, character in requests:
        pos = lsp.Position(line=line % (len(lines) + 1), character=character % (_units(lines[line % len(lines)],
                                                                                           encoding) + 2))
        if what == "completion":
            step("lsp completion")
            result = sent(features[lsp.TEXT_DOCUMENT_COMPLETION](lsp.CompletionParams(text_document=doc, position=pos)))
            for item in result.items:
                r = item.text_edit.range
                expect(r.start.line == r.end.line == pos.line and r.start.character <= r.end.character,
                       "completion edit is not a range before the cursor", (r, pos))
        else:
            step("lsp hover")
            sent(features[lsp.TEXT_DOCUMENT_HOVER](lsp.HoverParams(text_document=doc, position=pos)))
    step("lsp save, close")
    features[lsp.TEXT_DOCUMENT_DID_SAVE](lsp.DidSaveTextDocumentParams(text_document=doc))
    features[lsp.TEXT_DOCUMENT_DID_CLOSE](lsp.DidCloseTextDocumentParams(text_document=doc))
    for params in published:
        sent(params)


def lsp_inputs(rng: random.Random) -> tuple[Any, ...]:
    text = spec_source(rng)
    lines = _doc_lines(text)
    requests = []
    for _ in range(rng.randint(1, 6)):
        line = rng.randrange(len(lines)) if rng.random() < 0.9 else rng.randrange(10**4)
        requests.append((rng.choice(["completion", "hover"]), line, rng.randrange(200)))
    return text, requests, rng.choice(["utf-16", "utf-16", "utf-8", "utf-32"]), rng.choice([*configs(), "untitled"])


# ------------------------------------------------------------------------------------------------- campaign


@dataclass
class Entry:
    run: Callable[..., None]
    inputs: Callable[[random.Random], tuple[Any, ...]]
    """One input: the arguments of `run`."""


ENTRIES: dict[str, Entry] = {
    "load": Entry(run_load, load_inputs),
    "check": Entry(run_check, lambda rng: (spec_source(rng),)),
    "render": Entry(run_render, lambda rng: (spec_source(rng),)),
    "render-xlsx": Entry(run_render_xlsx, lambda rng: (spec_source(rng),)),
    "fmt": Entry(run_fmt, lambda rng: (spec_source(rng), rng.choice(WIDTHS))),
    "diff": Entry(run_diff, diff_inputs),
    "import-text": Entry(run_import_text, import_text_inputs),
    "import-xlsx": Entry(run_import_xlsx, import_xlsx_inputs),
    "lsp": Entry(run_lsp, lsp_inputs),
}


@dataclass
class Group:
    count: int
    error: BaseException
    parts: tuple[Any, ...]
    size: int
    shrunk: tuple[Any, ...] | None = None


@dataclass
class Outcome:
    revision: str = ""
    """The code tested: the commit when the run took its snapshot, and whether perfdsl had uncommitted changes."""
    inputs: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    groups: dict[str, Group] = field(default_factory=dict)
    steps: Counter[str] = field(default_factory=Counter)


def inputs(name: str, seed: int, examples: int) -> Iterator[tuple[Any, ...]]:
    """The entry point's inputs for the seed: input i is the same on every run of the same code."""
    master = random.Random(f"{seed}:{name}")
    for _ in range(examples):
        yield ENTRIES[name].inputs(random.Random(master.getrandbits(64)))


def campaign(name: str, examples: int, seed: int, shrink_seconds: float, revision: str = "") -> Outcome:
    entry, outcome = ENTRIES[name], Outcome(revision)
    STEPS.clear()
    started = time.monotonic()
    every = max(examples // 10, 1)

    def one(parts: tuple[Any, ...]) -> None:
        began = time.monotonic()
        found = attempt(entry.run, parts)
        outcome.slowest = max(outcome.slowest, time.monotonic() - began)
        outcome.inputs += 1
        if found is not None:
            group, error = found
            size = len(repr(parts))
            known = outcome.groups.get(group)
            if known is None:
                outcome.groups[group] = Group(1, error, parts, size)
                print(f"  [{name}] new failure: {group}", flush=True)
            else:
                known.count += 1
                if size < known.size:
                    known.error, known.parts, known.size = error, parts, size
        if outcome.inputs % every == 0:
            print(f"  [{name}] {outcome.inputs} inputs, {time.monotonic() - started:.0f} s, "
                  f"{len(outcome.groups)} failure groups", flush=True)

    try:
        for parts in inputs(name, seed, examples):
            one(parts)
    except KeyboardInterrupt:
        print(f"  [{name}] interrupted: reporting what ran", flush=True)
    outcome.seconds = time.monotonic() - started
    outcome.steps = Counter(STEPS)
    for group_name, group in outcome.groups.items():
        print(f"  [{name}] minimising: {group_name}", flush=True)
        try:
            group.shrunk = shrink(entry.run, group.parts, group_name, shrink_seconds)
        except KeyboardInterrupt:  # the report still gets written, with the inputs as they were found
            print(f"  [{name}] minimising interrupted", flush=True)
            shrink_seconds = 0
    return outcome


def _revision() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "perfdsl", "grammar",
                                "templates"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"
    return rev + (" with uncommitted changes to perfdsl/, grammar/ or templates/" if dirty else "")


def _printable(text: str) -> str:
    """Report text without raw control characters (a NUL in a message would make the report a binary file)."""
    return "".join(c if c.isprintable() or c == "\n" else repr(c)[1:-1] for c in text)


def _as_text(parts: tuple[Any, ...]) -> str:
    """Bytes of an input shown as the text they decode to, when they do."""
    shown = []
    for p in parts:
        if isinstance(p, bytes):
            try:
                shown.append(repr(p.decode("utf-8")))
            except UnicodeDecodeError:
                pass
    return "; ".join(shown)


REPLAY = "import datetime; from math import inf, nan; from tests.fuzz_long import ENTRIES; "
"""Before a reproducer's repr: the names it may use (dates and odd floats in workbook edits)."""


def report(name: str, outcome: Outcome, seed: int, examples: int, command: str) -> str:
    rate = outcome.inputs / outcome.seconds if outcome.seconds else 0.0
    out = [f"perfdsl fuzz campaign, entry point `{name}`: {ENTRIES[name].run.__doc__}",
           f"code: {outcome.revision}",
           f"command: {command}",
           f"seed {seed}: {outcome.inputs} of {examples} inputs in {outcome.seconds:.0f} s ({rate:.1f} inputs/s), "
           f"slowest input {outcome.slowest:.2f} s",
           "steps run: " + ", ".join(f"{s} {n}" for s, n in sorted(outcome.steps.items())),
           f"failures: {sum(g.count for g in outcome.groups.values())} inputs in {len(outcome.groups)} groups", ""]
    for i, (group_name, g) in enumerate(sorted(outcome.groups.items(), key=lambda kv: -kv[1].count), 1):
        shrunk = g.shrunk or g.parts
        error = attempt(ENTRIES[name].run, shrunk)
        shown = error[1] if error is not None and error[0] == group_name else g.error
        detail = getattr(shown, "detail", "")
        message = f"{type(shown).__name__}: {str(shown)[:500]}" + (f" -- {detail[:500]}" if detail else "")
        out += [f"[{i}] {_printable(group_name)}: {g.count} inputs", "    " + _printable(message),
                f"    reproducer ({len(repr(g.parts))} -> {len(repr(shrunk))} characters of repr):",
                f"        {REPLAY}ENTRIES[{name!r}].run(*{shrunk!r})"]
        if _as_text(shrunk):
            out.append(f"        (bytes as text: {_as_text(shrunk)})")
        out.append("    traceback (last frames):")
        frames = traceback.format_exception(type(shown), shown, shown.__traceback__)
        out += ["        " + _printable(line) for chunk in frames[-6:] for line in chunk.rstrip().split("\n")]
        out.append("")
    return "\n".join(out) + "\n"


def snapshot() -> None:
    """Import every module the entry points use now: perfdsl may be edited while a long run goes on, and a
    module imported halfway would test another version than the rest (a message key not there yet...)."""
    import importlib
    import pkgutil

    for module in pkgutil.walk_packages([str(PRODUCT)], "perfdsl."):
        if module.name.endswith("__main__"):  # that one runs the command
            continue
        try:
            importlib.import_module(module.name)
        except ImportError:  # an optional extra that is not installed (pygls, openpyxl)
            pass


def replay(paths: list[str]) -> int:
    """Run again every reproducer of the given reports on the code as it is now, and say which still fail."""
    import datetime

    failing = 0
    for path in paths:
        group = "?"
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if re.match(r"\[\d+\] ", line):
                group = line.split(": ", 1)[0] + ": " + line.split(": ", 1)[1].rsplit(": ", 1)[0]
            elif line.strip().startswith(REPLAY):
                call = line.strip()[len(REPLAY):]
                entry, args = re.fullmatch(r"ENTRIES\['([\w-]+)'\]\.run\(\*(.*)\)", call).groups()  # type: ignore[union-attr]
                parts = eval(args, {"datetime": datetime, "inf": math.inf, "nan": math.nan})  # our own repr
                found = attempt(ENTRIES[entry].run, parts)
                failing += found is not None
                now = f"still fails: {found[0]}" if found is not None else "passes now"
                print(f"{Path(path).name} {_printable(group)}\n    {_printable(now)}", flush=True)
    return 1 if failing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=10_000, help="inputs per entry point (default 10000)")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one, printed")
    parser.add_argument("--only", default="", help=f"comma-separated entry points: {', '.join(ENTRIES)}")
    parser.add_argument("--limit", type=float, default=20.0, help="seconds one input may take (default 20)")
    parser.add_argument("--shrink-seconds", type=float, default=60.0, help="minimising time per failure group")
    parser.add_argument("--report-dir", default=tempfile.gettempdir(), help="where fuzz-report-<entry>.txt go")
    parser.add_argument("--memory-gb", type=float, default=4.0, help="address-space limit (MemoryError past it)")
    parser.add_argument("--replay", nargs="+", metavar="REPORT", help="run the reproducers of these reports again")
    args = parser.parse_args()
    if args.replay:
        LIMIT[0] = args.limit
        return replay(args.replay)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(ENTRIES)
    unknown = [n for n in names if n not in ENTRIES]
    if unknown:
        parser.error(f"unknown entry point {', '.join(unknown)}; known: {', '.join(ENTRIES)}")
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    LIMIT[0] = args.limit
    warnings.simplefilter("ignore")  # openpyxl warns about every odd cell it reads: noise around the progress
    limit = int(args.memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    command = (f"nice -n 19 python tests/fuzz_long.py --examples {args.examples} --seed {seed} "
               f"--only {','.join(names)}")
    snapshot()
    revision = _revision()
    print(f"seed {seed}, {args.examples} inputs per entry point: {', '.join(names)}", flush=True)
    failed = False
    for name in names:
        outcome = campaign(name, args.examples, seed, args.shrink_seconds, revision)
        path = Path(args.report_dir) / f"fuzz-report-{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(report(name, outcome, seed, args.examples, command), encoding="utf-8")
        failed = failed or bool(outcome.groups)
        print(f"{name}: {outcome.inputs} inputs in {outcome.seconds:.0f} s, {len(outcome.groups)} failure groups "
              f"-> {path}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
