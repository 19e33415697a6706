"""The message catalogue holds what perfdsl says, each sentence once: no key that nothing asks for, no two
keys for one sentence (the translations would drift apart)."""

from __future__ import annotations

import re
from collections import defaultdict

from perfdsl.messages import CATALOGUE, SAME, say
from tests.conftest import ROOT

# A key is asked for by name ("P014.project"), or built: a stem and a value (`"diff.kind." + kind`,
# `f"rule.{r.code}.summary"`, `"lsp.key." ~ field` in a template) or a key and a suffix (`key + ".hint"`).
_STEM = re.compile(r"""["']([A-Za-z_$][\w$]*(?:\.[\w$]+)*\.)["']\s*[+~]""")
_SUFFIX = re.compile(r"""[+~]\s*["'](\.[\w$]+)["']""")
_FSTRING = re.compile(r"""\bf(["'])((?:[^"'\\{}]|\{[^{}]*\})*\{[^{}]*\}(?:[^"'\\{}]|\{[^{}]*\})*)\1""")


def _sources() -> str:
    files = [*(ROOT / "perfdsl").rglob("*.py"), *(ROOT / "templates").rglob("*.jinja")]
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(files) if p.name != "messages.py")


def _patterns(code: str) -> list[re.Pattern[str]]:
    found = [re.escape(stem) + r"[\w$]+" for stem in _STEM.findall(code)]
    for _, body in _FSTRING.findall(code):
        parts = re.split(r"\{[^{}]*\}", body)
        if re.fullmatch(r"[\w$.]*", "".join(parts)) and "." in body:  # a key, not a sentence or a path
            found.append(r"[\w$]+".join(re.escape(p) for p in parts))
    return [re.compile(p) for p in found]


def _unreached() -> list[str]:
    code = _sources()
    patterns = _patterns(code)
    suffixes = set(_SUFFIX.findall(code))
    keys = {*CATALOGUE, *SAME}
    reached = {k for k in keys if f'"{k}"' in code or f"'{k}'" in code or any(p.fullmatch(k) for p in patterns)}
    # a key with a suffix that is added to keys (`.hint`) is reached when its base key is
    grew = True
    while grew:
        more = {k for k in keys if k not in reached and any(k.endswith(s) and k[: -len(s)] in reached
                                                               for s in suffixes)}
        reached |= more
        grew = bool(more)
    reached |= {SAME[k] for k in reached if k in SAME}  # a sentence kept for keys that say the same
    return sorted(keys - reached)


def test_every_key_is_asked_for() -> None:
    assert _unreached() == []


def test_the_reachability_check_sees_a_key_nothing_asks_for() -> None:
    CATALOGUE["diff.col.nowhere"] = ("无处", "nowhere")
    try:
        assert _unreached() == ["diff.col.nowhere"]
    finally:
        del CATALOGUE["diff.col.nowhere"]


def test_each_sentence_has_one_key() -> None:
    keys: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, texts in CATALOGUE.items():
        keys[texts].append(key)
    assert [k for k in keys.values() if len(k) > 1] == []


def test_a_key_that_says_the_same_says_its_sentence() -> None:
    assert sorted(k for k in SAME if k in CATALOGUE or SAME[k] not in CATALOGUE) == []
    assert say("C103.framework", "en", name="x", level1="y", framework="z") == say("C103", "en", name="x", level1="y",
                                                                                framework="z")
    assert say("token.$END", "zh") == "文件结尾"
