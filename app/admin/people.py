"""People: search, a person's page (edit, deactivate, seats, deputies) and adding a person."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.admin import bp
from app.admin.forms import FormReader, errors_by_field, person_input
from app.errors import on_invalid
from app.routing import database_id, page_number
from app.state import clock, db
from workflows.calendar import local_date
from workflows.errors import FieldError
from workflows.language import LOCALES
from workflows.org.admin_pages import new_person_page, person_page
from workflows.org.delegations import set_delegation
from workflows.org.leaving import deactivate_person
from workflows.org.people import STAFF_CATEGORIES, PeopleQuery, create_person, edit_person, search_people
from workflows.org.units import unit_tree

PER_PAGE = 25


@bp.get("/admin/people")
@login_required
def people() -> str:
    args = request.args
    query = PeopleQuery(
        text=(args.get("q") or "").strip()[:100],
        unit_id=database_id(args.get("unit")),
        include_left=args.get("left") == "1",
        page=page_number(args.get("page"), PER_PAGE),
        per_page=PER_PAGE,
    )
    session, today = db(), local_date(clock().now())
    page = search_people(session, current_user.id, query, today)
    filters = {
        k: v for k, v in {"q": query.text, "unit": query.unit_id, "left": args.get("left")}.items() if v
    }
    return render_template(
        "admin/people.html", page=page, query=query, filters=filters, units=unit_tree(session)
    )


def _new(errors: list[FieldError] | None = None) -> str:
    units = new_person_page(db(), current_user.id, local_date(clock().now()))
    return render_template(
        "admin/person_new.html",
        units=units,
        errors=errors_by_field(errors),
        form=request.form,
        locales=LOCALES,
        categories=STAFF_CATEGORIES,
    )


@bp.get("/admin/people/new")
@login_required
def new_person() -> str:
    return _new()


@bp.post("/admin/people")
@login_required
def create_person_view() -> Response:
    on_invalid(_new)
    reader = FormReader(request.form)
    data = person_input(reader)
    reader.done()
    person_id = create_person(db(), current_user.id, data, clock())
    flash(_("The person has been added."), "success")
    return redirect(url_for("admin.person", person_id=person_id), 303)


def _person(errors: list[FieldError] | None = None, *, person_id: int, form: str = "") -> str:
    page = person_page(db(), current_user.id, person_id, local_date(clock().now()))
    return render_template(
        "admin/person.html",
        page=page,
        errors=errors_by_field(errors),
        failed_form=form if errors else "",
        form=request.form,
        locales=LOCALES,
        categories=STAFF_CATEGORIES,
    )


@bp.get("/admin/people/<id:person_id>")
@login_required
def person(person_id: int) -> str:
    return _person(person_id=person_id)


def _back(person_id: int) -> Response:
    return redirect(url_for("admin.person", person_id=person_id), 303)


@bp.post("/admin/people/<id:person_id>")
@login_required
def edit(person_id: int) -> Response:
    on_invalid(lambda errors: _person(errors, person_id=person_id, form="edit"))
    reader = FormReader(request.form)
    data = person_input(reader)
    reader.done()
    edit_person(db(), current_user.id, person_id, data, clock())
    flash(_("The changes have been saved."), "success")
    return _back(person_id)


@bp.post("/admin/people/<id:person_id>/deactivate")
@login_required
def deactivate(person_id: int) -> Response:
    on_invalid(lambda errors: _person(errors, person_id=person_id, form="deactivate"))
    reader = FormReader(request.form)
    left_on = reader.day("left_on")
    reader.done()
    moved = deactivate_person(db(), current_user.id, person_id, left_on, clock())
    flash(_("The person has been deactivated; their open tasks moved on: %(count)s.", count=moved), "success")
    return _back(person_id)


@bp.post("/admin/people/<id:person_id>/delegations")
@login_required
def delegate(person_id: int) -> Response:
    on_invalid(lambda errors: _person(errors, person_id=person_id, form="delegation"))
    reader = FormReader(request.form)
    valid_from, valid_to = reader.day("valid_from"), reader.day("valid_to")
    reader.done()
    set_delegation(db(), current_user.id, person_id, reader.text("deputy"), valid_from, valid_to, clock())
    flash(_("The deputy has been set."), "success")
    return _back(person_id)
