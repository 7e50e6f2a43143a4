"""The campaign's steps, each a service that checks the plan's rules, updates the schedules and
completes the diagram's task: an employee hands in the individual plan, the head records the
meeting and approves, the director signs or returns, HR consolidates, finance agrees or returns
lines, the approver approves (the diagram then freezes the plan)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workflows.cases.documents import MAX_BYTES, FileStore, file_errors, store_upload
from workflows.cases.models import HumanTask, TaskStatus
from workflows.clock import Clock
from workflows.clock import today as local_today
from workflows.errors import NotAllowedNow, NotFound, ValidationFailed, field_error
from workflows.org.roles import Role
from workflows.planning import tasks
from workflows.planning.access import EDITABLE, heads_schedule
from workflows.planning.lines import schedule_row, touch
from workflows.planning.models import (
    CampaignStatus,
    DepartmentMeeting,
    LineStatus,
    PlanCampaign,
    PlanLine,
    PlanSchedule,
    ScheduleLevel,
    ScheduleStatus,
)

MINUTES_LIMIT = 50


@dataclass(frozen=True)
class MinutesFile:
    filename: str
    stream: IO[bytes]  # read here, at most one byte past the limit


def _campaign(session: Session, campaign_id: int) -> PlanCampaign:
    found = session.get(PlanCampaign, campaign_id, populate_existing=True)
    if found is None:
        raise NotFound("No such campaign", campaign_id=campaign_id)
    return found


def submit_individual_plan(session: Session, campaign_id: int, actor_id: int, clock: Clock) -> None:
    """The employee hands in their individual plan (their wishes are on the department's schedule)."""
    campaign = _campaign(session, campaign_id)
    task = session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == campaign.instance_id,
            HumanTask.element_id == "individual_plans",
            HumanTask.assignee_id == actor_id,
            HumanTask.status == TaskStatus.OPEN,
        )
    ).first()
    tasks.complete(session, task, actor_id, {}, clock)


def record_meeting(
    session: Session,
    schedule_id: int,
    minutes_number: str,
    meeting_date: Any,
    minutes: MinutesFile | None,
    store: FileStore,
    actor_id: int,
    clock: Clock,
    seen_version: int | None,
    max_bytes: int = MAX_BYTES,
) -> DepartmentMeeting:
    """The department meeting that discussed the schedule: minutes number, date and the minutes
    file (PDF, JPEG or PNG, checked by what the bytes are), all checked before the file is stored."""
    schedule, campaign = schedule_row(session, schedule_id)
    today = local_today(clock)
    if not (campaign.status is CampaignStatus.OPEN and schedule.status in EDITABLE) or not heads_schedule(
        session, schedule, actor_id, today
    ):
        raise NotFound("No such schedule", schedule_id=schedule_id)
    errors = []
    number = " ".join(str(minutes_number or "").split())
    if not number:
        errors.append(field_error("minutes_number", "required"))
    elif len(number) > MINUTES_LIMIT:
        errors.append(field_error("minutes_number", "maxLength", "", limit=MINUTES_LIMIT))
    held: date | None = None
    try:
        held = (
            meeting_date if isinstance(meeting_date, date) else date.fromisoformat(str(meeting_date).strip())
        )
    except ValueError:
        errors.append(field_error("meeting_date", "format_date" if meeting_date else "required"))
    if held is not None and held > today:
        errors.append(field_error("meeting_date", "plan_meeting_future"))
    existing = session.scalars(
        select(DepartmentMeeting).where(DepartmentMeeting.schedule_id == schedule.id)
    ).first()
    content = minutes.stream.read(max_bytes + 1) if minutes is not None else b""
    if minutes is not None:
        errors.extend(file_errors("minutes_file", content, max_bytes))
    elif existing is None or existing.document_id is None:
        errors.append(field_error("minutes_file", "required_file"))
    if errors:
        raise ValidationFailed(errors)
    assert held is not None
    document_id = existing.document_id if existing is not None else None
    if minutes is not None:
        document_id = store_upload(
            session, store, "minutes_file", minutes.filename, content, actor_id, clock, max_bytes
        ).id
    meeting = existing or DepartmentMeeting(schedule_id=schedule.id)
    meeting.minutes_number, meeting.meeting_date, meeting.document_id = number, held, document_id
    meeting.recorded_by_id, meeting.recorded_at = actor_id, clock.now()
    session.add(meeting)
    touch(session, schedule, seen_version, clock)
    return meeting


def meeting_of(session: Session, schedule_id: int) -> DepartmentMeeting | None:
    return session.scalars(
        select(DepartmentMeeting).where(DepartmentMeeting.schedule_id == schedule_id)
    ).first()


