"""The unit tree and a unit's page: administrators and HR write, heads read their units, bad input
comes back with the field's error in the reader's language and changes nothing."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.app.conftest import LoginAs
from tests.app.html_audit import audit
from tests.workflows.flow import Flow
from workflows.org.models import AuditEntry, OrgUnit, RoleAssignment


def _unit(factory: sessionmaker[Session], code: str) -> OrgUnit:
    with factory() as s:
        return s.scalars(select(OrgUnit).where(OrgUnit.code == code)).one()


def _count(factory: sessionmaker[Session], model: type[OrgUnit] | type[AuditEntry]) -> int:
    with factory() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_an_administrator_creates_a_unit_from_the_tree_page(
    login_as: LoginAs, factory: sessionmaker[Session]
) -> None:
    admin = login_as("admin")
    page = admin.get("/admin/units")
    assert page.status_code == 200 and "Информатика кафедрасы" in page.text
    assert audit(page.text, "kk") == []
    eng = _unit(factory, "eng")
    form = {
        "parent_id": eng.id,
        "kind": "department",
        "code": "phys",
        "name_kk": "Физика",
        "name_ru": "Физика",
    }
    created = admin.post("/admin/units", data=form)
    assert created.status_code == 303
    phys = _unit(factory, "phys")
    assert created.headers["Location"] == f"/admin/units/{phys.id}"
    assert (phys.parent_id, phys.name_en) == (eng.id, "Физика")


def test_bad_unit_input_shows_the_form_again_in_kazakh_and_changes_nothing(
    login_as: LoginAs, factory: sessionmaker[Session]
) -> None:
    before = _count(factory, OrgUnit), _count(factory, AuditEntry)
    page = login_as("hr").post(
        "/admin/units", data={"parent_id": "abc", "kind": "department", "code": "x", "name_kk": "А"}
    )
    assert page.status_code == 422 and "Нұсқалардың бірін таңдаңыз" in page.text
    page = login_as("hr").post("/admin/units", data={"parent_id": "1", "kind": "planet", "code": "cs"})
    assert page.status_code == 422
    assert "Бұл код басқа бөлімшеде бар." in page.text and 'aria-invalid="true"' in page.text
    assert (_count(factory, OrgUnit), _count(factory, AuditEntry)) == before


def test_a_unit_page_lists_seats_and_where_empty_seats_send_tasks(
    login_as: LoginAs, factory: sessionmaker[Session]
) -> None:
    cs = _unit(factory, "cs")
    page = login_as("hr").get(f"/admin/units/{cs.id}")
    assert page.status_code == 200
    assert "Дәурен Асқарұлы Жақсыбеков" in page.text and "Айгүл Серікқызы Нұрланова" in page.text
    assert "Жүйе әкімшісі" not in page.text  # only the unit's people
    assert "Әсем Болатқызы Жұмабаева" in page.text  # HR's seat is empty here: tasks go to her
    assert audit(page.text, "kk") == []
    read_only = login_as("head").get(f"/admin/units/{cs.id}")
    assert read_only.status_code == 200 and "Бөлімшені жабу" not in read_only.text
    assert "Бөлімшені жабу" in page.text


def test_moving_a_unit_under_its_own_child_is_refused_on_the_page(
    login_as: LoginAs, factory: sessionmaker[Session]
) -> None:
    eng, cs = _unit(factory, "eng"), _unit(factory, "cs")
    page = login_as("admin").post(f"/admin/units/{eng.id}/move", data={"parent_id": cs.id})
    assert page.status_code == 422
    assert "Бөлімшені өзінің астына немесе өз бөлімшелерінің біріне ауыстыруға болмайды." in page.text
    assert _unit(factory, "eng").parent_id == _unit(factory, "uni").id


def test_rename_and_close_from_the_unit_page(login_as: LoginAs, factory: sessionmaker[Session]) -> None:
    admin = login_as("admin")
    math = _unit(factory, "math")
    names = {"name_kk": "Қолданбалы математика", "name_ru": "Прикладная математика", "kind": "department"}
    assert admin.post(f"/admin/units/{math.id}/rename", data=names).status_code == 303
    assert _unit(factory, "math").name_kk == "Қолданбалы математика"
    refused = admin.post(f"/admin/units/{math.id}/close", data={})
    assert refused.status_code == 422 and "Алдымен оның қызметкерлерін" in refused.text
    assert _unit(factory, "math").closed_on is None
    empty = admin.post(
        "/admin/units",
        data={"parent_id": math.id, "kind": "office", "code": "lab", "name_kk": "З", "name_ru": "Л"},
    )
    lab_url = empty.headers["Location"]
    assert admin.post(f"{lab_url}/close", data={"closed_on": "2026-03-01"}).status_code == 303
    assert _unit(factory, "lab").closed_on is not None
    assert "Жабылған күні 01.03.2026" in admin.get("/admin/units").text


def test_seats_are_added_and_ended_on_the_unit_page(flow: Flow, login_as: LoginAs) -> None:
    cs = _unit(flow.factory, "cs")
    hr = login_as("hr")
    bad = hr.post(
        f"/admin/units/{cs.id}/seats", data={"person": "nobody", "role": "hr", "valid_from": "2026-13-01"}
    )
    assert bad.status_code == 422 and "Күнді енгізіңіз." in bad.text
    bad = hr.post(f"/admin/units/{cs.id}/seats", data={"person": "nobody", "role": "hr"})
    assert bad.status_code == 422 and "Мұндай табель нөмірі, ЖСН немесе логині бар қызметкер жоқ." in bad.text
    ok = hr.post(f"/admin/units/{cs.id}/seats", data={"person": "teacher2", "role": "department_head"})
    assert ok.status_code == 303
    case = flow.start()
    with flow.factory() as s:
        seat = s.scalars(select(RoleAssignment).where(RoleAssignment.person_id == flow.demo["head"])).one()
    ended = hr.post(f"/admin/seats/{seat.id}/end", data={"next": f"/admin/units/{cs.id}"})
    assert ended.status_code == 303 and ended.headers["Location"] == f"/admin/units/{cs.id}"
    assert flow.task(case, "endorse").role == "department_head"  # teacher2 still holds the seat
    assert login_as("head").post(f"/admin/seats/{seat.id}/end").status_code == 403


def test_employees_and_other_roles_are_refused_the_tree(login_as: LoginAs, client: FlaskClient) -> None:
    for who in ("teacher", "finance", "centre"):
        assert login_as(who).get("/admin/units").status_code == 403
    assert client.get("/admin/units").status_code == 302
    nav = 'href="/admin/units"'
    assert nav in login_as("head").get("/").text and nav in login_as("hr").get("/").text
    assert nav not in login_as("teacher").get("/").text


def test_who_holds_what_where_within_the_readers_units(login_as: LoginAs) -> None:
    everything = login_as("hr").get("/admin/seats")
    assert everything.status_code == 200 and audit(everything.text, "kk") == []
    assert "Бақытжан Сапарұлы Есенов" in everything.text and "Дәурен Асқарұлы Жақсыбеков" in everything.text
    heads = login_as("hr").get("/admin/seats?role=department_head").text
    assert "Табылған лауазымдар: 2" in heads and "Бақытжан Сапарұлы Есенов" not in heads
    own = login_as("head").get("/admin/seats").text
    assert "Табылған лауазымдар: 1" in own and "Дәурен Асқарұлы Жақсыбеков" in own
    assert login_as("teacher").get("/admin/seats").status_code == 403
