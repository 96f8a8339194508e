"""Real-browser tests: Debian's Chromium driven by Playwright against the real site.

One server for the whole run (`flask run` in a subprocess on 127.0.0.1 and a free port, with a fresh
SQLite database in a temporary folder: migrations, the real course, the demo company) and one
headless browser. Everything skips, with a clear message, only when Chromium is not installed.
"""
from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from courseware.config import PROJECT_ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
OUTPUT = PROJECT_ROOT / "test-output"
SCREENSHOTS = OUTPUT / "screenshots"
DEMO_PASSWORD = "browser-tests-only-7b3d"
# Chromium on a machine with no display and no outside network: no sandbox (CI runs as root),
# no GPU, and none of the background traffic it would keep trying.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 360, "height": 740}


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"Chromium is not installed ({CHROMIUM}): `apt-get install -y chromium` "
                                   "to run the browser tests (.ci/run installs it)")
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


def _free_port() -> int:
    """`BROWSER_TEST_PORT` when set (a machine that gives each person a range of ports), else any."""
    if os.environ.get("BROWSER_TEST_PORT"):
        return int(os.environ["BROWSER_TEST_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveSite:
    def __init__(self, base_url: str, database: Path, instance: Path):
        self.base_url = base_url
        self.database = database
        self.instance = instance

    def url(self, path: str) -> str:
        return self.base_url + path

    def query(self, sql: str, *params):
        """Read the site's database directly (the test's own look at what rows exist)."""
        with sqlite3.connect(self.database) as conn:
            return conn.execute(sql, params).fetchall()

    def time_travel(self, username: str, lesson_slug: str, *, opened_minutes_ago: int = 0,
                    read_before_seconds: int = 0) -> None:
        """The site's clock cannot be moved: put the person's opening of the lesson, and the moment
        their reading was last counted, back in time (as if the page had been open that long), or add
        reading time from an earlier visit."""
        with sqlite3.connect(self.database) as conn:
            conn.execute(
                # Keeping the stored fraction of a second: the site finds the record by the exact value.
                "UPDATE lesson_progress SET last_opened_at = datetime(last_opened_at, ?1)"
                " || substr(last_opened_at, 20), reading_counted_at = datetime(reading_counted_at, ?1)"
                " || substr(reading_counted_at, 20), seconds_spent = seconds_spent + ?2"
                " WHERE user_id = (SELECT id FROM user_account WHERE username = ?3)"
                " AND lesson_id = (SELECT id FROM lesson WHERE slug = ?4)",
                (f"-{opened_minutes_ago} minutes", read_before_seconds, username, lesson_slug))

    def app_context(self):
        """The application on the site's database, to call services from the test (as a script
        would); returns a context manager."""
        from courseware import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{self.database}"})
        return app.app_context()


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live-site")
    database = folder / "site.db"
    instance = folder / "instance"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FLASK_")},
        "FLASK_APP": "app",
        "DATABASE_URL": f"sqlite:///{database}",
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "browser-tests-secret",
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "PYTHONUNBUFFERED": "1",
    }
    flask = [sys.executable, "-m", "flask"]
    for command in (["db", "upgrade"], ["content", "import"], ["seed-demo"]):
        done = subprocess.run(flask + command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"flask {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    port = _free_port()
    OUTPUT.mkdir(exist_ok=True)
    log_path = OUTPUT / "server.log"  # kept after the run, to read when a page fails
    log = log_path.open("w")
    server = subprocess.Popen(
        flask + ["run", "--host", "127.0.0.1", "--port", str(port), "--no-debugger", "--no-reload"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base_url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the site did not start:\n" + log_path.read_text())
            time.sleep(0.2)
        yield LiveSite(base_url, database, instance)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def sign_in_state(browser, live_site, tmp_path_factory):
    """Sign each demo person in once; later pages reuse the saved cookies."""
    states: dict[str, Path] = {}
    folder = tmp_path_factory.mktemp("browser-states")

    def state_for(username: str) -> Path:
        if username not in states:
            context = browser.new_context(viewport=DESKTOP)
            page = context.new_page()
            page.goto(live_site.url("/login"))
            page.fill("#username", username)
            page.fill("#password", DEMO_PASSWORD)
            page.click("main form button[type=submit]")
            page.wait_for_url(live_site.url("/"))
            states[username] = folder / f"{username}.json"
            context.storage_state(path=str(states[username]))
            context.close()
        return states[username]

    return state_for


@pytest.fixture
def open_page(browser, live_site, sign_in_state):
    """A new page for a person (None: signed out) at a viewport; closed after the test."""
    contexts = []

    def open_(username: str | None = None, viewport: dict = DESKTOP, **options):
        state = str(sign_in_state(username)) if username else None
        context = browser.new_context(viewport=viewport, storage_state=state, base_url=live_site.base_url,
                                      **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error on {page.url}: {error}"))
        page.on("console", lambda message: problems.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text else None)
        return page

    problems: list[str] = []
    yield open_
    for context in contexts:
        context.close()
    assert problems == [], "the pages had script errors or broke the Content-Security-Policy"


def run_axe(page) -> list[tuple[str, str, int]]:
    """axe-core's violations on the page: (rule, impact, number of elements, the first few)."""
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (make test does it)"
    # Evaluated by the browser's debugging protocol, which the site's CSP (no inline script) allows.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => [v.id, v.impact, v.nodes.length, v.nodes.slice(0, 3).map(n => n.target.join(' '))])"
    )


def screenshot(page, name: str, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
