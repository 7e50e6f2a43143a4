"""KAFU's and KazNRTU's procedures in the browser, each on its main path, beside SKMA's.

Kazakh: a head submits one of their staff for an external course (KAFU), the rector decides,
HR orders, the teacher hands in the certificate and the centre files it; a head asks for a place
on an internal programme (KAFU). Russian: HR starts a planned line (KazNRTU), the teacher
reports, the department meeting hears the report within the month and the head endorses it.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, People, fill_application, screenshot
from workflows.cases.models import ProcessInstance


def _certificate(directory: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(text="Certificate of completion")
    path = directory / "certificate.pdf"
    path.write_bytes(bytes(pdf.output()))
    return path


def _open_task(page: Page, live: LiveServer, course: str, step: str) -> None:
    page.goto(f"{live.url}/")
    page.locator("tbody tr", has_text=course).filter(has_text=step).locator("a.task-link").click()
    expect(page.locator("h1")).to_have_text(step)
    claim = page.locator("form[action$='/claim'] button")
    if claim.count():
        claim.click()


def _done(page: Page) -> None:
    expect(page.locator(".notice--success")).to_be_visible()


def _status(live: LiveServer, key: str) -> list[str]:
    with live.sessions() as session:
        return [i.status for i in session.query(ProcessInstance).filter_by(process_key=key)]


def _start(page: Page, live: LiveServer, key: str, person: str) -> None:
    page.goto(f"{live.url}/cases/new")
    page.click(f"a[href='/cases/new?process={key}']")
    page.select_option("#f-subject_id", str(live.people[person]))


def test_kafu_external_in_kazakh(live: LiveServer, people: People, tmp_path: Path) -> None:
    course = "Жоғары мектептегі жобалық оқыту"
    head = people("head")
    head.click("nav >> text=Жаңа өтініш")
    expect(head.locator("#start-kafu_external")).to_be_visible()
    screenshot(head, "procedures-choose")
    _start(head, live, "kafu_external", "teacher")
    fill_application(
        head, "2026-03-10", "2026-03-14", course=course, hours=36, relevance="Жобалық оқытуды енгізу"
    )
    head.click("button:has-text('Өтінішті жіберу')")
    _done(head)

    rector = people("rector")
    _open_task(rector, live, course, "Ректордың шешімі")
    rector.click("button[name=decision][value=approve]")
    _done(rector)
    hr = people("hr")
    _open_task(hr, live, course, "Ректордың бұйрығын ресімдеу")
    hr.fill("#f-order_date", "2026-03-01")
    hr.click(".schema-form button[type=submit]")
    _done(hr)

    live.at("2026-03-15T09:00:00+05:00")
    live.fire()
    teacher = people("teacher")
    _open_task(teacher, live, course, "Растайтын құжатты ұсыну")
    teacher.set_input_files("#f-certificate", str(_certificate(tmp_path)))
    teacher.fill("#f-report_text", "Жобалық оқытудың әдістерін үйрендім, пәнге енгіземін.")
    teacher.click(".schema-form button[type=submit]")
    _done(teacher)
    centre = people("centre")
    _open_task(centre, live, course, "Құжатты тексеру")
    centre.select_option("#f-certificate_type", "certificate")
    centre.fill("#f-counted_hours", "36")
    centre.click("button[name=decision][value=approve]")
    _done(centre)
    assert _status(live, "kafu_external") == ["completed"]


def test_kafu_internal_programme_in_kazakh(live: LiveServer, people: People, tmp_path: Path) -> None:
    course = "Moodle-мен жұмыс"
    head = people("head")
    _start(head, live, "kafu_internal", "teacher")
    head.fill("#f-course", course)
    head.fill("#f-start_date", "2026-03-10")
    head.fill("#f-end_date", "2026-03-12")
    head.fill("#f-hours", "24")
    head.fill("#f-relevance", "Кафедраның курстарын Moodle-ге көшіру")
    head.click("button:has-text('Өтінішті жіберу')")
    _done(head)
    centre = people("centre")
    _open_task(centre, live, course, "Тыңдаушыны қабылдау")
    centre.click("button[name=decision][value=approve]")
    _done(centre)
    live.at("2026-03-13T09:00:00+05:00")
    live.fire()
    _open_task(centre, live, course, "Қатысуды растау және сертификат")
    centre.set_input_files("#f-certificate", str(_certificate(tmp_path)))
    centre.select_option("#f-certificate_type", "certificate")
    centre.fill("#f-counted_hours", "24")
    centre.click("button[name=decision][value=approve]")
    _done(centre)
    assert _status(live, "kafu_internal") == ["completed"]


def test_kaznrtu_from_a_plan_line_in_russian(live: LiveServer, people: People, tmp_path: Path) -> None:
    course = "CDIO в инженерном образовании"
    hr = people("hr")
    hr.click(".langs button[value=ru]")
    expect(hr.locator("html")).to_have_attribute("lang", "ru")
    _start(hr, live, "kaznrtu_training", "teacher")
    expect(hr.locator("#process-description")).to_contain_text("§7.4")
    hr.fill("#f-plan_line_id", "602-05/2026-014")
    hr.check("#f-in_plan")
    hr.fill("#f-course", course)
    hr.fill("#f-provider", "Satbayev University")
    hr.select_option("#f-training_form", "course")
    hr.select_option("#f-mode", "without_leaving_work")
    hr.fill("#f-start_date", "2026-03-16")
    hr.fill("#f-end_date", "2026-03-27")
    hr.fill("#f-hours", "72")
    hr.select_option("#f-funding_source", "university")
    hr.click("button:has-text('Подать заявку')")
    _done(hr)
    screenshot(hr, "kaznrtu-started")
    _open_task(hr, live, course, "Приказ о направлении на обучение")
    hr.fill("#f-order_date", "2026-03-01")
    hr.click(".schema-form button[type=submit]")
    _done(hr)

    live.at("2026-03-28T09:00:00+05:00")
    live.fire()
    teacher = people("teacher")
    teacher.click(".langs button[value=ru]")
    _open_task(teacher, live, course, "Отчёт по курсу")
    teacher.set_input_files("#f-certificate", str(_certificate(tmp_path)))
    teacher.fill("#f-report_text", "Изучил подход CDIO, применю в курсовых проектах.")
    teacher.click(".schema-form button[type=submit]")
    _done(teacher)

    head = people("head")
    head.click(".langs button[value=ru]")
    _open_task(head, live, course, "Заседание кафедры: отчёт и эффективность")
    head.check("input[name=effectiveness][value=high]")
    head.check("#f-attestation_recommendation")
    head.fill("#f-improvements", "Включить проекты CDIO в программы второго курса")
    head.fill("#f-minutes_number", "7")
    head.fill("#f-minutes_date", "2026-04-10")
    head.click("button[name=decision][value=approve]")
    _done(head)
    _open_task(head, live, course, "Резолюция руководителя")
    head.click("button[name=decision][value=approve]")
    _done(head)
    assert _status(live, "kaznrtu_training") == ["completed"]
