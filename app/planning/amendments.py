"""A plan's history (every version, every amendment) and proposing an amendment."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app.errors import on_invalid
from app.planning import bp
from app.planning.execution import money
from app.schema_form import properties
from app.state import clock, db
from app.wording import field_error_text
from workflows.errors import FieldError
from workflows.planning.amendments import (
    ChangeInput,
    amendable_lines,
    plan_history,
    propose_amendment,
)
from workflows.planning.linking import application_form


@bp.get("/<year:year>/history")
@login_required
def history(year: int) -> str:
    versions, amendments = plan_history(db(), current_user.id, year, clock())
    return render_template(
        "planning/history.html", year=year, versions=versions, amendments=amendments, money=money
    )


def _number(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _changes(form: MultiDict[str, str]) -> list[ChangeInput]:
    """The page's rows: per line "keep", "move" (with its quarter) or "remove"; one line to add."""
    found: list[ChangeInput] = []
    for key, action in form.items():
        line_id = _number(key.removeprefix("action_")) if key.startswith("action_") else None
        if line_id is None or action not in ("move", "remove"):
            continue
        quarter = _number(form.get(f"quarter_{line_id}"))
        found.append(ChangeInput(action, line_id=line_id, quarter=quarter if action == "move" else None))
    if (form.get("add_topic") or "").strip():
        found.append(
            ChangeInput(
                "add",
                person_id=_number(form.get("add_person_id")),
                topic=form.get("add_topic", "").strip(),
                provider=form.get("add_provider", "").strip() or None,
                training_form=form.get("add_training_form") or None,
                mode=form.get("add_mode") or None,
                quarter=_number(form.get("add_quarter")),
                hours=_number(form.get("add_hours")),
                funding_source=form.get("add_funding_source") or None,
                estimated_cost=form.get("add_estimated_cost") or None,
                relevance=form.get("add_relevance", "").strip() or None,
            )
        )
    return found


def _new_page(year: int, errors: list[FieldError] | None = None, typed: dict[str, Any] | None = None) -> str:
    session = db()
    lines, people = amendable_lines(session, current_user.id, year, clock())
    schema = application_form(session)
    choices = {name: properties(schema).get(name, {}) for name in ("training_form", "mode", "funding_source")}
    return render_template(
        "planning/amendment_new.html",
        year=year,
        lines=lines,
        people=people,
        choices=choices,
        errors={e.field: field_error_text(e) for e in errors or []},
        typed=typed or {},
    )


@bp.get("/<year:year>/amendments/new")
@login_required
def new_amendment(year: int) -> str:
    return _new_page(year)


@bp.post("/<year:year>/amendments/new")
@login_required
def create_amendment(year: int) -> Response:
    typed = request.form.to_dict()
    on_invalid(lambda errors: _new_page(year, errors, typed))
    ref = propose_amendment(
        db(), current_user.id, year, request.form.get("reason", ""), _changes(request.form), clock()
    )
    flash(_("Your amendment %(key)s has been proposed.", key=ref.business_key), "success")
    return redirect(url_for("cases.show", case_id=ref.id), 303)
