"""`perfdsl lsp`: the language server editors start (stdio, on pygls).

The protocol layer only: it keeps the open documents (pygls' workspace, whole-text sync), and answers each
request with perfdsl/editor/document.py and perfdsl/editor/completion.py, turning their plain results into lsprotocol
types. Only `perfdsl lsp` imports this module, so pygls (the optional extra `perfdsl[lsp]`) is never loaded
by the other commands.
"""

from __future__ import annotations

import os
from typing import Sequence

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from .. import __version__
from .completion import Item, complete
from ..diagnostics import Diagnostic, Severity
from .document import Analyser, Lines, Position, Range, Symbol, formatted, hover, symbols
from ..messages import say

SEVERITY = {Severity.error: lsp.DiagnosticSeverity.Error, Severity.warning: lsp.DiagnosticSeverity.Warning,
            Severity.info: lsp.DiagnosticSeverity.Information}
SYMBOL = {"project": lsp.SymbolKind.Module, "level1": lsp.SymbolKind.Namespace, "level2": lsp.SymbolKind.Package,
          "indicator": lsp.SymbolKind.Field}
ITEM = {"keyword": lsp.CompletionItemKind.Keyword, "key": lsp.CompletionItemKind.Property,
        "section": lsp.CompletionItemKind.Module, "word": lsp.CompletionItemKind.EnumMember,
        "value": lsp.CompletionItemKind.Value}


class PerfdslServer(LanguageServer):
    def __init__(self, lang: str) -> None:
        # incremental: the editor says which lines an edit touched, so only the project they are in is read again
        super().__init__("perfdsl", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.lang = lang
        self.found: dict[str, list[Diagnostic]] = {}
        """The diagnostics last published for each document, for hover."""
        self.analysers: dict[str, Analyser] = {}

    def path(self, uri: str) -> str:
        """The file a document is (configuration is found from its folder); unsaved ones count as in cwd."""
        return to_fs_path(uri) or os.path.join(os.getcwd(), "untitled.perf")

    def lines(self, uri: str) -> Lines:
        # the negotiated kind is an enum whose str() is its Python name, not the LSP word ("utf-8")
        kind = self.workspace.position_encoding
        encoding = str(getattr(kind, "value", kind) or "utf-16")
        return Lines(self.workspace.get_text_document(uri).source, encoding)


def _position(p: Position) -> lsp.Position:
    return lsp.Position(line=p.line, character=p.character)


def _range(r: Range) -> lsp.Range:
    return lsp.Range(start=_position(r.start), end=_position(r.end))


def _diagnostic(server: PerfdslServer, uri: str, path: str, lines: Lines, d: Diagnostic) -> lsp.Diagnostic:
    hint = d.hint(server.lang)
    message = d.message(server.lang) + (f"\n{say('label.hint', server.lang)}: {hint}" if hint else "")
    related = [lsp.DiagnosticRelatedInformation(
        location=lsp.Location(uri=uri if r.span.file == path else from_fs_path(r.span.file) or r.span.file,
                              range=_range(lines.range(r.span))),
        message=say(r.key, server.lang, **r.args)) for r in d.related]
    return lsp.Diagnostic(range=_range(lines.range(d.span)), message=message, severity=SEVERITY[d.severity],
                          code=d.code, source="perfdsl", related_information=related or None)


def _opinions(path: str, text: str) -> list[Diagnostic]:
    """The 审核意见 of `.review` files beside the document, at its projects and indicators as now typed (the
    document is parsed once more only where there are such files)."""
    from ..review.opinions import notes_beside, review_files
    from ..syntax.parser import parse

    if not review_files([path]):
        return []

    def read(p: str) -> str | None:
        try:
            return open(p, encoding="utf-8-sig").read()
        except (OSError, UnicodeDecodeError):
            return None

    return notes_beside(parse(text, path)[0], read)


def publish(server: PerfdslServer, uri: str, changed: tuple[int, int, int] | None = None, anew: bool = False) -> None:
    """Analyse the document and publish its diagnostics; `anew` forgets what was kept of it (a save: the
    configuration beside it may have changed)."""
    lines, path = server.lines(uri), server.path(uri)
    analyser = server.analysers.get(uri)
    if analyser is None or anew or analyser.lang != server.lang:
        analyser = server.analysers[uri] = Analyser(path, server.lang)
    text = server.workspace.get_text_document(uri).source
    result = analyser.update(text, changed)
    server.found[uri] = result.diagnostics + _opinions(path, text)
    out = [_diagnostic(server, uri, path, lines, d) for d in server.found[uri]]
    if result.problem:
        out.insert(0, lsp.Diagnostic(range=_range(Range(Position(0, 0), Position(0, 0))), message=result.problem,
                                     severity=lsp.DiagnosticSeverity.Error, source="perfdsl"))
    server.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=out))


