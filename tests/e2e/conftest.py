"""A real server on a file SQLite database with the demo university, driven by Debian's Chromium.

The server runs in a thread of the test process, so the test moves the same FrozenClock the
app reads and fires due jobs directly, as the worker would.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import BaseWSGIServer, make_server

from app import create_app
from workflows import migrate
from workflows.clock import FrozenClock
from workflows.db import make_engine, make_session_factory
from workflows.definitions.publishing import publish_directory
from workflows.definitions.versions import VERSIONS
from workflows.org.demo import DEMO_PASSWORD, load_demo
from workflows.org.models import Person
from workflows.worker import FireResult, fire_due_jobs

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"


@dataclass
class LiveServer:
    url: str
    clock: FrozenClock
    sessions: sessionmaker[Session]
    people: dict[str, int]

    def at(self, moment: str) -> None:
        self.clock.set(datetime.fromisoformat(moment))

    def fire(self) -> FireResult:
        """What the worker would do now: fire due timers, send queued mail."""
        return fire_due_jobs(self.sessions, self.clock, "e2e")


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A migrated database with the demo university and the published diagrams, built once."""
    path = tmp_path_factory.mktemp("e2e") / "template.sqlite3"
    engine: Engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    with make_session_factory(engine)() as session:
        load_demo(session)
        publish_directory(session, FrozenClock(datetime.fromisoformat("2026-03-01T09:00:00+05:00")))
        session.commit()
        people = {p.username: p.id for p in session.scalars(select(Person))}
    engine.dispose()
    return path, people


@pytest.fixture
def live(tmp_path: Path, template: tuple[Path, dict[str, int]]) -> Iterator[LiveServer]:
    VERSIONS.clear()
    source, people = template
    target = tmp_path / "e2e.sqlite3"
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(target)) as copy:
        original.backup(copy)  # the server's own database, fresh for each test
    engine: Engine = make_engine(f"sqlite:///{target}")
    clock = FrozenClock(datetime.fromisoformat("2026-03-01T09:00:00+05:00"))
    sessions = make_session_factory(engine)
    app = create_app(
        {
            "SECRET_KEY": "e2e",
            "SQLALCHEMY_ENGINE": engine,
            "CLOCK": clock,
            "FILE_STORE": str(tmp_path / "files"),
            "START_WORKER": False,
            "SESSION_COOKIE_SECURE": False,
            "DEMO": True,
        }
    )
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", clock, sessions, people)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
        engine.dispose()
        VERSIONS.clear()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed (/usr/bin/chromium)")
    launched = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield launched
    launched.close()


def own_page(browser: Browser) -> Page:
    """A page in a browser context of its own (its own cookies), in Kazakh; close its context."""
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="kk-KZ")
    context.set_default_timeout(15000)
    return context.new_page()


class People:
    """One browser context per person: each signs in separately and keeps their own cookies."""

    def __init__(self, browser: Browser, live: LiveServer) -> None:
        self.browser, self.live = browser, live
        self.pages: dict[str, Page] = {}

    def __call__(self, username: str) -> Page:
        if username not in self.pages:
            page = own_page(self.browser)
            page.goto(f"{self.live.url}/sign-in")
            page.fill("#username", username)
            page.fill("#password", DEMO_PASSWORD)
            page.click("form.stack button[type=submit]")
            page.wait_for_url(f"{self.live.url}/")
            self.pages[username] = page
        return self.pages[username]

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def people(browser: Browser, live: LiveServer) -> Iterator[People]:
    found = People(browser, live)
    yield found
    found.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def fill_application(page: Page, start: str, end: str, *, course: str, hours: int, relevance: str) -> None:
    """Fill the application form on the new-application (or revision) page."""
    page.fill("#f-course", course)
    page.fill("#f-provider", "Назарбаев Университеті")
    page.select_option("#f-training_form", "course")
    page.select_option("#f-mode", "without_leaving_work")
    page.fill("#f-place", "Астана, Қазақстан")
    page.fill("#f-start_date", start)
    page.fill("#f-end_date", end)
    page.fill("#f-hours", str(hours))
    page.select_option("#f-funding_source", "own")
    page.check("#f-in_plan")
    page.fill("#f-relevance", relevance)
