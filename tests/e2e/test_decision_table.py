"""The process owner opens the periodicity table in the browser's dmn-js editor, changes a teacher's
72 hours to 60 in one cell, publishes, and the policy in force from that day says 60."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, People, screenshot
from workflows.records.requirements import Facts, policy_on

KEY = "periodicity"
TEACHER = Facts("teaching", "senior lecturer", "department", False, True)


def test_the_owner_changes_a_cell_and_publishes(live: LiveServer, people: People) -> None:
    owner = people("owner")
    live.at("2026-04-10T10:00:00+05:00")
    owner.click("nav >> text=Процестер")
    owner.click(f"a[href='/processes/{KEY}/edit']")
    expect(owner.locator("#editor")).to_have_attribute("data-state", "ready")
    expect(owner.locator("h1")).to_have_text("Шешім кестесінің редакторы")

    cell = owner.locator('#canvas td[data-element-id="rule_teachers_out_hours"]')
    expect(cell).to_have_text("72")

    def type_into_cell(text: str) -> None:
        cell.click()
        owner.keyboard.press("Control+A")
        owner.keyboard.type(text)
        owner.locator("#canvas td[data-element-id='rule_teachers_out_years']").click()  # leave the cell

    # A word where hours belong: the check names the rule and the column, and marks the rule.
    type_into_cell('"алпыс"')
    owner.click("#btn-check")
    expect(owner.locator("#problem-count")).to_have_text("1")
    expect(owner.locator("#problem-list .problem__where")).to_have_text("1-ереже")
    expect(owner.locator("#problem-list .problem__text")).to_contain_text("«Сағат»")
    expect(owner.locator('#canvas td.rule-index.bk-problem[data-element-id="rule_teachers"]')).to_have_count(
        1
    )

    type_into_cell("60")
    expect(owner.locator("#editor-status")).to_have_attribute("data-kind", "dirty")

    owner.click("#btn-check")
    expect(owner.locator("#editor-status")).to_have_attribute("data-kind", "dirty")  # checked, still unsaved
    expect(owner.locator("#problem-summary")).to_have_attribute("data-kind", "ok")
    screenshot(owner, "decision-table-editor")
    owner.click("#btn-publish")
    owner.fill("#publish-note", "Бұйрық 12: ПОҚ үшін 60 сағат")
    owner.click("#publish-confirm")
    owner.wait_for_url(f"{live.url}/processes/{KEY}")
    expect(owner.locator(".flash, .notice").first).to_be_visible()

    with live.sessions() as session:
        assert policy_on(session, date(2026, 4, 9)).requirements(TEACHER)[0].hours == 72
        later = policy_on(session, date(2026, 4, 11))
        assert later.version_label == "periodicity v2"
        assert later.requirements(TEACHER)[0].hours == 60
        # Only the one cell changed: researchers without disciplines keep 72.
        researcher = Facts("research", "", "institute", False, False)
        assert later.requirements(researcher)[0].hours == 72
