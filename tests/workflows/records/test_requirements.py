"""The periodicity policy of seed 001, rule by rule, with hand-worked people; the table in force on a day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from tests.conftest import START, Demo
from workflows.clock import FrozenClock
from workflows.definitions.models import ProcessVersion
from workflows.definitions.publishing import publish
from workflows.records.requirements import Facts, Requirement, policy_on, shipped_policy

COUNTED = frozenset({"certificate", "svidetelstvo", "foreign_certificate", "retraining_diploma"})
ANY_3 = Requirement("any", 0, 3, 0, False, False, COUNTED)
SHIPPED = (Path(__file__).resolve().parents[3] / "bpmn" / "periodicity.dmn").read_text(encoding="utf-8")


def person(category: str, *, manages: bool = False, teaches: bool = False, position: str = "") -> Facts:
    return Facts(category, position, "department", manages, teaches)


def test_a_teacher_needs_72_hours_in_3_years_matching_her_disciplines() -> None:
    required = shipped_policy().requirements(person("teaching", teaches=True, position="senior lecturer"))
    assert required == [Requirement("hours", 72, 3, 36, True, False, COUNTED), ANY_3]


def test_a_researcher_without_disciplines_needs_72_hours_of_any_subject() -> None:
    required = shipped_policy().requirements(person("research"))
    assert required == [Requirement("hours", 72, 3, 36, False, False, COUNTED), ANY_3]


def test_a_college_teacher_needs_36_hours() -> None:
    required = shipped_policy().requirements(person("college_teaching", teaches=True))
    assert required == [Requirement("hours", 36, 3, 36, True, False, COUNTED), ANY_3]


def test_a_head_of_administrative_staff_needs_management_training_once_in_3_years() -> None:
    required = shipped_policy().requirements(
        person("administrative", manages=True, position="head of office")
    )
    assert required == [Requirement("management", 0, 3, 0, False, True, COUNTED), ANY_3]


def test_a_specialist_needs_one_counted_training_in_3_years() -> None:
    assert shipped_policy().requirements(person("administrative")) == [ANY_3]
    assert shipped_policy().requirements(person("support")) == [ANY_3]


def test_an_attendance_note_counts_for_no_rule() -> None:
    for facts in (person("teaching", teaches=True), person("administrative", manages=True)):
        assert all("attendance_note" not in r.counted_types for r in shipped_policy().requirements(facts))


def test_the_shipped_file_is_in_force_while_nothing_is_published(db: Session) -> None:
    db.execute(delete(ProcessVersion).where(ProcessVersion.process_key == "periodicity"))
    policy = policy_on(db, date(2026, 3, 1))
    assert (policy.key, policy.version_id, policy.published_at) == ("periodicity", None, None)
    assert policy.version_label == "periodicity (periodicity.dmn)"
    assert policy.requirements(person("teaching", teaches=True))[0].hours == 72


def test_the_shipped_table_is_published_with_the_diagrams(db: Session) -> None:
    policy = policy_on(db, date(2026, 3, 1))  # the session's setup deployed bpmn/ on 1 March
    assert (policy.version_label, policy.published_at) == ("periodicity v1", datetime.fromisoformat(START))
    assert policy_on(db, date(2026, 2, 28)).version_id is None


def test_a_published_table_applies_from_its_publish_date(db: Session, demo: Demo) -> None:
    sixty = SHIPPED.replace("<text>72</text>", "<text>60</text>")
    clock = FrozenClock(datetime(2026, 5, 10, 4, 0, tzinfo=UTC))  # 10 May, 09:00 in Almaty
    version = publish(db, sixty, {}, demo["owner"], clock, "Order 12")
    teacher = person("teaching", teaches=True)
    before = policy_on(db, date(2026, 5, 9))
    assert (before.version_label, before.requirements(teacher)[0].hours) == ("periodicity v1", 72)
    later = policy_on(db, date(2026, 5, 10))
    assert (later.version_id, later.version_label) == (version.id, "periodicity v2")
    assert later.published_at == clock.now()
    assert later.requirements(teacher)[0].hours == 60
    assert policy_on(db, date(2027, 1, 1)).requirements(teacher)[0].hours == 60


def test_facts_the_table_does_not_read_share_one_decision() -> None:
    policy = shipped_policy()
    assert policy.decision is not None
    assert policy.decision.reads == {"staff_category", "manages", "teaches"}  # position and unit kind: "-"
    professor = Facts("teaching", "professor", "department", False, True)
    lecturer = Facts("teaching", "lecturer", "institute", False, True)
    assert policy.requirements(professor) == policy.requirements(lecturer)