def _changed_lines(changes: Sequence[lsp.TextDocumentContentChangeEvent]) -> tuple[int, int, int] | None:
    """The lines one ranged change replaced (first, old end, new end; ends excluded); None for several
    changes or the whole text, which the analyser then compares itself."""
    if len(changes) != 1 or not isinstance(changes[0], lsp.TextDocumentContentChangePartial):
        return None
    change = changes[0]
    added = change.text.replace("\r\n", "\n").replace("\r", "\n").count("\n")
    first = change.range.start.line
    return first, change.range.end.line + 1, first + added + 1


def _symbol(s: Symbol) -> lsp.DocumentSymbol:
    return lsp.DocumentSymbol(name=s.name, kind=SYMBOL[s.kind], range=_range(s.range),
                              selection_range=_range(s.selection), detail=s.detail or None,
                              children=[_symbol(c) for c in s.children] or None)


def _item(item: Item, edit: lsp.Range) -> lsp.CompletionItem:
    docs = lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=item.documentation) if item.documentation else None
    return lsp.CompletionItem(label=item.label, kind=ITEM[item.kind], detail=item.detail or None, documentation=docs,
                              filter_text=item.filter, text_edit=lsp.TextEdit(range=edit, new_text=item.label))


def make_server(lang: str) -> PerfdslServer:
    server = PerfdslServer(lang)

    @server.feature(lsp.INITIALIZE)
    def initialize(ls: PerfdslServer, params: lsp.InitializeParams) -> None:
        options = params.initialization_options  # the editor's setting wins over `perfdsl --lang`
        if isinstance(options, dict) and options.get("lang") in ("zh", "en"):
            ls.lang = options["lang"]

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PerfdslServer, params: lsp.DidOpenTextDocumentParams) -> None:
        publish(ls, params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PerfdslServer, params: lsp.DidChangeTextDocumentParams) -> None:
        publish(ls, params.text_document.uri, _changed_lines(params.content_changes))

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PerfdslServer, params: lsp.DidSaveTextDocumentParams) -> None:
        publish(ls, params.text_document.uri, anew=True)  # a perfdsl.toml beside it may have changed meanwhile

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PerfdslServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.found.pop(params.text_document.uri, None)
        ls.analysers.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))

    @server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: PerfdslServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit]:
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        out = formatted(text, ls.path(uri))
        if out is None or out == text:
            return []
        end = ls.lines(uri).end()
        return [lsp.TextEdit(range=_range(Range(Position(0, 0), end)), new_text=out)]

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=[" "]))
    def completion(ls: PerfdslServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        uri, pos = params.text_document.uri, Position(params.position.line, params.position.character)
        lines = ls.lines(uri)
        found = complete(lines, pos, ls.path(uri), ls.lang)
        start = Position(pos.line, lines.units(lines.text(pos.line)[: found.start]))
        edit = _range(Range(start, pos))
        return lsp.CompletionList(is_incomplete=False, items=[_item(i, edit) for i in found.items])

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: PerfdslServer, params: lsp.HoverParams) -> lsp.Hover | None:
        uri, pos = params.text_document.uri, Position(params.position.line, params.position.character)
        text = hover(ls.lines(uri), pos, ls.path(uri), ls.found.get(uri, []), ls.lang)
        if text is None:
            return None
        return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))

    @server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbol(ls: PerfdslServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
        uri = params.text_document.uri
        lines = ls.lines(uri)
        from ..syntax.parser import parse

        spec, _ = parse("\n".join(lines.lines), ls.path(uri))
        return [_symbol(s) for s in symbols(spec, lines)]

    return server


def serve(lang: str) -> None:
    make_server(lang).start_io()
