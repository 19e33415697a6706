"""A long fuzzing campaign of `perfdsl import` for local use (not collected by pytest, not run in CI).

    nice -n 19 python tests/fuzz_import.py [--texts N] [--workbooks N] [--seed S] [--command-every K]
                                           [--keep DIR]

Imports N randomly edited text documents and N randomly edited workbooks (tests/import_mutations.py says
how they are made and what must hold) and runs the whole command on every K-th of them, checking that it
writes every file or none. Prints the figures and each kind of failure once, with the seed and index that
make it again; `--keep DIR` saves the failing inputs.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.import_mutations import (check_command, check_import, mutate_text, mutate_workbook,  # noqa: E402
                                    text_seeds, workbook_seeds)


def one_text(seeds: list[str], rng: random.Random, folder: Path, command: bool) -> bytes:
    from perfdsl.importers.text import import_text

    text = mutate_text(rng.choice(seeds), rng)
    specs, diags = import_text(text, "fuzz.txt", strict=rng.random() < 0.3)
    check_import(specs, diags, "fuzz.txt", text)
    if command:
        path = folder / "fuzz.txt"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        check_command(path)
    return text.encode("utf-8", "surrogatepass")


def one_workbook(seeds: list[bytes], rng: random.Random, folder: Path, command: bool) -> bytes:
    from perfdsl.importers.xlsx import import_workbook

    data = mutate_workbook(rng.choice(seeds), rng)
    specs, diags = import_workbook(data, "fuzz.xlsx", strict=rng.random() < 0.3)
    check_import(specs, diags, "fuzz.xlsx")
    if command:
        path = folder / "fuzz.xlsx"
        path.write_bytes(data)
        check_command(path)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--workbooks", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--command-every", type=int, default=20, metavar="K")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"seed {seed}: {args.texts} texts, {args.workbooks} workbooks, the command on every {args.command_every}th")
    kinds = [("text", args.texts, one_text, text_seeds()), ("xlsx", args.workbooks, one_workbook, workbook_seeds())]
    failures: Counter[str] = Counter()
    examples: dict[str, str] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for kind, count, run, seeds in kinds:
            begun = time.monotonic()
            for i in range(count):
                rng = random.Random(f"{seed}-{kind}-{i}")
                try:
                    run(seeds, rng, Path(tmp), i % args.command_every == 0)  # type: ignore[operator]
                except Exception as e:
                    where = traceback.extract_tb(e.__traceback__)[-1]
                    signature = f"{kind}: {type(e).__name__} at {Path(where.filename).name}:{where.lineno}"
                    if "does not read back" in str(e):
                        signature += " " + str(e).rsplit("(", 1)[-1].rstrip(")")
                    failures[signature] += 1
                    examples.setdefault(signature, f"seed {seed} {kind} #{i}: {str(e)[:300]}")
                    if args.keep is not None:
                        args.keep.mkdir(parents=True, exist_ok=True)
                        again = random.Random(f"{seed}-{kind}-{i}")
                        data = mutate_text(again.choice(seeds), again).encode("utf-8", "surrogatepass") \
                            if kind == "text" else mutate_workbook(again.choice(seeds), again)
                        (args.keep / f"{kind}-{i}.{'txt' if kind == 'text' else 'xlsx'}").write_bytes(data)
            print(f"{kind}: {count} inputs in {time.monotonic() - begun:.0f} s")
    for signature, n in failures.most_common():
        print(f"{n:6d}  {signature}\n        {examples[signature]}")
    print(f"{sum(failures.values())} failures ({len(failures)} kinds) in {time.monotonic() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
