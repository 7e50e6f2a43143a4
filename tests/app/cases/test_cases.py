"""Applying, following my applications, the case page, its diagram, order and documents."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from tests.app.conftest import LoginAs, post_files
from tests.app.processes.test_processes import SHIPPED
from tests.workflows.flow import Flow, application
from workflows.cases.models import Event, ProcessInstance
from workflows.definitions import browser, drafts
from workflows.forms.schema import load_forms


def _form(**overrides: Any) -> dict[str, str]:
    """The application as a browser sends it: strings, the checkbox present only when ticked."""
    data = application(**overrides)
    form = {k: str(v) for k, v in data.items() if not isinstance(v, bool)}
    if data.get("in_plan"):
        form["in_plan"] = "on"
    return form


def _cases(flow: Flow) -> int:
    with flow.factory() as s:
        return s.scalar(select(func.count(ProcessInstance.id))) or 0


def test_the_new_application_page_explains_the_lead_time(login_as: LoginAs) -> None:
    page = login_as("teacher").get("/cases/new?process=qualification_request").text
    assert "Өтінішті кемінде 20 күн бұрын беріңіз" in page  # from the published diagram's policy
    assert "<strong>21.03.2026</strong>" in page  # earliest start for an application on 1 March
    assert '<input type="date" id="f-start_date" name="start_date"' in page
    assert '<select id="f-training_form" name="training_form"' in page
    assert "Біліктілікті арттыру курсы" in page  # enum titles in Kazakh


def test_an_application_in_time_goes_to_the_head(flow: Flow, login_as: LoginAs) -> None:
    client = login_as("teacher")
    response = client.post("/cases/new?process=qualification_request", data=_form())
    assert response.status_code == 303
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert flow.open_elements(case_id) == ["endorse"]
    page = client.get(response.headers["Location"]).text
    assert "өтінішіңіз жіберілді" in page
    mine = client.get("/cases").text
    assert "Орындалуда" in mine  # status
    assert "Өтінішті келісу" in mine  # current step
    assert "Кафедра меңгерушісі, Информатика кафедрасы" in mine  # who holds it: the role in the unit


def test_a_late_application_is_refused_with_the_earliest_date(flow: Flow, login_as: LoginAs) -> None:
    flow.at("2026-03-02T09:00:00+05:00")  # 19 days before 21 March
    response = login_as("teacher").post("/cases/new?process=qualification_request", data=_form())
    assert response.status_code == 422
    page = response.text
    assert 'id="f-start_date-error"' in page
    assert "ең ерте рұқсат етілген басталу күні — 22.03.2026" in page
    assert "01.03.2026" in page  # the last day she could have applied
    assert 'value="Жоғары мектептегі цифрлық педагогика"' in page  # what she typed is kept
    assert _cases(flow) == 0


def test_exactly_twenty_days_ahead_is_accepted(flow: Flow, login_as: LoginAs) -> None:
    flow.at("2026-03-01T23:59:00+05:00")
    assert (
        login_as("teacher")
        .post("/cases/new?process=qualification_request", data=_form(start_date="2026-03-21"))
        .status_code
        == 303
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"end_date": "2026-03-20"},
            "end_date",
            "Аяқталу күні басталу күнінен (21.03.2026) ерте бола алмайды.",
        ),
        ({"hours": 0}, "hours", "Мән кемінде 1 болуы тиіс."),
        ({"funding_source": "own", "cost": 150000}, "cost", "құнын толтырмаңыз"),
        ({"provider": None}, "provider", "Бұл өрісті толтыру міндетті."),
        ({"funding_source": "university"}, "cost", "Университет төлейтін оқудың құнын көрсетіңіз."),
        ({"start_date": "21.03.2026"}, "start_date", "Күнді енгізіңіз."),
    ],
)
def test_bad_fields_are_named(
    flow: Flow, login_as: LoginAs, overrides: dict[str, Any], field: str, message: str
) -> None:
    response = login_as("teacher").post("/cases/new?process=qualification_request", data=_form(**overrides))
    assert response.status_code == 422
    assert f'id="f-{field}-error"' in response.text
    assert message in response.text
    assert f'<a href="#f-{field}">' in response.text  # the summary links to the field
    assert _cases(flow) == 0


def test_the_case_page_shows_history_diagram_and_documents(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="Мерзімдерді нақтылаңыз")
    client = login_as("teacher")
    page = client.get(f"/cases/{case}").text
    assert "Өтініш берілді" in page
    assert "Кезең орындалды: Өтінішті келісу" in page
    assert "Түзетуге қайтарылды" in page and "Мерзімдерді нақтылаңыз" in page
    assert "Дәурен Асқарұлы Жақсыбеков" in page  # who
    diagram = re.search(r"data-done='([^']*)' data-current='([^']*)'", page)
    assert diagram is not None
    assert "endorse" in diagram.group(1) and "start" in diagram.group(1)
    assert diagram.group(2) == '["revise_application"]'
    assert "/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in page
    assert "/static/js/case-diagram.js" in page
    xml = client.get(f"/cases/{case}/diagram.xml")
    assert xml.status_code == 200
    assert xml.mimetype == "application/xml"
    assert b'<bpmn:userTask id="revise_application"' in xml.data


def test_the_viewer_is_served_by_the_app(client: Any) -> None:
    script = client.get("/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js")
    assert script.status_code == 200
    assert b"BpmnJS" in script.data
    script.close()
    css = client.get("/vendor/bpmn-js/assets/diagram-js.css")
    assert css.status_code == 200
    css.close()
    assert client.get("/vendor/bpmn-js/../../package.json").status_code == 404


def test_the_order_pdf(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    assert login_as("teacher").get(f"/cases/{case}/order.pdf").status_code == 404  # none issued yet
    flow.approve_to_order(case)
    client = login_as("teacher")
    assert "БА-2026/0001" in client.get(f"/cases/{case}").text
    response = client.get(f"/cases/{case}/order.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert b"/FontFile2" in response.data  # the DejaVu font is embedded
    title = re.search(rb"/Title <([0-9a-f]+)>", response.data)
    assert title is not None
    assert bytes.fromhex(title.group(1).decode()).decode("utf-16") == "№ БА-2026/0001 бұйрық"
    disposition = response.headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('бұйрық БА-2026-0001.pdf')}" in disposition  # readable, in Kazakh
    assert 'filename="2026-0001.pdf"' in disposition  # the ASCII fallback keeps what it can
    client.post("/language", data={"lang": "ru"})
    russian = client.get(f"/cases/{case}/order.pdf").headers["Content-Disposition"]
    assert f"filename*=UTF-8''{quote('приказ БА-2026-0001.pdf')}" in russian


def test_documents_only_for_those_who_see_the_case(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    flow.approve_to_order(case)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.submit_report(case)
    [doc] = flow.documents(case)
    for username, status in (
        ("teacher", 200),
        ("centre", 200),
        ("head", 200),
        ("teacher2", 404),
        ("head2", 404),
    ):
        response = login_as(username).get(f"/documents/{doc.id}")
        assert response.status_code == status, username
        response.close()
    assert login_as("teacher").get("/documents/" + "0" * 32).status_code == 404


def test_an_unattached_upload_is_only_its_owners(flow: Flow, login_as: LoginAs) -> None:
    doc = flow.upload("teacher")
    assert login_as("teacher").get(f"/documents/{doc}").status_code == 200
    assert login_as("hr").get(f"/documents/{doc}").status_code == 404


def test_completed_case_shows_its_status(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="reject", comment="Жоспарда жоқ")
    page = login_as("teacher").get(f"/cases/{case}").text
    assert 'id="case-status">Қабылданбады<' in page
    assert "Өтініш қабылданбады" in page  # the timeline's last entry
    assert "Жоспарда жоқ" in page
    assert "Қабылданбады" in login_as("teacher").get("/cases").text


def test_start_form_with_a_file_field_is_multipart(flow: Flow, login_as: LoginAs) -> None:
    # The application form has no upload; sending one anyway is ignored, not stored.
    response = post_files(
        login_as("teacher"),
        "/cases/new?process=qualification_request",
        {**_form(), "extra": (BytesIO(b"x"), "x.pdf")},
    )
    assert response.status_code == 303
    assert flow.documents(int(response.headers["Location"].rsplit("/", 1)[1])) == []


def test_nothing_is_logged_for_a_refused_application(flow: Flow, login_as: LoginAs) -> None:
    login_as("teacher").post("/cases/new?process=qualification_request", data=_form(hours=0))
    with flow.factory() as s:
        assert s.scalars(select(Event).where(Event.instance_id.is_not(None))).all() == []


def test_the_applicant_withdraws_from_the_case_page(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    teacher = login_as("teacher")
    page = teacher.get(f"/cases/{case}").text
    assert f'action="/cases/{case}/withdraw"' in page
    assert f'action="/cases/{case}/withdraw"' not in login_as("head").get(f"/cases/{case}").text
    response = teacher.post(f"/cases/{case}/withdraw", data={"reason": "Басқа курс"}, follow_redirects=True)
    assert response.status_code == 200
    assert "кері қайтарылды" in response.text and "Басқа курс" in response.text
    assert flow.case(case).status == "withdrawn"
    assert f'action="/cases/{case}/withdraw"' not in teacher.get(f"/cases/{case}").text


def test_hr_cancels_an_order_from_the_case_page_and_a_missing_reason_changes_nothing(
    flow: Flow, login_as: LoginAs
) -> None:
    case = flow.start()
    flow.approve_to_order(case)
    hr = login_as("hr")
    assert f'action="/cases/{case}/cancel-order"' in hr.get(f"/cases/{case}").text
    assert f'action="/cases/{case}/withdraw"' not in login_as("teacher").get(f"/cases/{case}").text
    refused = hr.post(f"/cases/{case}/cancel-order", data={"reason": ""}, follow_redirects=True)
    assert "Бұйрықтың неге жойылатынын көрсетіңіз" in refused.text
    assert flow.case(case).status == "running"
    done = hr.post(f"/cases/{case}/cancel-order", data={"reason": "Курс өтпейді"}, follow_redirects=True)
    assert "Бұйрықтың күші жойылды" in done.text
    assert flow.case(case).status == "cancelled"


def test_the_diagram_speaks_the_readers_language(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    teacher = login_as("teacher")
    assert 'name="Өтінішті келісу"' in teacher.get(f"/cases/{case}/diagram.xml").text
    teacher.post("/language", data={"lang": "ru"})
    russian = teacher.get(f"/cases/{case}/diagram.xml").text
    assert 'name="Согласование заявления"' in russian and 'name="Заведующий кафедрой"' in russian
    teacher.post("/language", data={"lang": "en"})
    assert 'name="Endorsement of the application"' in teacher.get(f"/cases/{case}/diagram.xml").text


def test_a_version_with_odd_form_annotations_still_shows_its_cases(flow: Flow, login_as: LoginAs) -> None:
    """JSON Schema lets an owner publish annotations of any shape: the pages use what they can."""
    forms = load_forms()
    funding = forms["application"]["properties"]["funding_source"]
    funding["x-enum-titles"] = ["university", "sponsor"]  # a list, not titles by value
    funding["x-title"] = {"kk": ["Қаржы"]}
    with flow.factory() as session:
        opened = browser.get_draft_or_latest(session, "qualification_request", flow.demo["owner"], flow.clock)
        saved = drafts.save_draft(
            session, "qualification_request", SHIPPED, forms, opened.token, flow.demo["owner"], flow.clock
        )
        drafts.publish_draft(
            session, "qualification_request", saved.token, "odd", flow.demo["owner"], flow.clock
        )
        session.commit()
    case = flow.start(funding_source="sponsor", cost=1)
    page = login_as("teacher").get(f"/cases/{case}")
    assert page.status_code == 200
    assert re.search(r">\s*funding_source\s*<", page.text) and re.search(r">\s*sponsor\s*<", page.text)
    order_form = login_as("head").get(f"/tasks/{flow.task(case, 'endorse').id}")
    assert order_form.status_code == 200 and "sponsor" in order_form.text
