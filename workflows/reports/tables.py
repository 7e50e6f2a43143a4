"""A report as people read it, in one language: its tables and its charts' series. The page, the
XLSX and the PDF all draw from this, so they say the same; it needs no web request, so a long
export made by the worker reads as the page does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflows.language import pick, translations, written_date
from workflows.records.shortfall import STATUSES as STANDINGS
from workflows.records.standing import Status
from workflows.reports.figures import MARKS, UNRECORDED, Report, Share
from workflows.wording import N_

LEVEL_TITLES = {
    "individual": N_("Individual report"),
    "department": N_("Department report"),
    "institute": N_("Institute report"),
    "university": N_("University report"),
}
CASE_STATUSES = {
    "running": N_("In progress"),
    "completed": N_("Completed"),
    "rejected": N_("Rejected"),
    "error": N_("Held up by an error"),
    "withdrawn": N_("Withdrawn"),
    "cancelled": N_("Cancelled"),
}
TOTALS = (
    ("people", N_("People")),
    ("trained", N_("People trained")),
    ("trainings", N_("Trainings")),
    ("hours", N_("Hours")),
    ("spent", N_("Money spent")),
    ("due", N_("Due this year")),
    ("overdue", N_("Overdue")),
    ("reviews", N_("Meeting reviews")),
    ("recommended", N_("Recommended at attestation")),
    ("verified", N_("Certificates verified")),
    ("opened", N_("Nonconformities opened")),
    ("closed", N_("Nonconformities closed")),
)
UNIT_FIGURES: tuple[tuple[str, str], ...] = (
    ("people", N_("People")),
    ("trained", N_("Trained")),
    ("due", N_("Due this year")),
    ("overdue", N_("Overdue")),
    ("hours", N_("Hours")),
    ("spent", N_("Money spent")),
)


@dataclass(frozen=True)
class Choices:
    """How coded choices read: {field: {value: {locale: title}}} from the forms (training_form,
    form, funding_source, effectiveness)."""

    titles: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def title(self, name: str, value: str | None, locale: str) -> str:
        return pick(self.titles.get(name, {}).get(str(value)), locale, str(value or "—"))


def choices_from(schemas: dict[str, dict[str, Any]]) -> Choices:
    """The x-enum-titles of every field of the given forms' schemas, by field name."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for schema in schemas.values():
        for name, prop in (schema.get("properties") or {}).items():
            titles = prop.get("x-enum-titles") if isinstance(prop, dict) else None
            if isinstance(titles, dict):
                found.setdefault(name, {}).update(titles)
    return Choices(found)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class Chart:
    key: str
    kind: str  # bar | line | doughnut
    title: str
    labels: list[str]
    datasets: list[tuple[str, list[float]]]


@dataclass(frozen=True)
class ReportDocument:
    title: str
    university: str
    subject: str
    period: str
    made_on: str
    locale: str
    tables: list[Table]
    charts: list[Chart]
    note: str  # what the report cannot say yet (plan vs done)
    sections: tuple[tuple[str, str], ...] = ()  # narrative sections (title, text): the annual report's

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    @property
    def rows(self) -> int:
        return sum(len(t.rows) for t in self.tables)


