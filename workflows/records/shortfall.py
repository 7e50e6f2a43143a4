"""What a standing says in words: one plain sentence per requirement, in the reader's language
(the catalogues the web app and the emails read)."""

from __future__ import annotations

from workflows.language import translations, written_date
from workflows.records.standing import RequirementStanding, Standing, Status
from workflows.wording import N_, fill

KIND = {
    "management": N_("management training"),
    "any": N_("training"),
    "hours": N_("training matching the disciplines"),
}
HOURS_MET = N_("%(counted)s of %(required)s hours; next due by %(due)s")
HOURS_DUE = N_("%(counted)s of %(required)s hours; due by %(due)s")
HOURS_OVERDUE = N_("%(counted)s of %(required)s hours; overdue since %(due)s")
HOURS_NOW = N_("%(counted)s of %(required)s hours; due now")
ONE_MET = N_("%(kind)s on %(last)s; next due by %(due)s")
ONE_DUE = N_("%(kind)s: none yet; due by %(due)s")
ONE_SINCE = N_("%(kind)s: none since %(year)s")
ONE_NEVER = N_("%(kind)s: none on file")
NO_REQUIREMENT = N_("No periodicity requirement applies.")
NO_DATA = N_("No training on file and no employment date: the standing cannot be told.")
STATUSES = {
    Status.MET: N_("Met"),
    Status.DUE_THIS_YEAR: N_("Due this year"),
    Status.DUE_NEXT_YEAR: N_("Due next year"),
    Status.OVERDUE: N_("Overdue"),
    Status.NO_DATA: N_("No data"),
}


def requirement_sentence(part: RequirementStanding, locale: str) -> str:
    say = translations(locale).gettext
    due = written_date(part.due_on, locale) if part.due_on else ""
    if part.hours_required:
        params = {"counted": part.hours_counted, "required": part.hours_required, "due": due}
        if part.met:
            template = HOURS_MET
        elif part.due_on is None:
            template = HOURS_NOW
        else:
            template = HOURS_OVERDUE if part.status is Status.OVERDUE else HOURS_DUE
        return fill(say(template), params)
    kind = say(KIND.get(part.code, KIND["any"]))
    if part.met and part.last_on:
        template, params = ONE_MET, {"last": written_date(part.last_on, locale), "due": due}
    elif part.last_on:
        template, params = ONE_SINCE, {"year": part.last_on.year}
    elif part.due_on and part.status is not Status.OVERDUE:
        template, params = ONE_DUE, {"due": due}
    else:
        template, params = ONE_NEVER, {}
    text = fill(say(template), {"kind": kind, **params})
    return text[:1].upper() + text[1:]


def sentence(standing: Standing, locale: str) -> str:
    """The whole standing in one line: each requirement's sentence."""
    if standing.status is Status.NO_DATA and not standing.has_records and standing.requirements:
        return translations(locale).gettext(NO_DATA)
    if not standing.requirements:
        return translations(locale).gettext(NO_REQUIREMENT)
    return ". ".join(requirement_sentence(p, locale) for p in standing.requirements)


def status_label(status: str, locale: str) -> str:
    return (
        translations(locale).gettext(STATUSES.get(Status(status), status)) if status in STATUSES else status
    )
