"""The incidents page and retrying one."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.errors import refusals_go_to
from app.incidents import bp
from app.state import clock, db
from workflows.cases.incidents import incidents, retry


@bp.get("/incidents")
@login_required
def index() -> str:
    rows = incidents(db(), current_user.id, clock())
    return render_template(
        "incidents/index.html",
        open_rows=[r for r in rows if r.is_open],
        resolved_rows=[r for r in rows if not r.is_open],
    )


@bp.post("/incidents/<id:incident_id>/retry")
@login_required
def retry_one(incident_id: int) -> Response:
    refusals_go_to(url_for("incidents.index"))
    retry(db(), incident_id, current_user.id, clock())
    flash(_("The step ran again without an error."), "success")
    return redirect(url_for("incidents.index"), 303)
