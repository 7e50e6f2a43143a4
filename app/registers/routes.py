"""The registers' pages and their exports (the same address with `format=xlsx` or `format=csv`)."""

from __future__ import annotations

from math import ceil
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from app.errors import refusals_go_to
from app.i18n import locale_code
from app.registers import bp, certificates  # noqa: F401  # its routes attach themselves to bp
from app.registers.certificates import CERTIFICATE_FILTER_ARGS
from app.registers.columns import (
    CASE_FILTER_ARGS,
    STATUSES,
    CaseTexts,
    case_cells,
    case_filter,
    case_headers,
    kept_filters,
    shown,
)
from app.registers.files import FORMATS, export
from app.registers.journal import JOURNAL_FILTER_ARGS
from app.registers.orders import ORDER_FILTER_ARGS
from app.routing import database_id
from app.schema_form import properties
from app.security import safe_next
from app.state import clock, db
from workflows.calendar import local_date
from workflows.definitions.catalog import ProcessInfo, latest_process, published_processes
from workflows.reports.registers import case_register, case_register_rows
from workflows.reports.reminders import remind_overdue
from workflows.reports.retention import retention_for
from workflows.reports.saved import delete_filter as forget_filter
from workflows.reports.saved import save_filter as save_filters
from workflows.reports.saved import saved_filters

# Which columns sort the register, by their place in CASE_COLUMNS.
SORTABLE = {0: "number", 1: "employee", 3: "course", 6: "start", 10: "cost", 14: "due", 15: "status"}


def _application_fields(process: ProcessInfo) -> dict[str, dict[str, Any]]:
    return properties(process.schema(process.start.form_key))


def _texts(processes: dict[str, ProcessInfo], enums: dict[str, dict[str, Any]]) -> CaseTexts:
    locale = locale_code()

    def step_name(process_key: str, element_id: str | None, fallback: str | None) -> str:
        process = processes.get(process_key)
        step = process.steps.get(element_id or "") if process else None
        return step.name(locale) if step else (fallback or "")

    return CaseTexts(locale, enums, step_name)


@bp.get("/registers/cases")
@login_required
def cases() -> Response | str:
    session = db()
    config = current_app.config
    processes = {p.process_key: p for p in published_processes(session)}
    # latest_process only to refuse, as it does, when the register's process is not published
    process = processes.get(config["PROCESS_KEY"]) or latest_process(session, config["PROCESS_KEY"])
    enums = _application_fields(process)
    flt = case_filter(request.args, config["PER_PAGE"], enums, config["REGISTER_COUNT_STEP"])
    texts = _texts(processes, enums)
    fmt = request.args.get("format")
    if fmt in FORMATS:
        rows = (case_cells(r, texts) for r in case_register_rows(session, current_user.id, clock(), flt))
        stem = f"cases-{local_date(clock().now()).isoformat()}"
        return export(fmt, _("Cases"), stem, case_headers(), rows)
    page = case_register(session, current_user.id, clock(), flt)
    locale = locale_code()
    steps = {s.element_id: s.name(locale) for p in processes.values() for s in p.steps.values()}
    filters = kept_filters(request.args, CASE_FILTER_ARGS)
    return render_template(
        "registers/cases.html",
        page=page,
        pages=max(ceil(page.total / page.per_page), 1),
        filters=filters,
        headers=case_headers(),
        rows=[(r, [shown(v) for v in case_cells(r, texts)]) for r in page.rows],
        units=[(u.id, u.parent_id, u.names) for u in page.units],
        statuses=STATUSES,
        steps=sorted(steps.items(), key=lambda item: item[1]),
        fundings=[
            (v, texts.enum("funding_source", v)) for v in enums.get("funding_source", {}).get("enum", [])
        ],
        forms=[(v, texts.enum("training_form", v)) for v in enums.get("training_form", {}).get("enum", [])],
        flt=flt,
        sortable=SORTABLE,
        saved=saved_filters(session, current_user.id, "cases"),
        any_overdue=any(r.overdue for r in page.rows),
        kept=retention_for(session, "cases"),
    )


REGISTER_PAGES = {
    "cases": "registers.cases",
    "orders": "registers.orders",
    "journal": "registers.journal_page",
    "certificates": "registers.certificates",
}
FILTER_ARGS = {
    "cases": CASE_FILTER_ARGS,
    "orders": ORDER_FILTER_ARGS,
    "journal": JOURNAL_FILTER_ARGS,
    "certificates": CERTIFICATE_FILTER_ARGS,
}


@bp.post("/registers/filters")
@login_required
def save_filter() -> BaseResponse:
    register = request.form.get("register") or ""
    endpoint = REGISTER_PAGES.get(register, "registers.cases")
    params = kept_filters(request.form, FILTER_ARGS.get(register, ()))
    back = url_for(endpoint) + ("?" + urlencode(params) if params else "")
    refusals_go_to(back)
    saved = save_filters(db(), current_user.id, register, request.form.get("name") or "", params, clock())
    flash(_("The filters are saved as “%(name)s”.", name=saved.name), "success")
    return redirect(back, 303)


@bp.post("/registers/filters/<id:filter_id>/delete")
@login_required
def delete_filter(filter_id: int) -> BaseResponse:
    refusals_go_to(url_for("registers.cases"))
    register = forget_filter(db(), current_user.id, filter_id)
    flash(_("The saved filters are deleted."), "success")
    return redirect(url_for(REGISTER_PAGES.get(register, "registers.cases")), 303)


@bp.post("/registers/cases/remind")
@login_required
def remind() -> BaseResponse:
    back = safe_next(request.form.get("next"), url_for("registers.cases"))
    refusals_go_to(back)
    ids = [i for i in (database_id(v) for v in request.form.getlist("case")) if i is not None]
    done = remind_overdue(db(), current_user.id, ids, clock())
    flash(
        _(
            "Reminded: %(notices)s notices about %(steps)s overdue steps "
            "(%(already)s people had been reminded today).",
            notices=done.notices,
            steps=done.steps,
            already=done.already,
        ),
        "success",
    )
    return redirect(back, 303)
