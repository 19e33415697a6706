"""The web app of `perfdsl serve`: Starlette routes over a `Workspace`, pages rendered by Jinja (the build's
templates for the form, the diff's for the diff), live reload over server-sent events.

Starlette because it is ASGI: an event stream per open page is a coroutine waiting on a condition, not a
thread; and it is small (routing, responses, a test client), with uvicorn to serve it and watchfiles (what
uvicorn's own reload uses) to see files change.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from typing import Any, AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Route

from ..diagnostics import Diagnostic
from ..messages import say
from ..review.opinions import SUFFIX as REVIEW_SUFFIX
from . import pages, rows, trends
from .workspace import CONFIG_NAMES, Workspace

KEEPALIVE = 15.0
"""Seconds between comments on an idle event stream, so that proxies and browsers keep it open."""
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def csp(nonce: str) -> str:
    """Nothing is loaded from anywhere: the styles are inline (as in the built pages), the one script carries
    the page's nonce, and the only connection is the event stream of this server."""
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
            f"script-src 'nonce-{nonce}'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")


class Live:
    """The workspace, and the event every open event stream waits on."""

    def __init__(self, workspace: Workspace, lang: str) -> None:
        self.workspace = workspace
        self.lang = lang
        self.changed: asyncio.Event | None = None
        """Set when the workspace moved on, and replaced by a fresh one at once: a stream waits on the event
        it took before looking at the version, so no change falls between the look and the wait. (An
        `asyncio.Condition` waited on under `wait_for` loses its lock when a stream is cancelled mid-wait on
        Python 3.11.)"""
        self.stopping: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def notify(self) -> None:
        if self.changed is not None:
            self.changed.set()
            self.changed = asyncio.Event()


def create_app(workspace: Workspace, lang: str = "zh", watch: bool = True, host: str = "127.0.0.1") -> Starlette:
    """The app over an already read workspace; `watch` follows the roots on disk."""
    live = Live(workspace, lang)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        live.changed, live.stopping = asyncio.Event(), asyncio.Event()
        live.loop = asyncio.get_running_loop()
        task = asyncio.create_task(_watch(live)) if watch else None
        app.state.live = live
        try:
            yield
        finally:
            live.stopping.set()
            await live.notify()
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    routes = [Route("/", _page(live, _overview)), Route("/project/{key:path}", _page(live, _project)),
              Route("/diagnostics", _page(live, _diagnostics)), Route("/diff", _page(live, _diff)),
              Route("/trends", _page(live, _trends)), Route("/events", _events(live)),
              Route("/favicon.ico", lambda request: Response(status_code=204))]  # no icon, and no 404 for it
    # a page of this server opened through another name (DNS rebinding) is refused
    hosts = ["*"] if host not in LOOPBACK else ["127.0.0.1", "localhost", "::1"]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
                    exception_handlers={404: _not_found(live)})
    app.state.live = live
    return app


async def _watch(live: Live) -> None:
    """Re-read what changes under the roots, then wake every open page."""
    import os

    from anyio import to_thread
    from watchfiles import Change, awatch

    def wanted(change: Change, path: str) -> bool:
        name = os.path.basename(path)
        return name.endswith((".perf", REVIEW_SUFFIX)) or name in CONFIG_NAMES

    roots = [r for r in live.workspace.roots if os.path.exists(r)]
    assert live.stopping is not None
    try:
        async for changes in awatch(*roots, watch_filter=wanted, debounce=100, step=30, stop_event=live.stopping):
            if await to_thread.run_sync(live.workspace.refresh, [p for _, p in changes]):
                await live.notify()
    except (OSError, RuntimeError) as e:  # no more inotify watches, a root gone: the pages stay as they are
        import sys

        print("perfdsl serve: " + say("serve.watch_failed", live.lang, reason=str(e)), file=sys.stderr)


