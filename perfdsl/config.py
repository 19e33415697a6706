"""Configuration of the checks: `perfdsl.toml`, or `[tool.perfdsl]` in `pyproject.toml`.

The configuration is looked up from a checked file's folder upwards (the first folder holding either file
wins; a `pyproject.toml` without `[tool.perfdsl]` does not count) or given with `--config`. It says which
framework a spec uses when it names none, which extra framework files exist, how severe each rule is
(`error|warning|info|off`, by code, code prefix or rule name) and how those settings differ per path:

    framework = "national-2015"
    frameworks = ["frameworks/my-city.toml"]     # relative to this file
    weight-total = 100

    [rules]
    C410 = "off"
    C4 = "warning"                               # every C4xx rule

    [score]                                      # how `perfdsl score` scores (docs/score.md)
    rules = "linear-reverse"                     # a named rule set; any of its figures may be changed:
    budget-points = 10

    [[overrides]]
    paths = ["legacy/**"]
    framework = "shanghai-2020"
    rules = { C411 = "off" }

A broken configuration is not source text with a span, so loading raises `ConfigError` (catalogue key and
arguments, rendered by the command), and the command exits 2.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, Mapping

from .diagnostics import Severity
from .messages import Phrase
from .frameworks import DEFAULT_FRAMEWORK, Framework, FrameworkError, builtin, builtin_names, load_framework

if TYPE_CHECKING:
    from .evaluation.rules import RuleSet

FILE_NAME = "perfdsl.toml"
PYPROJECT = "pyproject.toml"

Level = Literal["error", "warning", "info", "off"]


class ConfigError(Exception):
    """A configuration that cannot be used; `key` and `params` make a catalogue sentence."""

    def __init__(self, path: str, key: str, **params: Any) -> None:
        self.path, self.key, self.params = path, key, params
        super().__init__(f"{path}: {key} {params}")

    def __reduce__(self) -> tuple[Any, ...]:
        # raised in a worker process of `perfdsl check`, it reaches the command pickled: made anew from what
        # it says, not from its text
        return _config_error, (self.path, self.key, self.params)


def _config_error(path: str, key: str, params: dict[str, Any]) -> ConfigError:
    return ConfigError(path, key, **params)


_table = dataclass(frozen=True, slots=True, kw_only=True)
# read by pydantic when it validates a file (it is imported only then); extra="forbid": a misspelt key must be
# reported, not silently ignored
_STRICT = {"extra": "forbid", "populate_by_name": True}


@_table
class Override:
    __pydantic_config__ = _STRICT

    paths: tuple[str, ...]
    framework: str | None = None
    rules: dict[str, Level] = field(default_factory=dict)


@_table
class ScoreData:
    """`[score]`: the rule set of `perfdsl score` and the figures of it this project changes."""

    __pydantic_config__ = _STRICT

    rules: str = "central-2020"
    budget_points: Decimal | None = field(default=None, metadata={"alias": "budget-points", "ge": 0})
    indicator_points: Decimal | None = field(default=None, metadata={"alias": "indicator-points", "ge": 0})
    reverse: Literal["ratio", "linear"] | None = None
    positive: Literal["ratio", "linear"] | None = None
    positive_zero: Decimal | None = field(default=None, metadata={"alias": "positive-zero", "ge": 0, "lt": 100})
    decimals: int | None = field(default=None, metadata={"ge": 0, "le": 4})


@_table
class ConfigData:
    """The table as written in the file."""

    __pydantic_config__ = _STRICT

    framework: str | None = None
    frameworks: tuple[str, ...] = ()
    weight_total: Decimal = field(default=Decimal(100), metadata={"alias": "weight-total", "gt": 0})
    rules: dict[str, Level] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    score: ScoreData = field(default_factory=ScoreData)


@dataclass(frozen=True)
class Settings:
    """What applies to one file: its default framework, rule severities and the weight total."""

    framework: str = DEFAULT_FRAMEWORK
    levels: Mapping[str, Level] = field(default_factory=dict)
    """Configured level per rule code; a code not listed keeps its default severity."""
    weight_total: Decimal = Decimal(100)

    def severity(self, code: str, default: Severity) -> Severity | None:
        """The severity a diagnostic of `code` is reported with, or None when the rule is off."""
        level = self.levels.get(code)
        if level is None:
            return default
        return None if level == "off" else Severity(level)


@lru_cache(maxsize=1)
def _builtin_names() -> frozenset[str]:
    # asked for every project by several checks; the package's files do not change while it runs
    return frozenset(builtin_names())


@dataclass
class Config:
    """A loaded configuration (or the defaults, with `path` None)."""

    path: str | None = None
    root: str = "."
    data: ConfigData = field(default_factory=ConfigData)
    frameworks: dict[str, Framework] = field(default_factory=dict)
    _levels: dict[str, Level] = field(default_factory=dict)
    _override_levels: list[dict[str, Level]] = field(default_factory=list)

    def framework(self, name: str) -> Framework | None:
        """A framework by name: a configured file's, else a builtin, else None."""
        if name in self.frameworks:
            return self.frameworks[name]
        return builtin(name) if name in _builtin_names() else None

    def rule_set(self) -> "RuleSet":
        """The rule set of `perfdsl score` (`[score]`), with the figures the configuration changes."""
        from .evaluation.rules import TUNABLE, rule_set

        score = self.data.score
        changes = {name: getattr(score, name) for name in TUNABLE if getattr(score, name) is not None}
        return rule_set(score.rules, changes)

    def known_frameworks(self) -> list[Framework]:
        return [builtin(n) for n in _builtin_names()] + list(self.frameworks.values())


    def settings_for(self, path: str) -> Settings:
        framework = self.data.framework or DEFAULT_FRAMEWORK
        levels = dict(self._levels)
        if not self.data.overrides:
            return Settings(framework, levels, self.data.weight_total)
        rel = _relative(path, self.root)
        for override, override_levels in zip(self.data.overrides, self._override_levels):
            if any(matches(pattern, rel) for pattern in override.paths):
                framework = override.framework or framework
                levels.update(override_levels)
        return Settings(framework, levels, self.data.weight_total)


