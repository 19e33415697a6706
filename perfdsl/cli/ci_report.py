"""Diagnostics in the formats CI services read (`perfdsl check --format github|gitlab`).

The last step of `check`, beside `diagnostics.render_text`/`render_json`: GitHub Actions turns workflow
commands printed on stdout into annotations on the pull request's lines; GitLab reads a Code Quality report
(a JSON array) and shows it in the merge request. Both only render diagnostics; nothing is decided here.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections import Counter
from typing import Any, Iterable

from ..diagnostics import Diagnostic, Severity, shown, undecodable_shown

GITHUB_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.info: "notice"}
GITLAB_SEVERITY = {Severity.error: "major", Severity.warning: "minor", Severity.info: "info"}


def _github_data(text: str) -> str:
    # the escapes the runner undoes in a command's message
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    # a property value ends at `,` and the properties end at `::`, so both are escaped too
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def _path(file: str) -> str:
    # `./specs/a.perf` and `specs//a.perf` must name the file as the repository does; the bytes of a name
    # that are not UTF-8 are written as `\\xb1`, the one form a UTF-8 report can hold
    return undecodable_shown(posixpath.normpath(file.replace("\\", "/")) if file != "-" else file)


def render_github(diags: Iterable[Diagnostic], lang: str = "zh") -> str:
    """One workflow command per diagnostic: `::error file=…,line=…,col=…,title=CODE::message`."""
    out = []
    for d in diags:
        s = d.span
        props = [f"file={_github_property(shown(_path(s.file)))}", f"line={s.line}", f"col={s.column}"]
        if s.end_line >= s.line:
            props += [f"endLine={s.end_line}", f"endColumn={s.end_column}"]
        props.append(f"title={_github_property(d.code)}")
        # a log shows the annotation's text too: control characters in it are shown, not sent to the terminal
        message = shown(d.message(lang))
        hint = d.hint(lang)
        if hint:
            message += "\n" + shown(hint)
        out.append(f"::{GITHUB_LEVEL[d.severity]} {','.join(props)}::{_github_data(message)}")
    return "".join(line + "\n" for line in out)


def _line_text(sources: dict[str, str], file: str, line: int, cache: dict[str, list[str]]) -> str:
    if file not in cache:
        cache[file] = sources.get(file, "").replace("\r\n", "\n").split("\n")
    lines = cache[file]
    return lines[line - 1].strip() if 1 <= line <= len(lines) else ""


def gitlab_issues(diags: Iterable[Diagnostic], sources: dict[str, str], lang: str = "zh") -> list[dict[str, Any]]:
    """Code Quality issues. The fingerprint hashes the rule, the file, the text of the line and the English
    message, not the line number: an issue keeps its fingerprint when lines above it are added or removed,
    so GitLab shows it as old rather than fixed-and-new. Identical findings in one file are numbered."""
    cache: dict[str, list[str]] = {}
    seen: Counter[str] = Counter()
    issues = []
    for d in diags:
        s = d.span
        basis = "\0".join((d.code, s.file, _line_text(sources, s.file, s.line, cache), d.message("en")))
        seen[basis] += 1
        digest = hashlib.sha256(f"{basis}\0{seen[basis]}".encode("utf-8", "surrogatepass")).hexdigest()
        issues.append({
            "description": f"[{d.code}] {undecodable_shown(d.message(lang))}",
            "check_name": d.code,
            "fingerprint": digest,
            "severity": GITLAB_SEVERITY[d.severity],
            "location": {"path": _path(s.file), "lines": {"begin": s.line, "end": max(s.end_line, s.line)}},
        })
    return issues


def render_gitlab(diags: Iterable[Diagnostic], sources: dict[str, str], lang: str = "zh") -> str:
    return json.dumps(gitlab_issues(diags, sources, lang), ensure_ascii=False, indent=2) + "\n"
