"""The task page: the case summary, the form from its schema, decisions, uploads, stale forms."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from tests import factories
from tests.app.conftest import LoginAs, post_files
from tests.app.tasks.steps import documents, report_task, stored_files
from tests.workflows.flow import PDF, Flow
from workflows.cases.history import case_data
from workflows.cases.models import HumanTask


def test_task_page_shows_the_application_and_the_decision_buttons(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    page = login_as("head").get(f"/tasks/{task.id}").text
    assert "Өтінішті келісу" in page
    assert "Жоғары мектептегі цифрлық педагогика" in page  # course
    assert "Назарбаев Университеті" in page  # provider
    assert "21.03.2026" in page and "31.03.2026" in page  # dates, local format
    assert "Қызметкердің меншікті қаражаты" in page  # funding, by its Kazakh title
    for value, label in (("approve", "Келісу"), ("return", "Түзетуге қайтару"), ("reject", "Қабылдамау")):
        assert f'name="decision" value="{value}"' in page
        assert label in page
    assert '<textarea id="f-comment" name="comment"' in page


def test_approve_moves_the_case_on(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    client = login_as("head")
    response = client.post(f"/tasks/{task.id}", data={"decision": "approve", "comment": ""})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert flow.open_elements(case) == ["rector_visa"]
    assert "«Өтінішті келісу» орындалды" in client.get("/").text


def test_return_without_a_comment_shows_the_error_next_to_the_comment(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    response = login_as("head").post(f"/tasks/{task.id}", data={"decision": "return"})
    assert response.status_code == 422
    page = response.text
    assert 'id="f-comment-error"' in page
    assert 'aria-describedby="f-comment-help f-comment-error"' in page
    assert 'aria-invalid="true"' in page
    assert "Бұл өрісті толтыру міндетті." in page
    assert flow.open_elements(case) == ["endorse"]


def test_the_revise_form_is_prefilled_but_not_with_the_heads_comment(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="Курс мерзімін нақтылаңыз")
    task = flow.task(case, "revise_application")
    page = login_as("teacher").get(f"/tasks/{task.id}").text
    assert 'value="Жоғары мектептегі цифрлық педагогика"' in page
    assert 'value="2026-03-21"' in page and 'type="date"' in page
    assert 'value="72"' in page and 'type="number"' in page
    assert '<input type="checkbox" id="f-in_plan" name="in_plan" checked' in page
    assert "Курс мерзімін нақтылаңыз" in page  # shown among the decisions so far...
    assert 'name="decision"' not in page  # ...but not a decision form


def test_resubmission_converts_the_form_strings(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="Күндерді өзгертіңіз")
    task = flow.task(case, "revise_application")
    form: dict[str, Any] = {
        "course": "Жоғары мектептегі цифрлық педагогика",
        "provider": "Назарбаев Университеті",
        "training_form": "course",
        "mode": "without_leaving_work",
        "place": "Астана",
        "start_date": "2026-03-25",
        "end_date": "2026-04-04",
        "hours": " 72 ",
        "funding_source": "university",
        "cost": "150 000,50",
        "relevance": "Пәндерге цифрлық құралдарды енгізу",
        # in_plan unchecked: sent as false, and outside the plan it says why
        "out_of_plan_reason": "Жаңа пән енгізіледі",
    }
    assert login_as("teacher").post(f"/tasks/{task.id}", data=form).status_code == 303
    case_row = flow.case(case)
    assert case_row.summary["start_date"] == "2026-03-25"
    assert case_row.summary["hours"] == 72
    with flow.factory() as s:
        data = case_data(s, case, flow.clock)
    assert data["cost"] == 150000.5
    assert data["in_plan"] is False


def test_bad_numbers_are_named(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="x")
    task = flow.task(case, "revise_application")
    response = login_as("teacher").post(
        f"/tasks/{task.id}",
        data={"hours": "many", "course": "C", "start_date": "2026-03-25"},
    )
    assert response.status_code == 422
    assert 'id="f-hours-error"' in response.text
    assert "Бүтін санды енгізіңіз." in response.text
    assert 'id="f-provider-error"' in response.text


def test_certificate_upload_is_stored_and_attached(flow: Flow, login_as: LoginAs, tmp_path: Path) -> None:
    case, task_id = report_task(flow)
    client = login_as("teacher")
    page = client.get(f"/tasks/{task_id}").text
    assert 'enctype="multipart/form-data"' in page
    assert (
        'type="file" id="f-certificate" name="certificate" accept="application/pdf,image/jpeg,image/png'
        in page
    )
    response = post_files(
        client,
        f"/tasks/{task_id}",
        {
            "certificate": (BytesIO(PDF), "сертификат.pdf"),
            "certificate_number": "NU-2026-114",
            "report_text": "Курста цифрлық бағалау құралдарын үйрендім.",
        },
    )
    assert response.status_code == 303
    assert flow.open_elements(case) == ["verify_certificate"]
    [doc] = flow.documents(case)
    assert (doc.filename, doc.content_type) == ("сертификат.pdf", "application/pdf")
    download = client.get(f"/documents/{doc.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_40_mb_file_is_refused_with_the_report_text_kept_and_nothing_stored(
    flow: Flow, login_as: LoginAs, tmp_path: Path
) -> None:
    case, task_id = report_task(flow)
    big = PDF + b"0" * (40 * 1024 * 1024)
    response = post_files(
        login_as("teacher"),
        f"/tasks/{task_id}",
        {"certificate": (BytesIO(big), "big.pdf"), "report_text": "Курс туралы есеп, жиырма таңбадан артық."},
    )
    assert response.status_code == 422
    assert 'id="f-certificate-error"' in response.text
    assert "Файл тым үлкен: ең көбі 20 МБ қабылданады." in response.text
    assert "Курс туралы есеп, жиырма таңбадан артық." in response.text  # what was typed survives
    assert documents(flow) == 0
    assert stored_files(tmp_path / "files") == []
    assert flow.open_elements(case) == ["submit_report"]


def test_an_exe_renamed_pdf_is_refused_with_a_reason(flow: Flow, login_as: LoginAs, tmp_path: Path) -> None:
    _case, task_id = report_task(flow)
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 4000
    response = post_files(
        login_as("teacher"),
        f"/tasks/{task_id}",
        {
            "certificate": (BytesIO(exe), "certificate.pdf"),
            "report_text": "Курс туралы есеп, жиырма таңбадан артық.",
        },
    )
    assert response.status_code == 422
    assert 'id="f-certificate-error"' in response.text
    assert "Тек PDF, JPEG немесе PNG файлдары қабылданады" in response.text
    assert documents(flow) == 0
    assert stored_files(tmp_path / "files") == []


def test_a_good_file_is_not_stored_when_another_field_fails(
    flow: Flow, login_as: LoginAs, tmp_path: Path
) -> None:
    _case, task_id = report_task(flow)
    response = post_files(
        login_as("teacher"),
        f"/tasks/{task_id}",
        {"certificate": (BytesIO(PDF), "c.pdf"), "report_text": "too short"},
    )
    assert response.status_code == 422
    assert "Кемінде 20 таңба енгізіңіз." in response.text
    assert documents(flow) == 0
    assert stored_files(tmp_path / "files") == []


def test_a_stale_form_says_the_task_is_done_and_changes_nothing(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    head = login_as("head")
    assert "Келісу" in head.get(f"/tasks/{task.id}").text  # the form is open in one tab...
    flow.do("head", case, "endorse", decision="return", comment="Түзетіңіз")  # ...and done elsewhere
    before = flow.open_elements(case)
    response = head.post(f"/tasks/{task.id}", data={"decision": "approve"})
    assert response.status_code == 409
    assert "Бұл тапсырма орындалып қойған" in response.text
    assert "Сіз енгізген деректер сақталған жоқ." in response.text
    assert flow.open_elements(case) == before == ["revise_application"]


def test_a_losing_approver_is_told_who_decided_when_and_what(
    flow: Flow, login_as: LoginAs, factory: Any
) -> None:
    with factory() as s:  # the head of mathematics stands in for the head this month
        factories.deputy(s, flow.demo["head"], flow.demo["head2"], date(2026, 3, 1), date(2026, 3, 31))
        s.commit()
    case = flow.start()
    task = flow.task(case, "endorse")
    head = login_as("head")
    assert "Келісу" in head.get(f"/tasks/{task.id}").text  # the head has the form open...
    flow.clock.advance(hours=1, minutes=42)
    flow.do("head2", case, "endorse", decision="approve")  # ...while the deputy decides
    response = head.post(f"/tasks/{task.id}", data={"decision": "reject", "comment": "Жоқ"})
    assert response.status_code == 409
    # 10:42 in Almaty, whatever the server's zone (the clock says 05:42 UTC).
    assert (
        "Бұл тапсырма бойынша Гүлнар Маратқызы Әлиева (Дәурен Асқарұлы Жақсыбеков орнына) "
        "01.03.2026 10:42 шешім қабылдап қойған: Келісілді." in response.text
    )
    head.post("/language", data={"lang": "en", "next": "/"})
    answer = head.post(f"/tasks/{task.id}", data={"decision": "reject"})
    assert answer.status_code == 409
    assert "This task is already done" in answer.text
    assert (
        "Already decided by Гүлнар Маратқызы Әлиева (for Дәурен Асқарұлы Жақсыбеков) at "
        "1 Mar 2026 10:42: Approved. Nothing you entered was saved." in answer.text
    )
    assert flow.open_elements(case) == ["rector_visa"]


def test_a_task_done_without_a_decision_says_who_completed_it(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="approve")
    flow.do("rector", case, "rector_visa", decision="approve")
    task = flow.task(case, "prepare_order")
    flow.do("hr", case, "prepare_order", order_date="2026-03-01")
    hr = login_as("hr")
    hr.post("/language", data={"lang": "ru", "next": "/"})
    response = hr.post(f"/tasks/{task.id}", data={"order_date": "2026-03-02"})
    assert response.status_code == 409
    assert (
        "Эту задачу уже выполнил(а) Әсем Болатқызы Жұмабаева, 01.03.2026 09:00. "
        "Введённые вами данные не сохранены." in response.text
    )


def test_a_completed_task_page_says_who_did_it(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    flow.do("head", case, "endorse", decision="approve")
    page = login_as("head").get(f"/tasks/{task.id}").text
    assert "Орындаған: Дәурен Асқарұлы Жақсыбеков" in page
    assert 'name="decision"' not in page


def test_claim_and_release(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="approve")
    task = flow.task(case, "rector_visa")
    rector = login_as("rector")
    assert "Тапсырманы өзіме алу" in rector.get(f"/tasks/{task.id}").text
    claimed = rector.post(f"/tasks/{task.id}/claim", data={"next": "/"})
    assert claimed.status_code == 303 and claimed.headers["Location"] == "/"
    with flow.factory() as s:
        assert s.get(HumanTask, task.id).assignee_id == flow.demo["rector"]  # type: ignore[union-attr]
    inbox = rector.get("/").text
    assert f'action="/tasks/{task.id}/release"' in inbox
    assert rector.post(f"/tasks/{task.id}/release").status_code == 303
    with flow.factory() as s:
        assert s.get(HumanTask, task.id).assignee_id is None  # type: ignore[union-attr]
    # Releasing what one does not hold is refused.
    assert rector.post(f"/tasks/{task.id}/release").status_code == 403


def test_a_task_claimed_by_someone_else_is_shown_as_such(flow: Flow, login_as: LoginAs, factory: Any) -> None:
    with factory() as s:  # a second rector seat holder: the vice-rector
        factories.seat(s, flow.demo["director"], "rector", factories.university(s).id)
        s.commit()
    case = flow.start()
    flow.do("head", case, "endorse", decision="approve")
    task = flow.task(case, "rector_visa")
    login_as("rector").post(f"/tasks/{task.id}/claim")
    other = login_as("director")
    inbox = other.get("/").text
    assert "Орындаушы: Бақытжан Сапарұлы Есенов" in inbox
    page = other.get(f"/tasks/{task.id}").text
    assert "Бұл тапсырманы Бақытжан Сапарұлы Есенов өзіне алды" in page
    assert other.post(f"/tasks/{task.id}", data={"decision": "approve"}).status_code == 409
    assert flow.open_elements(case) == ["rector_visa"]


def test_the_head_sees_what_a_resubmission_changed(flow: Flow, login_as: LoginAs) -> None:
    from tests.workflows.flow import application

    case = flow.start()
    first = flow.task(case, "endorse")
    assert "previous submission" not in login_as("head").get(f"/tasks/{first.id}").text
    flow.do("head", case, "endorse", decision="return", comment="Мерзімді ауыстырыңыз")
    flow.do(
        "teacher", case, "revise_application", **application(start_date="2026-03-25", end_date="2026-04-04")
    )
    again = flow.task(case, "endorse")
    client = login_as("head")
    client.post("/language", data={"lang": "en", "next": "/"})
    page = client.get(f"/tasks/{again.id}").text
    assert "What changed since the previous submission" in page
    assert "<del>21 Mar 2026</del>" in page and "<ins>25 Mar 2026</ins>" in page
    assert "<del>31 Mar 2026</del>" in page and "<ins>4 Apr 2026</ins>" in page
    assert page.count("<ins>") == 2  # nothing else changed
    # Once the head has decided on the changed application, the rector sees it as it is.
    flow.do("head", case, "endorse", decision="approve")
    rector = login_as("rector")
    rector.post("/language", data={"lang": "en", "next": "/"})
    assert "previous submission" not in rector.get(f"/tasks/{flow.task(case, 'rector_visa').id}").text
