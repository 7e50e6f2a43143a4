"""The monitoring page, next year's list (page and XLSX) and the records policy's settings."""

from __future__ import annotations

from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app import i18n
from app.errors import on_invalid
from app.monitoring import bp
from app.state import clock, db
from app.wording import field_error_text
from workflows.calendar import local_date
from workflows.db import ID_MAX
from workflows.errors import FieldError
from workflows.language import pick
from workflows.records.monitoring import SORTS, MonitoringFilter, file_standing, monitoring
from workflows.records.next_year import CATEGORIES, as_xlsx, next_year_list, rows
from workflows.records.policy_settings import change_records_policy, records_policy
from workflows.records.shortfall import STATUSES, sentence
from workflows.records.standing import Status

SETTING_FIELDS = (
    "certificate_validity_years",
    "expiring_within_months",
    "remind_months",
    "next_year_list_on",
)


def _id(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 10 and int(raw) <= ID_MAX else None


def _choice(name: str, allowed: Any) -> str | None:
    raw = request.args.get(name, "")
    return raw if raw in allowed else None


def _filter() -> MonitoringFilter:
    page = request.args.get("page", "1")
    return MonitoringFilter(
        institute_id=_id("institute"),
        department_id=_id("department"),
        category=_choice("category", CATEGORIES),
        status=_choice("status", {s.value for s in Status}),
        sort=_choice("sort", SORTS) or "name",
        descending=request.args.get("order") == "desc",
        page=int(page) if page.isascii() and page.isdigit() and len(page) <= 6 else 1,
    )


def _chart(found: Any) -> dict[str, Any]:
    locale = i18n.locale_code()
    return {
        "institutes": {
            "labels": [pick(c.names, locale) or "—" for c in found.institutes],
            "values": [c.share for c in found.institutes],
            "title": _("Compliant staff, %"),
        },
        "departments": {
            "labels": [pick(c.names, locale) or "—" for c in found.departments],
            "values": [c.hours for c in found.departments],
            "title": _("Hours counted in the window"),
        },
    }


@bp.app_template_global("file_standing")
def standing_block(person_id: int) -> dict[str, Any] | None:
    """What the training file's standing block shows (the file page checked access already; the
    service checks it again)."""
    found = file_standing(db(), current_user.id, person_id, local_date(clock().now()))
    if found is None:
        return None
    return {
        "standing": found,
        "sentence": sentence(found, i18n.locale_code()),
        "status": STATUSES[found.status],
    }


@bp.get("/records/monitoring")
@login_required
def index() -> str:
    wanted = _filter()
    found = monitoring(db(), current_user.id, local_date(clock().now()), wanted)
    locale = i18n.locale_code()
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "monitoring/index.html",
        found=found,
        wanted=wanted,
        sentences={s.person_id: sentence(s, locale) for s in found.rows},
        statuses=STATUSES,
        categories=CATEGORIES,
        sorts=SORTS,
        chart=_chart(found),
        args=args,
    )


@bp.get("/records/monitoring/next-year")
@login_required
def next_year() -> str:
    found = next_year_list(db(), current_user.id, local_date(clock().now()), _id("unit"))
    locale = i18n.locale_code()
    return render_template(
        "monitoring/next_year.html",
        found=found,
        sentences={s.person_id: sentence(s, locale) for s in found.items},
        statuses=STATUSES,
        unit_id=_id("unit"),
    )


@bp.get("/records/monitoring/next-year.xlsx")
@login_required
def next_year_xlsx() -> Response:
    found = next_year_list(db(), current_user.id, local_date(clock().now()), _id("unit"))
    table = rows(found.items, found.units, i18n.locale_code())
    response = make_response(as_xlsx(table, str(found.year)))
    response.headers["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = f'attachment; filename="next-year-{found.year}.xlsx"'
    return response


def _settings_page(errors: list[FieldError] | None = None) -> str:
    current = records_policy(db(), current_user.id, local_date(clock().now()))
    values = {name: request.form.get(name, "") for name in SETTING_FIELDS} if errors else current.__dict__
    return render_template(
        "monitoring/settings.html",
        values=values,
        errors={e.field: field_error_text(e) for e in errors or []},
    )


@bp.get("/records/settings")
@login_required
def settings() -> str:
    return _settings_page()


@bp.post("/records/settings")
@login_required
def save_settings() -> Response:
    on_invalid(_settings_page)
    change_records_policy(
        db(), current_user.id, clock(), {name: request.form.get(name, "") for name in SETTING_FIELDS}
    )
    flash(_("The records policy has been saved."), "success")
    return redirect(url_for("monitoring.settings"), 303)
