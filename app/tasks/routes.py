"""The task page and the actions on a task."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.errors import on_invalid, too_large_page
from app.i18n import locale_code
from app.routing import takes_files
from app.schema_form import build_form, prefill, read_submission
from app.security import safe_next
from app.state import clock, db, store
from app.summary import change_rows, later_sections, summary_rows
from app.tasks import bp
from workflows.calendar import local_date
from workflows.cases.access import visible_task
from workflows.cases.detail import case_detail, resubmission_changes
from workflows.cases.submissions import submit_task
from workflows.cases.tasks import claim_task, release_task
from workflows.definitions.catalog import ProcessInfo, version_info
from workflows.errors import FieldError, NotFound
from workflows.org.reassignment import reassign_options
from workflows.planning.tasks import schedule_of_task
from workflows.records.verification import VERIFICATION_FORM, CertificateFlag, certificate_flags
from workflows.reports.quarterly_steps import QUARTERLY_FORM, task_figures
from workflows.reports.tables import TOTALS


@too_large_page("tasks.submit")
def _task_page(errors: list[FieldError] | None = None, typed: dict | None = None, *, task_id: int) -> str:
    session, locale, today = db(), locale_code(), local_date(clock().now())
    task = visible_task(session, current_user.id, task_id, today)
    access = task.access
    process = version_info(session, task.version_id)
    detail = case_detail(session, current_user.id, task.instance_id, clock())
    step = process.steps.get(task.element_id)
    documents = {d.id: d.filename for d in detail.documents}
    form = None
    flags: list[CertificateFlag] = []
    if access.can_act and step is not None:
        values = typed if typed is not None else prefill(detail.data)
        form = build_form(process.schema(step.form_key), locale, values, errors, documents)
        if step.form_key == VERIFICATION_FORM:
            typed_now = {k: v for k, v in (typed or {}).items() if v not in ("", None)}
            flags = certificate_flags(
                session, current_user.id, task_id, {**detail.data, **typed_now}, clock()
            )
    quarter = None
    if step is not None and step.form_key == QUARTERLY_FORM:
        quarter = task_figures(session, current_user.id, clock(), task.instance_id, access.can_act)
    return render_template(
        "tasks/task.html",
        task=task,
        quarter=quarter,
        figure_labels=TOTALS,
        access=access,
        form=form,
        step_name=step.name(locale) if step else task.name,
        process_title=process.title(locale),
        detail=detail,
        summary=summary_rows(process.schema(process.start.form_key), detail.data, locale),
        later=later_sections(
            process, detail.data, locale, documents, {step.form_key} if form and step else set()
        ),
        decisions=[e for e in detail.timeline if e.kind == "task_completed"],
        changes=change_rows(
            process.schema(process.start.form_key),
            resubmission_changes(detail.timeline, _submitting(process)),
            locale,
        ),
        steps={s.element_id: s.name(locale) for s in process.steps.values()},
        assignee_name=task.assignee_name,
        completed_by_name=task.completed_by_name,
        on_behalf_of_name=task.on_behalf_of_name,
        today=today,
        reassign=reassign_options(session, current_user.id, task_id, today),
        certificate_flags=flags,
    )


def _submitting(process: ProcessInfo) -> set[str]:
    """The steps that submit the application: the start event and the tasks that revise it."""
    start = process.start.form_key
    return {process.start.element_id} | {s.element_id for s in process.steps.values() if s.form_key == start}


def _plan_page(task_id: int) -> str | None:
    """A step of the annual plan is done on the plan's pages, which keep its schedule's rows."""
    visible_task(db(), current_user.id, task_id, local_date(clock().now()))
    found = schedule_of_task(db(), task_id)
    if found is None:
        return None
    kind, schedule_id = found
    return url_for(
        "planning.individual" if kind == "individual" else "planning.schedule", schedule_id=schedule_id
    )


@bp.get("/tasks/<id:task_id>")
@login_required
def show(task_id: int) -> str | Response:
    plan_page = _plan_page(task_id)
    if plan_page is not None:
        return redirect(plan_page, 303)
    return _task_page(task_id=task_id)


@bp.post("/tasks/<id:task_id>")
@takes_files
@login_required
def submit(task_id: int) -> Response:
    plan_page = _plan_page(task_id)
    if plan_page is not None:
        return redirect(plan_page, 303)
    session = db()
    task = visible_task(session, current_user.id, task_id, local_date(clock().now()))
    process = version_info(session, task.version_id)
    step = process.steps.get(task.element_id)
    if step is None:
        raise NotFound("No such task", task_id=task_id)
    submission = read_submission(process.schema(step.form_key), request.form, request.files)
    on_invalid(lambda errors: _task_page(errors, submission.typed, task_id=task_id))
    submit_task(
        session,
        store(),
        task_id,
        current_user.id,
        submission.data,
        submission.uploads,
        clock(),
        current_app.config["MAX_CONTENT_LENGTH"],
    )
    flash(_("Done: “%(step)s” is complete.", step=step.name(locale_code())), "success")
    return redirect(url_for("inbox.index"), 303)


def _back(task_id: int) -> str:
    return safe_next(request.form.get("next"), url_for("tasks.show", task_id=task_id))


@bp.post("/tasks/<id:task_id>/claim")
@login_required
def claim(task_id: int) -> Response:
    claim_task(db(), task_id, current_user.id, clock())
    flash(_("The task is yours now: others see that you are working on it."), "success")
    return redirect(_back(task_id), 303)


@bp.post("/tasks/<id:task_id>/release")
@login_required
def release(task_id: int) -> Response:
    release_task(db(), task_id, current_user.id, clock())
    flash(_("The task is back in the shared queue."), "success")
    return redirect(_back(task_id), 303)