def _events(live: Live) -> Callable[[Request], Any]:
    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            sent = None
            assert live.changed is not None and live.stopping is not None
            while not live.stopping.is_set():
                changed = live.changed
                assert changed is not None
                if sent != live.workspace.version:
                    sent = live.workspace.version
                    yield f"data: {sent}\n\n"
                    continue
                try:
                    await asyncio.wait_for(changed.wait(), KEEPALIVE)
                except asyncio.TimeoutError:
                    yield ": idle\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    return events


def _headers(nonce: str) -> dict[str, str]:
    return {"Content-Security-Policy": csp(nonce), "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _page(live: Live, handler: Callable[..., tuple[str, dict[str, Any]] | None]) -> Callable[[Request], Response]:
    """A route that renders a template; the handler gives (template, context), None for 404. Synchronous:
    Starlette runs it in its thread pool, so that a long page does not hold up the event streams."""
    def endpoint(request: Request) -> Response:
        nonce = secrets.token_urlsafe(16)
        made = handler(live, request)
        if made is None:
            return _render_missing(live, request, nonce)
        template, context = made
        return HTMLResponse(render(live, template, nonce, request, **context), headers=_headers(nonce))

    return endpoint


def render(live: Live, template: str, nonce: str, request: Request, **context: Any) -> str:
    ws = live.workspace
    errors = sum(f.totals[0] for f in ws.files.values())
    common = {"t": lambda key, **args: say(key, live.lang, **args), "lang": live.lang, "nonce": nonce,
              "version": ws.version, "error_count": errors, "here": request.url.path,
              "problems": [p.render(live.lang) for p in ws.problems.values()]}
    if template.startswith("serve/diff"):  # the diff's own environment, with its filters
        from ..diffing.render import page_environment

        page: str = page_environment().get_template(template).render(**common, **context)
        return page
    from ..backends.env import environment

    return environment("html").get_template(template).render(**common, **context)


def _render_missing(live: Live, request: Request, nonce: str) -> Response:
    return HTMLResponse(render(live, "serve/missing.html.jinja", nonce, request), status_code=404,
                        headers=_headers(nonce))


def _not_found(live: Live) -> Callable[[Request, Exception], Response]:
    def handler(request: Request, exc: Exception) -> Response:
        return _render_missing(live, request, secrets.token_urlsafe(16))

    return handler


# ---------------------------------------------------------------------------------------------- the pages


def _overview(live: Live, request: Request) -> tuple[str, dict[str, Any]]:
    return "serve/overview.html.jinja", rows.overview(live.workspace.files, rows.Filters.of(request.query_params))


def _project(live: Live, request: Request) -> tuple[str, dict[str, Any]] | None:
    from ..backends.layout import widths
    from ..backends.view import project_view
    from ..build.workers import framework_for
    from ..diffing.match import indicator_items

    ws = live.workspace
    found = ws.project(request.path_params["key"], request.query_params.get("name"))
    if found is None:
        return None
    state, project = found
    view = project_view(state.spec, project, framework_for(ws.config(state), state.spec, project))
    lineage = ws.lineage()
    ref = (state.key, project.name)
    year = state.spec.year_of(project)
    neighbours = {side: _link(ws, found_ref) for side, found_ref in
                  (("before", lineage.before.get(ref)), ("after", lineage.after.get(ref)))}
    indicators = [(i, item.name) for i, item in enumerate(indicator_items(state.spec, project))]
    return "serve/project.html.jinja", {
        "view": view, "widths": widths(view), "index_href": None, "key": state.key,
        "path": state.path, "name": project.name, "year": year, "neighbours": neighbours,
        "indicators": indicators, "diagnostics": pages.file_diagnostics(ws, state, live.lang, project)}


def _link(ws: Workspace, ref: tuple[str, str] | None) -> dict[str, Any] | None:
    if ref is None or ref[0] not in ws.files:
        return None
    state = ws.files[ref[0]]
    project = next((p for p in state.spec.projects if p.name == ref[1]), None)
    return None if project is None else {"key": ref[0], "name": ref[1], "year": state.spec.year_of(project)}


def _diagnostics(live: Live, request: Request) -> tuple[str, dict[str, Any]]:
    return "serve/diagnostics.html.jinja", {"files": pages.all_diagnostics(live.workspace, live.lang),
                                           "notes": [pages.diagnostic_view(d, _lines(live.workspace, d), live.lang)
                                                     for d in live.workspace.notes]}


def _lines(ws: Workspace, d: Diagnostic) -> list[str]:
    """The lines of the file a workspace-wide problem names, where it holds them (a `.review` file)."""
    return ws.review_texts.get(d.span.file, "").splitlines()


def _year(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) == 4 else None


def _diff(live: Live, request: Request) -> tuple[str, dict[str, Any]]:
    from ..diffing.compare import diff
    from ..diffing.render import view

    ws, q = live.workspace, request.query_params
    years = sorted({r.year for r in ws.rows() if r.year is not None})
    old_year, new_year = _year(q.get("old", "")), _year(q.get("new", ""))
    if old_year is None and new_year is None and len(years) >= 2 and "from" not in q:
        old_year, new_year = years[-2], years[-1]
    rev_old, rev_new = q.get("from", "").strip()[:200], q.get("to", "").strip()[:200]
    context: dict[str, Any] = {"years": years, "old_year": old_year, "new_year": new_year, "rev_old": rev_old,
                               "rev_new": rev_new, "problems_found": [], "broken": [], "shown": False}
    if rev_old:
        old, new, problems, broken = pages.revision_specs(rev_old, rev_new, ws.roots, live.lang)
        labels = (rev_old, rev_new or say("serve.worktree", live.lang))
    elif old_year is not None and new_year is not None:
        (old, broken_old), (new, broken_new) = (pages.year_specs(ws.files, old_year),
                                                pages.year_specs(ws.files, new_year))
        problems, broken, labels = [], broken_old + broken_new, (str(old_year), str(new_year))
    else:
        return "serve/diff.html.jinja", {**context, **_empty_diff(live)}
    context.update(problems_found=problems, broken=broken)
    if problems or not (old or new):
        return "serve/diff.html.jinja", {**context, **_empty_diff(live)}
    result = diff(old, new, labels[0], labels[1])
    return "serve/diff.html.jinja", {**context, **view(result, live.lang), "stat": False, "shown": True}


def _empty_diff(live: Live) -> dict[str, Any]:
    from ..diffing.compare import diff
    from ..diffing.render import view

    return {**view(diff([], [], "", ""), live.lang), "stat": False}


def _trends(live: Live, request: Request) -> tuple[str, dict[str, Any]] | None:
    ws, q = live.workspace, request.query_params
    years, units = trends.budget_by_unit(ws.files)
    budget_chart = trends.chart(years, [(u["unit"], u["values"]) for u in units])
    context: dict[str, Any] = {"years": years, "units": units, "budget_chart": budget_chart, "points": None,
                               "indicator_chart": None, "project": None}
    if "key" in q:
        found = ws.project(q["key"], q.get("name"))
        index = q.get("i", "")
        if found is None or not index.isdigit():
            return None
        state, project = found
        points = trends.indicator_trend(ws.files, ws.lineage(), (state.key, project.name), int(index))
        if points is None:
            return None
        point_years = [p.year or 0 for p in points]
        series: list[tuple[str, list[Any]]] = [(say("serve.trend.target", live.lang),
                                                [p.target_value for p in points])]
        if any(p.actual_value is not None for p in points):
            series.append((say("serve.trend.actual", live.lang), [p.actual_value for p in points]))
        context.update(points=points, project={"key": state.key, "name": project.name},
                       indicator_chart=trends.chart(point_years, series))
    return "serve/trends.html.jinja", context
