"""Indicator frameworks: which 一级 and 二级 indicator names a performance-target table may use.

A framework is data (one TOML file per framework, the format is documented at the top of each builtin
file); this module loads it into frozen dataclasses (validated by pydantic when a user's file is read) and
answers the questions the checks ask: is this 一级/二级 name allowed, what did the user probably mean, and
which framework do these sections fit best.
Users may point at their own framework file; builtins ship next to this module.

Loading is the one place that raises (`FrameworkError`): a broken framework file is not source text with a
span, so callers catch it and turn it into a diagnostic themselves.
"""

from __future__ import annotations

import os
import tomllib
import unicodedata
import weakref
from dataclasses import dataclass
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

DEFAULT_FRAMEWORK = "shanghai-2020"

Status = Literal["confirmed", "common"]

_SUFFIX = "指标"


class FrameworkError(Exception):
    """A framework file that cannot be read, parsed or validated."""

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        self.path = os.fspath(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


@lru_cache(maxsize=8192)
def normalise(name: str) -> str:
    """The form names are compared in: NFKC, no whitespace, no trailing 指标."""
    # NFKC first so that full-width spaces and letters collapse before whitespace is removed.
    text = "".join(unicodedata.normalize("NFKC", name).split())
    # Keep a bare "指标" as is rather than reducing it to the empty string, which would match nothing useful.
    if text.endswith(_SUFFIX) and len(text) > len(_SUFFIX):
        text = text[: -len(_SUFFIX)]
    return text


def _closest(name: str, spellings: dict[str, str], n: int, cutoff: float) -> list[str]:
    """Canonical names whose spellings are closest to `name`, best first, without repeats."""
    import difflib  # only when something is misspelt: start-up stays light
    hits = difflib.get_close_matches(normalise(name), list(spellings), n=len(spellings), cutoff=cutoff)
    out: list[str] = []
    for hit in hits:
        canonical = spellings[hit]
        if canonical not in out:
            out.append(canonical)
    return out[:n]


def _check_unique(owner: str, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
    # Two entries sharing a normalised spelling would make matching depend on file order.
    seen: dict[str, str] = {}
    for name, spellings in entries:
        for spelling in {normalise(s) for s in spellings}:
            other = seen.setdefault(spelling, name)
            if other != name:
                raise ValueError(f"{owner}: {other!r} and {name!r} both answer to {spelling!r}")


def _with_heading(data: Any) -> Any:
    """Most 一级 print under their own name, so files only spell out a heading when it differs."""
    if isinstance(data, dict) and not data.get("heading") and isinstance(data.get("name"), str):
        return {**data, "heading": data["name"]}
    return data


_frozen = dataclass(frozen=True, slots=True, kw_only=True, weakref_slot=True)
# extra="forbid" so that a misspelt key in a user's framework file is reported, not ignored (pydantic reads
# this when it validates one; it is not imported otherwise)
_STRICT = {"extra": "forbid"}


@_frozen
class Level2Def:
    __pydantic_config__ = _STRICT

    name: str
    aliases: tuple[str, ...] = ()
    status: Status = "confirmed"

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@_frozen
class Level1Def:
    __pydantic_config__ = _STRICT

    name: str
    heading: str = ""
    aliases: tuple[str, ...] = ()
    status: Status = "confirmed"
    complete: bool = True
    level2: tuple[Level2Def, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        # The printed heading is accepted too, so text-backend output reads back in.
        return (self.name, self.heading, *self.aliases)

    @property
    def level2_names(self) -> list[str]:
        return [l2.name for l2 in self.level2]

    def match_level2(self, name: str) -> Level2Def | None:
        return _by_spelling(self, self.level2).get(normalise(name))

    def suggest_level2(self, name: str, n: int = 3, cutoff: float = 0.5) -> list[str]:
        """Did-you-mean: canonical 二级 names close to `name`, best first."""
        hit = self.match_level2(name)
        if hit is not None:
            return [hit.name]
        spellings = {normalise(s): l2.name for l2 in self.level2 for s in l2.spellings}
        return _closest(name, spellings, n, cutoff)


@_frozen
class Framework:
    __pydantic_config__ = _STRICT

    name: str
    title: str
    source: str
    required: tuple[str | tuple[str, ...], ...] = ()
    """Header keys a project must fill in (C201); an entry of several keys is filled in by any one of them
    (national tables print 实施单位 where others print 申报单位)."""
    printed: tuple[str, ...] = ()
    """Header keys the form prints that a project may leave out: `perfdsl new` writes them to fill in."""
    level1: tuple[Level1Def, ...]

    @property
    def level1_names(self) -> list[str]:
        return [l1.name for l1 in self.level1]

    def match_level1(self, name: str) -> Level1Def | None:
        return _by_spelling(self, self.level1).get(normalise(name))

    def suggest_level1(self, name: str, n: int = 3, cutoff: float = 0.5) -> list[str]:
        """Did-you-mean: canonical 一级 names close to `name`, best first."""
        hit = self.match_level1(name)
        if hit is not None:
            return [hit.name]
        spellings = {normalise(s): l1.name for l1 in self.level1 for s in l1.spellings}
        return _closest(name, spellings, n, cutoff)

    def suggest_level2(self, level1: Level1Def | str, name: str, n: int = 3, cutoff: float = 0.5) -> list[str]:
        """Did-you-mean for a 二级 under `level1` (a definition or any spelling of its name)."""
        l1 = level1 if isinstance(level1, Level1Def) else self.match_level1(level1)
        return [] if l1 is None else l1.suggest_level2(name, n, cutoff)


_MEMO: dict[tuple[int, str], Any] = {}


def memo(owner: Framework | Level1Def, what: str, make: Callable[[], Any]) -> Any:
    """What the checks ask a framework for every section of every file, made once per framework (or 一级).
    Keyed by identity (hashing a model hashes all of it); an entry goes when its owner is collected, so the
    frameworks of a configuration read again (each build reads its own) do not pile up, nor does a later
    object with the same id find their entries."""
    key = (id(owner), what)
    try:
        return _MEMO[key]
    except KeyError:
        made = _MEMO[key] = make()
        weakref.finalize(owner, _MEMO.pop, key, None)
        return made


def _by_spelling(owner: Framework | Level1Def, entries: Sequence[Level1Def | Level2Def]) -> dict[str, Any]:
    """Normalised spelling -> entry (the first wins, as in file order; spellings are unique anyway)."""
    def make() -> dict[str, Any]:
        table: dict[str, Any] = {}
        for entry in entries:
            for spelling in entry.spellings:
                table.setdefault(normalise(spelling), entry)
        return table

    return memo(owner, "by-spelling", make)  # type: ignore[no-any-return]


def section_spellings(fw: Framework) -> frozenset[str]:
    """Every normalised spelling of the framework's 一级 and 二级 names."""
    return memo(fw, "sections", lambda: frozenset(  # type: ignore[no-any-return]
        normalise(s) for l1 in fw.level1 for s in (*l1.spellings, *(x for l2 in l1.level2 for x in l2.spellings))))


def _validate(fw: Framework) -> None:
    """What a framework must hold beyond its fields' types."""
    if not fw.level1:
        raise ValueError("a framework needs at least one [[level1]]")
    _check_unique(f"framework {fw.name!r}", ((l1.name, l1.spellings) for l1 in fw.level1))
    for l1 in fw.level1:
        _check_unique(f"一级 {l1.name!r}", ((l2.name, l2.spellings) for l2 in l1.level2))


def _describe(error: Any) -> str:
    parts = []
    for e in error.errors():
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"]).lstrip(".")
        parts.append(f"{loc}: {e['msg']}" if loc else e["msg"])
    return "; ".join(parts)


def _parse(data: bytes, where: str) -> Framework:
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise FrameworkError(where, f"not UTF-8 text ({e.reason})") from e
    except tomllib.TOMLDecodeError as e:
        raise FrameworkError(where, f"invalid TOML: {e}") from e
    from pydantic import TypeAdapter, ValidationError  # a user's file: the one place frameworks are validated

    if isinstance(raw.get("level1"), list):
        raw = {**raw, "level1": [_with_heading(l1) for l1 in raw["level1"]]}
    try:
        fw = TypeAdapter(Framework).validate_python(raw)
        _validate(fw)
    except ValidationError as e:
        raise FrameworkError(where, _describe(e)) from e
    except ValueError as e:
        raise FrameworkError(where, str(e)) from e
    return fw


def load_framework(path: str | os.PathLike[str]) -> Framework:
    """Load a framework file; any problem with it raises FrameworkError naming the path."""
    from ..syntax.loader import NotRegularFile, read_regular

    try:
        data = read_regular(os.fspath(path))
    except NotRegularFile as e:
        raise FrameworkError(path, "cannot read: not a regular file") from e
    except OSError as e:
        raise FrameworkError(path, f"cannot read: {e.strerror or e}") from e
    return _parse(data, os.fspath(path))


def _trusted(raw: dict[str, Any]) -> Framework:
    """A builtin framework built without validation: the same objects a user's file validates into (the
    test suite holds every builtin to that), without importing pydantic and building its validators, which
    would cost a one-file `perfdsl check` a tenth of its run time. Users' framework files are always
    validated."""
    def level2(data: dict[str, Any]) -> Level2Def:
        return Level2Def(**{**data, "aliases": tuple(data.get("aliases", ()))})

    def level1(data: dict[str, Any]) -> Level1Def:
        data = _with_heading(data)
        return Level1Def(**{**data, "aliases": tuple(data.get("aliases", ())),
                                            "level2": tuple(level2(l2) for l2 in data.get("level2", ()))})

    required = tuple(tuple(r) if isinstance(r, list) else r for r in raw.get("required", ()))
    return Framework(**{**raw, "required": required, "printed": tuple(raw.get("printed", ())),
                                        "level1": tuple(level1(l1) for l1 in raw["level1"])})


_BUILTINS = Path(__file__).parent
"""The builtin framework files, beside this module in the installed package (a folder, as pip installs it:
`importlib.resources` would cost a one-file `perfdsl check` a twentieth of its run time in imports)."""


def builtin_names() -> list[str]:
    """Names of the frameworks shipped with perfdsl, sorted."""
    return sorted(p.name[: -len(".toml")] for p in _BUILTINS.iterdir() if p.name.endswith(".toml"))


@lru_cache(maxsize=None)
def builtin(name: str) -> Framework:
    """A framework shipped with perfdsl, by name (e.g. "national-2021")."""
    resource = _BUILTINS / f"{name}.toml"
    if not resource.is_file():
        known = builtin_names()
        import difflib  # only when something is misspelt: start-up stays light
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise FrameworkError(str(resource), f"no builtin framework {name!r} (known: {', '.join(known)}){hint}")
    framework = _trusted(tomllib.loads(resource.read_text(encoding="utf-8")))
    if framework.name != name:
        # Users refer to builtins by file name; a mismatch would make diagnostics name the wrong framework.
        raise FrameworkError(str(resource), f"file declares name {framework.name!r}, expected {name!r}")
    return framework


def best_fit(level1_names: Sequence[str], candidates: Sequence[Framework],
             level2: Mapping[str, Iterable[str]] | None = None) -> Framework | None:
    """The candidate that recognises the most of `level1_names`, or None when nothing fits or it is a tie.

    Recognised names count first; among equals, the framework with fewer of its own 一级 left unused wins,
    because national-2015 and national-2021 both know 产出/效益/满意度 and only the missing 成本指标 tells
    them apart. Frameworks may share every 一级 (national-2021 and shanghai-2025 do) and differ in their 二级
    only, so `level2`, the 二级 names given under each 一级 name (when the caller has them), decides next:
    the framework that recognises more of them, then the one with fewer of its own 二级 (under the 一级 used)
    left unused. Without `level2` that last count still prefers the framework that asks for less beyond
    what was given, so a table read by its 一级 alone is national-2021 rather than shanghai-2025, which
    accepts more 二级 under the same 一级. A tie on every count gives None so callers never suggest an
    arbitrary framework.
    """
    scored: list[tuple[tuple[int, int, int, int], Framework]] = []
    for fw in candidates:
        hits = [fw.match_level1(n) for n in level1_names]
        used = {l1.name: l1 for l1 in hits if l1 is not None}
        recognised = sum(l1 is not None for l1 in hits)
        if not recognised:
            continue
        # distinct 二级 definitions, so that a name repeated on every row of a table counts once
        known2: set[tuple[str, str]] = set()
        for given, names in (level2 or {}).items():
            l1 = fw.match_level1(given)
            if l1 is not None and l1.name in used:
                known2.update((l1.name, l2.name) for l2 in map(l1.match_level2, names) if l2 is not None)
        unused2 = sum(len(l1.level2) for l1 in used.values()) - len(known2)
        scored.append(((recognised, -(len(fw.level1) - len(used)), len(known2), -unused2), fw))
    if not scored:
        return None
    scored.sort(key=lambda s: s[0], reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


__all__ = [
    "DEFAULT_FRAMEWORK",
    "Framework",
    "FrameworkError",
    "Level1Def",
    "Level2Def",
    "best_fit",
    "memo",
    "builtin",
    "builtin_names",
    "load_framework",
    "normalise",
]
