"""Pairs of versions for `perfdsl diff`: a real spec and an edit of it, made by mutating the source text.

Used by the property test in test_diff_regressions.py (a few dozen derandomized pairs) and run on its own as
a long campaign, which reports how many pairs it tried, how many raised and how long it took:

    nice -n 19 python -m tests.diff_mutations --pairs 10000 [--seed 0] [--cli-every 50]

Every pair goes through the API (`perfdsl.parse`, `perfdsl.diff`, every printer both ways) and one pair in
`--cli-every` also through `perfdsl diff` itself in each format, with colour and without. The edits are the
ones people make (a number, a comparator, a line moved, removed or copied, a name changed) and the ones a
fuzzer makes (pasted snippets, control characters, numbers far out of bounds, text cut off).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = sorted([*ROOT.glob("specs/**/*.perf"), *ROOT.glob("tests/**/*.perf")])

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_COMPARATOR = re.compile(r">=|<=|=|>|<|≥|≤|不低于|不超过")
_NAME = re.compile(r"[\u4e00-\u9fff]{2,}")
NUMBERS = ["0", "1", "-1", "99.5", "100", "120", "0.000001", "999999999999999999.999999", "1000000000000000000",
           "1e5", "1e5000", "1" + "0" * 5000, "0." + "0" * 40 + "1", "１２", "1,234", "NaN", "3万"]
COMPARATORS = [">=", "<=", "=", ">", "<", "≥", "＞＝", "不低于", "以上", ""]
SNIPPETS = [
    "新指标 >= 90%", "新指标 合理", "满意度 >= 95% {\n分值 10\n性质 正向\n}", "产出 {\n数量 {\n甲 >= 1件\n}\n}",
    "}", "{", "预算 {\n当年预算 1,000,000\n总预算 2,000,000\n}", "当年预算 0", "当年预算 1e5000",
    "分值 1e5000", "分值 NaN", "框架 national-2021", "框架 \"\x00\"", "框架 /dev/null", "年度 2021", "年度 99999",
    "概况 \"\"\"\n新的概况。\n\"\"\"", '"""', "# 注释", "\x00", "\x1b[31m", "\u202e", "\ufeff", "\u200b", "\r",
    "项目 另一个 {\n产出 {\n数量 {\n乙 = 100%\n}\n}\n}", '"带 空格" >= 1次', "开始 2021-02-30", "政府购买服务 是",
]
WORDS = ["合理", "提升", "完善", "逐步提高", "同比下降", "有效"]
ODD = ["\x00", "\t", "\u3000", "＞", "％", "#", '"', "\\", "{", "}", "\u0301", "𠀀", "\x7f", "ß"]


def _lines(text: str, rnd: random.Random) -> list[str]:
    return text.split("\n") or [""]


def _replace_match(text: str, pattern: re.Pattern[str], choices: list[str], rnd: random.Random) -> str:
    found = list(pattern.finditer(text))
    if not found:
        return text
    m = rnd.choice(found)
    return text[:m.start()] + rnd.choice(choices) + text[m.end():]


def mutate_once(text: str, rnd: random.Random) -> str:
    """One edit of the source text."""
    lines = _lines(text, rnd)
    i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
    kind = rnd.randrange(12)
    if kind == 0:
        return _replace_match(text, _NUMBER, NUMBERS, rnd)
    if kind == 1:
        return _replace_match(text, _COMPARATOR, COMPARATORS, rnd)
    if kind == 2:
        del lines[i]
    elif kind == 3:
        lines.insert(j, lines[i])
    elif kind == 4:
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == 5:
        lines.insert(i, rnd.choice(SNIPPETS))
    elif kind == 6:
        found = list(_NAME.finditer(text))
        if found:
            m = rnd.choice(found)
            return text[:m.end()] + rnd.choice(["情况", "率", "", "（新）"]) + text[m.end():]
    elif kind == 7:
        return _replace_match(text, re.compile(r"(?<= )[\u4e00-\u9fff]{2,4}$", re.M), WORDS, rnd)
    elif kind == 8 and text:
        at = rnd.randrange(len(text))
        return text[:at] + rnd.choice(ODD) + text[at + 1:]
    elif kind == 9 and text:
        return text[:rnd.randrange(len(text))]
    elif kind == 10:
        return _replace_match(text, _NUMBER, [str(rnd.randint(0, 10 ** rnd.randint(1, 8)))], rnd)
    else:
        lines[i] = lines[i] + rnd.choice(["", " # 说明", " {", " }", "％"])
    return "\n".join(lines)


