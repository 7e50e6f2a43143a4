"""Amendments of an approved plan during its year (001 §5.5): a head proposes adding, moving or
removing lines of their units; the proposal becomes a case of the `plan_amendment` diagram, whose
approval (shorter than the campaign's) ends in a new frozen version (workflows.planning.new_version).
The plan's history lists every version with the amendment that made it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.cases.input import CaseRef
from workflows.cases.start import start_case
from workflows.clock import Clock
from workflows.errors import FieldError, Forbidden, NotFound, ValidationFailed, field_error
from workflows.org.models import OrgUnit, Person
from workflows.org.roles import Role
from workflows.org.seats import descendants, seats
from workflows.planning.amendment_models import AmendmentChange, AmendmentStatus, ChangeKind, PlanAmendment
from workflows.planning.models import CampaignStatus, PlanCampaign, PlanVersion, PlanVersionLine
from workflows.planning.new_version import latest_version
from workflows.reports.registers import scope_roots

PROCESS_KEY = "plan_amendment"
PROPOSERS = (Role.DEPARTMENT_HEAD, Role.INSTITUTE_DIRECTOR)
TEXT_MAX = 4000


@dataclass(frozen=True)
class ChangeInput:
    kind: str
    line_id: int | None = None
    person_id: int | None = None
    topic: str | None = None
    provider: str | None = None
    training_form: str | None = None
    mode: str | None = None
    place: str | None = None
    quarter: int | None = None
    month: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    hours: int | None = None
    funding_source: str | None = None
    estimated_cost: str | None = None
    relevance: str | None = None


@dataclass(frozen=True)
class VersionEntry:
    number: int
    approved_at: datetime
    approved_by: str | None
    late: bool
    note: str | None
    lines: int
    totals: dict[str, Any]
    amendment_id: int | None = None
    proposed_by: str | None = None


@dataclass(frozen=True)
class AmendmentEntry:
    id: int
    status: str
    reason: str
    proposed_by: str
    proposed_at: datetime
    case_id: int | None
    changes: list[str] = field(default_factory=list)


def proposer_units(session: Session, person_id: int, today: date) -> set[int]:
    """The units whose lines the person may propose changes to: their head seats and below."""
    roots = {s.org_unit_id for s in seats(session, person_id, today) if s.role in PROPOSERS}
    return descendants(session, roots) | roots if roots else set()


def approved_campaign(session: Session, year: int) -> PlanCampaign:
    campaign = session.scalar(select(PlanCampaign).where(PlanCampaign.year == year))
    if campaign is None or campaign.status != CampaignStatus.APPROVED:
        raise NotFound("No approved plan for this year", year=year)
    return campaign


def _quarter(value: int | None, name: str, errors: list[FieldError]) -> None:
    if value is not None and not 1 <= value <= 4:
        errors.append(
            field_error(name, "maximum" if value > 4 else "minimum", "", limit=4 if value > 4 else 1)
        )


def _cost(raw: str | None, name: str, errors: list[FieldError]) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        errors.append(field_error(name, "type_number"))
        return None
    if not value.is_finite() or value < 0:
        errors.append(field_error(name, "minimum", "", limit=0))
        return None
    return value


def _check_add(
    session: Session, change: ChangeInput, units: set[int], errors: list[FieldError]
) -> Decimal | None:
    for name in ("person_id", "topic", "training_form", "mode", "hours", "funding_source"):
        if getattr(change, name) in (None, ""):
            errors.append(field_error(f"add_{name}", "required"))
    person = session.get(Person, change.person_id) if change.person_id else None
    if change.person_id and (person is None or not person.is_active or person.org_unit_id not in units):
        errors.append(field_error("add_person_id", "plan_person_not_in_unit"))
    if change.hours is not None and not 1 <= change.hours <= 2000:
        errors.append(field_error("add_hours", "minimum" if change.hours < 1 else "maximum", "", limit=1))
    if change.topic and len(change.topic) > 300:
        errors.append(field_error("add_topic", "maxLength", "", limit=300))
    _quarter(change.quarter, "add_quarter", errors)
    return _cost(change.estimated_cost, "add_estimated_cost", errors)


def _describe(change: ChangeInput, line: PlanVersionLine | None, names: dict[int, str]) -> str:
    who = names.get((line.person_id if line else change.person_id) or 0, "")
    if change.kind == ChangeKind.ADD:
        when = f"Q{change.quarter}" if change.quarter else ""
        return f"+ {who}: {change.topic}, {when}, {change.hours} h, {change.funding_source}".replace(
            ", ,", ","
        )
    assert line is not None
    if change.kind == ChangeKind.REMOVE:
        return f"− {who}: {line.topic}, Q{line.quarter or '–'}"
    return f"→ {who}: {line.topic}, Q{line.quarter or '–'} → Q{change.quarter or '–'}"


def propose_amendment(
    session: Session, actor_id: int, year: int, reason: str, changes: list[ChangeInput], clock: Clock
) -> CaseRef:
    """The head's proposal, checked whole before anything is stored, then started as a case."""
    today = local_date(clock.now())
    units = proposer_units(session, actor_id, today)
    if not units:
        raise Forbidden("Only heads of units propose plan amendments")
    campaign = approved_campaign(session, year)
    base = latest_version(session, campaign.id)
    assert base is not None
    errors: list[FieldError] = []
    reason = (reason or "").strip()
    if not reason:
        errors.append(field_error("reason", "required"))
    elif len(reason) > TEXT_MAX:
        errors.append(field_error("reason", "maxLength", "", limit=TEXT_MAX))
    if not changes:
        errors.append(field_error("changes", "amendment_empty"))
    touched = [c.line_id for c in changes if c.kind != ChangeKind.ADD and c.line_id is not None]
    lines = {
        line.line_id: line
        for line in session.scalars(
            select(PlanVersionLine).where(
                PlanVersionLine.version_id == base.id, PlanVersionLine.line_id.in_(touched)
            )
        )
    }
    costs: list[Decimal | None] = []
    for change in changes:
        cost = None
        if change.kind == ChangeKind.ADD:
            cost = _check_add(session, change, units, errors)
        elif change.kind in (ChangeKind.MOVE, ChangeKind.REMOVE):
            line = lines.get(change.line_id or 0)
            if line is None or line.org_unit_id not in units:
                errors.append(field_error(f"line_{change.line_id}", "plan_line_unknown"))
            elif change.kind == ChangeKind.MOVE:
                if change.quarter is None:
                    errors.append(field_error(f"line_{change.line_id}", "required"))
                _quarter(change.quarter, f"line_{change.line_id}", errors)
        else:
            errors.append(field_error("changes", "enum"))
        costs.append(cost)
    if errors:
        raise ValidationFailed(errors)
    unit_id = _proposing_unit(session, actor_id, today)
    amendment = PlanAmendment(
        campaign_id=campaign.id,
        org_unit_id=unit_id,
        base_version_id=base.id,
        status=AmendmentStatus.PROPOSED,
        reason=reason,
        proposed_by_id=actor_id,
        proposed_at=clock.now(),
    )
    session.add(amendment)
    session.flush()
    people = {c.person_id for c in changes if c.person_id} | {line.person_id for line in lines.values()}
    names = dict(session.execute(select(Person.id, Person.full_name).where(Person.id.in_(people))).all())
    described: list[str] = []
    for change, cost in zip(changes, costs, strict=True):
        line = lines.get(change.line_id or 0)
        values = {k: v for k, v in change.__dict__.items() if k not in ("kind", "estimated_cost")}
        session.add(
            AmendmentChange(
                amendment_id=amendment.id, kind=ChangeKind(change.kind), estimated_cost=cost, **values
            )
        )
        described.append(_describe(change, line, names))
    amendment.summary = "\n".join(described)
    unit = session.get(OrgUnit, unit_id)
    data = {
        "year": year,
        "amendment": amendment.id,
        "unit": unit.name_kk if unit else "",
        "changes": amendment.summary,
        "reason": reason,
    }
    ref = start_case(session, PROCESS_KEY, actor_id, data, clock, started_by_product=True)
    amendment.instance_id = ref.id
    session.flush()
    return ref


