"""The retention page: how long each kind of record of 000's list is kept, edited by HR and
administrators; the registers' "kept for N years" lines link here."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.errors import on_invalid, refusals_go_to
from app.reports import bp
from app.state import clock, db
from app.wording import field_error_text
from workflows.errors import FieldError
from workflows.reports.retention import change_retention, editable_periods

KIND_TITLES = {
    "schedule": _l("Qualification improvement schedule: the cases and their orders"),
    "staff_lists": _l("Lists of teaching and support staff"),
    "department_staff": _l("A department's teaching staff"),
    "consolidated_schedule": _l("Consolidated schedule: the certificates counted"),
    "annual_report": _l("Annual report"),
    "journal": _l("Nonconformity journal"),
}


def _page(errors: list[FieldError] | None = None) -> str:
    periods = editable_periods(db(), current_user.id, clock())
    typed = {p.kind: request.form.get(p.kind, "") for p in periods} if errors else {}
    return render_template(
        "reports/retention.html",
        periods=periods,
        typed=typed,
        titles=KIND_TITLES,
        errors={e.field: field_error_text(e) for e in errors or []},
    )


@bp.get("/retention")
@login_required
def retention() -> str:
    return _page()


@bp.post("/retention")
@login_required
def save_retention() -> Response:
    on_invalid(_page)
    refusals_go_to(url_for("reports.retention"))
    form = request.form
    typed = {k: v for k, v in form.items() if not k.startswith("seen_") and k != "csrf_token"}
    seen = {k.removeprefix("seen_"): v for k, v in form.items() if k.startswith("seen_")}
    change_retention(db(), current_user.id, clock(), typed, seen)
    flash(_("The retention periods have been saved."), "success")
    return redirect(url_for("reports.retention"), 303)
