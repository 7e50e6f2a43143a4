"""The quarterly data to HR in the browser: the sweep opens the quarter, the head opens the task
from the inbox, checks the figures and sends; HR's board shows the unit as sent; HR changes a
retention period on its page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, People, screenshot
from workflows.reports.quarterly import open_quarter


def test_the_head_sends_the_quarter_from_the_inbox_and_hr_sees_it(live: LiveServer, people: People) -> None:
    live.at("2026-04-02T09:00:00+05:00")
    with live.sessions() as s:
        assert open_quarter(s, live.clock) == 2
        s.commit()
    head = people("head")
    head.goto(f"{live.url}/")
    head.click("a.task-link >> text=Тоқсандық деректерді тексеру және жіберу")
    expect(head.locator("h1")).to_have_text("Тоқсандық деректерді тексеру және жіберу")
    expect(head.locator("#quarter-figures")).to_be_visible()
    expect(head.locator('#quarter-figures [data-figure="people"]')).not_to_have_text("—")
    head.fill('textarea[name="note"]', "Тексерілді, дұрыс")
    screenshot(head, "quarterly-task")
    head.click("form.schema-form button[type=submit]")
    expect(head.locator("body")).to_contain_text("«Тоқсандық деректерді тексеру және жіберу» орындалды")

    hr = people("hr")
    hr.goto(f"{live.url}/reports/quarterly?year=2026&quarter=1")
    row = hr.locator("#quarterly tr", has_text="Информатика кафедрасы")
    expect(row).to_contain_text("Тексерілді, дұрыс")
    expect(row.locator("a", has_text="Істі ашу")).to_be_visible()
    other = hr.locator("#quarterly tr", has_text="Математика кафедрасы")
    expect(other).not_to_contain_text("Тексерілді")
    screenshot(hr, "quarterly-board")

    hr.click("nav.tabs >> text=Сақтау мерзімдері")
    hr.fill("#years-journal", "0")
    hr.click("#retention-form button[type=submit]")
    expect(hr.locator("#years-journal-error")).to_be_visible()
    hr.fill("#years-journal", "6")
    hr.click("#retention-form button[type=submit]")
    expect(hr.locator("#years-journal")).to_have_value("6")
