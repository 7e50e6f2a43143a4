"""The competence centre's verification of a certificate in a case: type, number, issue date,
validity, the disciplines and management marks and the hours counted go into the training record;
the hours never exceed the course's; a duplicate on file and an expiring certificate are flagged."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests import factories
from tests.workflows.flow import Flow
from tests.workflows.records.test_file_case import complete_meeting
from workflows.cases.history import case_data
from workflows.errors import ValidationFailed
from workflows.records.models import CertificateType, TrainingRecord
from workflows.records.verification import certificate_flags


def to_verification(flow: Flow, **application: Any) -> int:
    case = flow.start(**application)
    flow.approve_to_order(case)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.at("2026-04-03T10:00:00+05:00")
    flow.submit_report(case)
    return case


def _refused(flow: Flow, case: int, **data: Any) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as info:
        flow.do("centre", case, "verify_certificate", decision="approve", **data)
    return {e.field: e.code for e in info.value.errors}


def _flags(flow: Flow, case: int, who: str = "centre", **typed: Any) -> list[tuple[str, dict[str, Any]]]:
    task = flow.task(case, "verify_certificate")
    with flow.factory() as s:
        data = {**case_data(s, case, flow.clock), **typed}
        return [(f.code, f.params) for f in certificate_flags(s, flow.demo[who], task.id, data, flow.clock)]


def test_everything_the_verifier_records_goes_into_the_file(flow: Flow) -> None:
    case = to_verification(flow)
    flow.verify(
        case,
        counted_hours=70,
        certificate_type="svidetelstvo",
        certificate_number="NU-2026-114/К",
        certificate_issued_on="2026-03-31",
        matches_disciplines=True,
        management_training=True,
    )
    complete_meeting(flow, case)
    with flow.factory() as s:
        record = s.scalars(select(TrainingRecord).where(TrainingRecord.instance_id == case)).one()
    assert (record.hours, record.certificate_type, record.certificate_number) == (
        70,
        CertificateType.SVIDETELSTVO,
        "NU-2026-114/К",
    )
    assert (record.certificate_issued_on, record.valid_until) == (date(2026, 3, 31), date(2029, 3, 31))
    assert (record.matches_disciplines, record.management, record.verified_by_id) == (
        True,
        True,
        flow.demo["centre"],
    )


def test_a_typed_validity_stands(flow: Flow) -> None:
    case = to_verification(flow)
    flow.verify(
        case,
        certificate_type="foreign_certificate",
        certificate_issued_on="2026-03-31",
        valid_until="2027-03-31",
    )
    complete_meeting(flow, case)
    with flow.factory() as s:
        record = s.scalars(select(TrainingRecord).where(TrainingRecord.instance_id == case)).one()
    assert (record.valid_until, record.matches_disciplines) == (date(2027, 3, 31), False)


def test_the_verifier_must_say_the_type_and_cannot_count_more_hours_than_the_course(flow: Flow) -> None:
    case = to_verification(flow)
    assert _refused(flow, case, counted_hours=72) == {"certificate_type": "required"}
    assert _refused(flow, case, counted_hours=73, certificate_type="certificate") == {
        "counted_hours": "counted_over_course"
    }
    assert flow.open_elements(case) == ["verify_certificate"]


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ({"certificate_issued_on": "2026-03-10"}, {"certificate_issued_on": "issued_before_course"}),
        ({"certificate_issued_on": "2026-04-04"}, {"certificate_issued_on": "issued_in_future"}),
        (
            {"certificate_issued_on": "2026-03-31", "valid_until": "2026-03-30"},
            {"valid_until": "valid_before_issued"},
        ),
    ],
)
def test_the_certificates_dates_must_make_sense(
    flow: Flow, dates: dict[str, str], expected: dict[str, str]
) -> None:
    case = to_verification(flow)
    assert _refused(flow, case, counted_hours=72, certificate_type="certificate", **dates) == expected


def test_a_certificate_already_on_file_from_the_same_provider_is_flagged(flow: Flow) -> None:
    with flow.factory() as s:
        factories.training_record(
            s,
            flow.demo["teacher2"],
            course="Бұрынғы курс",
            certificate_number="NU-2026-114",
            provider="назарбаев  университеті",  # case and spacing do not matter,
        )
        factories.training_record(
            s, flow.demo["teacher2"], certificate_number="NU-2026-114", provider="ҚазҰУ"
        )
        struck = factories.training_record(
            s, flow.demo["head"], certificate_number="NU-2026-114", provider="Назарбаев Университеті"
        )
        struck.struck_at = flow.clock.now()
        s.commit()
    case = to_verification(flow)
    [(code, params)] = _flags(flow, case)
    assert code == "duplicate"
    assert (params["name"], params["course"], params["person_id"]) == (
        "Ерлан Болатұлы Сейітов",
        "Бұрынғы курс",
        flow.demo["teacher2"],
    )
    assert _flags(flow, case, certificate_number="NU-2026-999") == []
    assert _flags(flow, case, who="head") == []  # only whoever may act on the task is told


def test_an_expiring_and_an_expired_certificate_are_flagged(flow: Flow) -> None:
    case = to_verification(flow)
    assert _flags(flow, case, certificate_issued_on="2026-03-31") == []  # valid for three years
    soon = _flags(flow, case, certificate_issued_on="2026-03-31", valid_until="2026-07-03")
    assert soon == [("expiring", {"valid_until": "2026-07-03", "months": 3})]
    assert _flags(flow, case, valid_until="2026-07-04") == []
    gone = _flags(flow, case, certificate_issued_on="2026-03-25", valid_until="2026-04-02")
    assert gone == [("expired", {"valid_until": "2026-04-02"})]
