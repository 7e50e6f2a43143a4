"""Records kept: the purge lists what is past its period first, and removes only that, on request."""

from __future__ import annotations

from datetime import date, datetime

from click.testing import CliRunner
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from tests.workflows.flow import Flow
from workflows.cases.models import Event, HumanTask, ProcessInstance
from workflows.cli import main
from workflows.errors import Forbidden, ValidationFailed
from workflows.nonconformity.opening import open_nonconformity
from workflows.records.models import Nonconformity, RecordSource, TrainingRecord
from workflows.reports.purge import past_period, purge
from workflows.reports.retention import retention_for, retention_periods, set_retention

LONG_AGO = datetime.fromisoformat("2020-06-30T12:00:00+05:00")  # more than 5 years before 2026-03-01
LATELY = datetime.fromisoformat("2022-06-30T12:00:00+05:00")  # less than 5 years before


def _ended(session: Session, case_id: int, at: datetime) -> None:
    session.execute(
        update(ProcessInstance).where(ProcessInstance.id == case_id).values(status="completed", ended_at=at)
    )


def _world(flow: Flow) -> dict[str, int]:
    old, recent, running = flow.start(), flow.start(), flow.start()
    with flow.factory() as session:
        _ended(session, old, LONG_AGO)
        _ended(session, recent, LATELY)
        session.add(
            TrainingRecord(
                person_id=flow.demo["teacher"],
                instance_id=old,
                source=RecordSource.CASE,
                course="Ескі курс",
                start_date=date(2020, 5, 1),
                end_date=date(2020, 5, 10),
                hours=72,
                recorded_at=LONG_AGO,
            )
        )
        closed = open_nonconformity(
            session,
            cause="other",
            source_key="old",
            clock=flow.clock,
            note="Ескі",
            person_id=flow.demo["teacher"],
        )
        still_open = open_nonconformity(
            session,
            cause="other",
            source_key="open",
            clock=flow.clock,
            note="Ашық",
            person_id=flow.demo["teacher"],
        )
        session.execute(
            update(Nonconformity).where(Nonconformity.id == closed.entry_id).values(closed_at=LONG_AGO)
        )
        session.commit()
        assert closed.flow_id is not None
        return {
            "old": old,
            "recent": recent,
            "running": running,
            "entry": closed.entry_id,
            "open_entry": still_open.entry_id,
            "flow": closed.flow_id,
        }


def test_the_periods_of_the_list_of_forms_are_policy(db: Session, flow: Flow) -> None:
    periods = {p.kind: (p.form, p.years) for p in retention_periods(db)}
    assert periods["schedule"] == ("602-01", 5)
    assert periods["consolidated_schedule"] == ("602-05", 5)
    assert periods["staff_lists"] == ("602-02", 3)
    assert periods["annual_report"] == ("602-06", 5)
    assert retention_for(db, "cases") == retention_for(db, "schedule")
    assert set_retention(db, flow.demo["hr"], "schedule", 7, flow.clock).years == 7
    try:
        set_retention(db, flow.demo["hr"], "schedule", 0, flow.clock)
    except ValidationFailed as exc:
        assert [e.code for e in exc.errors] == ["minimum"]
    else:
        raise AssertionError("a period of 0 years was accepted")
    try:
        set_retention(db, flow.demo["teacher"], "schedule", 9, flow.clock)
    except Forbidden:
        pass
    else:
        raise AssertionError("a teacher changed a retention period")


def test_only_what_is_past_its_period_is_listed_and_removed(flow: Flow) -> None:
    ids = _world(flow)
    with flow.factory() as session:
        listed = {(i.table, i.id) for i in past_period(session, flow.clock)}
        assert listed == {("process_instance", ids["old"]), ("nonconformity", ids["entry"])}
        # A longer period keeps everything.
        set_retention(session, flow.demo["hr"], "schedule", 10, flow.clock)
        set_retention(session, flow.demo["hr"], "journal", 10, flow.clock)
        assert past_period(session, flow.clock) == []
        session.rollback()
    with flow.factory() as session:
        removed = purge(session, flow.clock)
        session.commit()
        assert removed == {"nonconformity": 1, "process_instance": 2}  # the old case and the entry's
        cases = set(session.scalars(select(ProcessInstance.id)))
        assert ids["old"] not in cases and ids["flow"] not in cases
        assert {ids["recent"], ids["running"]} <= cases
        assert session.scalar(select(func.count()).where(HumanTask.instance_id == ids["old"])) == 0
        assert session.scalar(select(func.count()).where(Event.instance_id == ids["old"])) == 0
        kept = session.scalars(select(TrainingRecord).where(TrainingRecord.course == "Ескі курс")).one()
        assert kept.instance_id is None  # the personal file keeps the training, without the case
        entries = set(session.scalars(select(Nonconformity.id)))
        assert entries == {ids["open_entry"]}
        assert past_period(session, flow.clock) == []


def test_the_journals_own_cases_are_kept_by_the_journal_not_by_the_schedule(flow: Flow) -> None:
    with flow.factory() as session:
        entry = open_nonconformity(
            session,
            cause="other",
            source_key="kept",
            clock=flow.clock,
            note="Ашық",
            person_id=flow.demo["teacher"],
        )
        assert entry.flow_id is not None
        # Its case ended long ago, but the entry is open: the schedule's period does not reach it.
        _ended(session, entry.flow_id, LONG_AGO)
        session.commit()
        listed = {(i.table, i.id) for i in past_period(session, flow.clock)}
    assert ("process_instance", entry.flow_id) not in listed
    assert ("nonconformity", entry.entry_id) not in listed


def test_the_command_lists_first_and_removes_only_when_confirmed(
    committed_flow: Flow, committed_engine: Engine
) -> None:
    ids = _world(committed_flow)
    url = committed_engine.url.render_as_string(hide_password=False)
    args = ["--database", url, "--now", "2026-03-01T09:00:00+05:00", "purge"]
    listed = CliRunner().invoke(main, args, catch_exceptions=False)
    assert listed.exit_code == 0, listed.output
    assert "schedule (602-01): kept 5 years" in listed.output
    assert f"process_instance {ids['old']}" in listed.output and "kept until 2025-06-30" in listed.output
    assert "2 records are past their period" in listed.output
    with committed_flow.factory() as session:
        assert session.get(ProcessInstance, ids["old"]) is not None  # listing removed nothing
    confirmed = CliRunner().invoke(main, [*args, "--confirm"], catch_exceptions=False)
    assert confirmed.exit_code == 0, confirmed.output
    assert "removed: 1 nonconformity, 2 process_instance" in confirmed.output
    with committed_flow.factory() as session:
        assert session.get(ProcessInstance, ids["old"]) is None
        assert session.get(ProcessInstance, ids["recent"]) is not None
    again = CliRunner().invoke(main, args, catch_exceptions=False)
    assert "nothing is past its period" in again.output
