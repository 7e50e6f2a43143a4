"""Plan lines: adding, changing and removing them under the plan's rules.

Every change names the schedule version it was made on; a stale one is a conflict, never an
overwrite. A person must belong to the schedule's unit and may not be planned twice for
overlapping dates; hours outside the policy's course-length classes are flagged, not refused.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from workflows.clock import Clock
from workflows.clock import today as local_today
from workflows.errors import Conflict, FieldError, NotFound, ValidationFailed, field_error
from workflows.forms.schema import load_forms
from workflows.org.models import Person
from workflows.planning.access import may_edit_schedule, may_fill_individual_plan
from workflows.planning.models import (
    LineOrigin,
    LineStatus,
    PlanCampaign,
    PlanLine,
    PlanSchedule,
)
from workflows.planning.policy import length_class

TEXT_LIMIT = 300
MAX_HOURS = 2000  # beyond any retraining or second degree (003 §10–11): a typing slip
LINE_FIELDS = (
    "topic",
    "provider",
    "training_form",
    "mode",
    "place",
    "quarter",
    "month",
    "start_date",
    "end_date",
    "hours",
    "funding_source",
    "estimated_cost",
    "relevance",
)


@dataclass(frozen=True)
class LineInput:
    """A line as typed, checked by `read_line`."""

    topic: str
    provider: str | None
    training_form: str
    mode: str
    place: str | None
    quarter: int | None
    month: int | None
    start_date: date | None
    end_date: date | None
    hours: int
    funding_source: str
    estimated_cost: Decimal
    relevance: str | None


def vocabulary(field: str) -> list[str]:
    """The application form's values for a field: a plan line pre-fills an application."""
    values = load_forms()["application"]["properties"][field].get("enum", [])
    return [str(v) for v in values]


def _text(raw: dict[str, Any], key: str, errors: list[FieldError], required: bool = False) -> str | None:
    value = " ".join(str(raw.get(key) or "").split())
    if required and not value:
        errors.append(field_error(key, "required"))
    if len(value) > TEXT_LIMIT:
        errors.append(field_error(key, "maxLength", "", limit=TEXT_LIMIT))
    return value or None


def _int(raw: dict[str, Any], key: str, errors: list[FieldError], low: int, high: int) -> int | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors.append(field_error(key, "type_integer"))
        return None
    if not low <= number <= high:
        errors.append(
            field_error(
                key, "minimum" if number < low else "maximum", "", limit=low if number < low else high
            )
        )
        return None
    return number


def _date(raw: dict[str, Any], key: str, errors: list[FieldError]) -> date | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.append(field_error(key, "format_date"))
        return None


def _choice(raw: dict[str, Any], key: str, vocabulary_field: str, errors: list[FieldError]) -> str:
    value = str(raw.get(key) or "").strip()
    if not value:
        errors.append(field_error(key, "required"))
    elif value not in vocabulary(vocabulary_field):
        errors.append(field_error(key, "enum"))
    return value


def read_line(raw: dict[str, Any], year: int) -> LineInput:
    """A line's fields checked one by one; every problem at once, next to its field."""
    errors: list[FieldError] = []
    topic = _text(raw, "topic", errors, required=True) or ""
    quarter = _int(raw, "quarter", errors, 1, 4)
    month = _int(raw, "month", errors, 1, 12)
    start, end = _date(raw, "start_date", errors), _date(raw, "end_date", errors)
    hours = _int(raw, "hours", errors, 1, MAX_HOURS)
    if hours is None and not any(e.field == "hours" for e in errors):
        errors.append(field_error("hours", "required"))
    try:
        cost = Decimal(str(raw.get("estimated_cost") or "0").replace(" ", "").replace(",", "."))
        if cost < 0 or cost != cost.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors.append(field_error("estimated_cost", "minimum", "", limit=0))
        cost = Decimal(0)
    if start and end and end < start:
        errors.append(field_error("end_date", "plan_dates_order"))
    for key, day in (("start_date", start), ("end_date", end)):
        if day is not None and day.year != year:
            errors.append(field_error(key, "plan_outside_year", "", year=year))
    if quarter is None and month is None and start is None:
        errors.append(field_error("quarter", "plan_when"))
    if quarter and month and (month - 1) // 3 + 1 != quarter:
        errors.append(field_error("month", "plan_month_quarter"))
    line = LineInput(
        topic=topic,
        provider=_text(raw, "provider", errors),
        training_form=_choice(raw, "training_form", "training_form", errors),
        mode=_choice(raw, "mode", "mode", errors),
        place=_text(raw, "place", errors),
        quarter=quarter,
        month=month,
        start_date=start,
        end_date=end or start,
        hours=hours or 0,
        funding_source=_choice(raw, "funding_source", "funding_source", errors),
        estimated_cost=cost,
        relevance=(str(raw.get("relevance") or "").strip() or None),
    )
    if errors:
        raise ValidationFailed(errors)
    return line


