"""The report pages and their exports (the same address with `format=xlsx` or `format=pdf`)."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.errors import on_invalid
from app.i18n import locale_code
from app.reports import bp
from app.reports.exports import export_report
from app.routing import database_id
from app.state import clock, db
from app.wording import field_error_text
from workflows.calendar import local_date
from workflows.errors import FieldError
from workflows.reports.documents import read_report
from workflows.reports.period import KINDS, Period, parse_period
from workflows.reports.subject import LEVELS, unit_choices, widest_level
from workflows.reports.tables import LEVEL_TITLES

PERIOD_ARGS = ("period", "year", "quarter", "start", "end")
PERIOD_TITLES = {"quarter": _l("Quarter"), "year": _l("Year"), "custom": _l("Dates of my choice")}
EXPORTS = ("xlsx", "pdf")


def _period() -> Period:
    a = request.args
    return parse_period(
        a.get("period"),
        a.get("year"),
        a.get("quarter"),
        a.get("start"),
        a.get("end"),
        local_date(clock().now()),
    )


def _kept() -> dict[str, str]:
    """The report's own arguments, for the form and the export links."""
    return {k: v for k, v in request.args.items() if k in (*PERIOD_ARGS, "unit", "person") and v}


def chart_json(charts: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "key": c.key,
            "kind": c.kind,
            "title": c.title,
            "labels": c.labels,
            "datasets": [{"label": label, "data": values} for label, values in c.datasets],
        }
        for c in charts
    ]


@bp.get("/")
@login_required
def index() -> Response:
    level = widest_level(db(), current_user.id, local_date(clock().now()))
    return redirect(url_for("reports.show", level=level), 303)


def _titles() -> dict[str, Any]:
    return {
        "level_titles": {k: _(v) for k, v in LEVEL_TITLES.items()},
        "period_titles": PERIOD_TITLES,
    }


def _form_page(level: str, errors: list[FieldError]) -> str:
    return render_template(
        "reports/report.html",
        level=level,
        levels=LEVELS,
        kinds=KINDS,
        read=None,
        args=_kept(),
        units=[],
        errors={e.field: field_error_text(e) for e in errors},
        charts=[],
        **_titles(),
    )


@bp.get("/<level>")
@login_required
def show(level: str) -> Response | str:
    on_invalid(lambda errors: _form_page(level, errors))
    subject = database_id(request.args.get("person" if level == "individual" else "unit"))
    session, today = db(), local_date(clock().now())
    read = read_report(
        session,
        current_user.id,
        clock(),
        level,
        subject,
        _period(),
        current_app.config["PROCESS_KEY"],
        locale_code(),
    )
    fmt = request.args.get("format")
    if fmt in EXPORTS:
        return export_report(read, fmt)
    return render_template(
        "reports/report.html",
        level=level,
        levels=LEVELS,
        kinds=KINDS,
        read=read,
        args=_kept(),
        units=unit_choices(session, current_user.id, today, level) if level in LEVELS[1:3] else [],
        errors={},
        charts=chart_json(read.document.charts),
        **_titles(),
    )
