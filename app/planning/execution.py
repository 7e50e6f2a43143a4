"""Plan execution pages (planned vs done, per unit and for the whole university) and the
perspective plan over several years, with carrying a line into next year's plan."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.errors import refusals_go_to
from app.planning import bp
from app.routing import database_id
from app.state import clock, db
from workflows.calendar import local_date
from workflows.planning.execution import execution
from workflows.planning.linking import planned_starts
from workflows.planning.perspective import carry_forward, perspective
from workflows.reports.registers import scope_tree

# Above this many lines the whole university's page lists the units only; choosing one lists its lines.
LINES_SHOWN = 500


def money(value: object) -> str:
    return str(format_decimal(value, format="#,##0"))


@bp.get("/<year:year>/execution")
@login_required
def execution_page(year: int) -> str:
    session = db()
    unit_id = database_id(request.args.get("unit"))
    found = execution(session, current_user.id, year, clock(), unit_id)
    roots = sorted({line.unit_id for line in found.lines})
    return render_template(
        "planning/execution.html",
        planned_starts=planned_starts(session, current_user.id, local_date(clock().now())),
        found=found,
        unit_id=unit_id,
        units=scope_tree(session, roots) if roots else [],
        show_lines=unit_id is not None or found.total.lines <= LINES_SHOWN,
        money=money,
        today=local_date(clock().now()),
    )


@bp.get("/perspective")
@login_required
def perspective_page() -> str:
    this_year = local_date(clock().now()).year
    first = database_id(request.args.get("from")) or this_year - 1
    last = database_id(request.args.get("to")) or this_year + 1
    unit_id = database_id(request.args.get("unit"))
    found = perspective(db(), current_user.id, first, last, clock(), unit_id)
    return render_template(
        "planning/perspective.html", found=found, first=first, last=last, unit_id=unit_id, money=money
    )


@bp.post("/lines/<id:line_id>/carry")
@login_required
def carry(line_id: int) -> Response:
    back = request.form.get("back") or ""
    target = back if back.startswith("/plan/") else url_for("planning.perspective_page")
    refusals_go_to(target)
    carried = carry_forward(db(), current_user.id, line_id, clock())
    flash(_("The line was carried into next year's plan (%(topic)s).", topic=carried.topic), "success")
    return redirect(target, 303)
