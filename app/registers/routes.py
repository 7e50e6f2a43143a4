"""The registers' pages and their exports (the same address with `format=xlsx` or `format=csv`)."""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.i18n import locale_code
from app.registers import bp
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
from app.schema_form import properties
from app.state import clock, db
from workflows.calendar import local_date
from workflows.definitions.catalog import ProcessInfo, latest_process, published_processes
from workflows.reports.exports import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx
from workflows.reports.registers import case_register, case_register_rows

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


def download(content: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@bp.get("/registers/cases")
@login_required
def cases() -> Response | str:
    session = db()
    process = latest_process(session, current_app.config["PROCESS_KEY"])
    enums = _application_fields(process)
    flt = case_filter(request.args, current_app.config["PER_PAGE"], enums)
    processes = {p.process_key: p for p in published_processes(session)}
    texts = _texts(processes, enums)
    export = request.args.get("format")
    if export in ("xlsx", "csv"):
        rows = (case_cells(r, texts) for r in case_register_rows(session, current_user.id, clock(), flt))
        stem = f"cases-{local_date(clock().now()).isoformat()}"
        if export == "xlsx":
            return download(xlsx(_("Cases"), case_headers(), rows), XLSX_TYPE, f"{stem}.xlsx")
        return download(csv_bytes(case_headers(), rows), CSV_TYPE, f"{stem}.csv")
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
    )
