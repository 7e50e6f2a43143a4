"""Campaign pages: the list of campaigns, opening one, HR's progress page (reminding late units,
taking a closed unit out), and one's individual plan."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from app.errors import on_invalid, refusals_go_to
from app.planning import bp
from app.planning.lines import error_texts, line_choices
from app.routing import database_id
from app.state import clock, db
from workflows.clock import today
from workflows.errors import FieldError, NotFound
from workflows.planning.access import may_fill_individual_plan
from workflows.planning.campaign import campaign, may_run_campaigns, open_campaign
from workflows.planning.closing import withdraw_unit
from workflows.planning.lines import add_line, schedule_lines, schedule_row
from workflows.planning.models import LineStatus
from workflows.planning.pages import my_campaigns
from workflows.planning.progress import campaign_progress, remind_late
from workflows.planning.stages import submit_individual_plan


def _index(errors: list[FieldError] | None = None, typed: dict[str, str] | None = None) -> str:
    session = db()
    return render_template(
        "planning/index.html",
        entries=my_campaigns(session, current_user.id, clock()),
        runs=may_run_campaigns(session, current_user.id, today(clock())),
        errors=error_texts(errors),
        typed=typed or {},
        next_year=today(clock()).year + 1,
    )


@bp.get("/")
@login_required
def index() -> str:
    return _index()


@bp.post("/campaigns")
@login_required
def open_() -> BaseResponse:
    typed = {"year": request.form.get("year", "")}
    on_invalid(lambda errors: _index(errors, typed))
    refusals_go_to(url_for("planning.index"))
    ref = open_campaign(db(), typed["year"], current_user.id, clock())
    flash(_("The planning campaign for %(year)s is open.", year=ref.year), "success")
    return redirect(url_for("planning.progress", campaign_id=ref.id), 303)


@bp.get("/campaigns/<id:campaign_id>")
@login_required
def progress(campaign_id: int) -> str:
    found = campaign_progress(db(), campaign_id, current_user.id, clock())
    return render_template("planning/progress.html", progress=found)


@bp.post("/campaigns/<id:campaign_id>/remind")
@login_required
def remind(campaign_id: int) -> BaseResponse:
    back = url_for("planning.progress", campaign_id=campaign_id)
    refusals_go_to(back)
    count = remind_late(db(), campaign_id, current_user.id, clock())
    flash(_("Late units reminded: %(count)s.", count=count), "success")
    return redirect(back, 303)


@bp.post("/campaigns/<id:campaign_id>/withdraw")
@login_required
def withdraw(campaign_id: int) -> BaseResponse:
    back = url_for("planning.progress", campaign_id=campaign_id)
    refusals_go_to(back)
    unit_id = database_id(request.form.get("unit_id"))
    move_to = database_id(request.form.get("move_to_unit_id"))
    count = withdraw_unit(
        db(), campaign_id, unit_id or 0, current_user.id, clock(), move_to, request.form.get("reason") or ""
    )
    flash(_("The unit left the campaign; its lines kept: %(count)s.", count=count), "success")
    return redirect(back, 303)


def _individual(
    schedule_id: int, errors: list[FieldError] | None = None, typed: dict[str, str] | None = None
) -> str:
    session = db()
    schedule, found = schedule_row(session, schedule_id)
    if schedule.org_unit_id != current_user.org_unit_id:
        raise NotFound("No such schedule", schedule_id=schedule_id)
    mine = [pl for pl in schedule_lines(session, [schedule.id]) if pl.person_id == current_user.id]
    return render_template(
        "planning/individual.html",
        schedule=schedule,
        campaign=found,
        lines=mine,
        open=may_fill_individual_plan(session, schedule, found, current_user.id, today(clock())),
        choices=line_choices(),
        errors=error_texts(errors),
        typed=typed or {},
        LineStatus=LineStatus,
    )


@bp.get("/schedules/<id:schedule_id>/mine")
@login_required
def individual(schedule_id: int) -> str:
    return _individual(schedule_id)


@bp.post("/schedules/<id:schedule_id>/mine")
@login_required
def add_wish(schedule_id: int) -> BaseResponse:
    typed = dict(request.form.items())
    on_invalid(lambda errors: _individual(schedule_id, errors, typed))
    add_line(db(), schedule_id, current_user.id, typed, current_user.id, clock(), None)
    flash(_("The line is in your individual plan."), "success")
    return redirect(url_for("planning.individual", schedule_id=schedule_id), 303)


@bp.post("/schedules/<id:schedule_id>/mine/submit")
@login_required
def hand_in(schedule_id: int) -> BaseResponse:
    back = url_for("planning.individual", schedule_id=schedule_id)
    refusals_go_to(back)
    schedule, _found = schedule_row(db(), schedule_id)
    submit_individual_plan(db(), campaign(db(), schedule.campaign_id).id, current_user.id, clock())
    flash(_("Your individual plan is handed in."), "success")
    return redirect(back, 303)
