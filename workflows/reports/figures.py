"""A report's figures for a subject (a person, a department, an institute, the university) and a
period: people trained, due and overdue, hours by form and by funding source, money spent, the
meetings' effectiveness marks and attestation recommendations, certificates verified, and the
nonconformities opened and closed.

Where each figure comes from:
- trained, hours, by form, by funding, spent: the training records (not struck) whose course ended
  in the period; a record from a case takes the case's funding source and cost, an imported or
  hand-entered one counts as "not recorded" funding and no cost;
- due and overdue: the periodicity standings on the period's last day (today while it runs);
- effectiveness and recommendations: the department meetings' approved reviews held in the period
  (the last approval of each case);
- certificates verified: records verified by the centre and recorded in the period;
- nonconformities: journal entries of the subject's people opened, and closed, in the period.
- plan against done: the approved plans' lines due in the period (`plan_done`).

A report reads a fixed number of statements, whatever the number of people or cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Executable, Select, and_, select
from sqlalchemy.orm import Session

from workflows.calendar import day_start, local_date
from workflows.cases.models import Event, EventKind, ProcessInstance
from workflows.clock import Clock
from workflows.definitions.catalog import listed_keys
from workflows.definitions.listing import OWN_APPLICATIONS
from workflows.org.models import Person
from workflows.records.models import Nonconformity, TrainingRecord
from workflows.records.standing import Scope, Status, UnitInfo, subtree
from workflows.records.statuses import statuses
from workflows.reports.period import Period
from workflows.reports.plan_done import PlanFigures, planned
from workflows.reports.subject import Subject, level_of, report_subject

UNRECORDED = "unrecorded"  # funding of a record that came without a case
MARKS = ("high", "sufficient", "low")
REVIEW_ELEMENT = "meeting_review"  # the department meeting's user task in the shipped diagram


@dataclass(frozen=True)
class Totals:
    people: int = 0
    trained: int = 0  # people with at least one training ended in the period
    trainings: int = 0
    hours: int = 0
    spent: float = 0.0
    due: int = 0  # standing due this year on the period's last day
    overdue: int = 0
    reviews: int = 0
    recommended: int = 0  # recommended at attestation by the meeting
    verified: int = 0  # certificates verified
    opened: int = 0  # nonconformities opened
    closed: int = 0


@dataclass(frozen=True)
class Share:
    trainings: int
    hours: int
    spent: float


@dataclass(frozen=True)
class UnitLine:
    unit_id: int
    names: dict[str, str]
    totals: Totals


@dataclass(frozen=True)
class PersonLine:
    person_id: int
    name: str
    status: str
    trainings: int
    hours: int


@dataclass(frozen=True)
class TrainingLine:
    course: str
    provider: str | None
    form: str | None
    start_date: date
    end_date: date
    hours: int
    funding: str
    cost: float


@dataclass(frozen=True)
class CaseLine:
    """An application whose course starts in the period: what the person planned."""

    business_key: str
    course: str | None
    start_date: str | None
    hours: Any
    in_plan: bool | None
    status: str


@dataclass(frozen=True)
class Report:
    subject: Subject
    period: Period
    day: date  # the standings' day
    totals: Totals
    units: list[UnitLine]  # the next level down, each with its subtree's figures
    people: list[PersonLine]  # a department's people (empty above)
    by_form: dict[str, Share]
    by_funding: dict[str, Share]
    effectiveness: dict[str, int]
    hours_by_month: list[tuple[date, int]]
    trainings: list[TrainingLine] = field(default_factory=list)  # an individual's
    cases: list[CaseLine] = field(default_factory=list)  # an individual's
    plan: PlanFigures | None = None


def _read(session: Session, statement: Executable) -> Any:
    """Plain rows through the session's connection, without the ORM's per-row bookkeeping (the
    report reads tens of thousands; `build_report` flushes first)."""
    return session.connection().execute(statement)


def _money(value: Any) -> float:
    try:
        return float(value) if value not in (None, "") else 0.0
    except (TypeError, ValueError):
        return 0.0


class _Done(NamedTuple):
    """A training record as the figures count it (a university's year has tens of thousands)."""

    person_id: int
    unit_id: int
    end_date: date
    hours: int
    form: str | None
    funding: str
    cost: float
    verified: bool  # by the centre in the period
    line: TrainingLine | None  # for an individual's report, which lists them


def _whose(subject: Subject) -> Select[int]:
    """The ids of the subject's people (active ones), for the statements to select inside."""
    where = Person.id == subject.person_id if subject.person_id else Person.org_unit_id.in_(subject.unit_ids)
    return select(Person.id).where(where, Person.is_active.is_(True))


def _people(session: Session, subject: Subject) -> dict[int, tuple[int, str]]:
    rows = _read(
        session, select(Person.id, Person.org_unit_id, Person.full_name).where(Person.id.in_(_whose(subject)))
    )
    return {r.id: (r.org_unit_id, r.full_name) for r in rows}


def _done(
    session: Session, subject: Subject, people: dict[int, tuple[int, str]], period: Period
) -> list[_Done]:
    verified = and_(  # by the centre, recorded in the period
        TrainingRecord.verified_by_id.is_not(None),
        TrainingRecord.recorded_at >= day_start(period.start),
        TrainingRecord.recorded_at < day_start(period.end + timedelta(days=1)),
    )
    listed = (TrainingRecord.course, TrainingRecord.provider, TrainingRecord.start_date)
    rows = _read(
        session,
        select(
            TrainingRecord.person_id,
            TrainingRecord.form,
            TrainingRecord.end_date,
            TrainingRecord.hours,
            verified.label("verified"),
            # the two figures of the case's summary, not the whole document
            ProcessInstance.summary["funding_source"].as_string().label("funding"),
            ProcessInstance.summary["cost"].as_string().label("cost"),
            *(listed if subject.person_id else ()),
        )
        .outerjoin(ProcessInstance, ProcessInstance.id == TrainingRecord.instance_id)
        .where(
            TrainingRecord.person_id.in_(_whose(subject)),
            TrainingRecord.struck_at.is_(None),
            # ended in the period, or verified in it (a certificate checked later than the course)
            (TrainingRecord.end_date.between(period.start, period.end)) | verified,
        )
        .order_by(TrainingRecord.end_date, TrainingRecord.id),
    ).all()
    found = []
    for person_id, form, end, hours, checked, funding, cost, *listed in rows:
        funding, cost = funding or UNRECORDED, _money(cost)
        line = None
        if subject.person_id:
            course, provider, start = listed
            line = TrainingLine(course, provider, form, start, end, hours, funding, cost)
        unit = people[person_id][0]
        found.append(_Done(person_id, unit, end, hours, form, funding, cost, bool(checked), line))
    return found


def _reviews(
    session: Session, subject: Subject, people: dict[int, tuple[int, str]], period: Period
) -> list[tuple[int, dict[str, Any]]]:
    """(unit, submitted data) of each case's last approved meeting review in the period."""
    rows = _read(
        session,
        select(
            Event.instance_id,
            ProcessInstance.subject_id,
            # the review's three answers, not the whole submitted form
            Event.data[("submitted", "decision")].as_string(),
            Event.data[("submitted", "effectiveness")].as_string(),
            Event.data[("submitted", "attestation_recommendation")].as_boolean(),
        )
        .join(ProcessInstance, ProcessInstance.id == Event.instance_id)
        .where(
            Event.kind == EventKind.TASK_COMPLETED,
            Event.element_id == REVIEW_ELEMENT,
            Event.at >= day_start(period.start),
            Event.at < day_start(period.end + timedelta(days=1)),
            ProcessInstance.subject_id.in_(_whose(subject)),
        )
        .order_by(Event.at, Event.id),
    ).all()
    last: dict[int, tuple[int, dict[str, Any]]] = {}
    for instance_id, subject_id, decision, mark, recommended in rows:
        if decision == "approve":
            answers = {"effectiveness": mark, "attestation_recommendation": recommended is True}
            last[instance_id] = (people[subject_id][0], answers)
    return list(last.values())


def _journal(
    session: Session, subject: Subject, people: dict[int, tuple[int, str]], period: Period
) -> list[tuple[int, bool, bool]]:
    """(unit, opened in the period, closed in the period) of the journal entries about the people."""
    start, end = day_start(period.start), day_start(period.end + timedelta(days=1))
    rows = _read(
        session,
        select(Nonconformity.person_id, Nonconformity.recorded_at, Nonconformity.closed_at).where(
            Nonconformity.person_id.in_(_whose(subject)),
            ((Nonconformity.recorded_at >= start) & (Nonconformity.recorded_at < end))
            | ((Nonconformity.closed_at >= start) & (Nonconformity.closed_at < end)),
        ),
    ).all()
    return [
        (
            people[pid][0],
            start <= opened < end,
            closed is not None and start <= closed < end,
        )
        for pid, opened, closed in rows
        if pid is not None
    ]


def _cases(session: Session, person_id: int, period: Period) -> list[CaseLine]:
    """The person's applications for a training starting in the period (`listed`: applications)."""
    summary = ProcessInstance.summary
    applications = listed_keys(session, OWN_APPLICATIONS)[0]
    rows = session.execute(
        select(ProcessInstance.business_key, ProcessInstance.summary, ProcessInstance.status)
        .where(
            ProcessInstance.subject_id == person_id,
            ProcessInstance.process_key.in_(applications),
            summary["start_date"].as_string() >= period.start.isoformat(),
            summary["start_date"].as_string() <= period.end.isoformat(),
        )
        .order_by(ProcessInstance.started_at)
    ).all()
    return [
        CaseLine(key, s.get("course"), s.get("start_date"), s.get("hours"), s.get("in_plan"), status)
        for key, s, status in rows
    ]


def _totals(
    people: set[int],
    standing: dict[int, Status],
    done: list[_Done],
    period: Period,
    reviews: list[dict[str, Any]],
    journal: list[tuple[bool, bool]],
) -> Totals:
    ended = [d for d in done if period.contains(d.end_date)]
    found = [standing[p] for p in people if p in standing]
    return Totals(
        people=len(people),
        trained=len({d.person_id for d in ended}),
        trainings=len(ended),
        hours=sum(d.hours for d in ended),
        spent=sum(d.cost for d in ended),
        due=found.count(Status.DUE_THIS_YEAR),
        overdue=found.count(Status.OVERDUE),
        reviews=len(reviews),
        recommended=sum(1 for r in reviews if r.get("attestation_recommendation") is True),
        verified=sum(1 for d in done if d.verified),
        opened=sum(1 for o, _ in journal if o),
        closed=sum(1 for _, c in journal if c),
    )


def _shares(done: list[_Done], key: str) -> dict[str, Share]:
    groups: dict[str, list[_Done]] = {}
    for d in done:
        groups.setdefault(str(getattr(d, key) or UNRECORDED), []).append(d)
    return {
        k: Share(len(v), sum(d.hours for d in v), sum(d.cost for d in v)) for k, v in sorted(groups.items())
    }


def _children(subject: Subject, units: dict[int, UnitInfo]) -> dict[int, set[int]]:
    """Each unit right below the subject, with its own subtree; the subject's own people count as
    a line of the subject itself."""
    below = {u.id: subtree(units, [u.id]) for u in units.values() if u.parent_id == subject.unit_id}
    if below:
        below[subject.unit_id] = {subject.unit_id}
    return below


@dataclass
class _Part:
    """What one line of the report counts: its people, their trainings, reviews and journal entries."""

    people: list[int]
    done: list[_Done]
    reviews: list[dict[str, Any]]
    journal: list[tuple[bool, bool]]


def _parts(
    children: dict[int, set[int]],
    people: dict[int, tuple[int, str]],
    done: list[_Done],
    reviews: list[tuple[int, dict[str, Any]]],
    journal: list[tuple[int, bool, bool]],
) -> dict[int, _Part]:
    """Each line's share, in one pass over each list (a unit counts in the line of the subtree
    it is in)."""
    parts = {child: _Part([], [], [], []) for child in children}
    line_of = {unit: parts[child] for child, units in children.items() for unit in units}
    for person_id, (unit, _) in people.items():
        if unit in line_of:
            line_of[unit].people.append(person_id)
    for d in done:
        if d.unit_id in line_of:
            line_of[d.unit_id].done.append(d)
    for unit, review in reviews:
        if unit in line_of:
            line_of[unit].reviews.append(review)
    for unit, opened, closed in journal:
        if unit in line_of:
            line_of[unit].journal.append((opened, closed))
    return parts


def build_report(
    session: Session, actor_id: int, clock: Clock, level: str, subject_id: int | None, period: Period
) -> Report:
    """The figures of one report; Forbidden when the subject is outside the reader's scope."""
    today = local_date(clock.now())
    subject, units = report_subject(session, actor_id, today, level, subject_id)
    day = min(period.end, today)
    session.flush()  # the reads below go straight to the connection, past the ORM's autoflush
    people = _people(session, subject)
    scope = Scope.people([subject.person_id]) if subject.person_id else Scope.units([subject.unit_id])
    standing = {pid: status for pid, status in statuses(session, scope, day).items() if pid in people}
    done = _done(session, subject, people, period)
    ended = [d for d in done if period.contains(d.end_date)]
    reviews = _reviews(session, subject, people, period)
    journal = _journal(session, subject, people, period)

    def figures(part: _Part) -> Totals:
        return _totals(set(part.people), standing, part.done, period, part.reviews, part.journal)

    everyone = _Part(list(people), done, [r for _, r in reviews], [(o, c) for _, o, c in journal])
    children = _children(subject, units) if subject.person_id is None else {}
    parts = _parts(children, people, done, reviews, journal)
    lines = [UnitLine(uid, units[uid].names, figures(parts[uid])) for uid in children]
    lines = [line for line in lines if line.totals.people or line.unit_id != subject.unit_id]
    lines.sort(key=lambda line: (line.unit_id == subject.unit_id, line.names.get("kk", "")))
    marks = {m: 0 for m in MARKS}
    for _, r in reviews:
        if r.get("effectiveness") in marks:
            marks[r["effectiveness"]] += 1
    months = {m: 0 for m in period.months()}
    for d in ended:
        months[d.end_date.replace(day=1)] += d.hours
    person_lines = []
    if subject.person_id is None and level_of(units[subject.unit_id]) == "department":
        by_person: dict[int, list[_Done]] = {}
        for d in ended:
            by_person.setdefault(d.person_id, []).append(d)
        for pid, (_, name) in sorted(people.items(), key=lambda item: item[1][1]):
            mine = by_person.get(pid, [])
            status = standing.get(pid, Status.NO_DATA)
            person_lines.append(PersonLine(pid, name, status, len(mine), sum(d.hours for d in mine)))
    return Report(
        subject=subject,
        period=period,
        day=day,
        totals=figures(everyone),
        units=lines,
        people=person_lines,
        by_form=_shares(ended, "form"),
        by_funding=_shares(ended, "funding"),
        effectiveness=marks,
        hours_by_month=sorted(months.items()),
        trainings=[d.line for d in ended if d.line] if subject.person_id else [],
        cases=_cases(session, subject.person_id, period) if subject.person_id else [],
        plan=planned(session, subject, period, day),
    )
