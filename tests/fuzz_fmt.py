"""A long formatter campaign over hostile sources, for local use (not collected by pytest, not run in CI).

    nice -n 19 python tests/fuzz_fmt.py [--examples N] [--seed S]

Generates sources with `tests.strategies.hostile_sources`, keeps those that parse without errors, and counts
how each one fails the formatter's promise, where tests/test_fmt_regressions.py stops at the first failure:

- api       `perfdsl.render(spec, "perf")` handed back a text that does not parse, or means something else
- unstable  that text does not format to itself
- refused   the formatter refused the spec (X002), though the spec is valid
- cli       `perfdsl fmt FILE` did not rewrite the file to that text, or did not exit 0

A few failing sources of each kind are printed, shortest first.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import seed as reproducible  # noqa: E402

import perfdsl  # noqa: E402
from perfdsl import ast  # noqa: E402
from perfdsl.syntax.fmt import comment_texts, format_source, format_spec  # noqa: E402
from perfdsl.syntax.parser import parse  # noqa: E402
from tests.strategies import hostile_sources  # noqa: E402


def _errors(diags: list) -> bool:  # type: ignore[type-arg]
    return any(d.severity.value == "error" for d in diags)


def _api(spec: ast.Spec) -> str | None:
    try:
        return perfdsl.render(spec, "perf")
    except ValueError:  # refused: the text could not be proven
        return None


def failures(text: str, folder: Path) -> list[str] | None:
    """The ways `text` fails the formatter's promise; None when it does not parse (not fmt's to format)."""
    spec, diags = parse(text, "h.perf")
    if _errors(diags):
        return None
    found = []
    out = _api(spec)
    if out is None:
        found.append("refused")
    else:
        again, again_diags = parse(out, "h.perf")
        if _errors(again_diags) or not ast.same(spec, again) or comment_texts(spec) != comment_texts(again):
            found.append("api")
        elif format_spec(again) != out:
            found.append("unstable")
    if format_source(text, "h.perf")[0] is None and "refused" not in found:
        found.append("refused")
    path = folder / "h.perf"
    path.write_text(text, encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = perfdsl.cli.main(["fmt", str(path)])
    if code != 0 or (out is not None and path.read_text(encoding="utf-8") != out):
        found.append("cli")
    return found


def summary(counts: Counter[str]) -> str:
    return ", ".join(f"{k} {counts[k]}" for k in ("inputs", "valid", "failing", "api", "unstable", "refused", "cli"))


def main() -> int:
    import signal

    import perfdsl.cli  # noqa: F401  (perfdsl.cli.main above)

    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `timeout` stops it with the figures so far

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"seed {seed}, {args.examples} examples")
    counts: Counter[str] = Counter()
    samples: dict[str, list[str]] = {}
    started = time.monotonic()

    with tempfile.TemporaryDirectory() as tmp:
        @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(hostile_sources())
        def campaign(text: str) -> None:
            counts["inputs"] += 1
            if counts["inputs"] % 1000 == 0:
                print(summary(counts), f"({time.monotonic() - started:.0f} s)", flush=True)
            found = failures(text, Path(tmp))
            if found is None:
                return
            counts["valid"] += 1
            counts["failing"] += bool(found)
            for kind in found:
                counts[kind] += 1
                samples.setdefault(kind, []).append(text)

        try:
            reproducible(seed)(campaign)()
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the figures so far
            print("stopped early")
    print(summary(counts))
    for kind, texts in samples.items():
        for text in sorted(texts, key=len)[:2]:
            print(f"--- {kind}:\n{text}")
    print(f"{time.monotonic() - started:.0f} s")
    return 1 if counts["failing"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
