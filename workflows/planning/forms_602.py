"""The printed forms of QP 602 (000's table of forms): the department's schedule 602-01 and the
consolidated schedule 602-05 with the budget by funding source, as rows in the reader's language
and as XLSX (the PDF is drawn from the same rows by the web app)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.forms.schema import load_forms
from workflows.language import pick, translations
from workflows.planning.models import PlanLine, ScheduleLevel
from workflows.planning.pages import LineRow, schedule_view
from workflows.spreadsheets import xlsx
from workflows.wording import N_

HEAD_01 = (
    N_("No."),
    N_("Full name"),
    N_("Position"),
    N_("Topic (course)"),
    N_("Form"),
    N_("Dates"),
    N_("Hours"),
    N_("Place"),
    N_("Funding"),
)
HEAD_05 = (*HEAD_01[:1], N_("Unit"), *HEAD_01[1:], N_("Estimated cost"))
QUARTER = N_("Quarter %(quarter)s")
TITLE_01 = N_("Form 602-01. Qualification-improvement schedule of %(unit)s for %(year)s")
TITLE_05 = N_("Form 602-05. Consolidated qualification-improvement schedule for %(year)s")
TOTAL = N_("Total by funding source")
TOTAL_ALL = N_("Total")


@dataclass(frozen=True)
class PrintedForm:
    code: str  # 602-01 or 602-05
    title: str
    header: list[str]
    rows: list[list[str | int]]
    totals: list[tuple[str, str]]  # (funding source's name, amount), then the grand total
    approved_note: str


def _choice(field: str, value: str, locale: str) -> str:
    prop = load_forms()["application"]["properties"][field]
    titles = prop.get("x-enum-titles", {}).get(value)
    return pick(titles, locale) if titles else value


def dates_text(line: PlanLine, year: int, locale: str) -> str:
    """The line's dates, else its month (MM.YYYY), else its quarter, as the form prints them."""
    if line.start_date is not None:
        end = line.end_date or line.start_date
        if end == line.start_date:
            return line.start_date.isoformat()
        return f"{line.start_date.isoformat()} – {end.isoformat()}"
    if line.month is not None:
        return f"{line.month:02d}.{year}"
    return translations(locale).gettext(QUARTER) % {"quarter": line.quarter or ""}


def _money(amount: Decimal | str) -> str:
    return f"{Decimal(amount):.2f}"


def _row(number: int, row: LineRow, locale: str, consolidated: bool, year: int) -> list[str | int]:
    line = row.line
    dates = dates_text(line, year, locale)
    cells: list[str | int] = [
        number,
        row.name,
        row.position,
        line.topic,
        _choice("training_form", line.training_form, locale),
        dates,
        line.hours,
        line.place or "",
        _choice("funding_source", line.funding_source, locale),
    ]
    if consolidated:
        cells.insert(1, pick(row.unit_names, locale))
        cells.append(_money(line.estimated_cost))
    return cells


def printed_form(session: Session, schedule_id: int, actor_id: int, clock: Clock, locale: str) -> PrintedForm:
    """602-01 for a department's schedule, 602-05 for the consolidated (or an institute's) one."""
    view = schedule_view(session, schedule_id, actor_id, clock)
    say = translations(locale).gettext
    consolidated = view.schedule.level is not ScheduleLevel.DEPARTMENT
    year = view.campaign.year
    rows = [_row(i, row, locale, consolidated, year) for i, row in enumerate(view.lines, start=1)]
    totals = [
        (_choice("funding_source", source, locale), _money(amount)) for source, amount in view.totals.items()
    ]
    if consolidated:
        grand = sum((Decimal(a) for a in view.totals.values()), Decimal(0))
        totals.append((say(TOTAL_ALL), _money(grand)))
        title = say(TITLE_05) % {"year": year}
    else:
        title = say(TITLE_01) % {"unit": pick(view.names, locale), "year": year}
    note = ""
    if view.meeting is not None:
        note = say(N_("Discussed at the department meeting, minutes No. %(number)s of %(date)s")) % {
            "number": view.meeting.minutes_number,
            "date": view.meeting.meeting_date.isoformat(),
        }
    return PrintedForm(
        "602-05" if consolidated else "602-01",
        title,
        [say(h) for h in (HEAD_05 if consolidated else HEAD_01)],
        rows,
        totals if consolidated else [],
        note,
    )


def form_xlsx(form: PrintedForm, locale: str) -> bytes:
    """The form as one sheet: its title, the table, then the budget totals below a blank row."""
    say = translations(locale).gettext
    rows: list[list[str | int]] = list(form.rows)
    if form.totals:
        rows.append([])
        rows.append([say(TOTAL)])
        rows.extend([[source, amount] for source, amount in form.totals])
    if form.approved_note:
        rows.extend([[], [form.approved_note]])
    return xlsx(form.code, form.header, rows, preamble=[form.title])
