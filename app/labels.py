"""Names people read for the codes the services use: roles, statuses, events, notices."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import format_day
from app.wording import say
from workflows.wording import NOTICES

ROLES = {
    "employee": _l("Employee"),
    "department_head": _l("Head of department"),
    "institute_director": _l("Institute director"),
    "hr": _l("HR service"),
    "competence_centre": _l("Competence centre"),
    "rector": _l("Rector"),
    "apparatus_head": _l("Head of the management apparatus"),
    "finance": _l("Finance department"),
    "legal": _l("Legal office"),
    "international_office": _l("International cooperation office"),
    "process_owner": _l("Process owner"),
    "admin": _l("Administrator"),
}

STATUSES = {
    "running": _l("In progress"),
    "completed": _l("Completed"),
    "rejected": _l("Rejected"),
    "error": _l("Held up by an error"),
    "withdrawn": _l("Withdrawn"),
    "cancelled": _l("Cancelled"),
}

INCIDENT_KINDS = {
    "start": _l("applying"),
    "step": _l("a submitted step"),
    "timer": _l("a date that came"),
}

DECISIONS = {
    "approve": _l("Approved"),
    "return": _l("Returned for changes"),
    "reject": _l("Rejected"),
}

DUE_STATES = {
    "overdue": _l("Overdue"),
    "today": _l("Due today"),
    "upcoming": _l("Upcoming"),
    "none": _l("No due date"),
}


def role_label(role: str | None) -> str:
    return str(ROLES.get(role or "", role or ""))


def status_label(status: str) -> str:
    return str(STATUSES.get(status, status))


def incident_kind_label(kind: str) -> str:
    return str(INCIDENT_KINDS.get(kind, kind))


def decision_label(decision: str | None) -> str:
    return str(DECISIONS.get(decision or "", decision or ""))


def event_label(kind: str, data: dict[str, Any], step_name: str | None) -> str:
    task = step_name or str(data.get("task") or "")
    if kind == "case_started":
        return _("Application submitted")
    if kind == "task_completed":
        return _("Step completed: %(task)s", task=task)
    if kind == "task_claimed":
        return _("Took the task: %(task)s", task=task)
    if kind == "task_released":
        return _("Released the task: %(task)s", task=task)
    if kind == "task_reassigned" and data.get("to_name"):
        return _("Handed the task “%(task)s” to %(name)s", task=task, name=data["to_name"])
    if kind == "task_reassigned":
        return _("The task “%(task)s” went back to its seat", task=task)
    if kind == "timer_fired" and data.get("timer"):
        return _("A set date came: %(timer)s", timer=data["timer"])
    if kind == "timer_fired":
        return _("A set date came")
    if kind == "notice_sent":
        notice = say(NOTICES.get(str(data.get("notice")), str(data.get("notice"))), {"task": ""})
        return _("%(notice)s — told %(count)s", notice=notice.rstrip(": "), count=data.get("recipients", 0))
    if kind == "order_issued" and data.get("late"):
        return _(
            "Order %(number)s issued after the training had started (%(start)s)",
            number=data.get("number", ""),
            start=format_day(data.get("course_start")),
        )
    if kind == "order_issued":
        return _("Order %(number)s issued", number=data.get("number", ""))
    if kind == "nonconformity":
        return _("Recorded in the nonconformity journal")
    if kind == "case_completed":
        return _("Case completed")
    if kind == "case_rejected":
        return _("Application rejected")
    if kind == "case_withdrawn":
        return _("Application withdrawn by the applicant")
    if kind == "order_cancelled":
        return _("Order %(number)s cancelled", number=data.get("number", ""))
    if kind == "case_cancelled":
        return _("Case ended: the order was cancelled")
    return kind
