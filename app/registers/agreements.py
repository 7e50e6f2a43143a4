"""The agreements register (HR and legal) and its exports."""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.i18n import locale_code
from app.registers import bp
from app.registers.columns import kept_filters, shown
from app.registers.files import FORMATS, export
from app.routing import page_number
from app.state import clock, db
from workflows.agreements.register import (
    AgreementFilter,
    AgreementRow,
    agreement_register,
    agreement_register_rows,
)
from workflows.calendar import local_date

AGREEMENT_FILTER_ARGS = ("q", "status")
AGREEMENT_STATUSES = {"active": _l("Active"), "fulfilled": _l("Fulfilled"), "breached": _l("Breached")}
REFUND_OUTCOMES = {
    "refunded": _l("Refunded in full"),
    "partly_refunded": _l("Partly refunded"),
    "waived": _l("Waived"),
    "in_court": _l("Sent to court"),
}
AGREEMENT_COLUMNS = (
    _l("Agreement number"),
    _l("Agreement date"),
    _l("Employee"),
    _l("Course"),
    _l("Amount"),
    _l("Term (years)"),
    _l("Obligation ends"),
    _l("Status"),
    _l("Case number"),
    _l("Left on"),
    _l("Refund case"),
    _l("Amount due"),
    _l("Refund outcome"),
    _l("Amount paid"),
)


def agreement_filter(args: MultiDict[str, str], per_page: int) -> AgreementFilter:
    status = args.get("status")
    return AgreementFilter(
        status=status if status in AGREEMENT_STATUSES else None,
        search=(args.get("q") or "").strip()[:100] or None,
        page=page_number(args.get("page"), per_page),
        per_page=per_page,
    )


def agreement_cells(row: AgreementRow, locale: str) -> list[Any]:
    outcome = REFUND_OUTCOMES.get(row.refund_outcome or "")
    return [
        row.number,
        row.signed_on,
        row.employee_ru if locale == "ru" and row.employee_ru else row.employee,
        row.course or "",
        row.amount,
        row.term_years,
        row.obligation_ends_on,
        str(AGREEMENT_STATUSES[row.status]),
        row.business_key,
        row.left_on,
        row.refund_business_key or "",
        row.refund_due,
        str(outcome) if outcome else "",
        row.refund_paid,
    ]


@bp.get("/registers/agreements")
@login_required
def agreements() -> Response | str:
    session, locale = db(), locale_code()
    flt = agreement_filter(request.args, current_app.config["PER_PAGE"])
    fmt = request.args.get("format")
    headers = [str(h) for h in AGREEMENT_COLUMNS]
    if fmt in FORMATS:
        found = agreement_register_rows(session, current_user.id, clock(), flt)
        rows = (agreement_cells(r, locale) for r in found)
        stem = f"agreements-{local_date(clock().now()).isoformat()}"
        return export(fmt, _("Agreements"), stem, headers, rows)
    page = agreement_register(session, current_user.id, clock(), flt)
    return render_template(
        "registers/agreements.html",
        page=page,
        pages=max(ceil(page.total / page.per_page), 1),
        filters=kept_filters(request.args, AGREEMENT_FILTER_ARGS),
        headers=headers,
        rows=[(r, [shown(v) for v in agreement_cells(r, locale)]) for r in page.rows],
        statuses=AGREEMENT_STATUSES,
        flt=flt,
    )