def _relative(path: str, root: str) -> str:
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return rel.replace(os.sep, "/")


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def matches(pattern: str, rel: str) -> bool:
    """Glob match of a path relative to the configuration's folder (`**` spans folders).

    A pattern without `/` matches a file name at any depth (`*.draft.perf`); a pattern that names a folder
    matches everything under it (`legacy` == `legacy/**`).
    """
    pattern = pattern.strip()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    regex = _glob_regex(pattern.rstrip("/"))
    if "/" not in pattern.rstrip("/"):
        return any(regex.fullmatch(part) for part in rel.split("/"))
    parts = rel.split("/")
    return any(regex.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1))


# ---------------------------------------------------------------------------------------------- loading


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _rule_codes(path: str, key: str) -> list[str]:
    """The rule codes a `[rules]` key stands for: a code, a code prefix (`C4`, `C`) or a rule name."""
    from .checks.registry import RULES  # late: the checks package imports this module

    exact = [r.code for r in RULES.values() if key in (r.name, r.code) or key.upper() == r.code]
    if exact:
        return exact
    codes = [code for code in RULES if key[:1] in "cC" and code.startswith(key.upper())]
    if not codes:
        import difflib  # only when something is misspelt: start-up stays light
        close = difflib.get_close_matches(key, [*RULES, *(r.name for r in RULES.values())], n=1)
        if close:
            raise ConfigError(path, "config.unknown_rule.close", rule=key, suggestion=close[0])
        raise ConfigError(path, "config.unknown_rule", rule=key)
    return codes


def _levels(path: str, rules: Mapping[str, Level]) -> dict[str, Level]:
    from .checks.registry import RULES

    # More specific keys win: an exact code or rule name beats `C4`, which beats `C`.
    def specificity(key: str) -> int:
        exact = key.upper() in RULES or any(key == r.name for r in RULES.values())
        return 99 if exact else len(key)

    out: dict[str, Level] = {}
    for key in sorted(rules, key=specificity):
        for code in _rule_codes(path, key):
            out[code] = rules[key]
    return out


