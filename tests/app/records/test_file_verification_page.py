"""The certificate verification task as the competence centre sees it: the new fields, a duplicate
on file and an expiring certificate flagged, and the hours counted held to the course's, in kk and ru."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.app.conftest import LoginAs
from tests.workflows.flow import Flow
from tests.workflows.records.test_file_verification import to_verification


def test_the_verifier_is_told_of_a_duplicate_on_file(
    flow: Flow, login_as: LoginAs, factory: sessionmaker[Session]
) -> None:
    with factory() as s:
        factories.training_record(
            s,
            flow.demo["teacher2"],
            course="Бұрынғы курс",
            certificate_number="NU-2026-114",
            provider="Назарбаев Университеті",
        )
        s.commit()
    case = to_verification(flow)
    task = flow.task(case, "verify_certificate")
    centre = login_as("centre")
    html = centre.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'id="certificate-flags"' in html
    assert "Осы ұйымның осы нөмірлі құжаты істе бұрыннан бар: Ерлан Болатұлы Сейітов" in html
    assert f'href="/records/people/{flow.demo["teacher2"]}"' in html
    for field in (
        "f-certificate_type",
        "f-certificate_issued_on",
        "f-valid_until",
        "f-matches_disciplines",
        "f-management_training",
    ):
        assert f'id="{field}"' in html, field
    # The applicant's own view of the case shows no flags.
    assert 'id="certificate-flags"' not in login_as("teacher").get(f"/tasks/{task.id}").get_data(as_text=True)


def test_too_many_hours_and_an_expiring_certificate_come_back_on_the_form(
    flow: Flow, login_as: LoginAs
) -> None:
    case = to_verification(flow)
    task = flow.task(case, "verify_certificate")
    centre = login_as("centre")
    form = {
        "decision": "approve",
        "counted_hours": "80",
        "certificate_type": "certificate",
        "certificate_issued_on": "2026-03-31",
        "valid_until": "2026-05-01",
    }
    refused = centre.post(f"/tasks/{task.id}", data=form)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Курстың өз сағатынан (72) артық сағат есепке алынбайды." in html
    assert "Құжаттың мерзімі 01.05.2026, яғни 3 ай ішінде бітеді." in html
    centre.post("/language", data={"lang": "ru"})
    html = centre.post(f"/tasks/{task.id}", data=form).get_data(as_text=True)
    assert "Нельзя засчитать больше часов, чем в курсе (72)." in html
    assert flow.open_elements(case) == ["verify_certificate"]
    assert centre.post(f"/tasks/{task.id}", data={**form, "counted_hours": "72"}).status_code == 303
    assert flow.open_elements(case) == ["meeting_review"]
