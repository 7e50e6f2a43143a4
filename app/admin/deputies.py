"""One's own deputies (/account/delegations), ending a delegation, and handing a task on."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.admin import bp
from app.admin.forms import FormReader, errors_by_field
from app.errors import on_invalid, refusals_go_to
from app.security import safe_next
from app.state import clock, db
from workflows.calendar import local_date
from workflows.errors import FieldError
from workflows.org.admin_pages import my_delegations
from workflows.org.delegations import end_delegation, set_delegation
from workflows.org.reassignment import reassign_task


def _mine(errors: list[FieldError] | None = None) -> str:
    page = my_delegations(db(), current_user.id, local_date(clock().now()))
    return render_template(
        "admin/my_delegations.html", page=page, errors=errors_by_field(errors), form=request.form
    )


@bp.get("/account/delegations")
@login_required
def my_deputies() -> str:
    return _mine()


@bp.post("/account/delegations")
@login_required
def set_my_deputy() -> Response:
    on_invalid(_mine)
    reader = FormReader(request.form)
    valid_from, valid_to = reader.day("valid_from"), reader.day("valid_to")
    reader.done()
    set_delegation(
        db(), current_user.id, current_user.id, reader.text("deputy"), valid_from, valid_to, clock()
    )
    flash(_("Your deputy has been set."), "success")
    return redirect(url_for("admin.my_deputies"), 303)


@bp.post("/admin/delegations/<id:delegation_id>/end")
@login_required
def end(delegation_id: int) -> Response:
    person_id = end_delegation(db(), current_user.id, delegation_id, clock())
    flash(_("The delegation has ended."), "success")
    fallback = (
        url_for("admin.my_deputies")
        if person_id == current_user.id
        else url_for("admin.person", person_id=person_id)
    )
    return redirect(safe_next(request.form.get("next"), fallback), 303)


@bp.post("/tasks/<id:task_id>/reassign")
@login_required
def reassign(task_id: int) -> Response:
    back = url_for("tasks.show", task_id=task_id)
    refusals_go_to(back)
    reader = FormReader(request.form)
    to_person = reader.id("person_id")
    reader.done()
    name = reassign_task(db(), current_user.id, task_id, to_person, reader.text("comment"), clock())
    flash(_("The task has been handed to %(name)s.", name=name), "success")
    return redirect(back, 303)