def _describe(path: str, error: Any) -> ConfigError:
    e = error.errors()[0]
    where = ".".join(str(p) for p in e["loc"])
    if e["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return ConfigError(path, "config.unknown_key", field=where)
    if e["type"] == "literal_error":
        return ConfigError(path, "config.bad_level", field=where, value=str(e.get("input")))
    return ConfigError(path, "config.bad_value", field=where, detail=e["msg"])


def from_table(table: Mapping[str, Any], path: str) -> Config:
    """Validate a configuration table read from `path` and load the frameworks it names."""
    shown = _shown(path)
    from pydantic import TypeAdapter, ValidationError  # a file to validate: the one place pydantic is needed

    try:
        data = TypeAdapter(ConfigData).validate_python(table)
    except ValidationError as e:
        raise _describe(shown, e) from e
    root = os.path.dirname(os.path.abspath(path))
    config = Config(path=shown, root=root, data=data)
    for rel in data.frameworks:
        if "\x00" in rel:  # no file has such a name, and the path functions raise on one
            raise ConfigError(shown, "config.framework_file", file=repr(rel), detail=Phrase("config.nul_in_name"))
        target = os.path.realpath(os.path.join(root, rel))
        # a configuration names files of its own project: nothing above its folder, no link leading out
        if os.path.commonpath([target, os.path.realpath(root)]) != os.path.realpath(root):
            raise ConfigError(shown, "config.framework_outside", file=rel)
        try:
            fw = load_framework(target)
        except FrameworkError as e:
            raise ConfigError(shown, "config.framework_file", file=rel, detail=e.message) from e
        if fw.name in builtin_names() or fw.name in config.frameworks:
            raise ConfigError(shown, "config.framework_clash", file=rel, name=fw.name)
        config.frameworks[fw.name] = fw
    for name in [data.framework, *(o.framework for o in data.overrides)]:
        if name is not None and config.framework(name) is None:
            known = ", ".join([*builtin_names(), *config.frameworks])
            raise ConfigError(shown, "config.unknown_framework", name=name, known=known)
    from .evaluation.rules import RULE_SETS

    if data.score.rules not in RULE_SETS:
        raise ConfigError(shown, "config.unknown_rules", name=data.score.rules, known=", ".join(RULE_SETS))
    config._levels = _levels(shown, data.rules)
    config._override_levels = [_levels(shown, o.rules) for o in data.overrides]
    return config


def _read_toml(path: str) -> dict[str, Any]:
    from .syntax.loader import NotRegularFile, read_regular

    try:
        return tomllib.loads(read_regular(path).decode("utf-8"))
    except NotRegularFile as e:
        raise ConfigError(_shown(path), "config.unreadable", detail=Phrase("P000.not_regular")) from e
    except OSError as e:
        raise ConfigError(_shown(path), "config.unreadable", detail=e.strerror or str(e)) from e
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(_shown(path), "config.bad_toml", detail=str(e)) from e


def load_config(path: str) -> Config:
    """Load `perfdsl.toml`, or the `[tool.perfdsl]` table of a `pyproject.toml`, from `path`."""
    table = _read_toml(path)
    if os.path.basename(path) == PYPROJECT:
        table = table.get("tool", {}).get("perfdsl", {})
    if not isinstance(table, dict):
        raise ConfigError(_shown(path), "config.bad_value", field="tool.perfdsl", detail="not a table")
    return from_table(table, path)


def find_config(start: str, cache: dict[str, Config] | None = None) -> Config:
    """The configuration for a file or folder: the first found from its folder upwards, else defaults."""
    folder = os.path.abspath(start)
    if cache is not None and folder in cache:
        return cache[folder]
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    seen: list[str] = []
    config: Config | None = None
    while True:
        if cache is not None and folder in cache:
            config = cache[folder]
            break
        seen.append(folder)
        config = _config_in(folder)
        parent = os.path.dirname(folder)
        if config is not None or parent == folder:
            break
        folder = parent
    config = config or Config()
    if cache is not None:
        cache.update({f: config for f in seen})
    return config


def _config_in(folder: str) -> Config | None:
    own = os.path.join(folder, FILE_NAME)
    if os.path.isfile(own):
        return load_config(own)
    pyproject = os.path.join(folder, PYPROJECT)
    if os.path.isfile(pyproject):
        table = _read_toml(pyproject)
        if isinstance(table.get("tool"), dict) and "perfdsl" in table["tool"]:
            return load_config(pyproject)
    return None
