"""What the annual-plan diagram says in numbers: the campaign's calendar and the course-length
classes (002 §3, 004 §22). Read from the published diagram's process properties when a campaign
opens and copied into the campaign, so a later edit of the diagram changes the next campaign only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from workflows.errors import ProcessError
from workflows.planning.models import LengthClass

PROCESS_KEY = "annual_plan"
DATE_KEYS = ("opens_on", "individual_by", "departments_by", "institutes_by", "approval_by")
# Forms that are courses in the sense of the length classes; a seminar is the master-class form.
COURSE_FORMS = frozenset({"course", "internship", "online_course"})
MASTER_CLASS_FORMS = frozenset({"seminar"})


@dataclass(frozen=True)
class CampaignDates:
    opens_on: date
    individual_by: date
    departments_by: date
    institutes_by: date
    approval_by: date

    def as_data(self) -> dict[str, str]:
        return {key: getattr(self, key).isoformat() for key in DATE_KEYS}


def campaign_dates(policy: dict[str, Any], year: int) -> CampaignDates:
    """The campaign's dates for the plan of `year`: the diagram's month-days in the autumn before."""
    found: dict[str, date] = {}
    for key in DATE_KEYS:
        raw = str(policy.get(key) or "")
        try:
            month, day = (int(part) for part in raw.split("-"))
            found[key] = date(year - 1, month, day)
        except ValueError as exc:
            raise ProcessError(
                f"The annual plan diagram's property '{key}' must be a month-day such as 11-01, not '{raw}'",
                property=key,
            ) from exc
    return CampaignDates(**found)


class LengthVerdict(NamedTuple):
    length_class: LengthClass
    flag: str | None  # why the line is flagged for a second look, None when it fits


def length_class(hours: int, training_form: str, policy: dict[str, Any]) -> LengthVerdict:
    """The class `hours` fall in by the policy, flagged when the form does not fit it: a course
    shorter than the short-course minimum is no course, a master class as long as one is no master class."""
    short_min = int(policy.get("short_min_hours", 0) or 0)
    short_max = int(policy.get("short_max_hours", 0) or 0)
    if hours < short_min:
        verdict = LengthClass.MASTER_CLASS
    elif hours <= short_max:
        verdict = LengthClass.SHORT
    else:
        verdict = LengthClass.LONG
    flag = None
    if training_form in COURSE_FORMS and verdict is LengthClass.MASTER_CLASS:
        flag = "course_too_short"
    elif training_form in MASTER_CLASS_FORMS and verdict is not LengthClass.MASTER_CLASS:
        flag = "master_class_too_long"
    return LengthVerdict(verdict, flag)
