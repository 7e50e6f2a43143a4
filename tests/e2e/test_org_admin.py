"""The organisation in the browser: an administrator creates a department, adds a person and
gives her the head's seat there; a head says who stands in for her while she is away, and the
deputy finds the head's task in their own inbox, marked as held for the head."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import Demo
from tests.e2e.conftest import LiveServer, People, screenshot
from tests.workflows.flow import Flow
from workflows.cases.documents import FileStore


def test_an_admin_builds_a_department_and_a_deputy_takes_over(
    live: LiveServer, people: People, tmp_path: Path
) -> None:
    admin = people("admin")
    admin.click("nav.mainnav >> text=Ұйым")
    expect(admin.locator("h1")).to_have_text("Ұйым")
    admin.select_option("#new-parent-id", label="— Инженерия институты")
    admin.select_option("#new-kind", "department")
    admin.fill("#new-code", "phys")
    admin.fill("#new-name-kk", "Физика кафедрасы")
    admin.fill("#new-name-ru", "Кафедра физики")
    admin.click("text=Бөлімшені құру")
    expect(admin.locator("h1")).to_have_text("Физика кафедрасы")
    unit_url = admin.url

    admin.goto(f"{live.url}/admin/people/new")
    admin.fill("#new-last-name", "Сәрсенова")
    admin.fill("#new-first-name", "Жібек")
    admin.fill("#new-personnel-number", "T-77")
    admin.fill("#new-iin", "900101300022")  # a wrong check digit first
    admin.select_option("#new-org-unit-id", label="— — Физика кафедрасы")
    admin.click("text=Адамды қосу")
    expect(admin.locator("#new-iin-error")).to_contain_text("жарамды ЖСН емес")
    admin.fill("#new-iin", "900101300027")
    admin.click("text=Адамды қосу")
    expect(admin.locator("h1")).to_have_text("Жібек Сәрсенова")

    admin.goto(unit_url)
    admin.fill("#seat-person", "T-77")
    admin.select_option("#seat-role", "department_head")
    admin.click("text=Лауазымды қосу")
    expect(admin.locator("table")).to_contain_text("Жібек Сәрсенова")
    screenshot(admin, "org-unit")

    # The teacher's application waits for her head's endorsement.
    flow = Flow(live.sessions, Demo(live.people), live.clock, FileStore(tmp_path / "files"))
    flow.start()

    head = people("head")
    head.goto(f"{live.url}/account/delegations")
    head.fill("#away-valid-from", "2026-03-01")
    head.fill("#away-valid-to", "2026-03-06")
    head.fill("#away-deputy", "head")
    head.click("text=Орынбасарды тағайындау")
    expect(head.locator("#away-deputy-error")).to_contain_text("өзіне-өзі орынбасар")
    head.fill("#away-deputy", "head2")
    head.click("text=Орынбасарды тағайындау")
    expect(head.locator(".notice--success")).to_be_visible()
    expect(head.locator("main")).to_contain_text("Гүлнар Маратқызы Әлиева")
    screenshot(head, "org-delegation")

    deputy = people("head2")
    deputy.goto(f"{live.url}/")
    row = deputy.locator("tbody tr", has_text="Айгүл Серікқызы Нұрланова")
    expect(row).to_have_count(1)
    row.locator("a.task-link").click()
    expect(deputy.locator("main")).to_contain_text("Дәурен Асқарұлы Жақсыбеков")
