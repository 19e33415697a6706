"""`perfdsl lsp` over a real stdio connection: JSON-RPC frames to and from `python -m perfdsl lsp`."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from perfdsl.syntax.fmt import format_source
from tests.conftest import ROOT

pytest.importorskip("pygls", reason="the language server needs the lsp extra: pip install '.[test]'")

TIMEOUT = 30


class Client:
    """A minimal LSP client: Content-Length framed JSON-RPC over the server's stdin and stdout."""

    def __init__(self, *args: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("PERFDSL_LANG", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "perfdsl", *args, "lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=TIMEOUT)

    def start(self, **params: Any) -> Any:
        """initialize (no workspace, no capabilities unless given) and initialized; the server's answer."""
        answer = self.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}, **params})
        self.notify("initialized", {})
        return answer

    def open(self, uri: str, text: str) -> list[dict[str, Any]]:
        """Open a document; the diagnostics published for it."""
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "perfdsl", "version": 1,
                                                              "text": text}})
        return self.diagnostics(uri)

    def stop(self) -> int:
        """shutdown and exit, as an editor closing; the server's exit status."""
        self.request("shutdown", None)
        self.notify("exit", None)
        return self.proc.wait(timeout=TIMEOUT)

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            headers = {}
            while (line := out.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                headers[name.strip().lower()] = value.strip()
            if not headers:
                return
            self.messages.put(json.loads(out.read(int(headers["content-length"]))))

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.messages.get(timeout=TIMEOUT)
            if message.get("id") == self.next_id and "method" not in message:
                assert "error" not in message, message
                return message.get("result")
            self.notifications.append(message)

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The next diagnostics published for `uri`."""
        while True:
            message = (self.notifications.pop(0) if self.notifications else self.messages.get(timeout=TIMEOUT))
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return list(message["params"]["diagnostics"])


def _uri(path: Path) -> str:
    return path.resolve().as_uri()


BROKEN = "项目 审判 {\n  产出 {\n    数量 {\n      😀𠀋率\n    }\n  }\n}\n"
"""Line 4 has an indicator without a target, after two astral characters (two UTF-16 units each)."""
OVER = "项目 审判 {\n  产出 {\n    数量 {\n      𠀋率 >= 120%  # perfdsl: ignore[C305] 无关\n    }\n  }\n}\n"
MESSY = "单位   某法院\n年度 2021\n项目 审判 {\n产出{\n数量 {\n结案率    ≥90％\n}\n}\n}\n"


@pytest.fixture(scope="module")
def client():
    c = Client()
    yield c
    if c.proc.poll() is None:
        c.proc.kill()
    c.proc.wait(timeout=TIMEOUT)


def test_a_session(client: Client, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("lsp")
    doc = folder / "审判.perf"
    uri = _uri(doc)
    init = client.request("initialize", {"processId": os.getpid(), "rootUri": _uri(folder), "capabilities": {}})
    caps = init["capabilities"]
    assert caps["documentFormattingProvider"] and caps["hoverProvider"] and caps["documentSymbolProvider"]
    assert caps["completionProvider"]["triggerCharacters"] == [" "]
    assert caps.get("positionEncoding", "utf-16") == "utf-16"
    assert init["serverInfo"]["name"] == "perfdsl"
    client.notify("initialized", {})

    # diagnostics as the document is opened and typed, ranges in UTF-16 code units
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "perfdsl", "version": 1,
                                                            "text": BROKEN}})
    (p002,) = client.diagnostics(uri)
    assert p002["code"] == "P002" and p002["severity"] == 1 and p002["source"] == "perfdsl"
    assert p002["range"] == {"start": {"line": 3, "character": 6}, "end": {"line": 3, "character": 11}}
    assert p002["message"].startswith("指标“😀𠀋率”后缺少目标值\n建议: ")
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": OVER}]})
    found = {d["code"]: d for d in client.diagnostics(uri)}
    assert {"C401", "C902", "C105", "C201"} <= set(found)
    assert found["C401"]["range"] == {"start": {"line": 3, "character": 10}, "end": {"line": 3, "character": 17}}

    # hover: a rule code in a comment, a key, a diagnostic's rule
    on_code = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 39}})
    assert "C305 cost-under-budget" in on_code["contents"]["value"]
    on_target = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 12}})
    assert on_target["contents"]["value"].startswith("**C401 rate-over-100")
    assert client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 6, "character": 0}}) is None

    # the outline
    (project,) = client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    assert project["name"] == "审判" and project["kind"] == 2
    assert project["range"] == {"start": {"line": 0, "character": 0}, "end": {"line": 6, "character": 1}}
    assert project["selectionRange"] == {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 5}}
    (level1,) = project["children"]
    (level2,) = level1["children"]
    (indicator,) = level2["children"]
    assert (level1["name"], level2["name"], indicator["name"], indicator["detail"]) == ("产出", "数量", "𠀋率", ">= 120%")
    assert indicator["selectionRange"]["end"] == {"line": 3, "character": 9}

    # completion: keys and 一级 names in a project, 二级 names in a 一级, target words after a name
    def labels(line: int, character: int) -> list[str]:
        got = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                         "position": {"line": line, "character": character}})
        return [i["label"] for i in got["items"]]

    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [
        {"text": "项目 审判 {\n  类\n  产出 {\n    \n    数量 {\n      𠀋率 \n    }\n  }\n}\n"}]})
    client.diagnostics(uri)
    in_project = labels(1, 3)
    assert {"类别", "开始", "预算", "总目标", "投入与管理", "产出", "效果", "影响力"} <= set(in_project)
    assert labels(3, 4) == ["数量", "质量", "时效", "成本", "分值"]
    assert {"合理", "提升", "同比下降"} <= set(labels(5, 10))  # after `𠀋率 `: two units for 𠀋
    item = client.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                      "position": {"line": 1, "character": 3}})["items"][0]
    assert item["textEdit"]["range"] == {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 3}}

    # formatting: the whole document as fmt writes it; nothing while it does not parse
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4},
                                             "contentChanges": [{"text": MESSY}]})
    client.diagnostics(uri)
    (edit,) = client.request("textDocument/formatting", {"textDocument": {"uri": uri},
                                                        "options": {"tabSize": 2, "insertSpaces": True}})
    assert edit["newText"] == format_source(MESSY, str(doc))[0]
    assert edit["range"] == {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 5},
                                             "contentChanges": [{"text": BROKEN}]})
    client.diagnostics(uri)
    assert client.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {
        "tabSize": 2, "insertSpaces": True}}) == []

    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics(uri) == []
    assert client.request("shutdown", None) is None
    client.notify("exit", None)
    assert client.proc.wait(timeout=TIMEOUT) == 0


def test_english_and_configuration_from_the_documents_folder(tmp_path: Path) -> None:
    """Messages follow initializationOptions; perfdsl.toml beside the document is applied as `check` does."""
    (tmp_path / "perfdsl.toml").write_text('[rules]\nC401 = "off"\nC105 = "info"\n', encoding="utf-8")
    with Client() as c:
        c.start(initializationOptions={"lang": "en"})
        found = {d["code"]: d for d in c.open(_uri(tmp_path / "a.perf"), OVER)}
        assert "C401" not in found and found["C105"]["severity"] == 3
        assert found["C105"]["message"].startswith("the project `审判` lacks the level-1 sections")
        assert c.stop() == 0


def test_without_pygls_the_command_says_what_to_install(tmp_path: Path) -> None:
    blocker = tmp_path / "pygls"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('not installed')\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    r = subprocess.run([sys.executable, "-m", "perfdsl", "lsp"], capture_output=True, text=True, cwd=ROOT,
                       env=env, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    assert r.returncode == 2
    assert r.stderr.strip() == "perfdsl lsp 需要 pygls：pip install 'perfdsl[lsp]'"
    assert "Traceback" not in r.stderr


def test_a_client_offering_utf8_positions_gets_utf8_ranges(tmp_path: Path) -> None:
    with Client() as c:
        init = c.start(capabilities={"general": {"positionEncodings": ["utf-8"]}})
        assert init["capabilities"]["positionEncoding"] == "utf-8"
        (p002,) = c.open(_uri(tmp_path / "审判.perf"), BROKEN)
        # "      😀𠀋率": six spaces, then 4 + 4 + 3 bytes
        assert p002["range"] == {"start": {"line": 3, "character": 6}, "end": {"line": 3, "character": 17}}
        assert c.stop() == 0


def test_a_syntax_error_in_one_project_does_not_hide_the_others_findings() -> None:
    """As `perfdsl check`: the project that parsed is checked, in both languages."""
    case = ROOT / "tests" / "partial" / "two_projects_one_broken.perf"
    for lang, c301 in (("zh", "当年预算 200,000 > 总预算"), ("en", "current budget 200,000 > total budget")):
        with Client() as c:
            c.start(initializationOptions={"lang": lang})
            found = c.open(_uri(case), case.read_text(encoding="utf-8"))
            assert [(d["code"], d["range"]["start"]["line"]) for d in found] == [("P002", 12), ("C301", 23)]
            assert found[1]["message"].startswith(c301)
            assert c.stop() == 0


def test_edits_sent_as_ranges_give_the_diagnostics_of_the_whole_text(tmp_path: Path) -> None:
    """The server asks for incremental changes; what it publishes after each ranged edit is what it says of
    the resulting text opened afresh (edits inside one project, across two, adding and removing lines)."""
    seed = (ROOT / "specs" / "2020" / "审判辅助人员经费.perf").read_text(encoding="utf-8")
    header, _, body = seed.partition("项目 ")
    text = header + "\n".join("项目 " + body.replace("审判辅助人员经费", f"项目{i}", 1) for i in range(3))
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if "= 100%" in line)
    cost = next(i for i, line in enumerate(lines) if line.strip().startswith("薪金成本合规性"))
    second = [i for i, line in enumerate(lines) if line.startswith("项目 ")][1]
    edits = [
        ((at, 0), (at, len(lines[at])), "      缺少目标的指标"),  # P002 inside the first project
        ((cost, 0), (cost + 1, 0), ""),  # a line removed: an empty 二级 in the first project
        ((second - 1, 0), (second + 1, 0), "}\n项目 重复 {\n"),  # across the end of one and the start of the next
        ((2, 0), (2, 0), "\n\n# 注释\n"),  # lines added above every project
    ]
    uri = _uri(tmp_path / "a.perf")
    with Client() as c:
        caps = c.start()["capabilities"]
        assert caps["textDocumentSync"]["change"] == 2  # incremental
        c.open(uri, text)
        for version, ((l1, c1), (l2, c2), new) in enumerate(edits, 2):
            lines = text.split("\n")
            start = sum(len(line) + 1 for line in lines[:l1]) + c1
            end = sum(len(line) + 1 for line in lines[:l2]) + c2
            text = text[:start] + new + text[end:]
            c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
                {"range": {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}},
                 "text": new}]})
            typed = c.diagnostics(uri)
            with Client() as fresh:
                fresh.start()
                assert typed == fresh.open(uri, text), version
        assert c.stop() == 0


def test_review_opinions_beside_the_document_are_notes_at_their_indicator(tmp_path: Path) -> None:
    (tmp_path / "审核意见.review").write_text("项目 审判\n指标 𠀋率\n第1轮 退回 目标超过 100%，请改。\n",
                                         encoding="utf-8")
    with Client() as c:
        c.start()
        found = [d for d in c.open(_uri(tmp_path / "a.perf"), OVER) if d["code"] == "R000"]
        assert [(d["range"]["start"]["line"], d["severity"]) for d in found] == [(3, 3)]
        assert found[0]["message"].startswith("审核意见（第1轮，退回）：目标超过 100%，请改。")
        assert c.stop() == 0
