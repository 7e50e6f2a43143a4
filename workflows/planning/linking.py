"""Applications made from plan lines (001 §7.1: "per the approved plan").

The application page offers the applicant's lines of the approved plans in force and pre-fills the
form from the chosen one; applying then names the line, and the case is linked to it, so that
"planned vs done" follows each line to its application, order and certificate. A course outside the
plan needs a justification (the form's rule) and takes the diagram's out-of-plan path. Where a
year's plan is kept here (an approved version exists), "in the plan" must name one of its lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.cases.models import CaseStatus, ProcessInstance
from workflows.definitions.catalog import latest_process
from workflows.definitions.starting import startable_processes
from workflows.errors import NotFound, ValidationFailed, field_error
from workflows.planning.amendment_models import PlanLineCase
from workflows.planning.models import CampaignStatus, PlanCampaign, PlanVersion, PlanVersionLine

# A line is taken while its application runs or has led somewhere; a rejected or withdrawn one frees it.
TAKING = (CaseStatus.RUNNING, CaseStatus.COMPLETED)
APPLICATION_PROCESS = "qualification_request"


@dataclass(frozen=True)
class OfferedLine:
    line_id: int
    year: int
    topic: str
    provider: str | None
    quarter: int | None
    month: int | None
    start_date: date | None
    end_date: date | None
    hours: int
    funding_source: str
    taken_by: str | None  # the case already made from it


def current_versions(session: Session, years: list[int] | None = None) -> dict[int, int]:
    """Year → the id of its approved plan's latest version."""
    latest = (
        select(PlanVersion.campaign_id, func.max(PlanVersion.number).label("number"))
        .group_by(PlanVersion.campaign_id)
        .subquery()
    )
    query = (
        select(PlanCampaign.year, PlanVersion.id)
        .join(latest, latest.c.campaign_id == PlanCampaign.id)
        .join(
            PlanVersion,
            (PlanVersion.campaign_id == latest.c.campaign_id) & (PlanVersion.number == latest.c.number),
        )
        .where(PlanCampaign.status == CampaignStatus.APPROVED)
    )
    if years is not None:
        query = query.where(PlanCampaign.year.in_(years))
    return {year: version_id for year, version_id in session.execute(query)}


def current_line(session: Session, line_id: int) -> tuple[int, PlanVersionLine] | None:
    """The line as the latest version of its year's approved plan holds it (None when not in it)."""
    versions = current_versions(session)
    if not versions:
        return None
    row = session.execute(
        select(PlanCampaign.year, PlanVersionLine)
        .join(PlanVersion, PlanVersion.id == PlanVersionLine.version_id)
        .join(PlanCampaign, PlanCampaign.id == PlanVersion.campaign_id)
        .where(PlanVersionLine.line_id == line_id, PlanVersionLine.version_id.in_(versions.values()))
    ).first()
    return (row[0], row[1]) if row else None


def _taken(session: Session, line_ids: list[int]) -> dict[int, str]:
    if not line_ids:
        return {}
    rows = session.execute(
        select(PlanLineCase.line_id, ProcessInstance.business_key)
        .join(ProcessInstance, ProcessInstance.id == PlanLineCase.instance_id)
        .where(PlanLineCase.line_id.in_(line_ids), ProcessInstance.status.in_(TAKING))
    )
    return {line_id: key for line_id, key in rows}


def offered_lines(session: Session, person_id: int, today: date) -> list[OfferedLine]:
    """The person's lines in the approved plans of this year and the next."""
    versions = current_versions(session, [today.year, today.year + 1])
    if not versions:
        return []
    year_of = {version_id: year for year, version_id in versions.items()}
    lines = session.scalars(
        select(PlanVersionLine)
        .where(PlanVersionLine.version_id.in_(year_of), PlanVersionLine.person_id == person_id)
        .order_by(PlanVersionLine.version_id, PlanVersionLine.quarter, PlanVersionLine.id)
    ).all()
    taken = _taken(session, [line.line_id for line in lines])
    return [
        OfferedLine(
            line.line_id,
            year_of[line.version_id],
            line.topic,
            line.provider,
            line.quarter,
            line.month,
            line.start_date,
            line.end_date,
            line.hours,
            line.funding_source,
            taken.get(line.line_id),
        )
        for line in lines
    ]


