"""HR's view of a running campaign: which units handed in their schedules, which are late, a
progress figure per institute; and reminding the late units by hand (the diagram's timers remind
them on the deadline by themselves)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.cases.models import ProcessInstance
from workflows.clock import Clock
from workflows.clock import today as local_today
from workflows.errors import Forbidden
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import Notice, send_notices
from workflows.org.models import OrgUnit
from workflows.org.roles import Role
from workflows.org.seats import seat_holders
from workflows.planning.campaign import campaign, may_run_campaigns
from workflows.planning.models import PlanCampaign, PlanSchedule, ScheduleLevel, ScheduleStatus

DONE = frozenset({ScheduleStatus.SUBMITTED, ScheduleStatus.SIGNED, ScheduleStatus.CONSOLIDATED})


@dataclass(frozen=True)
class UnitProgress:
    schedule_id: int
    unit_id: int
    names: dict[str, str]
    status: str
    due_on: date
    late: bool  # past its date and not in, or handed in after it
    submitted: bool
    reminded: bool
    closed: bool = False  # the unit closed while in the campaign: HR takes it out


@dataclass(frozen=True)
class InstituteProgress:
    unit: UnitProgress
    departments: list[UnitProgress]

    @property
    def counted(self) -> list[UnitProgress]:
        return [d for d in self.departments if d.status != ScheduleStatus.WITHDRAWN]

    @property
    def submitted(self) -> int:
        return sum(1 for d in self.counted if d.submitted)

    @property
    def percent(self) -> int:
        total = len(self.counted)
        return round(100 * self.submitted / total) if total else 100


@dataclass(frozen=True)
class CampaignProgress:
    campaign: PlanCampaign
    institutes: list[InstituteProgress]
    today: date

    @property
    def late(self) -> list[UnitProgress]:
        found = [d for i in self.institutes for d in i.departments if d.late and not d.submitted]
        return found + [i.unit for i in self.institutes if i.unit.late and not i.unit.submitted]


def _unit(schedule: PlanSchedule, unit: OrgUnit, today: date) -> UnitProgress:
    submitted = schedule.status in DONE
    overdue = not submitted and schedule.status != ScheduleStatus.WITHDRAWN and today > schedule.due_on
    return UnitProgress(
        schedule.id,
        unit.id,
        unit.names,
        schedule.status,
        schedule.due_on,
        schedule.late or overdue,
        submitted,
        schedule.reminded_at is not None,
        unit.closed_on is not None and schedule.status != ScheduleStatus.WITHDRAWN,
    )


def campaign_progress(session: Session, campaign_id: int, actor_id: int, clock: Clock) -> CampaignProgress:
    """Every unit of the campaign with its state: two queries whatever the number of units."""
    today = local_today(clock)
    if not may_run_campaigns(session, actor_id, today):
        raise Forbidden("Only HR or the competence centre follows planning campaigns")
    found = campaign(session, campaign_id)
    rows = session.execute(
        select(PlanSchedule, OrgUnit)
        .join(OrgUnit, OrgUnit.id == PlanSchedule.org_unit_id)
        .where(PlanSchedule.campaign_id == campaign_id, PlanSchedule.level != ScheduleLevel.UNIVERSITY)
        .order_by(PlanSchedule.id)
    ).all()
    institutes: dict[int, InstituteProgress] = {}
    for schedule, unit in rows:
        if schedule.level is ScheduleLevel.INSTITUTE:
            institutes[schedule.id] = InstituteProgress(_unit(schedule, unit, today), [])
    for schedule, unit in rows:
        if schedule.level is ScheduleLevel.DEPARTMENT and schedule.parent_id in institutes:
            institutes[schedule.parent_id].departments.append(_unit(schedule, unit, today))
    return CampaignProgress(found, list(institutes.values()), today)


def remind_late(session: Session, campaign_id: int, actor_id: int, clock: Clock) -> int:
    """Remind the head of every late unit, and tell the level above; returns how many units."""
    progress = campaign_progress(session, campaign_id, actor_id, clock)
    today, now = progress.today, clock.now()
    instance = session.get(ProcessInstance, progress.campaign.instance_id)
    notices: list[Notice] = []
    late = progress.late
    for unit in late:
        schedule = session.get(PlanSchedule, unit.schedule_id)
        assert schedule is not None
        department = schedule.level is ScheduleLevel.DEPARTMENT
        head = Role.DEPARTMENT_HEAD if department else Role.INSTITUTE_DIRECTOR
        above = Role.INSTITUTE_DIRECTOR if department else Role.HR
        parent = schedule.org_unit.parent_id or schedule.org_unit_id
        data = {
            "unit": schedule.org_unit.name_kk,
            "unit_id": schedule.org_unit_id,
            "year": progress.campaign.year,
        }
        notices.append(
            Notice(
                seat_holders(session, head, schedule.org_unit_id, None, today)[2],
                NoticeKind.PLAN_REMINDER,
                None,
                data,
            )
        )
        notices.append(
            Notice(
                seat_holders(session, above, parent, None, today)[2], NoticeKind.PLAN_ESCALATION, None, data
            )
        )
        schedule.reminded_at = now
        schedule.late = True
    send_notices(session, instance, clock, notices)
    return len(late)