def pair(rnd: random.Random) -> tuple[str, str]:
    """Two versions: a spec of the corpus, or an edit of it, and an edit of that (now and then another
    spec altogether)."""
    old = CORPUS[rnd.randrange(len(CORPUS))].read_text(encoding="utf-8", errors="replace")
    if rnd.random() < 0.3:
        old = mutate_once(old, rnd)
    if rnd.random() < 0.05:
        return old, CORPUS[rnd.randrange(len(CORPUS))].read_text(encoding="utf-8", errors="replace")
    new = old
    for _ in range(rnd.randint(1, 4)):
        new = mutate_once(new, rnd)
    return old, new


PRINTS = [("text", "zh", False, False), ("text", "zh", True, False), ("text", "en", True, False),
          ("text", "zh", True, True), ("markdown", "zh", False, False), ("markdown", "en", False, True),
          ("json", "zh", False, False), ("html", "zh", False, False), ("html", "en", False, False)]
"""(format, language, colour, --stat): every way diff prints."""


def diff_everywhere(old: str, new: str) -> None:
    """Compare the two texts both ways and print each result in every way; raises what diff raises."""
    import perfdsl
    from perfdsl.diffing.render import render
    from perfdsl.diffing.readable import readable

    a, _ = perfdsl.parse(old, "old.perf")
    b, _ = perfdsl.parse(new, "new.perf")
    readable(a)
    for x, y in ((a, b), (b, a)):
        result = perfdsl.diff(x, y)
        for fmt, lang, color, stat in PRINTS:
            render(result, fmt, lang, color, stat)


def cli_everywhere(old: str, new: str, folder: Path) -> None:
    """`perfdsl diff` on the two texts written as files, in every format; raises what the command raises."""
    from perfdsl.cli import main

    paths = [folder / "old.perf", folder / "new.perf"]
    for path, text in zip(paths, (old, new)):
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
    runs = [["--color", "always", "diff"], ["--color", "never", "diff"], ["diff", "--stat"],
            ["diff", "--format", "markdown"], ["diff", "--format", "markdown", "--stat"],
            ["diff", "--format", "json"], ["diff", "--format", "html"], ["--lang", "en", "diff"]]
    for args in runs:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = main([*args, *map(str, paths)])
        if code not in (0, 1, 2):
            raise AssertionError(f"perfdsl {' '.join(args)} exited {code}")


def campaign(pairs: int, seed: int, cli_every: int, out: Path | None) -> int:
    """Run `pairs` pairs; print the figures and write each failing pair under `out`. Returns the crash count."""
    rnd = random.Random(seed)
    crashes: dict[str, int] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        for n in range(pairs):
            old, new = pair(rnd)
            try:
                diff_everywhere(old, new)
                if cli_every and n % cli_every == 0:
                    cli_everywhere(old, new, Path(scratch))
            except Exception as e:  # a crash: what the campaign is looking for
                where = traceback.extract_tb(e.__traceback__)[-1]
                key = f"{type(e).__name__} at {Path(where.filename).name}:{where.lineno}"
                if key not in crashes and out is not None:
                    out.mkdir(parents=True, exist_ok=True)
                    for side, text in (("old", old), ("new", new)):
                        (out / f"{len(crashes)}.{side}.perf").write_text(text, encoding="utf-8",
                                                                          errors="surrogateescape")
                    print(f"pair {n}: {key}: {e}"[:300], file=sys.stderr)
                crashes[key] = crashes.get(key, 0) + 1
    elapsed = time.perf_counter() - started
    cli = (pairs + cli_every - 1) // cli_every if cli_every else 0
    print(f"{pairs} pairs (seed {seed}; {cli} also through the command), {sum(crashes.values())} crashes of "
          f"{len(crashes)} kinds, {elapsed:.0f} s ({elapsed / max(pairs, 1) * 1000:.1f} ms a pair)")
    for key, count in sorted(crashes.items(), key=lambda kv: -kv[1]):
        print(f"  {count:6d}  {key}")
    return sum(crashes.values())


def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cli-every", type=int, default=50, help="also run the command on every Nth pair")
    parser.add_argument("--out", type=Path, help="write the first pair of each kind of crash here")
    args = parser.parse_args()
    os.environ.setdefault("PERFDSL_LANG", "zh")
    return 1 if campaign(args.pairs, args.seed, args.cli_every, args.out) else 0


if __name__ == "__main__":
    sys.exit(_main())
