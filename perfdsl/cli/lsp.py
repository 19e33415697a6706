"""`perfdsl lsp`: run the language server on stdin/stdout, for editors (needs `pip install 'perfdsl[lsp]'`)."""

from __future__ import annotations

import argparse
import sys

from ..messages import say

EXAMPLES = """examples:
  perfdsl lsp                 what an editor runs (VS Code: editors/vscode/)
  perfdsl --lang en lsp       messages in English (or initializationOptions {"lang": "en"})

The server speaks LSP over stdio: diagnostics as you type (the checks of perfdsl check), formatting (perfdsl
fmt), completion of keys, section names and target words, hover on rule codes and keys, the outline.
"""


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("lsp", help="language server for editors (stdio)", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--stdio", action="store_true", help="talk over stdin/stdout (the default; editors pass it)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        from ..editor.lsp import serve
    except ImportError:
        print(say("lsp.no_pygls", args.lang), file=sys.stderr)
        return 2
    serve(args.lang)
    return 0
