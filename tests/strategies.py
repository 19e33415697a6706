"""Hypothesis strategies that build `ast.Spec` values (not strings): names with CJK, quotes and escapes,
every comparator and unit, empty and multi-paragraph texts, comments everywhere."""

from __future__ import annotations

import calendar
import datetime
import random
import re
from decimal import Decimal

from hypothesis import strategies as st

from perfdsl import ast
from perfdsl.syntax import vocab

SPAN = ast.Span(file="gen.perf", line=1, column=1, end_line=1, end_column=1)
_CJK = "审判辅助人员经费预算执行率支付及时合理健全产出效果影响力数量质量时效成本满意度《》（）、，。；："
_ALPHABET = st.sampled_from(list(_CJK + "abcXYZ019 _-.%/\\\"'#{}＝＞") + ["\u3000", "〔", "〕"])
_WORD_ALPHABET = st.sampled_from(list(_CJK + "abcXYZ019_-.%/"))

names = st.text(_ALPHABET, min_size=1, max_size=12)
one_line = st.text(_ALPHABET, min_size=1, max_size=12).map(str.strip).filter(bool)
comment_text = st.text(_ALPHABET, max_size=15).map(lambda s: s.strip(" \t\u3000"))
# a qualitative target is one word that does not look like a number or a comparator
words = st.text(_WORD_ALPHABET, min_size=1, max_size=6).filter(
    lambda w: not (w[0].isdigit() or w[0] in "+-.%") and not w.endswith(("以上", "以下", "以内")))
units = st.sampled_from(["", "%", "件", "次", "小时", "天", "元", "万元", "人次", "平方米", "分"])
paragraph = st.text(st.sampled_from(list(_CJK + "abc 019#{}\"")), min_size=1, max_size=120).map(
    lambda s: " ".join(s.split())).filter(lambda s: bool(s) and '"""' not in s)


def comments() -> st.SearchStrategy[tuple[ast.Comment, ...]]:
    return st.lists(st.builds(ast.Comment, text=comment_text, span=st.just(SPAN), blank_before=st.booleans()),
                    max_size=2).map(tuple)


def end_trailing() -> st.SearchStrategy[ast.Comment | None]:
    return st.none() | st.builds(ast.Comment, text=comment_text, span=st.just(SPAN))


def meta() -> dict[str, st.SearchStrategy[object]]:
    trailing = st.none() | st.builds(ast.Comment, text=comment_text, span=st.just(SPAN))
    return {"span": st.just(SPAN), "blank_before": st.booleans(), "comments": comments(), "trailing": trailing}


def targets() -> st.SearchStrategy[ast.Target]:
    numbers = (st.decimals(min_value=0, max_value=100000, places=2).map(lambda d: d.normalize() if d == d.to_integral() else d)
               | st.sampled_from([Decimal("2043.07"), Decimal("1999.12")]))  # figures that look like months
    quantitative = st.builds(
        lambda c, v, u, implicit: ast.Quantitative(comparator="=" if implicit else c, value=v, unit=u,
                                                   implicit=implicit, span=SPAN),
        st.sampled_from(["=", ">=", "<=", ">", "<"]), numbers, units, st.booleans())
    qualitative = st.builds(lambda w: ast.Qualitative(word=w, span=SPAN), words)
    deadline = st.builds(lambda m: ast.Deadline(by=m, span=SPAN), moments())
    period = st.builds(lambda a, b: ast.Period(start=a, end=b, span=SPAN), moments(with_year=True),
                       moments(with_year=True))
    return quantitative | qualitative | deadline | period | st.just(ast.Pending(span=SPAN))


def moments(with_year: bool = False) -> st.SearchStrategy[ast.Moment]:
    """A month or a day, with its year (or, unless `with_year`, without one)."""
    years = st.integers(1990, 2100) if with_year else st.none() | st.integers(1990, 2100)
    # 2000 is a leap year: 29 February is a day only in a year that has it
    return st.builds(lambda y, d: ast.Moment(y, d.month, d.day if d.day % 3 else None), years,
                     st.dates(datetime.date(2000, 1, 1), datetime.date(2000, 12, 31))).filter(
        lambda m: m.year is None or m.day is None or calendar.isleap(m.year) or (m.month, m.day) != (2, 29))


