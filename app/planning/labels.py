"""Names people read for the plan's states and flags."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.planning import bp

PLAN_STATES = {
    "open": _l("Schedules being drawn up"),
    "consolidation": _l("Consolidation by HR"),
    "finance": _l("Budget with finance"),
    "approval": _l("Awaiting approval"),
    "approved": _l("Approved"),
    "cancelled": _l("Cancelled"),
    "draft": _l("Being drawn up"),
    "submitted": _l("Handed in"),
    "returned": _l("Returned for changes"),
    "signed": _l("Signed"),
    "consolidated": _l("Consolidated"),
    "withdrawn": _l("Left the campaign"),
    "wish": _l("Wish"),
    "planned": _l("Planned"),
    "removed": _l("Removed"),
}
HOURS_FLAGS = {
    "course_too_short": _l("Fewer hours than a short course: a master class or training?"),
    "master_class_too_long": _l("As long as a course: not a master class?"),
}


def plan_status(code: str) -> str:
    return str(PLAN_STATES.get(str(code), code))


def hours_flag_label(code: str) -> str:
    return str(HOURS_FLAGS.get(str(code), code))


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"plan_status": plan_status, "hours_flag_label": hours_flag_label}
