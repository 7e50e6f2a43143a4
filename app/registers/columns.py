"""What a register's filters read from the address, and the columns its pages and exports show."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from app.i18n import format_day
from app.labels import role_label, status_label
from app.routing import database_id, page_number
from app.schema_form import enum_title
from workflows.language import pick
from workflows.reports.registers import SORTS, CaseFilter, CaseRow

# The query-string names of the cases register's filters, in the order a saved filter keeps them.
CASE_FILTER_ARGS = (
    "q",
    "unit",
    "status",
    "step",
    "from",
    "to",
    "funding",
    "form",
    "plan",
    "overdue",
    "sort",
    "dir",
)
STATUSES = ("running", "completed", "rejected", "error", "withdrawn", "cancelled")


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _choice(raw: str | None, allowed: Any) -> str | None:
    return raw if raw and raw in allowed else None


def case_filter(
    args: MultiDict[str, str], per_page: int, enums: Mapping[str, dict[str, Any]], count_step: int
) -> CaseFilter:
    """The filter an address asks for; a value that cannot be one is left out, never an error."""
    plan = args.get("plan")
    return CaseFilter(
        unit_id=database_id(args.get("unit") or None),
        status=_choice(args.get("status"), STATUSES),
        step=(args.get("step") or "").strip()[:200] or None,
        start_from=_day(args.get("from")),
        start_to=_day(args.get("to")),
        funding=_choice(args.get("funding"), enums.get("funding_source", {}).get("enum", ())),
        form=_choice(args.get("form"), enums.get("training_form", {}).get("enum", ())),
        in_plan={"yes": True, "no": False}.get(plan or ""),
        overdue=args.get("overdue") == "1",
        search=(args.get("q") or "").strip()[:100] or None,
        sort=_choice(args.get("sort"), SORTS) or "started",
        descending=args.get("dir") != "asc",
        page=page_number(args.get("page"), per_page),
        per_page=per_page,
        count_step=count_step,
    )


def kept_filters(args: MultiDict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """The filters of the address that are set, for links (pages, exports, sorting, saving)."""
    return {name: args[name] for name in names if args.get(name)}


@dataclass(frozen=True)
class CaseTexts:
    """What turns a row's codes into words in the reader's language."""

    locale: str
    enums: Mapping[str, dict[str, Any]]
    step_name: Callable[[str, str | None, str | None], str]

    def enum(self, name: str, value: Any) -> str:
        return enum_title(self.enums.get(name, {}), value, self.locale) if value else ""

    def holder(self, row: CaseRow) -> str:
        if row.assignee_name:
            return row.assignee_name
        if row.holders:
            return ", ".join(row.holders)
        return role_label(row.step_role) if row.step_role else ""


def _plan(row: CaseRow) -> str:
    return "" if row.in_plan is None else (_("In the plan") if row.in_plan else _("Out of plan"))


CASE_COLUMNS: list[tuple[Any, Callable[[CaseRow, CaseTexts], Any]]] = [
    (_l("Case number"), lambda r, t: r.business_key),
    (
        _l("Employee"),
        lambda r, t: r.subject_name_ru if t.locale == "ru" and r.subject_name_ru else r.subject_name,
    ),
    (_l("Unit"), lambda r, t: pick(r.unit_names, t.locale)),
    (_l("Course"), lambda r, t: r.course or ""),
    (_l("Provider"), lambda r, t: r.provider or ""),
    (_l("Form"), lambda r, t: t.enum("training_form", r.form)),
    (_l("Starts"), lambda r, t: _day(r.start_date)),
    (_l("Ends"), lambda r, t: _day(r.end_date)),
    (_l("Hours"), lambda r, t: r.hours),
    (_l("Funding"), lambda r, t: t.enum("funding_source", r.funding)),
    (_l("Cost"), lambda r, t: r.cost),
    (_l("Plan"), lambda r, t: _plan(r)),
    (
        _l("Current step"),
        lambda r, t: t.step_name(r.process_key, r.step_element, r.step_name) if r.step_element else "",
    ),
    (_l("Held by"), lambda r, t: t.holder(r)),
    (_l("Due"), lambda r, t: r.due_date),
    (_l("Status"), lambda r, t: status_label(r.status)),
    (_l("Days on the step"), lambda r, t: r.held_days),
]


def case_headers() -> list[str]:
    return [str(title) for title, _value in CASE_COLUMNS]


def case_cells(row: CaseRow, texts: CaseTexts) -> list[Any]:
    return [value(row, texts) for _title, value in CASE_COLUMNS]


def shown(value: Any) -> str:
    """A cell on the page: dates as people write them."""
    if isinstance(value, date):
        return format_day(value)
    return "" if value is None else str(value)
