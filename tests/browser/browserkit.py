"""Helpers for the browser tests (import as `from browserkit import ...`): the `raflow serve` server,
signing in, and axe-core checks. `unavailable` is the suite's rule from tests/support.py (skip, or fail
under RAFLOW_REQUIRE_ALL=1)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from support import unavailable  # noqa: F401 - re-exported for the browser tests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RAFLOW = ROOT / ".venv" / "bin" / "raflow"
NOW = "2026-01-16T15:00:00Z"  # Friday 10:00 in Washington, before MLK Day


@contextmanager
def new_page(browser, server, width: int = 1280, height: int = 900, timeout_ms: int = 15000):
    """A page in a fresh browser context (its own cookies) on the server, in New York's time zone."""
    context = browser.new_context(base_url=server.url, viewport={"width": width, "height": height}, locale="en-US",
                                  timezone_id="America/New_York")
    pg = context.new_page()
    pg.set_default_timeout(timeout_ms)
    try:
        yield pg
    finally:
        context.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running `raflow serve`; `raflow(...)` runs CLI commands against the same database and clock."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.env = {**os.environ, "RAFLOW_DATABASE_URL": f"sqlite:///{tmp / 'raflow.db'}",
                    "RAFLOW_INSTANCE": str(tmp / "instance"), "RAFLOW_CLOCK": f"file:{tmp / 'clock'}",
                    "RAFLOW_SECRET_KEY": "browser-test-secret"}
        self.env.pop("RAFLOW_REQUIRE_ALL", None)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env["RAFLOW_BASE_URL"] = self.url  # links in mail point at this server
        self.process = None
        self.tokens: dict[str, str] = {}

    def raflow(self, *args) -> str:
        done = subprocess.run([str(RAFLOW), *args], env=self.env, capture_output=True, text=True, cwd=self.tmp)
        assert done.returncode == 0, f"raflow {' '.join(args)}: {done.stderr}"
        return done.stdout

    def start(self):
        self.raflow("init-db")
        self.raflow("clock", "set", NOW)
        self.raflow("deploy", str(ROOT / "processes" / "navy"))
        self.raflow("demo")
        self.process = subprocess.Popen(
            [str(RAFLOW), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"],
            env=self.env, cwd=self.tmp, stdout=open(self.tmp / "server.log", "wb"), stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"raflow serve did not start: {(self.tmp / 'server.log').read_text()[-2000:]}")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def set_clock(self, instant: str) -> None:
        """Move the server's simulated clock (what `raflow clock set` does, without a subprocess)."""
        from engine.clock import FileClock, parse_instant

        FileClock(self.tmp / "clock").set(parse_instant(instant))

    def add_requester(self, name: str, display_name: str) -> None:
        """A requester user with the password "demo" (in-process, on the server's database file)."""
        from engine.auth import hash_password
        from engine.definitions import Registry
        from engine.store import Database
        from engine.users import add_user

        db = Database(self.env["RAFLOW_DATABASE_URL"])
        try:
            add_user(db, Registry(), name, ["requester"], "navy", display_name,
                     password_hash=hash_password("demo", demo=True), demo=True)
        finally:
            db.dispose()

    def token(self, user: str) -> str:
        if user not in self.tokens:
            self.tokens[user] = self.raflow("user", "token", user).strip()
        return self.tokens[user]

    def api(self, user: str, method: str, path: str, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}/api/v1{path}", data=data, method=method, headers={
            "Authorization": f"Bearer {self.token(user)}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as r:
            return json.loads(r.read() or b"null")

    def new_case(self, requester="navy.requester", title="Reasonable accommodation request from Alex Requester",
                 **data) -> dict:
        data.setdefault("accommodation_requested", "A sit-stand desk and screen-reading software")
        return self.api(requester, "POST", "/cases", {"data": data, "title": title})


def sign_in(page, user: str, password: str = "demo"):
    page.goto("/login")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def open_in_modeler(page, key: str, name: str) -> None:
    """A draft's diagram in the studio's modeler, once it is drawn."""
    page.goto(f"/studio/{key}/draft/file/{name}")
    page.wait_for_function("() => document.getElementById('modeler-status')?.textContent === 'Diagram loaded.'")


def open_raflow_group(page, element_id: str) -> None:
    """Select a user task on the canvas and open the properties panel's "raflow" group."""
    from playwright.sync_api import expect

    page.locator(f'#studio-canvas [data-element-id="{element_id}"]').click()
    page.wait_for_function("""(id) => document.querySelector('#studio-canvas .djs-element.selected')
        ?.getAttribute('data-element-id') === id""", arg=element_id)
    header = page.locator('[data-group-id="group-raflow"] .bio-properties-panel-group-header')
    expect(header).to_be_visible()
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def check_axe(page, what: str, exclude=()):
    """Run axe-core (WCAG 2.0/2.1 A and AA rules plus best practices) and fail on any violation.

    `exclude`: CSS selectors left out (the studio's modeler canvas, which bpmn-js draws)."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("""async (exclude) => await axe.run({include: [document], exclude: exclude.map(s => [s])}, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
        resultTypes: ['violations']})""", list(exclude))
    problems = [f"{v['id']} ({v['impact']}): {v['help']} -> " + "; ".join(n["target"][0] for n in v["nodes"][:5])
                for v in result["violations"]]
    assert not problems, f"axe on {what}:\n" + "\n".join(problems)
