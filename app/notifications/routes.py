"""What I was told about: new tasks, decisions, orders, reminders, escalations."""

from __future__ import annotations

from math import ceil

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.i18n import locale_code
from app.notifications import bp
from app.routing import page_number
from app.security import safe_next
from app.state import clock, db
from workflows.definitions.catalog import version_info
from workflows.messaging.notices import mark_read, notices


@bp.get("/notifications")
@login_required
def index() -> str:
    per_page = current_app.config["PER_PAGE"]
    session, locale = db(), locale_code()
    page = notices(session, current_user.id, page_number(request.args.get("page"), per_page), per_page)
    step_names: dict[tuple[int | None, str | None], str] = {}
    for version_id in {n.version_id for n in page.items if n.version_id is not None}:
        for step in version_info(session, version_id).steps.values():
            step_names[(version_id, step.element_id)] = step.name(locale)
    return render_template(
        "notifications/index.html",
        page=page,
        pages=max(ceil(page.total / page.per_page), 1),
        step_names=step_names,
    )


@bp.post("/notifications/<id:notice_id>/read")
@login_required
def read(notice_id: int) -> Response:
    mark_read(db(), current_user.id, notice_id, clock())
    return redirect(safe_next(request.form.get("next"), url_for("notifications.index")), 303)


@bp.post("/notifications/read-all")
@login_required
def read_all() -> Response:
    mark_read(db(), current_user.id, None, clock())
    return redirect(url_for("notifications.index"), 303)
