"""The internship's main path in the browser (001 §7.3-7.14): the head endorses, the rector signs,
the employee uploads the parties' consent and names the host supervisor, HR issues the order,
after the internship she hands in the confirming document, the stamped review and the report,
the centre accepts them and the department meeting approves the report with its materials."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from playwright.sync_api import Page, expect

from tests.conftest import Demo
from tests.e2e.conftest import LiveServer, People, screenshot
from tests.workflows.flow import Flow
from tests.workflows.procedures.internship import start_internship
from workflows.cases.documents import FileStore

TOPIC = "Клиникалық симуляция орталығының тәжірибесі"


def _pdf(directory: Path, name: str) -> str:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(text=name)
    path = directory / f"{name}.pdf"
    path.write_bytes(bytes(pdf.output()))
    return str(path)


def _open_task(page: Page, live: LiveServer, step: str) -> None:
    page.goto(f"{live.url}/")
    row = page.locator("tbody tr", has_text=TOPIC).filter(has_text=step)
    row.locator("a.task-link").click()
    expect(page.locator("h1")).to_have_text(step)


def test_an_internship_from_endorsement_to_the_meeting(
    live: LiveServer, people: People, tmp_path: Path
) -> None:
    flow = Flow(live.sessions, Demo(live.people), live.clock, FileStore(tmp_path / "files"))
    case = start_internship(flow)  # the application, as the new-application page files it

    head = people("head")
    _open_task(head, live, "Өтінішті келісу")
    head.click("button[name=decision][value=approve]")
    expect(head.locator(".notice--success")).to_be_visible()

    rector = people("rector")
    _open_task(rector, live, "Өтінішке виза қою")
    rector.click("button[name=decision][value=approve]")
    expect(rector.locator(".notice--success")).to_be_visible()

    teacher = people("teacher")
    _open_task(teacher, live, "Тараптардың келісімі және жетекші")
    teacher.set_input_files("#f-consent_document", _pdf(tmp_path, "consent"))
    teacher.fill("#f-host_supervisor_name", "Серікбаев Әлібек Төлеуұлы")
    teacher.fill("#f-host_supervisor_position", "Симуляция орталығының басшысы")
    teacher.fill("#f-host_supervisor_organisation", "Назарбаев Университеті")
    screenshot(teacher, "internship-consent")
    teacher.click(".schema-form button[type=submit]")
    expect(teacher.locator(".notice--success")).to_be_visible()

    hr = people("hr")
    _open_task(hr, live, "Тағылымдамаға жіберу туралы бұйрық")
    hr.fill("#f-order_date", "2026-03-01")
    hr.click(".schema-form button[type=submit]")
    expect(hr.locator(".notice--success")).to_be_visible()

    live.at("2026-04-18T08:00:00+05:00")
    assert live.fire().failed == 0
    _open_task(teacher, live, "Тағылымдама құжаттарын ұсыну")
    teacher.set_input_files("#f-certificate", _pdf(tmp_path, "certificate"))
    teacher.set_input_files("#f-supervisor_review", _pdf(tmp_path, "review"))
    teacher.set_input_files("#f-report_file", _pdf(tmp_path, "report"))
    teacher.fill("#f-report_text", "Симуляциялық сценарийлерді құруды үйрендім және пәнге енгіземін.")
    teacher.click(".schema-form button[type=submit]")
    expect(teacher.locator(".notice--success")).to_be_visible()

    centre = people("centre")
    _open_task(centre, live, "Тағылымдама құжаттарын тексеру")
    expect(centre.locator(".documents")).to_contain_text("review.pdf")
    centre.click("button[name=decision][value=approve]")
    expect(centre.locator(".notice--success")).to_be_visible()

    _open_task(head, live, "Есепті кафедра отырысында бекіту")
    head.fill("#f-minutes_number", "11")
    head.fill("#f-minutes_date", "2026-04-20")
    head.set_input_files("#f-minutes_file", _pdf(tmp_path, "minutes"))
    head.set_input_files("#f-materials", _pdf(tmp_path, "presentation"))
    head.fill("#f-improvement_decisions", "Кафедра оқытушыларына симуляция бойынша ішкі семинар өткізу")
    head.click("button[name=decision][value=approve]")
    expect(head.locator(".notice--success")).to_be_visible()

    teacher.goto(f"{live.url}/cases/{case}")
    expect(teacher.locator("#case-status")).to_have_text("Аяқталды")
    expect(teacher.locator("#order-link")).to_contain_text("БА-2026/")
    screenshot(teacher, "internship-completed")
