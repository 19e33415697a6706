"""A long fuzzing run for local use (not collected by pytest, not run in CI).

    python tests/fuzz_long.py [--examples N] [--seed S]

Runs the same properties as tests/test_hardening.py — mutated seed specs and random bytes never raise, and
every diagnostic points inside its file — with many more examples and a random seed, and prints a summary.
A failing example is printed with the seed that reproduces it.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import seed as reproducible  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.test_hardening import assert_sane, mutated_seed  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"seed {seed}, {args.examples} examples per property")
    started = time.monotonic()
    budget = settings(max_examples=args.examples, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))

    @budget
    @given(mutated_seed())
    def specs(text: str) -> None:
        assert_sane(text)

    @budget
    @given(st.binary(max_size=2000))
    def raw(data: bytes) -> None:
        from perfdsl.loader import decode

        text, _ = decode(data, "fuzz.perf")
        if text is not None:
            assert_sane(text)

    for prop in (specs, raw):
        reproducible(seed)(prop)()
    print(f"no failure in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