def period(line: LineInput | PlanLine, year: int) -> tuple[date, date]:
    """The days a line may take: its dates, else its month, else its quarter."""
    if line.start_date is not None:
        return line.start_date, line.end_date or line.start_date
    if line.month is not None:
        return date(year, line.month, 1), date(year, line.month, calendar.monthrange(year, line.month)[1])
    quarter = line.quarter or 1
    first = 3 * (quarter - 1) + 1
    return date(year, first, 1), date(year, first + 2, calendar.monthrange(year, first + 2)[1])


def _refuse_overlap(
    session: Session, campaign: PlanCampaign, person_id: int, line: LineInput, except_id: int | None
) -> None:
    """A person is not planned twice for the same days: lines with dates may not overlap."""
    if line.start_date is None:
        return
    start, end = period(line, campaign.year)
    others = session.scalars(
        select(PlanLine).where(
            PlanLine.campaign_id == campaign.id,
            PlanLine.person_id == person_id,
            PlanLine.status != LineStatus.REMOVED,
            PlanLine.start_date.is_not(None),
            PlanLine.id != (except_id or 0),
        )
    ).all()
    for other in others:
        other_start, other_end = period(other, campaign.year)
        if other_start <= end and start <= other_end:
            raise ValidationFailed(
                [
                    field_error(
                        "start_date", "plan_overlap", "", topic=other.topic, start=other_start.isoformat()
                    )
                ]
            )


