"""Headless-Chromium fixtures for testing generated HTML pages.

Uses Debian's ``chromium`` package (install it with ``.ci/browser-deps``)
driven by the Python ``playwright`` package.  Playwright is only the driver:
never run ``playwright install``; the browser is always the system one.

Fixtures
--------
``browser``  session-scoped ``playwright.sync_api.Browser`` (one launch per
             test session, shared however many modules import it).
``page``     function-scoped ``playwright.sync_api.Page`` in a fresh browser
             context (no cookies/storage leak between tests), 1280x720,
             device scale factor 1, en-US, UTC, 15 s default timeout.

Enable them once, in a conftest.py::

    from tests.browser import browser, page  # noqa: F401

(or ``pytest_plugins = ["tests.browser"]`` in the root conftest.py), then::

    from tests.browser import file_url

    def test_report(page, tmp_path):
        html = tmp_path / "report.html"
        html.write_text(render(...), encoding="utf-8")
        page.goto(file_url(html))
        assert page.locator("table tr").count() == 3

Both fixtures skip the test when no Chromium or no ``playwright`` package is
available; set ``PERFDSL_REQUIRE_BROWSER=1`` (e.g. in CI) to make that an
error instead.  ``PERFDSL_CHROMIUM`` overrides which executable is used.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest

if TYPE_CHECKING:  # playwright is optional at import time
    from playwright.sync_api import Browser, Page

__all__ = ["CHROMIUM_ARGS", "browser", "file_url", "find_chromium", "page"]

SKIP_REASON = "no headless Chromium: install Debian's chromium (see .ci/run)"

#: Chromium switches we rely on.  Current Playwright already passes most of
#: them by default; they are repeated so the behaviour does not depend on its
#: version.  Playwright adds ``--headless`` itself (``headless=True``) and a
#: fresh temporary ``--user-data-dir`` that it deletes on close; it refuses a
#: ``--user-data-dir`` given here.
CHROMIUM_ARGS = (
    "--no-sandbox",  # chromium refuses to start as root without it
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers often have a 64 MB /dev/shm
    "--disable-quic",
    "--no-first-run",
    # The machine has no outside network: without these chromium keeps
    # trying (and failing) to reach Google services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

DEFAULT_TIMEOUT_MS = 15_000


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None.

    ``$PERFDSL_CHROMIUM`` (a path or a command name) wins when set; then
    ``/usr/bin/chromium``, then ``chromium`` or ``chromium-browser`` on PATH.
    """
    override = os.environ.get("PERFDSL_CHROMIUM")
    if override:
        if os.path.isfile(override) and os.access(override, os.X_OK):
            return override
        return shutil.which(override)
    if os.path.isfile("/usr/bin/chromium") and os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def file_url(path: str | os.PathLike[str]) -> str:
    """``file://`` URL of a local file, for ``page.goto``."""
    return Path(path).resolve().as_uri()


def _skip(detail: str) -> None:
    reason = f"{SKIP_REASON} [{detail}]"
    if os.environ.get("PERFDSL_REQUIRE_BROWSER", "") not in ("", "0"):
        pytest.fail(reason + " and PERFDSL_REQUIRE_BROWSER is set", pytrace=False)
    pytest.skip(reason)


# One browser per process, reference-counted, so importing the fixture into
# several modules/conftests (each of which gets its own session FixtureDef)
# still launches Chromium only once.
_shared: dict[str, Any] = {"playwright": None, "browser": None, "users": 0}


def _acquire() -> Browser:
    if _shared["browser"] is None:
        executable = find_chromium()
        if executable is None:
            where = os.environ.get("PERFDSL_CHROMIUM")
            _skip(f"PERFDSL_CHROMIUM={where!r} not found" if where else "chromium not found")
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            _skip("Python package 'playwright' is not installed")
        pw = sync_playwright().start()
        try:
            # A Chromium that is present but fails to launch is a real error,
            # not a reason to skip.
            _shared["browser"] = pw.chromium.launch(
                executable_path=executable,
                headless=True,
                args=list(CHROMIUM_ARGS),
                timeout=60_000,
            )
        except BaseException:
            pw.stop()
            raise
        _shared["playwright"] = pw
    _shared["users"] += 1
    return _shared["browser"]


def _release() -> None:
    _shared["users"] -= 1
    if _shared["users"] > 0:
        return
    browser_, pw = _shared["browser"], _shared["playwright"]
    _shared["browser"] = _shared["playwright"] = None
    try:
        browser_.close()
    finally:
        pw.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Session-wide headless Chromium (``playwright.sync_api.Browser``)."""
    b = _acquire()
    try:
        yield b
    finally:
        _release()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A fresh ``playwright.sync_api.Page`` in its own browser context."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 720},
        device_scale_factor=1,
        locale="en-US",
        timezone_id="UTC",
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
