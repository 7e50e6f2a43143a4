"""The whole qualification request in the browser, each role signed in on its own.

Kazakh: the teacher applies (a late date is refused first), the head returns it, she
resubmits, the head, the rector and HR approve and issue the order, the course ends, she
uploads her certificate, the competence centre verifies it and the head records the
department meeting; a second case whose report never comes escalates to the head.
Russian: the same people switch language and take an application up to the order.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from playwright.sync_api import Page, expect

from tests.conftest import Demo
from tests.e2e.conftest import LiveServer, People, fill_application, screenshot
from tests.workflows.flow import Flow
from workflows.cases.documents import FileStore

COURSE = "Жоғары мектептегі цифрлық педагогика"
OTHER_COURSE = "Академиялық жазылым негіздері"


def _certificate(directory: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(text="Certificate of completion: 72 academic hours")
    path = directory / "certificate.pdf"
    path.write_bytes(bytes(pdf.output()))
    return path


def _open_task(page: Page, live: LiveServer, course: str, step: str) -> None:
    page.goto(f"{live.url}/")
    row = page.locator("tbody tr", has_text=course).filter(has_text=step)
    row.locator("a.task-link").click()
    expect(page.locator("h1")).to_have_text(step)


def _fill_application(page: Page, start: str, end: str) -> None:
    fill_application(
        page,
        start,
        end,
        course=COURSE,
        hours=72,
        relevance="Оқытатын пәндерге цифрлық бағалау құралдарын енгізу",
    )


def _diagram_ready(page: Page) -> None:
    expect(page.locator("#diagram")).to_have_attribute("data-state", "ready")


def test_the_whole_request_in_kazakh(live: LiveServer, people: People, tmp_path: Path) -> None:
    signin = people.browser.new_page(viewport={"width": 1360, "height": 900})
    signin.goto(f"{live.url}/sign-in")
    expect(signin.locator("html")).to_have_attribute("lang", "kk")
    expect(signin.locator("table")).to_contain_text("centre")
    screenshot(signin, "sign-in")
    signin.close()

    # The teacher applies; too late first, then in time.
    teacher = people("teacher")
    teacher.click("nav >> text=Жаңа өтініш")
    teacher.click("a[href$='process=qualification_request']")
    expect(teacher.locator(".rule")).to_contain_text("20")
    _fill_application(teacher, "2026-03-10", "2026-03-14")
    teacher.click("button:has-text('Өтінішті жіберу')")
    expect(teacher.locator("#f-start_date-error")).to_contain_text("21.03.2026")
    teacher.fill("#f-start_date", "2026-03-23")
    teacher.fill("#f-end_date", "2026-03-27")
    teacher.click("button:has-text('Өтінішті жіберу')")
    expect(teacher.locator(".notice--success")).to_contain_text("өтінішіңіз жіберілді")
    case_url = teacher.url

    # A second application whose report will never come (driven through the services).
    flow = Flow(live.sessions, Demo(live.people), live.clock, FileStore(tmp_path / "files"))
    late_case = flow.start(course=OTHER_COURSE, start_date="2026-03-23", end_date="2026-03-27")

    # The head returns the first one with a comment.
    head = people("head")
    expect(head.locator(".mainnav .badge--on").first).to_have_text("2 ашық тапсырма")
    screenshot(head, "inbox")
    _open_task(head, live, COURSE, "Өтінішті келісу")
    expect(head.locator(".facts")).to_contain_text("Назарбаев Университеті")
    screenshot(head, "task")
    head.click("button[name=decision][value=return]")
    expect(head.locator("#f-comment-error")).to_be_visible()  # a return needs a comment
    head.fill("#f-comment", "Курстың күндерін бағдарламамен салыстырып нақтылаңыз.")
    head.click("button[name=decision][value=return]")
    expect(head.locator(".notice--success")).to_be_visible()

    # The teacher sees where the case is, in the diagram too, and resubmits.
    teacher.goto(case_url)
    _diagram_ready(teacher)
    current = teacher.locator('#diagram .djs-element.bk-current[data-element-id="revise_application"]')
    expect(current).to_have_count(1)
    expect(teacher.locator('#diagram .djs-element.bk-done[data-element-id="endorse"]')).to_have_count(1)
    expect(teacher.locator('#diagram [data-element-id="meeting_review"]')).to_have_count(1)
    screenshot(teacher, "case")
    _open_task(teacher, live, COURSE, "Өтінішті түзету")
    expect(teacher.locator(".decisions")).to_contain_text("Курстың күндерін бағдарламамен")
    expect(teacher.locator("#f-comment")).to_have_count(0)
    teacher.fill("#f-start_date", "2026-03-24")
    teacher.fill("#f-end_date", "2026-03-28")
    teacher.click(".schema-form button[type=submit]")
    expect(teacher.locator(".notice--success")).to_be_visible()

    # Endorsement, the rector's visa, the order.
    _open_task(head, live, COURSE, "Өтінішті келісу")
    head.click("button[name=decision][value=approve]")
    flow.do("head", late_case, "endorse", decision="approve")
    rector = people("rector")
    _open_task(rector, live, COURSE, "Өтінішке виза қою")
    rector.click("button:has-text('Тапсырманы өзіме алу')")
    rector.click("button[name=decision][value=approve]")
    expect(rector.locator(".notice--success")).to_be_visible()
    flow.do("rector", late_case, "rector_visa", decision="approve")
    live.at("2026-03-02T10:00:00+05:00")  # the order is dated the day it is issued, never ahead
    hr = people("hr")
    _open_task(hr, live, COURSE, "Оқуға жіберу туралы бұйрық шығару")
    hr.fill("#f-order_date", "2026-03-02")
    hr.click(".schema-form button[type=submit]")
    expect(hr.locator(".notice--success")).to_be_visible()
    flow.do("hr", late_case, "prepare_order", order_date="2026-03-02")

    teacher.goto(case_url)
    order = teacher.locator("#order-link")
    expect(order).to_contain_text("БА-2026/0001")
    pdf = teacher.request.get(live.url + (order.get_attribute("href") or ""))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    teacher.click("nav >> text=Менің өтініштерім")
    expect(teacher.locator("tbody tr", has_text=COURSE)).to_contain_text("БА-2026/0001")
    screenshot(teacher, "my-applications")

    # The course ends; the next morning the report task is there.
    live.at("2026-03-29T08:00:00+05:00")
    assert live.fire().failed == 0
    _open_task(teacher, live, COURSE, "Сертификат пен тыңдаушының есебін ұсыну")
    teacher.set_input_files("#f-certificate", str(_certificate(tmp_path)))
    teacher.fill("#f-certificate_number", "NU-2026-114")
    teacher.fill(
        "#f-report_text", "Курста цифрлық бағалау құралдарын үйрендім және оларды пәндерге енгіземін."
    )
    teacher.click(".schema-form button[type=submit]")
    expect(teacher.locator(".notice--success")).to_be_visible()

    # The other report is never handed in: after its due date the head is told.
    live.at("2026-04-03T09:00:00+05:00")
    assert live.fire().failed == 0
    head.click("nav >> text=Хабарламалар")
    escalation = head.locator(".notice-item--escalation")
    expect(escalation).to_contain_text("Мерзім өтті")
    expect(escalation).to_contain_text(OTHER_COURSE)

    # The competence centre verifies; the department meeting reviews; the case completes.
    centre = people("centre")
    _open_task(centre, live, COURSE, "Сертификатты тексеру")
    expect(centre.locator(".documents")).to_contain_text("certificate.pdf")
    centre.fill("#f-counted_hours", "72")
    centre.select_option("#f-certificate_type", "certificate")
    centre.click("button[name=decision][value=approve]")
    expect(centre.locator(".notice--success")).to_be_visible()
    live.at("2026-04-10T15:00:00+05:00")
    _open_task(head, live, COURSE, "Есепті кафедра отырысында талқылау")
    head.fill("#f-minutes_number", "8")
    head.fill("#f-minutes_date", "2026-04-10")
    head.set_input_files("#f-minutes_file", str(_certificate(tmp_path)))
    head.fill("#f-improvement_decisions", "Кафедрада цифрлық бағалау бойынша семинар өткізу")
    head.check("input[name=effectiveness][value=high]")
    head.fill("#f-implementation_plan", "Цифрлық бағалауды 2026-2027 оқу жылында енгізу")
    head.check("#f-attestation_recommendation")
    head.click("button[name=decision][value=approve]")
    expect(head.locator(".notice--success")).to_be_visible()

    teacher.goto(case_url)
    expect(teacher.locator("#case-status")).to_have_text("Аяқталды")
    expect(teacher.locator(".timeline")).to_contain_text("Іс аяқталды")
    _diagram_ready(teacher)
    expect(teacher.locator('#diagram .djs-element.bk-done[data-element-id="meeting_review"]')).to_have_count(
        1
    )


def test_a_walkthrough_in_russian(live: LiveServer, people: People) -> None:
    teacher = people("teacher")
    teacher.click(".langs button[value=ru]")
    expect(teacher.locator("html")).to_have_attribute("lang", "ru")
    teacher.click("nav >> text=Новая заявка")
    teacher.click("a[href$='process=qualification_request']")
    expect(teacher.locator(".rule h2")).to_have_text("Подавайте заявку не позднее чем за 20 дней")
    _fill_application(teacher, "2026-03-23", "2026-03-27")
    teacher.click("button:has-text('Подать заявку')")
    expect(teacher.locator(".notice--success")).to_contain_text("Ваша заявка")
    case_url = teacher.url

    for username, step, button in (
        ("head", "Согласование заявления", "approve"),
        ("rector", "Виза ректора", "approve"),
    ):
        page = people(username)
        page.click(".langs button[value=ru]")
        expect(page.locator("h1")).to_have_text("Задачи")
        _open_task(page, live, COURSE, step)
        expect(page.locator(".facts")).to_contain_text("Собственные средства работника")
        page.click(f"button[name=decision][value={button}]")
        expect(page.locator(".notice--success")).to_contain_text("Готово")
    live.at("2026-03-02T10:00:00+05:00")
    hr = people("hr")
    hr.click(".langs button[value=ru]")
    _open_task(hr, live, COURSE, "Приказ о направлении на повышение квалификации")
    hr.fill("#f-order_date", "2026-03-02")
    hr.click(".schema-form button[type=submit]")
    expect(hr.locator(".notice--success")).to_be_visible()

    teacher.goto(case_url)
    expect(teacher.locator("#order-link")).to_have_text("Приказ БА-2026/0001 (PDF)")
    expect(teacher.locator(".timeline")).to_contain_text("Издан приказ БА-2026/0001")
    expect(teacher.locator("#case-status")).to_have_text("В работе")
    _diagram_ready(teacher)
    teacher.click("nav >> text=Уведомления")
    expect(teacher.locator(".notices")).to_contain_text(
        "Издан приказ о направлении вас на повышение квалификации"
    )
