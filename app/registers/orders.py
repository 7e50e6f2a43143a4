"""The orders register, its exports, and HR's ZIP of the selected orders' PDFs."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from math import ceil
from typing import Any

from flask import Response, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.errors import refusals_go_to
from app.i18n import locale_code
from app.pdf.order import render_order
from app.registers import bp
from app.registers.columns import kept_filters, shown
from app.registers.files import FORMATS, download, export
from app.routing import database_id, page_number
from app.state import clock, db
from workflows.calendar import local_date
from workflows.definitions.catalog import version_info
from workflows.language import pick
from workflows.org.seats import has_role
from workflows.reports.orders import (
    ORDER_SORTS,
    OrderFilter,
    OrderRow,
    order_bundle,
    order_register,
    order_register_rows,
)
from workflows.reports.retention import retention_for
from workflows.reports.saved import saved_filters

ORDER_FILTER_ARGS = ("q", "unit", "status", "from", "to", "sort", "dir")
ORDER_STATUSES = {"issued": _l("Issued"), "cancelled": _l("Cancelled")}
ORDER_COLUMNS = (
    _l("Order number"),
    _l("Order date"),
    _l("Case number"),
    _l("Employee"),
    _l("Unit"),
    _l("Course"),
    _l("Provider"),
    _l("Status"),
    _l("Reason for cancelling"),
)


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def order_filter(args: MultiDict[str, str], per_page: int) -> OrderFilter:
    status = args.get("status")
    return OrderFilter(
        unit_id=database_id(args.get("unit") or None),
        status=status if status in ORDER_STATUSES else None,
        date_from=_day(args.get("from")),
        date_to=_day(args.get("to")),
        search=(args.get("q") or "").strip()[:100] or None,
        sort=next((s for s in ORDER_SORTS if s == args.get("sort")), "date"),
        descending=args.get("dir") != "asc",
        page=page_number(args.get("page"), per_page),
        per_page=per_page,
    )


def order_cells(row: OrderRow, locale: str) -> list[Any]:
    return [
        row.number,
        row.order_date,
        row.business_key,
        row.employee_ru if locale == "ru" and row.employee_ru else row.employee,
        pick(row.unit_names, locale),
        row.course or "",
        row.provider or "",
        str(ORDER_STATUSES.get(row.status, row.status)),
        row.cancel_reason or "",
    ]


@bp.get("/registers/orders")
@login_required
def orders() -> Response | str:
    session, locale = db(), locale_code()
    flt = order_filter(request.args, current_app.config["PER_PAGE"])
    fmt = request.args.get("format")
    headers = [str(h) for h in ORDER_COLUMNS]
    if fmt in FORMATS:
        rows = (order_cells(r, locale) for r in order_register_rows(session, current_user.id, clock(), flt))
        stem = f"orders-{local_date(clock().now()).isoformat()}"
        return export(fmt, _("Orders"), stem, headers, rows)
    page = order_register(session, current_user.id, clock(), flt)
    return render_template(
        "registers/orders.html",
        page=page,
        pages=max(ceil(page.total / page.per_page), 1),
        filters=kept_filters(request.args, ORDER_FILTER_ARGS),
        headers=headers,
        rows=[(r, [shown(v) for v in order_cells(r, locale)]) for r in page.rows],
        units=[(u.id, u.names) for u in page.units],
        statuses=ORDER_STATUSES,
        flt=flt,
        saved=saved_filters(session, current_user.id, "orders"),
        can_bundle=has_role(session, current_user.id, "hr", local_date(clock().now())),
        kept=retention_for(session, "orders"),
    )


@bp.post("/registers/orders/bundle")
@login_required
def bundle() -> Response:
    refusals_go_to(url_for("registers.orders"))
    session, locale = db(), locale_code()
    ids = [i for i in (database_id(v) for v in request.form.getlist("order")) if i is not None]
    sheets = order_bundle(session, current_user.id, ids, clock())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in sheets:
            process = version_info(session, sheet.version_id)
            pdf = render_order(
                sheet,
                locale,
                process.schema(process.start.form_key),
                compress=current_app.config["PDF_COMPRESS"],
            )
            archive.writestr(_("order %(number)s.pdf", number=sheet.number.replace("/", "-")), pdf)
    return download(out.getvalue(), "application/zip", f"orders-{local_date(clock().now()).isoformat()}.zip")