def prefilled(session: Session, person_id: int, line_id: int) -> dict[str, Any]:
    """The application's fields as the chosen line gives them (the form's own names)."""
    found = current_line(session, line_id)
    if found is None or found[1].person_id != person_id:
        raise ValidationFailed([field_error("plan_line", "plan_line_unknown")])
    line = found[1]
    values: dict[str, Any] = {
        "plan_line": line.line_id,
        "in_plan": True,
        "course": line.topic,
        "provider": line.provider,
        "training_form": line.training_form,
        "mode": line.mode,
        "place": line.place,
        "start_date": line.start_date.isoformat() if line.start_date else None,
        "end_date": line.end_date.isoformat() if line.end_date else None,
        "hours": line.hours,
        "funding_source": line.funding_source,
        "cost": float(line.estimated_cost) if line.estimated_cost and line.funding_source != "own" else None,
        "relevance": line.relevance,
    }
    return {k: v for k, v in values.items() if v is not None}


def line_start(session: Session, line_id: int) -> tuple[int, dict[str, Any]]:
    """The person of a line of an approved plan and the start form's fields from it: HR starts the
    planned training for them (KazNRTU, 000 §7.5: the start is the plan line)."""
    found = current_line(session, line_id)
    if found is None:
        raise NotFound("No such line in an approved plan", line_id=line_id)
    person_id = found[1].person_id
    return person_id, prefilled(session, person_id, line_id)


def planned_starts(session: Session, actor_id: int, today: date) -> list[str]:
    """The processes the actor starts for someone else from a plan line (their start form names
    the line): the execution page offers them on each line not yet started."""
    found = []
    for offered in startable_processes(session, actor_id, today):
        if offered.for_others and offered.process_key != APPLICATION_PROCESS:
            process = latest_process(session, offered.process_key)
            if "plan_line" in process.schema(process.start.form_key).get("properties", {}):
                found.append(offered.process_key)
    return found


def _year_of(data: dict[str, Any]) -> int | None:
    try:
        return date.fromisoformat(str(data.get("start_date"))).year
    except ValueError:
        return None


def check_plan_link(session: Session, person_id: int, data: dict[str, Any]) -> None:
    """Before a case starts: a named line must be the applicant's, in force and free; "in the plan"
    without a line is refused where the year's approved plan holds lines of the applicant."""
    if "in_plan" not in data:
        return  # not an application form (another process's start)
    line_id = data.get("plan_line")
    if line_id is None:
        year = _year_of(data)
        if data.get("in_plan") and year is not None and _has_lines(session, person_id, year):
            raise ValidationFailed([field_error("in_plan", "plan_line_needed", "", year=year)])
        return
    found = current_line(session, int(line_id))
    if found is None or found[1].person_id != person_id:
        raise ValidationFailed([field_error("plan_line", "plan_line_unknown")])
    if not data.get("in_plan"):
        raise ValidationFailed([field_error("in_plan", "plan_line_in_plan")])
    taken = _taken(session, [int(line_id)])
    if taken:
        raise ValidationFailed(
            [field_error("plan_line", "plan_line_taken", "", business_key=taken[int(line_id)])]
        )


def _has_lines(session: Session, person_id: int, year: int) -> bool:
    versions = current_versions(session, [year])
    if not versions:
        return False
    found = session.scalar(
        select(PlanVersionLine.id)
        .where(PlanVersionLine.version_id == versions[year], PlanVersionLine.person_id == person_id)
        .limit(1)
    )
    return found is not None


def link_case(session: Session, instance_id: int, data: dict[str, Any], now: datetime) -> None:
    """The started case is the line's application."""
    line_id = data.get("plan_line")
    if line_id is not None:
        session.add(PlanLineCase(line_id=int(line_id), instance_id=instance_id, linked_at=now))


def application_form(session: Session) -> dict[str, Any]:
    """The application form of the published process: its vocabularies name a line's form, mode
    and funding."""
    process = latest_process(session, APPLICATION_PROCESS)
    return process.schema(process.start.form_key)


@dataclass(frozen=True)
class ApplicationStart:
    lines: list[OfferedLine]  # the applicant's lines to choose from
    values: dict[str, Any]  # the form pre-filled from the chosen one (empty when none is chosen)


def application_start(session: Session, person_id: int, line_id: int | None, today: date) -> ApplicationStart:
    """What the application page offers: the applicant's plan lines and, for a chosen one, the form
    filled from it. A line that is not the applicant's is not found."""
    lines = offered_lines(session, person_id, today)
    if line_id is None:
        return ApplicationStart(lines, {})
    if not any(line.line_id == line_id for line in lines):
        raise NotFound("No such plan line of yours", line_id=line_id)
    return ApplicationStart(lines, prefilled(session, person_id, line_id))