def texts() -> st.SearchStrategy[ast.Text]:
    return st.builds(ast.Text, paragraphs=st.lists(paragraph, max_size=3).map(tuple), **meta())


def _words(values: st.SearchStrategy[str]) -> st.SearchStrategy[ast.Word | None]:
    return st.none() | st.builds(ast.Word, value=values, **meta())


def indicators() -> st.SearchStrategy[ast.Indicator]:
    return st.builds(
        ast.Indicator, name=names, target=targets(), end_comments=comments(), end_trailing=end_trailing(),
        weight=st.none() | st.builds(ast.Amount, value=st.integers(0, 100).map(Decimal), **meta()),
        nature=_words(st.sampled_from(["正向", "反向", "定量", "定性"])),
        standard=_words(st.sampled_from(vocab.STANDARD_WORDS)), explanation=st.none() | texts(),
        direction=_words(st.sampled_from(vocab.DIRECTION_WORDS)), measure=_words(one_line),
        scoring=_words(one_line), remark=_words(one_line),
        core=st.none() | st.builds(ast.Flag, value=st.booleans(), **meta()),
        midterm=st.none() | st.builds(ast.TargetValue, target=targets(), **meta()), **meta())


def level2s() -> st.SearchStrategy[ast.Level2]:
    return st.builds(ast.Level2, name=names, indicators=st.lists(indicators(), max_size=3).map(tuple),
                     end_comments=comments(), end_trailing=end_trailing(), **meta())


def level1s() -> st.SearchStrategy[ast.Level1]:
    scores = st.builds(lambda low, more, m: ast.Score(value=Decimal(low), upto=Decimal(low + more) if more else None,
                                                      **m), st.integers(0, 60), st.integers(0, 20), st.fixed_dictionaries(meta()))
    return st.builds(ast.Level1, name=names, weight=st.none() | scores,
                     sections=st.lists(level2s(), max_size=2).map(tuple),
                     end_comments=comments(), end_trailing=end_trailing(), **meta())


def money() -> st.SearchStrategy[ast.Amount]:
    return st.builds(ast.Amount, value=st.decimals(min_value=0, max_value=10**9, places=2), **meta())


def budgets() -> st.SearchStrategy[ast.Budget]:
    opt = st.none() | money()
    weight = st.none() | st.builds(ast.Amount, value=st.integers(0, 100).map(Decimal), **meta())
    source = st.builds(ast.Source, name=names, value=st.decimals(min_value=0, max_value=10**9, places=2), **meta())
    sources = st.builds(ast.Sources, items=st.lists(source, max_size=3, unique_by=lambda s: s.name).map(tuple),
                        end_comments=comments(), end_trailing=end_trailing(), **meta())
    return st.builds(ast.Budget, total=opt, current=opt, prior=opt, prior_executed=opt, weight=weight,
                     sources=st.none() | sources, end_comments=comments(), end_trailing=end_trailing(), **meta())


def terms() -> st.SearchStrategy[ast.Term]:
    span = st.builds(lambda a, b, m: ast.Term(start=a, end=b, **m), moments(with_year=True), moments(with_year=True),
                     st.fixed_dictionaries(meta()))
    return span | st.builds(lambda n, m: ast.Term(months=n, **m), st.integers(1, 120), st.fixed_dictionaries(meta()))


def projects() -> st.SearchStrategy[ast.Project]:
    word_node = st.none() | st.builds(ast.Word, value=one_line, **meta())
    day = st.none() | st.builds(ast.Day, value=st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)),
                                **meta())
    return st.builds(
        ast.Project, name=names, unit=word_node, year=st.none(), framework=st.none(), department=word_node,
        implementer=word_node, manager=word_node, phone=word_node, lifecycle=word_node, category=word_node,
        start=day, end=day, term=st.none() | terms(), purchase=st.none() | st.builds(ast.Flag, value=st.booleans(), **meta()),
        type=word_node, filer=word_node, preparer=word_node, filed=day, budget=st.none() | budgets(),
        overview=st.none() | texts(), basis=st.none() | texts(), necessity=st.none(), measures=st.none(),
        plan=st.none() | texts(), goals=st.none(), midterm_goals=st.none() | texts(), annual_goals=st.none() | texts(),
        sections=st.lists(level1s(), max_size=2).map(tuple), end_comments=comments(), end_trailing=end_trailing(), **meta())


