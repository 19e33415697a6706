"""Completion for editors: what may be typed at a position of a document being written (`perfdsl lsp`).

Beside the pipeline: text being typed rarely parses, so the context (the top of the file, a project, 预算, a
一级 or 二级 section, an indicator's attributes, a text block) is read off the lines above the cursor by
their shape, the way the scanner reads lines: `项目 NAME {`, `预算 {`, `NAME {`, `NAME TARGET {`, `}`, and
the triple quotes around text blocks. The words offered come from perfdsl/syntax/vocab.py and the framework that applies (the
project's `框架`, the file's, else the configuration's default), so they are the words `check` accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from ..syntax import lexicon
from .document import Lines, Position
from ..frameworks import DEFAULT_FRAMEWORK, Framework, builtin, builtin_names
from ..messages import say
from ..syntax.scanner import unquote
from ..syntax.vocab import (ATTRIBUTE_KEYS, BUDGET_ATTRIBUTE_KEYS, CAUSE_WORDS, EXECUTION_SOURCE_WORDS, GRADE_WORDS,
                            LIKELIHOOD_WORDS, BUDGET_KEYS, BUDGET_WEIGHT_KEY, BUDGET_WORDS, DIRECTION_WORDS,
                            FILE_LEVEL_FIELDS, FLAG_SPELLING, HEADER_KEYS, LEVEL1_WEIGHT_KEY, LIFECYCLE_WORDS,
                            NATURE_KINDS, NATURE_WORDS, PROJECT_WORDS, QUALITATIVE_WORDS, SOURCE_WORDS, SOURCES_WORDS,
                            STANDARD_WORDS, TEXT_KEYS, Key, lookup_key)

ItemKind = Literal["keyword", "key", "section", "word", "value"]
BlockKind = Literal["project", "budget", "sources", "level1", "level2", "indicator", "other"]

_NAME = lexicon.compiled("NAME")
# the code of a line: quoted names (a `#` inside one is no comment) and anything but a quote or a comment
_CODE = re.compile(f"(?:{lexicon.pattern('QUOTED')}|[^\"#])*")


@dataclass(frozen=True)
class Item:
    label: str
    kind: ItemKind
    detail: str = ""
    documentation: str | None = None
    filter: str | None = None
    """Also matched against what was typed: the English alias of a key."""


@dataclass
class Completion:
    items: list[Item]
    start: int
    """Code-point index in the cursor's line where the word being completed starts (it ends at the cursor)."""


@dataclass
class Block:
    kind: BlockKind
    name: str = ""
    framework: str | None = None
    """A project's own `框架`."""


@dataclass
class Context:
    stack: list[Block] = field(default_factory=list)
    framework: str | None = None
    """The file's `框架`."""
    in_text: bool = False

    @property
    def top(self) -> Block | None:
        return self.stack[-1] if self.stack else None

    def framework_name(self) -> str | None:
        project = next((b for b in reversed(self.stack) if b.kind == "project"), None)
        return (project.framework if project else None) or self.framework


def _unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == name[-1] == '"':
        return unquote(name[1:-1])
    return name


def code_part(line: str) -> str:
    """The line without its comment (a `#` inside a quoted name is not one; after an unclosed quote, none is)."""
    end = _CODE.match(line).end()  # type: ignore[union-attr]
    return line if line.startswith('"', end) else line[:end]


def _opened(ctx: Context, head: str) -> Block:
    words = _NAME.findall(head)
    first = words[0] if words else ""
    if first in PROJECT_WORDS:
        return Block("project", _unquote(words[1]) if len(words) > 1 else "")
    if first in BUDGET_WORDS and len(words) == 1:
        return Block("budget")
    child: dict[str | None, BlockKind] = {"project": "level1", "level1": "level2", "level2": "indicator"}
    if ctx.top is not None and ctx.top.kind == "budget" and (first in SOURCES_WORDS or first in EXECUTION_SOURCE_WORDS):
        return Block("sources")
    return Block(child.get(ctx.top.kind if ctx.top else None, "other"), _unquote(first))


def _read(ctx: Context, line: str) -> None:
    if ctx.in_text:
        ctx.in_text = line.count('"""') % 2 == 0
        return
    code = code_part(line).strip()
    if code.count('"""') % 2 == 1:
        ctx.in_text = True
    elif code.endswith("{"):
        ctx.stack.append(_opened(ctx, code[:-1]))
    elif code.startswith("}"):
        if ctx.stack:
            ctx.stack.pop()
    else:
        words = _NAME.findall(code)
        key = lookup_key(words[0]) if words else None
        if key is not None and key.field == "framework" and len(words) > 1:
            if ctx.top is None:
                ctx.framework = _unquote(words[1])
            elif ctx.top.kind == "project":
                ctx.top.framework = _unquote(words[1])


def context(lines: Lines, line: int) -> Context:
    """The blocks open at the start of `line`, and the `框架` that applies there."""
    ctx = Context()
    for i in range(min(line, len(lines.lines))):
        _read(ctx, lines.lines[i])
    return ctx


def framework(ctx: Context, path: str) -> Framework | None:
    """The framework the checks would use here: the project's or file's `框架`, else the configured one."""
    from ..config import ConfigError, find_config

    try:
        config = find_config(path)
        return config.framework(ctx.framework_name() or config.settings_for(path).framework)
    except ConfigError:  # the diagnostics say what is wrong with it; complete with the builtins meanwhile
        name = ctx.framework_name() or DEFAULT_FRAMEWORK
        return builtin(name) if name in builtin_names() else None


