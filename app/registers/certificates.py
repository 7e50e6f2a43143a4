"""The certificates register and its exports (the same address with `format=xlsx` or `format=csv`)."""

from __future__ import annotations

from datetime import date
from math import ceil
from typing import Any

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.i18n import locale_code
from app.records.labels import record_choice
from app.registers import bp
from app.registers.columns import kept_filters, shown
from app.registers.files import FORMATS, export
from app.routing import database_id, page_number
from app.state import clock, db
from workflows.calendar import local_date
from workflows.language import pick
from workflows.reports.certificates import (
    CERTIFICATE_SORTS,
    VALIDITIES,
    CertificateFilter,
    CertificateRow,
    certificate_register,
    certificate_register_rows,
)
from workflows.reports.retention import retention_for
from workflows.reports.saved import saved_filters

CERTIFICATE_FILTER_ARGS = ("q", "unit", "validity", "from", "to", "sort", "dir")
VALIDITY_LABELS = {
    "valid": _l("Valid"),
    "expiring": _l("Expiring soon"),
    "expired": _l("Expired"),
    "open_ended": _l("No end date"),
}
CERTIFICATE_COLUMNS = (
    _l("Employee"),
    _l("Unit"),
    _l("Course"),
    _l("Provider"),
    _l("Document"),
    _l("Certificate number"),
    _l("Issued"),
    _l("Valid until"),
    _l("Hours"),
    _l("Verified by"),
    _l("Validity"),
)


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def certificate_filter(args: MultiDict[str, str], per_page: int) -> CertificateFilter:
    validity = args.get("validity")
    return CertificateFilter(
        unit_id=database_id(args.get("unit") or None),
        validity=validity if validity in VALIDITIES else None,
        issued_from=_day(args.get("from")),
        issued_to=_day(args.get("to")),
        search=(args.get("q") or "").strip()[:100] or None,
        sort=next((s for s in CERTIFICATE_SORTS if s == args.get("sort")), "valid_until"),
        descending=args.get("dir") == "desc",
        page=page_number(args.get("page"), per_page),
        per_page=per_page,
    )


def certificate_cells(row: CertificateRow, locale: str) -> list[Any]:
    return [
        row.employee_ru if locale == "ru" and row.employee_ru else row.employee,
        pick(row.unit_names, locale),
        row.course,
        row.provider or "",
        record_choice("certificate_type", row.certificate_type) if row.certificate_type else "",
        row.number or "",
        row.issued_on,
        row.valid_until,
        row.hours,
        row.verified_by or "",
        str(VALIDITY_LABELS.get(row.validity, row.validity)),
    ]


@bp.get("/registers/certificates")
@login_required
def certificates() -> Response | str:
    session, locale = db(), locale_code()
    flt = certificate_filter(request.args, current_app.config["PER_PAGE"])
    fmt = request.args.get("format")
    headers = [str(h) for h in CERTIFICATE_COLUMNS]
    if fmt in FORMATS:
        found = certificate_register_rows(session, current_user.id, clock(), flt)
        rows = (certificate_cells(r, locale) for r in found)
        stem = f"certificates-{local_date(clock().now()).isoformat()}"
        return export(fmt, _("Certificates"), stem, headers, rows)
    page = certificate_register(session, current_user.id, clock(), flt)
    return render_template(
        "registers/certificates.html",
        page=page,
        pages=max(ceil(page.total / page.per_page), 1),
        filters=kept_filters(request.args, CERTIFICATE_FILTER_ARGS),
        headers=headers,
        rows=[(r, [shown(v) for v in certificate_cells(r, locale)]) for r in page.rows],
        units=[(u.id, u.names) for u in page.units],
        validities=VALIDITY_LABELS,
        flt=flt,
        saved=saved_filters(session, current_user.id, "certificates"),
        kept=retention_for(session, "certificates"),
    )