def _proposing_unit(session: Session, person_id: int, today: date) -> int:
    held = [s.org_unit_id for s in seats(session, person_id, today) if s.role in PROPOSERS]
    return held[0]


def plan_history(
    session: Session, actor_id: int, year: int, clock: Clock
) -> tuple[list[VersionEntry], list[AmendmentEntry]]:
    """Every version of the year's plan, newest first, with the amendment that made each; and the
    amendments proposed, decided or not. For those who oversee units (the registers' readers)."""
    scope_roots(session, actor_id, local_date(clock.now()))
    campaign = session.scalar(select(PlanCampaign).where(PlanCampaign.year == year))
    if campaign is None:
        raise NotFound("No plan for this year", year=year)
    versions = list(
        session.scalars(
            select(PlanVersion)
            .where(PlanVersion.campaign_id == campaign.id)
            .order_by(PlanVersion.number.desc())
        )
    )
    amendments = list(
        session.scalars(
            select(PlanAmendment)
            .where(PlanAmendment.campaign_id == campaign.id)
            .order_by(PlanAmendment.id.desc())
        )
    )
    counts = _line_counts(session, [v.id for v in versions])
    people = {v.approved_by_id for v in versions if v.approved_by_id} | {a.proposed_by_id for a in amendments}
    names = dict(session.execute(select(Person.id, Person.full_name).where(Person.id.in_(people))).all())
    by_version = {a.version_id: a for a in amendments if a.version_id}
    entries = [
        VersionEntry(
            v.number,
            v.approved_at,
            names.get(v.approved_by_id or 0),
            v.late,
            v.note,
            counts.get(v.id, 0),
            v.totals or {},
            by_version[v.id].id if v.id in by_version else None,
            names.get(by_version[v.id].proposed_by_id) if v.id in by_version else None,
        )
        for v in versions
    ]
    proposals = [
        AmendmentEntry(
            a.id,
            str(a.status),
            a.reason,
            names.get(a.proposed_by_id, ""),
            a.proposed_at,
            a.instance_id,
            a.summary.splitlines(),
        )
        for a in amendments
    ]
    return entries, proposals


