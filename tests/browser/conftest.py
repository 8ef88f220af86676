"""Browser tests: a real `raflow serve` (gunicorn) on a free loopback port against a temp SQLite file,
with the Navy procedure deployed and the demo users (password "demo"), driven by Playwright through
Debian's /usr/bin/chromium. Without Chromium the tests are skipped (failed under RAFLOW_REQUIRE_ALL=1).

`server`/`page`: one server for the whole session, for tests that only add cases. `live_server`/`live_page`:
a server of the test module's own (fresh database), for a module that changes what is deployed (the studio
publishes) or needs data of its own (the reports' demo cases: call `live_server.raflow("demo", ...)`).
"""

from __future__ import annotations

import pytest
from browserkit import CHROMIUM, CHROMIUM_ARGS, ROOT, Server, new_page, unavailable


@pytest.fixture(scope="session")
def chromium_path():
    if not CHROMIUM.exists():
        unavailable("Chromium is not installed (apt-get install chromium)")
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def server(chromium_path, tmp_path_factory):
    if not (ROOT / "processes" / "navy" / "navy_ra.bpmn").exists():
        unavailable("the Navy procedure (processes/navy) is not in this tree")
    srv = Server(tmp_path_factory.mktemp("browser")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def live_server(chromium_path, tmp_path_factory, request):
    """A server of the test module's own (same setup as `server`), for tests that change its data or
    procedure (demo cases for the reports, a published draft for the studio); stopped after the module."""
    if not (ROOT / "processes" / "navy" / "navy_ra.bpmn").exists():
        unavailable("the Navy procedure (processes/navy) is not in this tree")
    srv = Server(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    except Exception as err:  # noqa: BLE001 - a broken browser install is "unavailable"
        pw.stop()
        unavailable(f"Chromium does not start: {err}")
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture
def page(browser, server):
    with new_page(browser, server) as pg:
        yield pg


@pytest.fixture
def live_page(browser, live_server):
    """A page on the module's `live_server` (resize with set_viewport_size, slow down with set_default_timeout)."""
    with new_page(browser, live_server) as pg:
        yield pg
