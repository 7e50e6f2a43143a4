"""Deciding an amendment: approved, it becomes the plan's next frozen version (the latest one's
lines with the amendment's changes); rejected, the plan stays as it is. Run by the `amend_plan`
service operator of the amendment's diagram, inside the step that decided it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from workflows.errors import ProcessError
from workflows.org.models import Person
from workflows.planning.amendment_models import AmendmentChange, AmendmentStatus, ChangeKind, PlanAmendment
from workflows.planning.models import (
    LineOrigin,
    LineStatus,
    PlanLine,
    PlanSchedule,
    PlanVersion,
    PlanVersionLine,
)

# What a version line copies from the line it freezes.
LINE_FIELDS = (
    "person_id",
    "org_unit_id",
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
MOVED_FIELDS = ("quarter", "month", "start_date", "end_date")


def latest_version(session: Session, campaign_id: int) -> PlanVersion | None:
    return session.scalars(
        select(PlanVersion)
        .where(PlanVersion.campaign_id == campaign_id)
        .order_by(PlanVersion.number.desc())
        .limit(1)
    ).first()


def totals(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Money by funding source, as versions keep it ("1200.00")."""
    found: dict[str, Decimal] = {}
    for row in rows:
        source = row["funding_source"]
        found[source] = found.get(source, Decimal(0)) + Decimal(row["estimated_cost"] or 0)
    return {source: f"{amount:.2f}" for source, amount in sorted(found.items())}


def _schedule_for(session: Session, campaign_id: int, unit_id: int) -> int:
    """The unit's schedule in the campaign, else the university's consolidated one."""
    found = session.scalar(
        select(PlanSchedule.id).where(
            PlanSchedule.campaign_id == campaign_id, PlanSchedule.org_unit_id == unit_id
        )
    )
    if found is None:
        found = session.scalar(
            select(PlanSchedule.id)
            .where(PlanSchedule.campaign_id == campaign_id, PlanSchedule.parent_id.is_(None))
            .order_by(PlanSchedule.id)
            .limit(1)
        )
    if found is None:
        raise ProcessError("The plan has no schedule to add the line to", campaign_id=campaign_id)
    return found


def _add_line(
    session: Session, amendment: PlanAmendment, change: AmendmentChange, actor_id: int | None, now: datetime
) -> PlanLine:
    values = {name: getattr(change, name) for name in LINE_FIELDS if name != "org_unit_id"}
    person = session.get(Person, change.person_id)
    person_unit = person.org_unit_id if person is not None else amendment.org_unit_id
    line = PlanLine(
        campaign_id=amendment.campaign_id,
        schedule_id=_schedule_for(session, amendment.campaign_id, person_unit),
        org_unit_id=person_unit,
        origin=LineOrigin.HEAD,
        status=LineStatus.PLANNED,
        created_by_id=amendment.proposed_by_id,
        created_at=now,
        updated_by_id=actor_id,
        updated_at=now,
        **{**values, "estimated_cost": values["estimated_cost"] or Decimal(0)},
    )
    session.add(line)
    session.flush()
    change.line_id = line.id
    return line


def apply_amendment(
    session: Session, amendment: PlanAmendment, actor_id: int | None, now: datetime
) -> PlanVersion:
    """The next version: the latest one's lines, less the removed, moved where moved, with the added."""
    latest = latest_version(session, amendment.campaign_id)
    if latest is None:
        raise ProcessError("The plan has no approved version to amend", campaign_id=amendment.campaign_id)
    changes = list(
        session.scalars(select(AmendmentChange).where(AmendmentChange.amendment_id == amendment.id))
    )
    removed = {c.line_id for c in changes if c.kind == ChangeKind.REMOVE}
    moved = {c.line_id: c for c in changes if c.kind == ChangeKind.MOVE}
    rows: list[dict[str, Any]] = []
    for line in session.scalars(select(PlanVersionLine).where(PlanVersionLine.version_id == latest.id)):
        if line.line_id in removed:
            continue
        row = {name: getattr(line, name) for name in LINE_FIELDS}
        row["line_id"] = line.line_id
        if line.line_id in moved:
            row.update({name: getattr(moved[line.line_id], name) for name in MOVED_FIELDS})
        rows.append(row)
    for live in session.scalars(select(PlanLine).where(PlanLine.id.in_(removed | set(moved)))):
        # The live line follows the plan in force: removed lines stay, marked, with the reason.
        if live.id in removed:
            live.status, live.removed_reason = LineStatus.REMOVED, amendment.reason
        else:
            for name in MOVED_FIELDS:
                setattr(live, name, getattr(moved[live.id], name))
        live.updated_by_id, live.updated_at = actor_id, now
    for change in changes:
        if change.kind == ChangeKind.ADD:
            added = _add_line(session, amendment, change, actor_id, now)
            rows.append({**{name: getattr(added, name) for name in LINE_FIELDS}, "line_id": added.id})
    number = (
        session.scalar(
            select(func.max(PlanVersion.number)).where(PlanVersion.campaign_id == amendment.campaign_id)
        )
        or 0
    ) + 1
    version = PlanVersion(
        campaign_id=amendment.campaign_id,
        number=number,
        approved_at=now,
        approved_by_id=actor_id,
        note=amendment.reason,
        totals=totals(rows),
    )
    session.add(version)
    session.flush()
    if rows:
        session.execute(insert(PlanVersionLine), [{**row, "version_id": version.id} for row in rows])
    return version


def decide_amendment(
    session: Session, instance_id: int, decision: str, actor_id: int | None, now: datetime
) -> dict[str, Any]:
    """The diagram's decision on the amendment of this case."""
    amendment = session.scalar(select(PlanAmendment).where(PlanAmendment.instance_id == instance_id))
    if amendment is None:
        raise ProcessError("This case carries no plan amendment", instance_id=instance_id)
    if amendment.status != AmendmentStatus.PROPOSED:
        return {"status": str(amendment.status), "version": None}
    if decision == "approve":
        version = apply_amendment(session, amendment, actor_id, now)
        amendment.status, amendment.version_id = AmendmentStatus.APPROVED, version.id
        amendment.decided_at = now
        return {"status": "approved", "version": version.number}
    if decision == "reject":
        amendment.status, amendment.decided_at = AmendmentStatus.REJECTED, now
        return {"status": "rejected", "version": None}
    raise ProcessError(f"Unknown amendment decision '{decision}'", decision=decision)
