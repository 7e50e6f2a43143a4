"""People, deputies, the audit log and handing a task on, through the pages."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.app.conftest import LoginAs
from tests.app.html_audit import audit
from tests.workflows.flow import Flow
from workflows.org.models import AuditEntry, Delegation, OrgUnit, Person

PERSON = {
    "last_name": "Сәрсенова",
    "first_name": "Жібек",
    "personnel_number": "T-1001",
    "iin": "900101300027",
    "email": "zhibek@demo.biliktilik.kz",
    "locale": "kk",
    "staff_category": "teaching",
    "disciplines": "Алгоритмдер\nДеректер қоры",
    "employment_start": "2020-09-01",
}


def _cs(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return s.scalars(select(OrgUnit.id).where(OrgUnit.code == "cs")).one()


def _people(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return s.scalar(select(func.count(Person.id))) or 0


def test_hr_adds_a_person_and_finds_them(login_as: LoginAs, factory: sessionmaker[Session]) -> None:
    hr = login_as("hr")
    form = hr.get("/admin/people/new")
    assert form.status_code == 200 and audit(form.text, "kk") == []
    added = hr.post("/admin/people", data={**PERSON, "org_unit_id": _cs(factory)})
    assert added.status_code == 303
    page = hr.get(added.headers["Location"])
    assert "Жібек Сәрсенова" in page.text and "Деректер қоры" in page.text
    assert audit(page.text, "kk") == []
    found = hr.get("/admin/people?q=сәрсенова")
    assert "Жібек Сәрсенова" in found.text and "Табылған адамдар: 1" in found.text
    assert audit(found.text, "kk") == []
    assert "Табылған адамдар: 1" in hr.get("/admin/people?q=900101300027").text


def test_a_bad_person_form_comes_back_with_every_error_and_adds_nobody(
    login_as: LoginAs, factory: sessionmaker[Session]
) -> None:
    before = _people(factory)
    bad = {
        **PERSON,
        "iin": "900101300021",
        "email": "zhibek",
        "employment_start": "01/09/2020",
        "org_unit_id": "x",
    }
    page = login_as("admin").post("/admin/people", data=bad)
    assert page.status_code == 422
    assert "Күнді енгізіңіз." in page.text  # the date could not be read: nothing else checked yet
    page = login_as("admin").post("/admin/people", data={**bad, "employment_start": "", "org_unit_id": ""})
    assert page.status_code == 422
    assert "Бұл жарамды ЖСН емес" in page.text and "Электрондық пошта мекенжайын енгізіңіз" in page.text
    assert 'value="Сәрсенова"' in page.text  # what was typed stays
    ru = login_as("admin")
    ru.post("/language", data={"lang": "ru"})
    again = ru.post("/admin/people", data={**bad, "employment_start": "", "org_unit_id": ""})
    assert "Это недействительный ИИН" in again.text
    assert _people(factory) == before


def test_a_head_reads_their_people_and_an_employee_only_themselves(flow: Flow, login_as: LoginAs) -> None:
    head = login_as("head")
    assert head.get(f"/admin/people/{flow.demo['teacher']}").status_code == 200
    assert "Өзгерістерді сақтау" not in head.get(f"/admin/people/{flow.demo['teacher']}").text
    assert head.get(f"/admin/people/{flow.demo['teacher2']}").status_code == 403
    assert head.post(f"/admin/people/{flow.demo['teacher']}", data=PERSON).status_code == 403
    teacher = login_as("teacher")
    assert teacher.get(f"/admin/people/{flow.demo['teacher']}").status_code == 200
    assert teacher.get(f"/admin/people/{flow.demo['head']}").status_code == 403
    assert teacher.get("/admin/people").status_code == 403


def test_an_edit_and_a_deactivation_from_the_person_page(flow: Flow, login_as: LoginAs) -> None:
    admin = login_as("admin")
    teacher = flow.demo["teacher2"]
    form = {
        "last_name": "Сейітов",
        "first_name": "Ерлан",
        "patronymic": "Болатұлы",
        "username": "teacher2",
        "locale": "ru",
        "staff_category": "research",
        "org_unit_id": _cs(flow.factory),
    }
    assert admin.post(f"/admin/people/{teacher}", data=form).status_code == 303
    with flow.factory() as s:
        person = s.get(Person, teacher)
        assert person is not None and (person.locale, person.staff_category, person.org_unit_id) == (
            "ru",
            "research",
            _cs(flow.factory),
        )
    refused = admin.post(f"/admin/people/{teacher}/deactivate", data={"left_on": "2026-03-05"})
    assert refused.status_code == 422 and "бүгіннен" in refused.text
    assert (
        admin.post(f"/admin/people/{teacher}/deactivate", data={"left_on": "2026-03-01"}).status_code == 303
    )
    page = admin.get(f"/admin/people/{teacher}")
    assert "01.03.2026 жұмыстан кетті" in page.text


def test_a_head_sets_and_ends_their_deputy_on_their_own_page(flow: Flow, login_as: LoginAs) -> None:
    head = login_as("head")
    page = head.get("/account/delegations")
    assert page.status_code == 200 and audit(page.text, "kk") == []
    self_deputy = head.post(
        "/account/delegations", data={"valid_from": "2026-03-02", "valid_to": "2026-03-06", "deputy": "head"}
    )
    assert self_deputy.status_code == 422 and "Адам өзіне-өзі орынбасар бола алмайды." in self_deputy.text
    ok = {"valid_from": "2026-03-01", "valid_to": "2026-03-06", "deputy": "head2"}
    assert head.post("/account/delegations", data=ok).status_code == 303
    overlap = head.post("/account/delegations", data={**ok, "deputy": "director"})
    assert (
        overlap.status_code == 422
        and "01.03.2026 – 06.03.2026 аралығына орынбасар тағайындалған" in overlap.text
    )
    with flow.factory() as s:
        delegation = s.scalars(select(Delegation).where(Delegation.from_person_id == flow.demo["head"])).one()
    assert login_as("teacher").post(f"/admin/delegations/{delegation.id}/end").status_code == 403
    assert "Гүлнар Маратқызы Әлиева" in head.get("/account/delegations").text
    ended = head.post(f"/admin/delegations/{delegation.id}/end")
    assert ended.status_code == 303 and ended.headers["Location"] == "/account/delegations"


def test_hr_sets_a_deputy_for_someone_on_their_person_page(flow: Flow, login_as: LoginAs) -> None:
    hr = login_as("hr")
    assert "Қазір аяқтау" in hr.get(f"/admin/people/{flow.demo['head']}").text  # the head's seat
    assert "Қазір аяқтау" not in login_as("head").get(f"/admin/people/{flow.demo['head']}").text
    data = {"valid_from": "2026-03-01", "valid_to": "2026-03-06", "deputy": "head2"}
    assert hr.post(f"/admin/people/{flow.demo['head']}/delegations", data=data).status_code == 303
    assert (
        login_as("teacher").post(f"/admin/people/{flow.demo['head']}/delegations", data=data).status_code
        == 403
    )
    assert "Гүлнар Маратқызы Әлиева" in hr.get(f"/admin/people/{flow.demo['head']}").text


def test_the_audit_log_is_filtered_by_subject_actor_and_dates(flow: Flow, login_as: LoginAs) -> None:
    with flow.factory() as s:  # the demo's own import is in the log already
        before = s.scalar(select(func.count(AuditEntry.id))) or 0
    hr = login_as("hr")
    hr.post(
        "/account/delegations",
        data={"valid_from": "2026-03-01", "valid_to": "2026-03-06", "deputy": "centre"},
    )
    page = hr.get("/admin/audit")
    assert page.status_code == 200 and "delegation_set" in page.text and audit(page.text, "kk") == []
    assert "delegation_set" in hr.get("/admin/audit?subject=delegation&actor=hr&since=2026-03-01").text
    assert "delegation_set" not in hr.get("/admin/audit?actor=admin").text
    assert "delegation_set" not in hr.get("/admin/audit?until=2026-02-28").text
    assert "Мұндай табель нөмірі, ЖСН немесе логин ешкімде жоқ." in hr.get("/admin/audit?actor=nobody").text
    assert hr.get("/admin/audit?since=yesterday").status_code == 200
    assert login_as("head").get("/admin/audit").status_code == 403
    with flow.factory() as s:
        assert s.scalar(select(func.count(AuditEntry.id))) == before + 1  # reading the log writes nothing


def test_the_task_page_offers_reassigning_to_those_who_may(flow: Flow, login_as: LoginAs) -> None:
    case = flow.start()
    task = flow.task(case, "endorse")
    offer = "Тапсырманы басқа адамға беру"
    assert offer in login_as("hr").get(f"/tasks/{task.id}").text
    assert offer in login_as("head").get(f"/tasks/{task.id}").text
    assert offer not in login_as("teacher").get(f"/tasks/{task.id}").text
    head = login_as("head")
    refused = head.post(f"/tasks/{task.id}/reassign", data={"person_id": flow.demo["head2"]})
    assert refused.status_code == 303
    assert "Бұл өрісті толтыру міндетті." in head.get(refused.headers["Location"]).text  # the comment
    assert flow.task(case, "endorse").assignee_id is None
    done = head.post(
        f"/tasks/{task.id}/reassign", data={"person_id": flow.demo["head2"], "comment": "Іссапардамын"}
    )
    assert done.status_code == 303
    assert "Гүлнар Маратқызы Әлиева" in head.get(done.headers["Location"]).text
    assert flow.task(case, "endorse").assignee_id == flow.demo["head2"]
    assert login_as("teacher2").post(f"/tasks/{task.id}/reassign", data={}).status_code == 404