def _refuse_outsider(session: Session, schedule: PlanSchedule, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or not person.is_active or person.org_unit_id != schedule.org_unit_id:
        raise ValidationFailed([field_error("person_id", "plan_not_in_unit")])
    return person


def _apply(line_row: PlanLine, line: LineInput, policy: dict[str, Any]) -> None:
    for key in LINE_FIELDS:
        setattr(line_row, key, getattr(line, key))
    verdict = length_class(line.hours, line.training_form, policy)
    line_row.length_class, line_row.hours_flag = verdict.length_class, verdict.flag


def touch(session: Session, schedule: PlanSchedule, seen_version: int | None, clock: Clock) -> None:
    """Move the schedule's version on, refusing a change made on a version someone moved first."""
    if seen_version is not None and int(seen_version) != schedule.version:
        raise Conflict(
            "Someone else changed this schedule after you opened it; reload it and make your change again",
            schedule_id=schedule.id,
        )
    schedule.updated_at = clock.now()
    try:
        session.flush()
    except StaleDataError as exc:
        raise Conflict("Someone else changed this schedule at the same moment; nothing was saved") from exc


def schedule_row(session: Session, schedule_id: int) -> tuple[PlanSchedule, PlanCampaign]:
    schedule = session.get(PlanSchedule, schedule_id, populate_existing=True)
    if schedule is None:
        raise NotFound("No such schedule", schedule_id=schedule_id)
    campaign = session.get(PlanCampaign, schedule.campaign_id)
    assert campaign is not None
    return schedule, campaign


def add_line(
    session: Session,
    schedule_id: int,
    person_id: int,
    raw: dict[str, Any],
    actor_id: int,
    clock: Clock,
    seen_version: int | None,
) -> PlanLine:
    """A line on the schedule: by its editor (the head, HR at consolidation), or the person's own
    wish while their individual plan is open."""
    schedule, campaign = schedule_row(session, schedule_id)
    today = local_today(clock)
    own_wish = person_id == actor_id and may_fill_individual_plan(
        session, schedule, campaign, actor_id, today
    )
    if not own_wish and not may_edit_schedule(session, schedule, campaign, actor_id, today):
        raise NotFound("No such schedule", schedule_id=schedule_id)
    _refuse_outsider(session, schedule, int(person_id))
    line = read_line(raw, campaign.year)
    _refuse_overlap(session, campaign, int(person_id), line, None)
    now = clock.now()
    editor = may_edit_schedule(session, schedule, campaign, actor_id, today)
    row = PlanLine(
        campaign_id=campaign.id,
        schedule_id=schedule.id,
        person_id=int(person_id),
        org_unit_id=schedule.org_unit_id,
        origin=LineOrigin.HEAD if editor and not own_wish else LineOrigin.INDIVIDUAL,
        status=LineStatus.PLANNED if editor else LineStatus.WISH,
        created_by_id=actor_id,
        created_at=now,
        updated_at=now,
    )
    _apply(row, line, campaign.policy)
    session.add(row)
    touch(session, schedule, seen_version, clock)
    return row


def _line_for_editor(
    session: Session, line_id: int, actor_id: int, clock: Clock
) -> tuple[PlanLine, PlanSchedule, PlanCampaign]:
    line = session.get(PlanLine, line_id)
    if line is None:
        raise NotFound("No such plan line", line_id=line_id)
    schedule, campaign = schedule_row(session, line.schedule_id)
    today = local_today(clock)
    own = line.person_id == actor_id and line.status == LineStatus.WISH
    if not may_edit_schedule(session, schedule, campaign, actor_id, today) and not (
        own and may_fill_individual_plan(session, schedule, campaign, actor_id, today)
    ):
        raise NotFound("No such plan line", line_id=line_id)
    return line, schedule, campaign


def update_line(
    session: Session, line_id: int, raw: dict[str, Any], actor_id: int, clock: Clock, seen_version: int | None
) -> PlanLine:
    """Change a line's fields; the head's change of a wish takes it into the schedule."""
    row, schedule, campaign = _line_for_editor(session, line_id, actor_id, clock)
    line = read_line(raw, campaign.year)
    _refuse_overlap(session, campaign, row.person_id, line, row.id)
    _apply(row, line, campaign.policy)
    if may_edit_schedule(session, schedule, campaign, actor_id, local_today(clock)):
        row.status = LineStatus.PLANNED if row.status != LineStatus.REMOVED else row.status
    row.updated_by_id, row.updated_at = actor_id, clock.now()
    touch(session, schedule, seen_version, clock)
    return row


def accept_wish(
    session: Session, line_id: int, actor_id: int, clock: Clock, seen_version: int | None
) -> PlanLine:
    """The head takes an individual-plan wish into the schedule as it stands."""
    row, schedule, campaign = _line_for_editor(session, line_id, actor_id, clock)
    if not may_edit_schedule(session, schedule, campaign, actor_id, local_today(clock)):
        raise NotFound("No such plan line", line_id=line_id)
    row.status, row.updated_by_id, row.updated_at = LineStatus.PLANNED, actor_id, clock.now()
    touch(session, schedule, seen_version, clock)
    return row


def remove_line(
    session: Session, line_id: int, reason: str, actor_id: int, clock: Clock, seen_version: int | None
) -> PlanLine:
    """Take a line off the schedule: it stays, marked removed, with who and why."""
    row, schedule, _campaign = _line_for_editor(session, line_id, actor_id, clock)
    row.status = LineStatus.REMOVED
    row.removed_reason = " ".join(str(reason or "").split()) or None
    row.updated_by_id, row.updated_at = actor_id, clock.now()
    touch(session, schedule, seen_version, clock)
    return row


def schedule_lines(session: Session, schedule_ids: list[int], with_removed: bool = False) -> list[PlanLine]:
    """The lines of the schedules, in the order the forms list them (unit, person's name, when)."""
    query = (
        select(PlanLine)
        .join(Person, Person.id == PlanLine.person_id)
        .where(PlanLine.schedule_id.in_(schedule_ids))
        .order_by(PlanLine.org_unit_id, Person.full_name, PlanLine.start_date, PlanLine.quarter, PlanLine.id)
    )
    if not with_removed:
        query = query.where(PlanLine.status != LineStatus.REMOVED)
    return list(session.scalars(query))
