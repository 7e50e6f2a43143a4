"""The report pages and their exports (the same address with `format=xlsx` or `format=pdf`)."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.errors import on_invalid, refusals_go_to
from app.i18n import locale_code
from app.registers.files import download
from app.reports import bp
from app.reports.exports import export_document, export_report, file_stem
from app.routing import database_id
from app.state import clock, db
from app.wording import field_error_text
from workflows.calendar import local_date
from workflows.errors import FieldError
from workflows.org.authority import administers
from workflows.reports.annual import (
    SECTIONS,
    TITLES,
    annual_view,
    annual_years,
    approve_annual,
    save_sections,
)
from workflows.reports.documents import read_report
from workflows.reports.exports import export_file, export_view, my_exports, request_export, runs_in_background
from workflows.reports.period import KINDS, Period, parse_period
from workflows.reports.policy import change_reports_policy, current_policy
from workflows.reports.quarterly import previous_quarter, quarter_board, quarter_number
from workflows.reports.subject import LEVELS, unit_choices, widest_level
from workflows.reports.tables import LEVEL_TITLES

PERIOD_ARGS = ("period", "year", "quarter", "start", "end")
ANNUAL_STATUSES = {"draft": _l("Draft"), "approved": _l("Approved by HR")}
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


ANNUAL_TITLES = TITLES


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
    if fmt in EXPORTS and runs_in_background(session, read.document.rows):
        export_id = request_export(
            session,
            current_user.id,
            clock(),
            level,
            subject,
            read.report.period,
            fmt,
            locale_code(),
            current_app.config["PROCESS_KEY"],
            file_stem(read),
            read.document.rows,
        )
        return redirect(url_for("reports.export_page", export_id=export_id), 303)
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


@bp.get("/annual")
@login_required
def annual_list() -> str:
    return render_template(
        "reports/annual_list.html", years=annual_years(db(), current_user.id, clock()), titles=ANNUAL_TITLES
    )


def _annual_page(kind: str, number: int, errors: list[FieldError] | None = None) -> str:
    version = database_id(request.args.get("version"))
    view = annual_view(
        db(),
        current_user.id,
        clock(),
        kind,
        number,
        locale_code(),
        current_app.config["PROCESS_KEY"],
        version,
    )
    texts = dict(view.row.sections) if view.row else {}
    if errors:
        texts = {key: request.form.get(key, "") for key, _title in SECTIONS[view.kind]}
    return render_template(
        "reports/annual.html",
        view=view,
        sections=SECTIONS[view.kind],
        texts=texts,
        errors={e.field: field_error_text(e) for e in errors or []},
        charts=chart_json(view.document.charts),
        statuses=ANNUAL_STATUSES,
    )


@bp.get("/annual/<kind>/<int:number>")
@login_required
def annual(kind: str, number: int) -> Response | str:
    fmt = request.args.get("format")
    if fmt in EXPORTS:
        version = database_id(request.args.get("version"))
        view = annual_view(
            db(),
            current_user.id,
            clock(),
            kind,
            number,
            locale_code(),
            current_app.config["PROCESS_KEY"],
            version,
        )
        stem = f"annual-{view.kind.value}-{number}" + (f"-v{view.row.version}" if view.row else "")
        return export_document(view.document, fmt, stem)
    return _annual_page(kind, number)


def _row_version() -> int | None:
    return database_id(request.form.get("row_version"))


@bp.post("/annual/<kind>/<int:number>")
@login_required
def save_annual(kind: str, number: int) -> Response:
    on_invalid(lambda errors: _annual_page(kind, number, errors))
    back = url_for("reports.annual", kind=kind, number=number)
    refusals_go_to(back)
    texts = {
        key: request.form.get(key, "") for key in request.form if key not in ("row_version", "csrf_token")
    }
    saved = save_sections(db(), current_user.id, clock(), kind, number, texts, _row_version())
    flash(_("The report's text is saved (version %(version)s, draft).", version=saved.version), "success")
    return redirect(back, 303)


@bp.post("/annual/<kind>/<int:number>/approve")
@login_required
def approve(kind: str, number: int) -> Response:
    back = url_for("reports.annual", kind=kind, number=number)
    refusals_go_to(back)
    done = approve_annual(
        db(), current_user.id, clock(), kind, number, _row_version(), current_app.config["PROCESS_KEY"]
    )
    flash(_("Version %(version)s is approved and frozen.", version=done.version), "success")
    return redirect(back, 303)


POLICY_FIELDS = ("quarterly_opens_after_days", "quarterly_due_days", "export_background_rows")


def _quarter_period() -> Period:
    a = request.args
    today = local_date(clock().now())
    if not a.get("year") and not a.get("quarter"):
        return previous_quarter(today)
    return parse_period("quarter", a.get("year"), a.get("quarter"), None, None, today)


def _quarterly_page(errors: list[FieldError] | None = None) -> str:
    session = db()
    board = quarter_board(session, current_user.id, clock(), _quarter_period())
    today = local_date(clock().now())
    can_set = administers(session, current_user.id, today)
    values: dict[str, Any] = {}
    if can_set:
        values = (
            {n: request.form.get(n, "") for n in POLICY_FIELDS}
            if errors
            else current_policy(session).__dict__
        )
    return render_template(
        "reports/quarterly.html",
        board=board,
        quarter=quarter_number(board.period),
        can_set=can_set,
        values=values,
        errors={e.field: field_error_text(e) for e in errors or []},
    )


@bp.get("/quarterly")
@login_required
def quarterly() -> str:
    on_invalid(lambda errors: _form_page("department", errors))
    return _quarterly_page()


@bp.post("/settings")
@login_required
def save_settings() -> Response:
    on_invalid(_quarterly_page)
    change_reports_policy(db(), current_user.id, clock(), {n: request.form.get(n, "") for n in POLICY_FIELDS})
    flash(_("The reports policy has been saved."), "success")
    return redirect(url_for("reports.quarterly"), 303)


@bp.get("/exports")
@login_required
def exports() -> str:
    return render_template("reports/exports.html", exports=my_exports(db(), current_user.id), one=None)


@bp.get("/exports/<id:export_id>")
@login_required
def export_page(export_id: int) -> str:
    view = export_view(db(), current_user.id, export_id)
    return render_template("reports/exports.html", exports=[view], one=view)


@bp.get("/exports/<id:export_id>/file")
@login_required
def export_download(export_id: int) -> Response:
    name, content, mimetype = export_file(db(), current_user.id, export_id)
    return download(content, mimetype, name)