def specs() -> st.SearchStrategy[ast.Spec]:
    return st.builds(
        ast.Spec, file=st.just("gen.perf"),
        unit=st.none() | st.builds(ast.Word, value=one_line, **meta()),
        year=st.none() | st.builds(ast.Year, value=st.integers(1990, 2100), **meta()),
        framework=st.none(), projects=st.lists(projects(), max_size=2).map(tuple), end_comments=comments())


# ------------------------------------------------------------------------------------- abusive source text
# Text, not ASTs: what a user, a paste or a broken editor can put in a file, for the hardening tests and the
# long campaign (tests/fuzz_long.py). Plain functions of a `random.Random`, because drawing each piece through
# Hypothesis costs some 30 ms a spec and the campaign needs tens of thousands; a property draws the seed.

ABUSE_CHARS = (
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\r", "\r\n", "\t",
    "\u2028", "\u2029", "\u200b", "\u200d", "\u2060", "\ufeff", "\ufffd", "\u00ad",
    "\u202a", "\u202b", "\u202d", "\u202e", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u061c",
    "\u3000", "\uff01", "\uff02", "\uff03", "\uff1d", "\uff1e", "\uff1c", "\uff05", "\uff10", "\uff19", "\uff5b",
    "\uff5d", "\uff0e", "\uff0c", "e\u0301", "\U0001f600", "\U00020000", "\U0001d11e", "\U0010fffd", "\U000e0001",
    '"', '"""', "\\", "#", "{", "}", "\n", "\n}\n", " {\n",
)
ABUSE_NUMBERS = (
    "1e5000", "1E10000000", "1e-400", "-1e5000", "99999999999999999999999", "9" * 400, "-5", "-0", "+5", "0",
    "00", "0.0000001", "1e-7", ".5", "5.", "1.2.3", "1,,000", ",5", "1_000", "0x10", "NaN", "nan", "Infinity",
    "-inf", "１２３", "０.５", "١٢٣", "½", "²", "1" + "0" * 30 + ".5", "10,000.00", "65万", "1e", "1e+", "%",
)
_PLAIN = _CJK + "abcXYZ019_-.%/"
_RESERVED = ("项目", "project", "预算", "budget", "类别", "分值", "产出", "}", "{", "#", "是", "否")
_BREAKING = re.compile("[\n\r\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Line breaks, and direction controls (an error wherever they stand): kept out of quoted names of mild specs."""
_QUOTABLE = tuple(c for c in ABUSE_CHARS if not _BREAKING.search(c))


def abuse_char(rng: random.Random, quotable: bool = False) -> str:
    """A hostile piece, or any character but a surrogate (astral ones included); `quotable`: one a quoted
    string can hold."""
    if rng.random() < 0.6:
        return rng.choice(_QUOTABLE if quotable else ABUSE_CHARS)
    c = chr(rng.choice([rng.randrange(0x20, 0x7F), rng.randrange(0xA0, 0xD800), rng.randrange(0xE000, 0x110000)]))
    return "x" if quotable and _BREAKING.match(c) else c


def abuse_number(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.6:
        return rng.choice(ABUSE_NUMBERS)
    if roll < 0.8:
        return str(rng.randint(-10**30, 10**30))
    return f"{rng.uniform(-1e6, 1e6):.{rng.randint(0, 12)}f}"


def abuse_word(rng: random.Random, wild: float = 0.3, quotable: bool = False) -> str:
    """A word: plain characters, a share `wild` of hostile ones, sometimes a keyword of the language."""
    if rng.random() < 0.08:
        return rng.choice(_RESERVED)
    return "".join(abuse_char(rng, quotable) if rng.random() < wild else rng.choice(_PLAIN)
                   for _ in range(rng.randint(1, 8)))


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def abuse_name(rng: random.Random, wild: float = 0.3, long: bool = False) -> str:
    """A name as written: bare or quoted (then anything goes), now and then long or empty."""
    if long and rng.random() < 0.3:
        return "长" * rng.randint(200, 20_000)
    if rng.random() < 0.05:
        return rng.choice(['""', '" "', '"\\"', '"""'])
    word = abuse_word(rng, wild)
    return quote(word) if rng.random() < 0.4 else word


def abuse_target(rng: random.Random, wild: float = 0.3) -> str:
    if rng.random() < 0.4:
        return rng.choice(vocab.QUALITATIVE_WORDS) if rng.random() < 0.5 else abuse_word(rng, wild)
    comparator = rng.choice(["", *vocab.COMPARATORS, *vocab.COMPARATOR_WORDS])
    unit = rng.choice(["", "%", "％", "件", "次", "小时", "元", "万元", "百分比", "2020-06-30", "年底前", abuse_word(rng, wild)])
    suffix = rng.choice(["", "", "", *vocab.COMPARATOR_SUFFIXES])
    number = abuse_number(rng) if wild or rng.random() < 0.2 else rng.choice(["90", "100", "0.5", "30000", "1,234"])
    return f"{comparator}{rng.choice(['', ' ', '　'])}{number}{unit}{suffix}"


def _spelling(rng: random.Random, keys: tuple[object, ...]) -> str:
    return rng.choice(rng.choice(keys).spellings)  # type: ignore[attr-defined]


def abusive_spec(rng: random.Random) -> str:
    """A spec with the language's structure (header, budget, texts, sections, indicators, attributes) and
    hostile content: names, quotes, triple quotes, numbers such as 1e5000, Unicode controls, long lines, more
    nesting than the language has. Half are mild (hostile names only in quotes), so many still parse."""
    from perfdsl.frameworks import builtin, builtin_names

    fw = builtin(rng.choice(builtin_names()))
    wild = rng.choice([0.0, 0.0, 0.05, 0.3])
    long = rng.random() < 0.1  # long lines make every later step slow: one spec in ten

    def name() -> str:
        if wild or rng.random() < 0.3:
            return abuse_name(rng, wild, long)
        return quote(abuse_word(rng, 0.3, quotable=True)) if rng.random() < 0.5 else abuse_word(rng, 0.0)

    def number(valid: str) -> str:
        return abuse_number(rng) if wild or rng.random() < 0.1 else valid

    def value(key: object) -> str:
        kind = key.kind  # type: ignore[attr-defined]
        if wild and rng.random() < 0.5:
            return rng.choice([name(), abuse_number(rng), "2020-02-30"])
        if kind == "year":
            return rng.choice(["2020", "2021年", "２０２０"])
        if kind == "date":
            return rng.choice(["2020-01-01", "2021-12-31", "2020-02-29"])
        if kind == "flag":
            return rng.choice(["是", "否", "yes", "no"])
        return name()

    out: list[str] = []
    line = out.append
    if rng.random() < 0.5:
        line(f"单位 {name()}")
    if rng.random() < 0.5:
        line(f"年度 {number(rng.choice(['2020', '2020年', '２０２０']))}")
    if rng.random() < 0.5:
        line(f"框架 {rng.choice([fw.name, fw.name, *builtin_names(), name()])}")
    for _ in range(rng.randint(0, 3)):
        line(f"{rng.choice(vocab.PROJECT_WORDS)} {name()} {{")
        header = [k for k in vocab.HEADER_KEYS if k.field != "framework" or wild]
        for key in rng.sample(header, rng.randint(0, 4)) + ([rng.choice(header)] if wild else []):
            line(f"  {rng.choice(key.spellings)} {value(key)}")
        if rng.random() < 0.5:
            line(f"  {rng.choice(vocab.BUDGET_WORDS)} {{")
            for key in rng.sample(vocab.BUDGET_KEYS, rng.randint(0, 4)):
                money = number(rng.choice(["1,000,000", "12.5", "0", "999999999999", "65"]))
                line(f"    {rng.choice(key.spellings)} {money}{rng.choice(['', '元', '万元', ' 元'])}")
            line("  }")
        for key in rng.sample(vocab.TEXT_KEYS, rng.randint(0, 2)):
            body = [abuse_word(rng, wild or 0.3, quotable=not wild) for _ in range(rng.randint(0, 4))]
            if rng.random() < 0.5:
                out.extend([f'  {rng.choice(key.spellings)} """', *(f"    {b}" for b in body), '  """'])
            else:
                line(f"  {rng.choice(key.spellings)} {quote(' '.join(body))}")
        for _ in range(rng.randint(0, 3)):
            l1 = rng.choice(fw.level1)
            line(f"  {rng.choice([*l1.spellings, name()])} {{")
            for _ in range(rng.randint(0, 2)):
                l2 = rng.choice([*(s for d in l1.level2 for s in d.spellings), name()])
                depth = rng.choice([0] * 8 + [1, 50]) if wild else 0  # more levels than the language has
                out.extend([f"    {l2} {{", *["      x {"] * depth])
                for _ in range(rng.randint(0, 3)):
                    head = f"      {name()} {abuse_target(rng, wild)}"
                    attrs = [(rng.choice(k.spellings), number("10") if k.kind == "number" else name())
                             for k in rng.sample(vocab.ATTRIBUTE_KEYS, rng.choice([0, 0, 1, 3]))]
                    if attrs:
                        out.extend([head + " {", *(f"        {k} {v}" for k, v in attrs), "      }"])
                    else:
                        line(head + rng.choice(["", "  # 注释", "  # perfdsl: ignore C401"]))
                out.extend([*["      }"] * depth, "    }"])
            line("  }")
        line("}")
    return "\n".join(out) + rng.choice(["\n", "", "\r\n", "\n\n"])


def mutate(text: str, rng: random.Random) -> str:
    """The text with lines deleted, duplicated, swapped or cut, hostile characters inserted, or truncated."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 5)):
        op = rng.choice(["delete", "duplicate", "swap", "cut", "insert", "insert", "truncate"])
        i = rng.randrange(len(lines))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "cut":
            lines[i] = lines[i][: rng.randint(0, len(lines[i]))]
        elif op == "insert":
            at = rng.randint(0, len(lines[i]))
            lines[i] = lines[i][:at] + "".join(abuse_char(rng) for _ in range(rng.randint(1, 6))) + lines[i][at:]
        else:
            del lines[i + 1:]
    return "\n".join(lines)


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_COMPARATOR = re.compile(r"(?<=\s)(?:>=|<=|=|>|<|≥|≤)(?=\s?\d)")


def retouch(text: str, rng: random.Random) -> str:
    """The text with its structure kept (so a spec that parses mostly still does): numbers and comparators
    changed, lines without braces dropped or doubled. What a second version of a spec looks like."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(lines))
        line, op = lines[i], rng.choice(["number", "number", "comparator", "drop", "double"])
        numbers, comparators = list(_NUMBER.finditer(line)), list(_COMPARATOR.finditer(line))
        if op == "number" and numbers:
            m = rng.choice(numbers)
            new = abuse_number(rng) if rng.random() < 0.2 else str(rng.choice([0, 1, 95, 100, 101, rng.randint(0, 10**7)]))
            lines[i] = line[: m.start()] + new + line[m.end():]
        elif op == "comparator" and comparators:
            m = rng.choice(comparators)
            lines[i] = line[: m.start()] + rng.choice([*vocab.COMPARATORS, "不低于"]) + line[m.end():]
        elif op in ("drop", "double") and not set(line) & set('{}"') and len(lines) > 1:
            lines[i: i + 1] = [] if op == "drop" else [line, line]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------- hostile sources
# Source texts (not ASTs) that are valid but sit on every edge the printer must quote, escape or keep apart:
# quotes and `"""` inside one-line strings, `#` and its full-width twin `＃`, tabs and U+3000 as separators and
# at the edges of names and values, CJK punctuation next to Latin text, every comparator spelling. Most parse
# without errors; a property keeps those (the others are fmt's to refuse, tested elsewhere).

_HOSTILE_PIECES = [*_CJK, *"abcXYZ019 _-.%/'\\\"#{}＝＞＜％＃＂｛｝", "\t", "\u3000", '"""', '\\"', "，", "。", "「", "」",
                   "【", "】", "！", "？", "…", "—", "～", "ａ", "９"]
_BARE_PIECES = [p for p in _HOSTILE_PIECES if p.strip() and not set(p) & set('{}"#')]
_SEPARATOR = st.sampled_from([" ", "  ", "\t", "\u3000", " \t", "\u3000 ", "\t\u3000"])
_INDENT = st.sampled_from(["", "  ", "    ", "\t", "\u3000", "  \t"])
hostile_text = st.lists(st.sampled_from(_HOSTILE_PIECES), max_size=10).map("".join)
"""Any one-line text: what quoted strings, comments and text-block lines are made of."""


@st.composite
def quoted(draw: st.DrawFn, text: st.SearchStrategy[str] = hostile_text) -> str:
    """A one-line string as someone may write it: `\\"` and `\\\\` escaped, other characters escaped or not."""
    out = ['"']
    for ch in draw(text):
        out.append("\\" + ch if ch in '"\\' or draw(st.integers(0, 9)) == 0 else ch)
    return "".join(out) + '"'


def bare(min_size: int = 1) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(_BARE_PIECES), min_size=min_size, max_size=8).map("".join)


def hostile_names() -> st.SearchStrategy[str]:
    from perfdsl.syntax.vocab import KEY_BY_SPELLING

    keywords = {"项目", "project", "预算", "budget", *KEY_BY_SPELLING}  # bare, these start other lines
    return bare().filter(lambda n: n not in keywords) | quoted()


def _bare_value() -> st.SearchStrategy[str]:
    """A value written without quotes: inner spaces and quotes allowed, no `#`, not opening a block."""
    inner = st.lists(st.sampled_from([p for p in _HOSTILE_PIECES if "#" not in p]), max_size=8).map("".join)
    return st.tuples(bare(), inner, bare()).map("".join).filter(
        lambda v: not v.startswith(("{", "}", '"')) and not v.rstrip(" \t\u3000").endswith("{"))


def hostile_values() -> st.SearchStrategy[str]:
    return _bare_value() | quoted()


_NUMBERS = st.sampled_from(["90", "100", "0", "1,000", "12.5", "0.05", "-3", "+7", "９０", "１,０００", "007"])
_UNITS = st.sampled_from(["", "%", "％", "件", "次", "万元", "元", "小时", "＃", "＃a", "a＃", "＂", "｛", "｝",
                          "ａｂ", "个/人", "\\", "'", "}"])


def hostile_targets() -> st.SearchStrategy[str]:
    from perfdsl.syntax.vocab import COMPARATOR_SUFFIXES, COMPARATOR_WORDS, COMPARATORS

    comparator = st.sampled_from(["", *COMPARATORS, *COMPARATOR_WORDS])
    space = st.sampled_from(["", " ", "\t"])
    suffix = st.sampled_from(["", *COMPARATOR_SUFFIXES])
    quantitative = st.tuples(comparator, space, _NUMBERS, space, _UNITS, suffix).map("".join)
    # a qualitative target is one word: no space, no `#`, not starting like a number or a comparator
    qualitative = bare().filter(lambda w: w[0] not in "<>=≥≤＝＞＜+-" and not w[0].isdigit())
    return quantitative | qualitative


def _comment(draw: st.DrawFn) -> str:
    return "#" + draw(hostile_text)


def _trailing(draw: st.DrawFn) -> str:
    return draw(_SEPARATOR) + _comment(draw) if draw(st.booleans()) else ""


def _text_value(draw: st.DrawFn) -> list[str]:
    """A text field's value: a one-line string, a one-line block, or a block over several lines."""
    kind = draw(st.sampled_from(["quoted", "inline", "block"]))
    no_close = hostile_text.filter(lambda t: '"' not in t[-2:] and '"""' not in t)
    if kind == "quoted":
        return [draw(quoted())]
    if kind == "inline":
        return ['"""' + draw(no_close) + '"""']
    lines = ['"""' + draw(no_close)]
    lines += [draw(_INDENT) + draw(no_close) for _ in range(draw(st.integers(0, 4)))]
    return [*lines, draw(_INDENT) + draw(st.sampled_from(['"""', '"""  ', '"""\t']))]


class _Lines:
    """Source lines being written, with the indentation and the comments around them drawn as we go."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.out: list[str] = []

    def add(self, text: str | list[str], trailing: bool = True) -> None:
        draw = self.draw
        if draw(st.integers(0, 5)) == 0:
            self.out.append("")
        if draw(st.integers(0, 4)) == 0:
            self.out.append(draw(_INDENT) + _comment(draw))
        parts = [text] if isinstance(text, str) else text
        end = _trailing(draw) if trailing else ""
        self.out.append(draw(_INDENT) + parts[0] + (end if len(parts) == 1 else ""))
        self.out += parts[1:-1]
        if len(parts) > 1:
            self.out.append(parts[-1] + end)

    def field(self, key: str, value: str | list[str]) -> None:
        values = [value] if isinstance(value, str) else value
        self.add([key + self.draw(_SEPARATOR) + values[0], *values[1:]])


def _indicator(lines: _Lines) -> None:
    draw = lines.draw
    head = draw(hostile_names()) + draw(_SEPARATOR) + draw(hostile_targets())
    if not draw(st.booleans()):
        lines.add(head)
        return
    lines.add(head + draw(_SEPARATOR) + "{")
    if draw(st.booleans()):
        lines.field(draw(st.sampled_from(["分值", "权重"])), draw(st.sampled_from(["10", "5.5", "1,000", " 3", "1e1"])))
    if draw(st.booleans()):
        lines.field("性质", draw(hostile_values()))
    if draw(st.booleans()):
        lines.field("标准", draw(hostile_values()))
    if draw(st.booleans()):
        lines.field("解释", _text_value(draw))
    lines.add("}")


def _project(lines: _Lines) -> None:
    draw = lines.draw
    lines.add(draw(st.sampled_from(["项目", "project"])) + draw(_SEPARATOR) + draw(hostile_names())
              + draw(_SEPARATOR) + "{")
    for key in draw(st.lists(st.sampled_from(["类别", "绩效类型", "单位", "框架"]), unique=True, max_size=2)):
        lines.field(key, draw(hostile_values()))
    if draw(st.booleans()):
        lines.field("开始", "2020-01-01")
    if draw(st.booleans()):
        lines.field("政府购买服务", draw(st.sampled_from(["是", "否", "yes", "False"])))
    if draw(st.booleans()):
        lines.add("预算" + draw(_SEPARATOR) + "{")
        for key in draw(st.lists(st.sampled_from(["总预算", "当年预算", "上年预算", "上年执行"]), unique=True, max_size=3)):
            lines.field(key, draw(st.sampled_from(["1,000,000", "10万元", "12.5万元", "100 元", "１００", '"200"'])))
        lines.add("}")
    for key in draw(st.lists(st.sampled_from(["概况", "立项依据", "必要性", "实施计划"]), unique=True, max_size=2)):
        lines.field(key, _text_value(draw))
    for _ in range(draw(st.integers(0, 2))):
        lines.add(draw(hostile_names()) + draw(_SEPARATOR) + "{")
        for _ in range(draw(st.integers(0, 2))):
            lines.add(draw(hostile_names()) + draw(_SEPARATOR) + "{")
            for _ in range(draw(st.integers(0, 3))):
                _indicator(lines)
            lines.add("}")
        lines.add("}")
    lines.add("}")


@st.composite
def hostile_sources(draw: st.DrawFn) -> str:
    """A whole `.perf` text built line by line from the hostile pieces above."""
    lines = _Lines(draw)
    if draw(st.booleans()):
        lines.field("单位", draw(hostile_values()))
    if draw(st.booleans()):
        lines.field("年度", draw(st.sampled_from(["2021", "2021年", '"2020"'])))
    for _ in range(draw(st.integers(1, 2))):
        _project(lines)
    if draw(st.booleans()):
        lines.out.append(_comment(draw))
    return "\n".join(lines.out) + draw(st.sampled_from(["\n", "", "\n\n"]))