def approve_schedule(
    session: Session, schedule_id: int, actor_id: int, clock: Clock, seen_version: int | None
) -> None:
    """The head approves the department's schedule and passes it to the institute. Their own lines
    are not theirs to approve: those wait for the director (nobody approves their own line)."""
    schedule, campaign = schedule_row(session, schedule_id)
    today = local_today(clock)
    if not (campaign.status is CampaignStatus.OPEN and schedule.status in EDITABLE) or not heads_schedule(
        session, schedule, actor_id, today
    ):
        raise NotFound("No such schedule", schedule_id=schedule_id)
    if meeting_of(session, schedule.id) is None:
        raise NotAllowedNow(
            "plan_meeting_missing", "Record the department meeting that discussed the schedule first"
        )
    task = tasks.unit_task(session, campaign, ("draw_schedule", "rework_schedule"), schedule.org_unit_id)
    now = clock.now()
    touch(session, schedule, seen_version, clock)
    planned = (PlanLine.schedule_id == schedule.id) & (PlanLine.status == LineStatus.PLANNED)
    session.execute(
        update(PlanLine)
        .where(planned, PlanLine.person_id == actor_id)
        .values(approve_above=True, approved_by_id=None)
    )
    session.execute(
        update(PlanLine)
        .where(planned, PlanLine.person_id != actor_id)
        .values(approve_above=False, approved_by_id=actor_id)
    )
    schedule.status, schedule.submitted_at, schedule.submitted_by_id = ScheduleStatus.SUBMITTED, now, actor_id
    schedule.late = schedule.late or today > schedule.due_on
    tasks.complete(session, task, actor_id, {"decision": "approve"}, clock)


def _institute_of(session: Session, campaign: PlanCampaign, schedule: PlanSchedule) -> PlanSchedule:
    parent = session.get(PlanSchedule, schedule.parent_id) if schedule.parent_id else None
    if parent is None:
        raise NotFound("No such schedule", schedule_id=schedule.id)
    return parent


def department_schedules(session: Session, institute_schedule_id: int) -> list[PlanSchedule]:
    return list(
        session.scalars(
            select(PlanSchedule)
            .where(PlanSchedule.parent_id == institute_schedule_id)
            .order_by(PlanSchedule.org_unit_id)
        )
    )


def return_schedule(
    session: Session, department_schedule_id: int, comment: str, actor_id: int, clock: Clock
) -> None:
    """The director returns one department's schedule with a comment; the head reworks it."""
    schedule, campaign = schedule_row(session, department_schedule_id)
    institute = _institute_of(session, campaign, schedule)
    text = " ".join(str(comment or "").split())
    if not text:
        raise ValidationFailed([field_error("comment", "required")])
    if schedule.status is not ScheduleStatus.SUBMITTED:
        raise NotAllowedNow("plan_not_submitted", "Only a schedule the head approved can be returned")
    task = tasks.unit_task(session, campaign, ("director_review",), institute.org_unit_id)
    schedule.status, schedule.return_comment = ScheduleStatus.RETURNED, text
    schedule.returned_at, schedule.returned_by_id = clock.now(), actor_id
    data = {"decision": "return", "returned_department": schedule.org_unit_id, "comment": text}
    tasks.complete(session, task, actor_id, data, clock)


def sign_institute(session: Session, institute_schedule_id: int, actor_id: int, clock: Clock) -> None:
    """The director signs the institute's schedule once every department's is in; the lines of the
    heads themselves are approved here."""
    institute, campaign = schedule_row(session, institute_schedule_id)
    if institute.level is not ScheduleLevel.INSTITUTE or institute.status is not ScheduleStatus.DRAFT:
        raise NotAllowedNow("plan_not_open", "This schedule is not waiting for a signature")
    waiting = [
        s
        for s in department_schedules(session, institute.id)
        if s.status not in {ScheduleStatus.SUBMITTED, ScheduleStatus.WITHDRAWN}
    ]
    if waiting:
        raise NotAllowedNow(
            "plan_departments_missing", "Not every department has handed in its schedule", count=len(waiting)
        )
    task = tasks.unit_task(session, campaign, ("director_review",), institute.org_unit_id)
    departments = select(PlanSchedule.id).where(PlanSchedule.parent_id == institute.id)
    session.execute(
        update(PlanLine)
        .where(
            PlanLine.schedule_id.in_(departments),
            PlanLine.approve_above.is_(True),
            PlanLine.person_id != actor_id,
        )
        .values(approved_by_id=actor_id)
    )
    tasks.complete(session, task, actor_id, {"decision": "sign"}, clock)
    institute.status, institute.submitted_at, institute.submitted_by_id = (
        ScheduleStatus.SIGNED,
        clock.now(),
        actor_id,
    )
    institute.late = local_today(clock) > institute.due_on
    institutes = session.scalars(
        select(PlanSchedule.status).where(
            PlanSchedule.campaign_id == campaign.id, PlanSchedule.level == ScheduleLevel.INSTITUTE
        )
    ).all()
    if all(s in {ScheduleStatus.SIGNED, ScheduleStatus.WITHDRAWN} for s in institutes):
        campaign.status = CampaignStatus.CONSOLIDATION


