"""What each step of the journal's diagram writes into its entry (the `journal` operator).

The diagram's service tasks call `record_stage` after each user task: the entry's row then shows
what its process holds (the cause, the meeting's analysis, the action, the re-check), and the
reminders and the escalation of an action whose date passes are sent from here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.cases.models import ProcessInstance
from workflows.clock import Clock
from workflows.errors import ProcessError
from workflows.messaging.models import NoticeKind
from workflows.messaging.notices import Notice
from workflows.nonconformity.kinds import Stage
from workflows.org.roles import Role
from workflows.org.seats import seat_holders
from workflows.records.models import Nonconformity

TEXT_MAX = 4000


def _text(data: dict[str, Any], name: str) -> str | None:
    value = str(data.get(name) or "").strip()
    return value[:TEXT_MAX] or None


def _day(data: dict[str, Any], name: str) -> date | None:
    try:
        return date.fromisoformat(str(data.get(name))[:10])
    except ValueError:
        return None


def _owner(entry: Nonconformity, data: dict[str, Any]) -> int | None:
    """The action's owner the head chose: the person the entry is about, or the head themselves."""
    if data.get("action_owner") == "employee" and entry.person_id is not None:
        return entry.person_id
    return entry.responsible_id or entry.person_id


def _hr(session: Session, instance: ProcessInstance, today: date) -> list[int]:
    return seat_holders(session, Role.HR, instance.subject_unit_id, None, today)[2]


def record_stage(
    session: Session,
    instance: ProcessInstance,
    stage: str,
    data: dict[str, Any],
    clock: Clock,
    actor_id: int | None,
) -> tuple[dict[str, Any], list[Notice]]:
    """Write `stage` of the case's entry from the case's data; returns what the diagram keeps
    (the action's owner) and the notices to send with the step."""
    entry = session.get(Nonconformity, data.get("entry_id"))
    if entry is None or entry.flow_id != instance.id:
        raise ProcessError("The journal entry of this case is missing", entry_id=data.get("entry_id"))
    now, today = clock.now(), local_date(clock.now())
    notices: list[Notice] = []
    kept: dict[str, Any] = {"stage": stage}
    if stage == "cause":
        entry.cause, entry.stage = _text(data, "cause"), Stage.CAUSE
    elif stage == "analysis":
        entry.analysis, entry.minutes_ref = _text(data, "analysis"), _text(data, "minutes_ref")
        entry.analysed_on, entry.stage = _day(data, "analysed_on"), Stage.ANALYSED
    elif stage == "action":
        entry.corrective_action = _text(data, "corrective_action")
        entry.action_due, entry.action_owner_id = _day(data, "action_due"), _owner(entry, data)
        entry.action_done_on = entry.action_done_note = entry.escalated_at = None
        entry.stage = Stage.ACTION
        kept["owner_id"] = entry.action_owner_id
    elif stage == "remind":
        task = str(data.get("task_name") or entry.corrective_action or "")[:200]
        people = [entry.action_owner_id] if entry.action_owner_id else []
        notices.append(Notice(people, NoticeKind.ACTION_DUE, None, {"task": task, "entry": entry.id}))
    elif stage == "overdue":
        entry.escalated_at, entry.stage = now, Stage.OVERDUE
        task = str(entry.corrective_action or "")[:200]
        people = [p for p in [entry.action_owner_id, entry.responsible_id] if p]
        people += _hr(session, instance, today)
        notices.append(Notice(people, NoticeKind.OVERDUE_STEP, None, {"task": task, "entry": entry.id}))
    elif stage == "done":
        entry.action_done_on, entry.action_done_note = today, _text(data, "action_done_note")
        entry.stage = Stage.DONE
    elif stage == "recheck":
        entry.recheck_note, entry.rechecked_on = _text(data, "recheck_note"), today
        if data.get("decision") == "close":
            entry.closed_at, entry.closed_by_id, entry.stage = now, actor_id, Stage.CLOSED
        else:
            entry.closed_at, entry.closed_by_id, entry.stage = None, None, Stage.REOPENED
    else:
        raise ProcessError(f"Unknown journal stage '{stage}'", stage=stage)
    return kept, notices
