"""The org tree and a unit's page: create, rename, move, close; its people, seats and empty seats."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.admin import bp
from app.admin.forms import FormReader, errors_by_field
from app.errors import on_invalid
from app.routing import page_number
from app.security import safe_next
from app.state import clock, db
from workflows.calendar import local_date
from workflows.errors import FieldError
from workflows.org.admin_pages import seats_page, tree_page, unit_page
from workflows.org.seat_admin import SEAT_ROLES, add_seat, end_seat
from workflows.org.units import UnitInput, close_unit, create_unit, move_unit, rename_unit


def _tree(errors: list[FieldError] | None = None) -> str:
    page = tree_page(db(), current_user.id, local_date(clock().now()))
    return render_template("admin/units.html", page=page, errors=errors_by_field(errors), form=request.form)


@bp.get("/admin/units")
@login_required
def units() -> str:
    return _tree()


@bp.post("/admin/units")
@login_required
def create() -> Response:
    on_invalid(_tree)
    reader = FormReader(request.form)
    parent = reader.id("parent_id")
    reader.done()
    data = UnitInput(
        reader.text("code"),
        reader.text("kind"),
        reader.text("name_kk"),
        reader.text("name_ru"),
        reader.text("name_en"),
        parent,
    )
    unit_id = create_unit(db(), current_user.id, data, clock())
    flash(_("The unit has been created."), "success")
    return redirect(url_for("admin.unit", unit_id=unit_id), 303)


def _unit(errors: list[FieldError] | None = None, *, unit_id: int, form: str = "") -> str:
    page = unit_page(
        db(), current_user.id, unit_id, local_date(clock().now()), page_number(request.args.get("page"), 50)
    )
    return render_template(
        "admin/unit.html",
        page=page,
        roles=SEAT_ROLES,
        errors=errors_by_field(errors),
        failed_form=form if errors else "",
        form=request.form,
    )


@bp.get("/admin/units/<id:unit_id>")
@login_required
def unit(unit_id: int) -> str:
    return _unit(unit_id=unit_id)


def _back(unit_id: int) -> Response:
    return redirect(url_for("admin.unit", unit_id=unit_id), 303)


@bp.post("/admin/units/<id:unit_id>/rename")
@login_required
def rename(unit_id: int) -> Response:
    on_invalid(lambda errors: _unit(errors, unit_id=unit_id, form="rename"))
    form = request.form
    names = {name: (form.get(name) or "")[:1000] for name in ("name_kk", "name_ru", "name_en")}
    rename_unit(db(), current_user.id, unit_id, names, form.get("kind") or None, clock())
    flash(_("The unit's names have been saved."), "success")
    return _back(unit_id)


@bp.post("/admin/units/<id:unit_id>/move")
@login_required
def move(unit_id: int) -> Response:
    on_invalid(lambda errors: _unit(errors, unit_id=unit_id, form="move"))
    reader = FormReader(request.form)
    parent = reader.id("parent_id")
    reader.done()
    move_unit(db(), current_user.id, unit_id, parent, clock())
    flash(_("The unit has been moved."), "success")
    return _back(unit_id)


@bp.post("/admin/units/<id:unit_id>/close")
@login_required
def close(unit_id: int) -> Response:
    on_invalid(lambda errors: _unit(errors, unit_id=unit_id, form="close"))
    reader = FormReader(request.form)
    closed_on = reader.day("closed_on")
    reader.done()
    moved = close_unit(db(), current_user.id, unit_id, closed_on, clock())
    flash(_("The unit has been closed; open tasks moved up the tree: %(count)s.", count=moved), "success")
    return _back(unit_id)


@bp.post("/admin/units/<id:unit_id>/seats")
@login_required
def add_unit_seat(unit_id: int) -> Response:
    on_invalid(lambda errors: _unit(errors, unit_id=unit_id, form="seat"))
    reader = FormReader(request.form)
    valid_from, valid_to = reader.day("valid_from"), reader.day("valid_to")
    reader.done()
    add_seat(
        db(),
        current_user.id,
        reader.text("person"),
        reader.text("role"),
        unit_id,
        valid_from,
        valid_to,
        clock(),
    )
    flash(_("The seat has been added."), "success")
    return _back(unit_id)


@bp.post("/admin/seats/<id:seat_id>/end")
@login_required
def end_unit_seat(seat_id: int) -> Response:
    moved = end_seat(db(), current_user.id, seat_id, clock())
    flash(_("The seat has ended; open tasks moved up the tree: %(count)s.", count=moved), "success")
    return redirect(safe_next(request.form.get("next"), url_for("admin.units")), 303)


@bp.get("/admin/seats")
@login_required
def seats() -> str:
    role = request.args.get("role") or None
    page = seats_page(db(), current_user.id, role, local_date(clock().now()))
    return render_template("admin/seats.html", page=page, roles=SEAT_ROLES)
