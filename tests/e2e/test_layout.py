"""Pages that read on a phone and a case diagram that reads on any screen."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, ViewportSize, expect

from tests.conftest import Demo
from tests.e2e.conftest import LiveServer, screenshot
from tests.workflows.flow import Flow
from workflows.cases.documents import FileStore
from workflows.org.demo import DEMO_PASSWORD

PHONE: ViewportSize = {"width": 390, "height": 844}
# What sticks out past the right edge (outside the scrolling table), to say which element overflows.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > 391)
  .slice(0, 5).map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
MEASURE = """() => ({
  page: document.documentElement.scrollWidth,
  header: document.querySelector('.topbar').scrollWidth,
  cell: Math.max(...[...document.querySelectorAll('tbody td')].map(c => c.scrollWidth - c.clientWidth)),
})"""


def test_the_header_and_the_inbox_fit_a_phone(browser: Browser, live: LiveServer, tmp_path: Path) -> None:
    flow = _flow(live, tmp_path)
    flow.start(course="Жоғарымектептегіцифрлықпедагогикажәнебағалаудыңзаманауиәдістері" * 2)
    context = browser.new_context(viewport=PHONE, locale="kk-KZ")
    page = context.new_page()
    page.goto(f"{live.url}/sign-in")
    page.fill("#username", "head")
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{live.url}/")
    expect(page.locator("tbody tr")).to_have_count(1)
    screenshot(page, "inbox-phone")
    wide = page.evaluate(WIDEST)
    widths = page.evaluate(MEASURE)
    assert widths["page"] <= PHONE["width"], (widths, wide)
    assert widths["header"] <= PHONE["width"], widths
    assert widths["cell"] <= 0, widths  # the long course name wraps inside its cell
    context.close()


def test_the_case_diagram_opens_at_a_readable_size(
    browser: Browser, live: LiveServer, tmp_path: Path
) -> None:
    flow = _flow(live, tmp_path)
    case = flow.start()
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="kk-KZ")
    page = context.new_page()
    page.goto(f"{live.url}/sign-in")
    page.fill("#username", "teacher")
    page.fill("#password", DEMO_PASSWORD)
    page.click("form.stack button[type=submit]")
    page.goto(f"{live.url}/cases/{case}")
    expect(page.locator("#diagram")).to_have_attribute("data-state", "ready")
    current = page.locator('#diagram .djs-element[data-element-id="endorse"]').bounding_box()
    assert current is not None and current["width"] >= 0.75 * 120  # a task is 120 wide at full size
    viewport = page.locator("#diagram").bounding_box()
    assert viewport is not None and viewport["x"] <= current["x"] <= viewport["x"] + viewport["width"]
    context.close()


def _flow(live: LiveServer, tmp_path: Path) -> Flow:
    return Flow(live.sessions, Demo(live.people), live.clock, FileStore(tmp_path / "files"))