# -------------------------------------------------------------------------------------------------- items


def _key(key: Key, lang: str) -> Item:
    detail = f"{key.official or key.canonical} · {key.field}"
    return Item(key.canonical, "key", detail, say("lsp.key." + key.field, lang), f"{key.canonical} {key.field}")


def _first_words(ctx: Context, fw: Framework | None, lang: str) -> list[Item]:
    top = ctx.top
    if top is None:
        keys = [k for k in HEADER_KEYS if k.field in FILE_LEVEL_FIELDS]
        return [*(_key(k, lang) for k in keys),
                Item(PROJECT_WORDS[0], "keyword", PROJECT_WORDS[1], say("lsp.project", lang), " ".join(PROJECT_WORDS))]
    if top.kind == "project":
        items = [*(_key(k, lang) for k in (*HEADER_KEYS, *TEXT_KEYS)),
                 Item(BUDGET_WORDS[0], "keyword", BUDGET_WORDS[1], say("lsp.budget", lang), " ".join(BUDGET_WORDS))]
        if fw is not None:
            items += [Item(l1.name, "section", say("lsp.level1", lang, framework=fw.name)) for l1 in fw.level1]
        return items
    if top.kind == "budget":
        return [*(_key(k, lang) for k in BUDGET_KEYS), _key(BUDGET_WEIGHT_KEY, lang),
                Item(SOURCES_WORDS[0], "keyword", SOURCES_WORDS[1], say("lsp.sources", lang)),
                *(_key(k, lang) for k in BUDGET_ATTRIBUTE_KEYS),
                *(Item(w, "keyword", say("lsp.execution." + f, lang)) for w, f in EXECUTION_SOURCE_WORDS.items())]
    if top.kind == "sources":
        return [Item(w, "value", say("lsp.source", lang)) for w in SOURCE_WORDS]
    if top.kind == "level1":
        weight = [_key(LEVEL1_WEIGHT_KEY, lang)]
        definition = fw.match_level1(top.name) if fw is not None else None
        if fw is None or definition is None:
            return weight
        return [*(Item(l2.name, "section", say("lsp.level2", lang, level1=definition.name, framework=fw.name))
                  for l2 in definition.level2), *weight]
    if top.kind == "indicator":
        return [_key(k, lang) for k in ATTRIBUTE_KEYS]
    return []


def _values(key: Key, path: str, lang: str) -> list[Item]:
    detail = say("lsp.value", lang)
    if key.field == "framework":
        from ..config import ConfigError, find_config

        try:
            names = [f.name for f in find_config(path).known_frameworks()]
        except ConfigError:
            names = builtin_names()
        return [Item(n, "value", say("lsp.framework", lang, title=builtin(n).title) if n in builtin_names() else detail)
                for n in names]
    words = {"purchase": tuple(FLAG_SPELLING.values()), "core": tuple(FLAG_SPELLING.values()),
             "nature": (*NATURE_WORDS, *NATURE_KINDS), "standard": STANDARD_WORDS, "direction": DIRECTION_WORDS,
             "lifecycle": LIFECYCLE_WORDS, "grade": GRADE_WORDS, "cause": CAUSE_WORDS, "likelihood": LIKELIHOOD_WORDS,
             "not_applicable": tuple(FLAG_SPELLING.values()), "rectify": tuple(FLAG_SPELLING.values())}.get(key.field, ())
    return [Item(w, "value", detail) for w in words]


def complete(lines: Lines, pos: Position, path: str, lang: str = "zh") -> Completion:
    """What may stand at `pos`: a key, keyword or section name at the start of a line, a value after a key,
    a qualitative word after an indicator's name."""
    index = lines.index(pos)
    prefix = lines.text(pos.line)[:index]
    ctx = context(lines, pos.line)
    if ctx.in_text or code_part(prefix) != prefix:
        return Completion([], index)  # prose and comments are the writer's own
    indent = len(prefix) - len(prefix.lstrip())
    words = _NAME.findall(prefix[indent:])
    typing_word = bool(prefix[indent:]) and not prefix[-1].isspace()
    done = words[:-1] if typing_word else words
    start = index - (len(words[-1]) if typing_word and words else 0)
    if not done:
        return Completion(_first_words(ctx, framework(ctx, path), lang), start)
    key = lookup_key(done[0])
    if key is not None and len(done) == 1:
        return Completion(_values(key, path, lang), start)
    top = ctx.top
    if top is not None and top.kind == "level2" and len(done) == 1:
        detail = say("lsp.word", lang)
        return Completion([Item(w, "word", detail) for w in QUALITATIVE_WORDS], start)
    return Completion([], start)


def section_hover(lines: Lines, pos: Position, name: str, path: str, lang: str = "zh") -> str | None:
    """A 一级 or 二级 name under the cursor: where it stands in the framework and what it holds."""
    from ..checks.registry import Names

    ctx = context(lines, pos.line)
    fw = framework(ctx, path)
    top = ctx.top
    if fw is None or top is None:
        return None
    if top.kind == "project" and (l1 := fw.match_level1(name)) is not None:
        return str(say("lsp.level1.hover", lang, name=l1.name, framework=fw.name, heading=l1.heading,
                       level2=Names(l1.level2_names)))
    if top.kind == "level1" and (parent := fw.match_level1(top.name)) and (l2 := parent.match_level2(name)):
        return f"**{l2.name}**: {say('lsp.level2', lang, level1=parent.name, framework=fw.name)}"
    return None
