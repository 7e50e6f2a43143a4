"""Driving the internship (bpmn/internship.bpmn, 001 §7.3–7.14) through the services."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.workflows.flow import Flow
from workflows.cases.start import start_case
from workflows.org.models import Person

KEY = "internship"


def internship(flow: Flow, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "course": "Клиникалық симуляция орталығының тәжірибесі",
        "provider": "Назарбаев Университеті",
        "host_location": "kazakhstan",
        "place": "Астана, Қазақстан",
        "start_date": "2026-04-06",
        "end_date": "2026-04-17",
        "hours": 72,
        "internship_kind": "individual",
        "internship_plan": flow.upload(overrides.pop("username", "teacher"), name="plan.pdf"),
        "funding_source": "university",
        "relevance": "Симуляциялық оқыту әдістерін пәнге енгізу",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def start_internship(flow: Flow, username: str = "teacher", **overrides: Any) -> int:
    data = internship(flow, username=username, **overrides)
    with flow.factory() as session:
        ref = start_case(session, KEY, flow.demo[username], data, flow.clock)
        session.commit()
        return ref.id


def personnel_number(flow: Flow, username: str) -> str:
    with flow.factory() as session:
        person = session.get(Person, flow.demo[username])
        assert person is not None and person.personnel_number
        return person.personnel_number


def consent(flow: Flow, case: int, username: str = "teacher") -> None:
    flow.do(
        username,
        case,
        "record_consent",
        consent_document=flow.upload(username, name="consent.pdf"),
        host_supervisor_name="Серікбаев Ә. Т.",
        host_supervisor_position="Симуляция орталығының басшысы",
        host_supervisor_organisation="Назарбаев Университеті",
    )


def results(flow: Flow, case: int, username: str = "teacher") -> None:
    flow.do(
        username,
        case,
        "submit_results",
        certificate=flow.upload(username, name="certificate.pdf"),
        supervisor_review=flow.upload(username, name="review.pdf"),
        report_file=flow.upload(username, name="report.pdf"),
        report_text="Тағылымдамада симуляциялық сценарийлерді құруды үйрендім және пәнге енгіземін.",
    )


def meeting(flow: Flow, case: int) -> None:
    flow.do(
        "head",
        case,
        "meeting_review",
        minutes_number="11",
        minutes_date="2026-04-28",
        minutes_file=flow.upload("head", name="minutes.pdf"),
        materials=flow.upload("head", name="presentation.pdf"),
        improvement_decisions="Кафедраның оқытушыларына симуляция бойынша ішкі семинар өткізу",
        decision="approve",
    )


def person_ids(flow: Flow, *usernames: str) -> list[int]:
    return [flow.demo[u] for u in usernames]


def people_named(flow: Flow, ids: list[int]) -> list[str]:
    with flow.factory() as session:
        return list(session.scalars(select(Person.username).where(Person.id.in_(ids)).order_by(Person.id)))