def _money(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def _shares(key: str, title: str, head: str, shares: dict[str, Share], name: Any, say: Any) -> Table:
    rows = [[name(k), s.trainings, s.hours, _money(s.spent)] for k, s in shares.items()]
    return Table(key, say(title), [say(head), say("Trainings"), say("Hours"), say("Money spent")], rows)


@dataclass(frozen=True)
class _Namer:
    choices: Choices
    locale: str
    unrecorded: str

    def funding(self, value: str) -> str:
        return (
            self.unrecorded
            if value == UNRECORDED
            else self.choices.title("funding_source", value, self.locale)
        )

    def form(self, value: str) -> str:
        return self.unrecorded if value == UNRECORDED else self.choices.title("form", value, self.locale)


def report_document(
    report: Report, locale: str, choices: Choices, university: dict[str, str], made_on: date
) -> ReportDocument:
    say = translations(locale).gettext
    names = _Namer(choices, locale, say("Not recorded"))
    funding_name, form_name = names.funding, names.form
    t = report.totals
    tables = [
        Table(
            "totals",
            say("Figures"),
            [say("Figure"), say("Value")],
            [
                [say(label), _money(getattr(t, key)) if key == "spent" else getattr(t, key)]
                for key, label in TOTALS
            ],
        )
    ]
    if report.units:
        tables.append(
            Table(
                "units",
                say("By unit"),
                [say("Unit")] + [say(label) for _, label in UNIT_FIGURES],
                [
                    [pick(line.names, locale)]
                    + [
                        _money(getattr(line.totals, k)) if k == "spent" else getattr(line.totals, k)
                        for k, _ in UNIT_FIGURES
                    ]
                    for line in report.units
                ],
            )
        )
    if report.people:
        tables.append(
            Table(
                "people",
                say("By employee"),
                [say("Employee"), say("Standing"), say("Trainings"), say("Hours")],
                [
                    [p.name, say(STANDINGS.get(Status(p.status), p.status)), p.trainings, p.hours]
                    for p in report.people
                ],
            )
        )
    tables.append(_shares("forms", N_("By form of training"), N_("Form"), report.by_form, form_name, say))
    tables.append(
        _shares(
            "funding", N_("By funding source"), N_("Funding source"), report.by_funding, funding_name, say
        )
    )
    marks = [[choices.title("effectiveness", m, locale), report.effectiveness.get(m, 0)] for m in MARKS]
    tables.append(
        Table("effectiveness", say("Effectiveness marks"), [say("Effectiveness"), say("Reviews")], marks)
    )
    months = [[month.strftime("%Y-%m"), hours] for month, hours in report.hours_by_month]
    tables.append(Table("months", say("Hours per month"), [say("Month"), say("Hours")], months))
    if report.subject.person_id:
        tables.append(
            Table(
                "trainings",
                say("Training done"),
                [
                    say("Course"),
                    say("Provider"),
                    say("Form"),
                    say("Start"),
                    say("End"),
                    say("Hours"),
                    say("Funding source"),
                    say("Cost"),
                ],
                [
                    [
                        line.course,
                        line.provider or "",
                        form_name(line.form or UNRECORDED),
                        line.start_date,
                        line.end_date,
                        line.hours,
                        funding_name(line.funding),
                        _money(line.cost),
                    ]
                    for line in report.trainings
                ],
            )
        )
        tables.append(
            Table(
                "cases",
                say("Training planned (applications)"),
                [say("Case"), say("Course"), say("Start"), say("Hours"), say("In the plan"), say("Status")],
                [
                    [
                        c.business_key,
                        c.course or "",
                        c.start_date or "",
                        c.hours,
                        say("Yes") if c.in_plan else say("No"),
                        say(CASE_STATUSES.get(c.status, c.status)),
                    ]
                    for c in report.cases
                ],
            )
        )
    if report.plan is not None:
        plan = report.plan
        tables.append(
            Table(
                "plan",
                say("Plan against done"),
                [say("Figure"), say("Value")],
                [
                    [say("Plan lines due in the period"), plan.lines],
                    [say("Applied for"), plan.applied],
                    [say("Order issued"), plan.ordered],
                    [say("Certificate verified"), plan.verified],
                    [say("Slipped"), plan.slipped],
                    [say("Hours planned"), plan.hours_planned],
                    [say("Hours done"), plan.hours_done],
                    [say("Money planned"), plan.cost_planned],
                    [say("Money spent"), plan.spent],
                ],
            )
        )
    charts = _charts(report, locale, say, funding_name, choices)
    return ReportDocument(
        title=say(LEVEL_TITLES[report.subject.level]),
        university=pick(university, locale),
        subject=pick(report.subject.names, locale),
        period=report.period.label,
        made_on=written_date(made_on, locale),
        locale=locale,
        tables=tables,
        charts=charts,
        note=""
        if report.plan
        else say("No approved annual plan covers this period, so there is no plan to compare with."),
    )


def _charts(report: Report, locale: str, say: Any, funding_name: Any, choices: Choices) -> list[Chart]:
    charts = []
    if report.units:
        charts.append(
            Chart(
                "units",
                "bar",
                say("Trained and due per unit"),
                [pick(line.names, locale) for line in report.units],
                [
                    (say("Trained"), [float(line.totals.trained) for line in report.units]),
                    (say("Due this year"), [float(line.totals.due) for line in report.units]),
                    (say("Overdue"), [float(line.totals.overdue) for line in report.units]),
                ],
            )
        )
    charts.append(
        Chart(
            "months",
            "line",
            say("Hours over time"),
            [month.strftime("%Y-%m") for month, _ in report.hours_by_month],
            [(say("Hours"), [float(h) for _, h in report.hours_by_month])],
        )
    )
    charts.append(
        Chart(
            "funding",
            "bar",
            say("Money spent by funding source"),
            [funding_name(k) for k in report.by_funding],
            [(say("Money spent"), [float(s.spent) for s in report.by_funding.values()])],
        )
    )
    charts.append(
        Chart(
            "effectiveness",
            "bar",
            say("Effectiveness marks"),
            [choices.title("effectiveness", m, locale) for m in MARKS],
            [(say("Reviews"), [float(report.effectiveness.get(m, 0)) for m in MARKS])],
        )
    )
    return charts
