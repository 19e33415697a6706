"""`perfdsl serve`: a local, read-only web app over the specs of some folders, kept up to date as they change.

`workspace` holds the parsed and checked specs (re-reading only what changed), `rows`, `pages` and `trends`
make the view models of the pages, `app` is the Starlette app (routes, the Content-Security-Policy, the event
stream of live reload). Only `perfdsl[serve]` brings Starlette, uvicorn and watchfiles; nothing here is
imported by the other commands.
"""

from __future__ import annotations

import socket
import sys
import time
from typing import Any, Callable

from ..messages import say
from .workspace import Workspace

__all__ = ["Workspace", "serve"]


def serve(roots: list[str], host: str = "127.0.0.1", port: int = 8000, lang: str = "zh",
          encoding: str | None = None, announce: Callable[[str], None] = print) -> int:
    """Read the roots, listen on host:port (0: any free port), say where, serve until Ctrl-C."""
    import uvicorn

    from .app import create_app

    started = time.monotonic()
    workspace = Workspace(roots, encoding)
    workspace.refresh()
    projects = sum(len(f.spec.projects) for f in workspace.files.values())
    announce(say("serve.loaded", lang, files=len(workspace.files), projects=projects,
                 seconds=f"{time.monotonic() - started:.1f}"))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # the socket is bound here, before uvicorn starts, so that port 0 gives a port to print
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)  # from here a browser's request waits for uvicorn rather than being refused
    except OSError as e:
        sock.close()
        reason = e.strerror or str(e)
        print("perfdsl serve: " + say("serve.listen_failed", lang, host=host, port=port, reason=reason),
              file=sys.stderr)
        return 2
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    app = create_app(workspace, lang, host=host)
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
    server = _server_class()(config, app)
    announce(say("serve.url", lang, url=f"http://{shown}:{bound}/"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0


def _server_class() -> Any:
    import uvicorn

    class Server(uvicorn.Server):
        """Ends the open event streams as soon as a stop is asked for: uvicorn waits for every open
        response before it stops, and an event stream never ends of itself."""

        def __init__(self, config: uvicorn.Config, app: Any) -> None:
            super().__init__(config)
            self._app = app

        def handle_exit(self, sig: int, frame: Any) -> None:
            live = getattr(self._app.state, "live", None)
            stopping = getattr(live, "stopping", None)
            loop = getattr(live, "loop", None)
            if live is not None and stopping is not None and loop is not None:
                loop.call_soon_threadsafe(stopping.set)
                loop.call_soon_threadsafe(lambda: loop.create_task(live.notify()))
            super().handle_exit(sig, frame)

    return Server