def _line_counts(session: Session, version_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(PlanVersionLine.version_id, func.count())
        .where(PlanVersionLine.version_id.in_(version_ids))
        .group_by(PlanVersionLine.version_id)
    )
    return {version_id: count for version_id, count in rows}


@dataclass(frozen=True)
class AmendableLine:
    line_id: int
    person_name: str
    topic: str
    quarter: int | None
    hours: int
    funding_source: str


def amendable_lines(
    session: Session, actor_id: int, year: int, clock: Clock
) -> tuple[list[AmendableLine], list[tuple[int, str]]]:
    """The lines of the plan in force the head may move or remove, and the people they may add
    lines for (the active people of their units)."""
    today = local_date(clock.now())
    units = proposer_units(session, actor_id, today)
    if not units:
        raise Forbidden("Only heads of units propose plan amendments")
    base = latest_version(session, approved_campaign(session, year).id)
    assert base is not None
    rows = session.execute(
        select(PlanVersionLine, Person.full_name)
        .join(Person, Person.id == PlanVersionLine.person_id)
        .where(PlanVersionLine.version_id == base.id, PlanVersionLine.org_unit_id.in_(units))
        .order_by(Person.full_name, PlanVersionLine.quarter, PlanVersionLine.id)
    ).all()
    lines = [
        AmendableLine(line.line_id, name, line.topic, line.quarter, line.hours, line.funding_source)
        for line, name in rows
    ]
    people = session.execute(
        select(Person.id, Person.full_name)
        .where(Person.org_unit_id.in_(units), Person.is_active.is_(True))
        .order_by(Person.full_name)
    ).all()
    return lines, [(pid, name) for pid, name in people]
