"""A schedule's pages: the department's (lines, the people due, the meeting, approval), the
institute's (the director signs or returns one department), the consolidated one (HR, finance,
the approver), and the printed forms 602-01 and 602-05."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from app.errors import on_invalid, refusals_go_to
from app.i18n import locale_code
from app.pdf.plan import render_plan_form
from app.planning import bp
from app.planning.lines import choice_label, error_texts, line_choices
from app.registers.files import download
from app.routing import database_id, takes_files
from app.state import clock, db, store
from workflows.errors import FieldError, NotFound
from workflows.planning import lines, stages
from workflows.planning.forms_602 import form_xlsx, printed_form
from workflows.planning.models import PlanLine
from workflows.planning.pages import schedule_view
from workflows.spreadsheets import XLSX_TYPE


def _page(
    schedule_id: int, errors: list[FieldError] | None = None, typed: dict[str, str] | None = None
) -> str:
    view = schedule_view(db(), schedule_id, current_user.id, clock())
    if typed is None:
        # "Plan" on the list of people due: the form comes with that person and their missing hours.
        chosen = database_id(request.args.get("person"))
        due = next((p for p in view.due if p.person_id == chosen), None)
        typed = (
            {
                "person_id": str(due.person_id),
                "hours": str(max(due.hours_required - due.hours_counted, 0) or ""),
            }
            if due
            else {}
        )
    return render_template(
        "planning/schedule.html",
        view=view,
        choices=line_choices(),
        choice_label=choice_label,
        errors=error_texts(errors),
        typed=typed or {},
    )


def _version() -> int | None:
    return database_id(request.form.get("version"))


def _back(schedule_id: int) -> str:
    return url_for("planning.schedule", schedule_id=schedule_id)


@bp.get("/schedules/<id:schedule_id>")
@login_required
def schedule(schedule_id: int) -> str:
    return _page(schedule_id)


@bp.post("/schedules/<id:schedule_id>/lines")
@login_required
def add(schedule_id: int) -> BaseResponse:
    typed = dict(request.form.items())
    on_invalid(lambda errors: _page(schedule_id, errors, typed))
    person = database_id(typed.get("person_id")) or 0
    lines.add_line(db(), schedule_id, person, typed, current_user.id, clock(), _version())
    flash(_("The line is on the schedule."), "success")
    return redirect(_back(schedule_id), 303)


def _line(line_id: int) -> PlanLine:
    found = db().get(PlanLine, line_id)
    if found is None:
        raise NotFound("No such plan line", line_id=line_id)
    return found


def _edit_page(
    line_id: int, errors: list[FieldError] | None = None, typed: dict[str, str] | None = None
) -> str:
    line = _line(line_id)
    view = schedule_view(db(), line.schedule_id, current_user.id, clock())
    values = {key: getattr(line, key) for key in lines.LINE_FIELDS}
    shown = {k: ("" if v is None else str(v)) for k, v in values.items()}
    return render_template(
        "planning/line.html",
        view=view,
        line=line,
        choices=line_choices(),
        errors=error_texts(errors),
        typed=typed or shown,
    )


@bp.get("/lines/<id:line_id>")
@login_required
def edit(line_id: int) -> str:
    return _edit_page(line_id)


@bp.post("/lines/<id:line_id>")
@login_required
def save(line_id: int) -> BaseResponse:
    typed = dict(request.form.items())
    on_invalid(lambda errors: _edit_page(line_id, errors, typed))
    row = lines.update_line(db(), line_id, typed, current_user.id, clock(), _version())
    flash(_("The line is saved."), "success")
    return redirect(_back(row.schedule_id), 303)


@bp.post("/lines/<id:line_id>/remove")
@login_required
def remove(line_id: int) -> BaseResponse:
    schedule_id = _line(line_id).schedule_id
    refusals_go_to(_back(schedule_id))
    lines.remove_line(db(), line_id, request.form.get("reason") or "", current_user.id, clock(), _version())
    flash(_("The line is taken off the schedule; it is kept as removed."), "success")
    return redirect(_back(schedule_id), 303)


@bp.post("/lines/<id:line_id>/accept")
@login_required
def accept(line_id: int) -> BaseResponse:
    schedule_id = _line(line_id).schedule_id
    refusals_go_to(_back(schedule_id))
    lines.accept_wish(db(), line_id, current_user.id, clock(), _version())
    flash(_("The wish is taken into the schedule."), "success")
    return redirect(_back(schedule_id), 303)


@bp.post("/schedules/<id:schedule_id>/meeting")
@takes_files
@login_required
def meeting(schedule_id: int) -> BaseResponse:
    typed = {k: request.form.get(k, "") for k in ("minutes_number", "meeting_date")}
    on_invalid(lambda errors: _page(schedule_id, errors, typed))
    upload = request.files.get("minutes_file")
    minutes = (
        stages.MinutesFile(upload.filename or "minutes", upload.stream)
        if upload and upload.filename
        else None
    )
    stages.record_meeting(
        db(),
        schedule_id,
        typed["minutes_number"],
        typed["meeting_date"],
        minutes,
        store(),
        current_user.id,
        clock(),
        _version(),
    )
    flash(_("The department meeting is recorded."), "success")
    return redirect(_back(schedule_id), 303)


@bp.post("/schedules/<id:schedule_id>/approve")
@login_required
def approve(schedule_id: int) -> BaseResponse:
    refusals_go_to(_back(schedule_id))
    stages.approve_schedule(db(), schedule_id, current_user.id, clock(), _version())
    flash(_("The schedule is approved and passed to the institute."), "success")
    return redirect(_back(schedule_id), 303)


@bp.post("/schedules/<id:schedule_id>/return")
@login_required
def return_(schedule_id: int) -> BaseResponse:
    back = database_id(request.form.get("institute")) or schedule_id
    refusals_go_to(_back(back))
    stages.return_schedule(db(), schedule_id, request.form.get("comment") or "", current_user.id, clock())
    flash(_("The schedule is returned to the department with your comment."), "success")
    return redirect(_back(back), 303)


@bp.post("/schedules/<id:schedule_id>/sign")
@login_required
def sign(schedule_id: int) -> BaseResponse:
    refusals_go_to(_back(schedule_id))
    stages.sign_institute(db(), schedule_id, current_user.id, clock())
    flash(_("The institute's schedule is signed and passed to HR."), "success")
    return redirect(_back(schedule_id), 303)


@bp.post("/schedules/<id:schedule_id>/consolidate")
@login_required
def consolidate(schedule_id: int) -> BaseResponse:
    refusals_go_to(_back(schedule_id))
    view = schedule_view(db(), schedule_id, current_user.id, clock())
    stages.consolidate(db(), view.campaign.id, current_user.id, clock())
    flash(_("The consolidated schedule is passed to finance."), "success")
    return redirect(_back(schedule_id), 303)


@bp.post("/schedules/<id:schedule_id>/finance")
@login_required
def finance(schedule_id: int) -> BaseResponse:
    refusals_go_to(_back(schedule_id))
    view = schedule_view(db(), schedule_id, current_user.id, clock())
    agree = request.form.get("decision") == "approve"
    notes = {
        line_id: text
        for key, text in request.form.items()
        if key.startswith("line-") and (line_id := database_id(key.removeprefix("line-"))) is not None
    }
    stages.finance_decision(
        db(), view.campaign.id, agree, request.form.get("comment") or "", notes, current_user.id, clock()
    )
    flash(
        _("The budget is agreed.") if agree else _("The plan is returned to HR with your comments."),
        "success",
    )
    return redirect(_back(schedule_id), 303)


@bp.post("/schedules/<id:schedule_id>/approval")
@login_required
def approval(schedule_id: int) -> BaseResponse:
    refusals_go_to(_back(schedule_id))
    view = schedule_view(db(), schedule_id, current_user.id, clock())
    approve_ = request.form.get("decision") == "approve"
    stages.approval_decision(
        db(), view.campaign.id, approve_, request.form.get("comment") or "", current_user.id, clock()
    )
    flash(
        _("The plan is approved and sent to the departments.")
        if approve_
        else _("The plan is returned to HR."),
        "success",
    )
    return redirect(_back(schedule_id), 303)


@bp.get("/schedules/<id:schedule_id>/form.<any(xlsx, pdf):kind>")
@login_required
def printed(schedule_id: int, kind: str) -> Response:
    locale = locale_code()
    form = printed_form(db(), schedule_id, current_user.id, clock(), locale)
    name = f"{form.code}_{schedule_id}.{kind}"
    if kind == "xlsx":
        return download(form_xlsx(form, locale), XLSX_TYPE, name)
    return download(render_plan_form(form, locale), "application/pdf", name)
