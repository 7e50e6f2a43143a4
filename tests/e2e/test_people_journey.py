"""In Chromium, a university's own people from file to decision: an administrator imports a
300-person XLSX of three institutes, reads the reported error, fixes the file, re-imports and
applies it; a head from the file is invited, takes the link from the email the local SMTP server
caught, sets a password, signs in by personnel number and names a deputy while away; a teacher of
her department applies, and the deputy endorses the application, the history saying for whom."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from tests.e2e.conftest import LiveServer, People, fill_application, own_page, screenshot
from tests.smtp import SmtpInbox
from tests.staff_files import iins, staff_row, xlsx_bytes
from workflows.org.accounts import hash_password
from workflows.org.demo import DEMO_PASSWORD
from workflows.org.models import Person, RoleAssignment

INSTITUTES = ("Инженерия институты", "Экономика институты", "Педагогика институты")
BAD_ROW = 42
PASSWORD = "Көктөбе баурайы 2026"
# Row i is in institute i % 3, department i % 5 + 1; the first 15 rows head the 15 departments.
HEAD = ("P0000", "Омарова", "Сәуле", "Ерланқызы")  # head of Инженерия кафедрасы 1
DEPUTY = ("P0001", "Ережепов", "Бауыржан", "Нұрланұлы")  # head of another department
TEACHER = ("P0015", "Қалиева", "Мадина", "Әсетқызы")  # in the head's department
NAMED = {who[0]: who for who in (HEAD, DEPUTY, TEACHER)}
COURSE = "Цифрлық бағалау құралдары"


def _full(who: tuple[str, str, str, str]) -> str:
    return f"{who[2]} {who[3]} {who[1]}"


def _rows(bad_row: int | None) -> list[list[str]]:
    rows = []
    for i, iin in zip(range(300), iins("8903034"), strict=False):
        number = f"P{i:04d}"
        institute = INSTITUTES[i % 3]
        _, last, first, patronymic = NAMED.get(number, (number, "Садықов", "Ержан", ""))
        rows.append(
            staff_row(
                number,
                "890303400000" if i + 1 == bad_row else iin,  # a wrong check digit
                last=last,
                first=first,
                patronymic=patronymic,
                unit_path=f"{institute} / {institute.split()[0]} кафедрасы {i % 5 + 1}",
                roles="department_head" if i < 15 else "",
            )
        )
    return rows


def _upload(page: Page, path: Path) -> None:
    page.set_input_files("#staff-file", str(path))
    page.click("form:has(#staff-file) button[type=submit]")


def test_imported_people_sign_in_delegate_and_decide(
    browser: Browser,
    live: LiveServer,
    people: People,
    smtp: SmtpInbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("APP_BASE_URL", live.url)  # the links in emails open this server
    broken, fixed = tmp_path / "staff.xlsx", tmp_path / "staff-fixed.xlsx"
    broken.write_bytes(xlsx_bytes(_rows(bad_row=BAD_ROW)))
    fixed.write_bytes(xlsx_bytes(_rows(bad_row=None)))

    # The administrator finds the import from the organisation page; the preview names the error.
    admin = people("admin")
    admin.goto(f"{live.url}/admin/units")
    admin.click("nav >> text=Қызметкерлерді импорттау")
    admin.wait_for_url(f"{live.url}/admin/import")
    _upload(admin, broken)
    errors = admin.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td").nth(0)).to_have_text(str(BAD_ROW))
    expect(errors.first).to_contain_text("ЖСН")
    expect(admin.locator("form[action$='/apply']")).to_have_count(0)

    # Fixed and uploaded again, it applies.
    admin.goto(f"{live.url}/admin/import")
    _upload(admin, fixed)
    expect(admin.locator("#import-counts")).to_contain_text("Қосылады: 300")
    admin.click("form[action$='/apply'] button[type=submit]")
    expect(admin.locator(".notice--success").first).to_have_text("Файл импортталды.")
    with live.sessions() as s:
        found = s.execute(
            select(Person.personnel_number, Person.id).where(Person.personnel_number.in_(NAMED))
        )
        ids = {str(number): int(person_id) for number, person_id in found}
        assert s.scalar(select(func.count()).where(Person.personnel_number.like("P%"))) == 300
        held = s.scalars(select(RoleAssignment.role).where(RoleAssignment.person_id == ids[HEAD[0]])).all()
        assert held == ["department_head"]
        for who in (DEPUTY, TEACHER):  # their accounts are given by hand, not tested here
            person = s.get(Person, ids[who[0]])
            assert person is not None and person.password_hash is None
            person.password_hash = hash_password(DEMO_PASSWORD)
        s.commit()

    # The new head is invited from her account page; the link arrives by email.
    head_mail = f"{HEAD[0].lower()}@example.kz"
    admin.goto(f"{live.url}/admin/people/{ids[HEAD[0]]}/account")
    admin.click("#send-invitation")
    expect(admin.locator(".notice--success")).to_contain_text(head_mail)
    assert live.fire().done >= 1
    link = smtp.link(head_mail)
    assert link.startswith(f"{live.url}/account/invitation/")

    head = own_page(browser)
    try:
        head.goto(link)
        expect(head.locator("main")).to_contain_text(_full(HEAD))
        head.fill("#new-password", PASSWORD)
        head.fill("#repeat-password", PASSWORD)
        head.click("#set-password")
        head.wait_for_url(f"{live.url}/sign-in")
        head.fill("#username", HEAD[0])  # by personnel number
        head.fill("#password", PASSWORD)
        head.click("form.stack button[type=submit]")
        head.wait_for_url(f"{live.url}/")

        # Away for a week: the deputy from the file acts in her seat.
        head.goto(f"{live.url}/account/delegations")
        head.fill("#away-valid-from", "2026-03-01")
        head.fill("#away-valid-to", "2026-03-06")
        head.fill("#away-deputy", DEPUTY[0])
        head.click("text=Орынбасарды тағайындау")
        expect(head.locator(".notice--success")).to_be_visible()
        expect(head.locator("main")).to_contain_text(_full(DEPUTY))
        screenshot(head, "people-journey-delegation")
    finally:
        head.context.close()

    # A teacher of her department applies.
    teacher = people(TEACHER[0])
    teacher.click("nav >> text=Жаңа өтініш")
    teacher.click("a[href$='process=qualification_request']")
    fill_application(
        teacher,
        "2026-03-23",
        "2026-03-27",
        course=COURSE,
        hours=72,
        relevance="Оқытатын пәндерге цифрлық бағалау құралдарын енгізу",
    )
    teacher.click("button:has-text('Өтінішті жіберу')")
    expect(teacher.locator(".notice--success")).to_contain_text("өтінішіңіз жіберілді")
    case_url = teacher.url

    # The deputy finds the head's task in their own inbox and endorses it.
    deputy = people(DEPUTY[0])
    deputy.goto(f"{live.url}/")
    row = deputy.locator("tbody tr", has_text=_full(TEACHER))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("алмастырушы ретінде")
    row.locator("a.task-link").click()
    expect(deputy.locator("main")).to_contain_text(_full(HEAD))
    deputy.click("button[name=decision][value=approve]")
    expect(deputy.locator(".notice--success")).to_be_visible()

    # The case's history says who endorsed it, and for whom.
    teacher.goto(case_url)
    history = teacher.locator("section[aria-labelledby=history-title]")
    expect(history).to_contain_text(f"{_full(DEPUTY)} ({_full(HEAD)} орнына)")
    expect(history).to_contain_text("Келісілді")
    screenshot(teacher, "people-journey-history")