def university_schedule(session: Session, campaign_id: int) -> PlanSchedule:
    found = session.scalars(
        select(PlanSchedule).where(
            PlanSchedule.campaign_id == campaign_id, PlanSchedule.level == ScheduleLevel.UNIVERSITY
        )
    ).first()
    if found is None:
        raise NotFound("No such schedule", campaign_id=campaign_id)
    return found


def consolidate(session: Session, campaign_id: int, actor_id: int, clock: Clock) -> None:
    """HR passes the consolidated schedule (602-05, merged from the institutes') to finance."""
    campaign = _campaign(session, campaign_id)
    if campaign.status is not CampaignStatus.CONSOLIDATION:
        raise NotAllowedNow("plan_not_consolidating", "The institutes' schedules are not all in yet")
    task = tasks.unit_task(session, campaign, ("consolidate",), None)
    tasks.complete(session, task, actor_id, {"decision": "submit"}, clock)
    schedule = university_schedule(session, campaign.id)
    schedule.status, schedule.submitted_at, schedule.submitted_by_id = (
        ScheduleStatus.SUBMITTED,
        clock.now(),
        actor_id,
    )
    campaign.status = CampaignStatus.FINANCE


def finance_decision(
    session: Session,
    campaign_id: int,
    agree: bool,
    comment: str,
    line_comments: dict[int, str],
    actor_id: int,
    clock: Clock,
) -> None:
    """Finance agrees the budget (the university-funded lines), or returns it with comments on lines."""
    campaign = _campaign(session, campaign_id)
    if campaign.status is not CampaignStatus.FINANCE:
        raise NotAllowedNow("plan_not_with_finance", "The plan is not waiting for the budget's agreement")
    task = tasks.unit_task(session, campaign, ("finance_agreement",), None)
    text = " ".join(str(comment or "").split())
    notes = {int(k): " ".join(str(v).split()) for k, v in line_comments.items() if str(v or "").strip()}
    if not agree and not (text or notes):
        raise ValidationFailed([field_error("comment", "required")])
    if notes:
        found = session.scalars(
            select(PlanLine).where(PlanLine.id.in_(notes), PlanLine.campaign_id == campaign.id)
        ).all()
        if len(found) != len(notes):
            raise ValidationFailed([field_error("line_comments", "plan_unknown_line")])
        for line in found:
            line.finance_comment = notes[line.id]
    data = {
        "decision": "approve" if agree else "return",
        "comment": text or (None if agree else "; ".join(notes.values())),
    }
    tasks.complete(session, task, actor_id, {k: v for k, v in data.items() if v}, clock)
    campaign.status = CampaignStatus.APPROVAL if agree else CampaignStatus.CONSOLIDATION
    if not agree:
        university_schedule(session, campaign.id).status = ScheduleStatus.RETURNED


def approval_decision(
    session: Session, campaign_id: int, approve: bool, comment: str, actor_id: int, clock: Clock
) -> None:
    """The approver approves the plan (the diagram freezes it and tells every head) or returns it to HR."""
    campaign = _campaign(session, campaign_id)
    if campaign.status is not CampaignStatus.APPROVAL:
        raise NotAllowedNow("plan_not_for_approval", "The plan is not waiting for approval")
    text = " ".join(str(comment or "").split())
    if not approve and not text:
        raise ValidationFailed([field_error("comment", "required")])
    task = tasks.unit_task(session, campaign, ("approve_plan",), None)
    if approve:
        session.execute(
            update(PlanLine)
            .where(
                PlanLine.campaign_id == campaign.id,
                PlanLine.approved_by_id.is_(None),
                PlanLine.person_id != actor_id,
            )
            .values(approved_by_id=actor_id)
        )
    else:
        campaign.status = CampaignStatus.CONSOLIDATION
        university_schedule(session, campaign.id).status = ScheduleStatus.RETURNED
    data = {"decision": "approve" if approve else "return", **({"comment": text} if text else {})}
    tasks.complete(session, task, actor_id, data, clock)
    session.refresh(campaign)


def approver_roles() -> tuple[str, ...]:
    return (Role.APPARATUS_HEAD, Role.RECTOR)
