"""Start an application and follow it."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from app.cases import bp
from app.errors import on_invalid, refusals_go_to, too_large_page
from app.i18n import locale_code
from app.pdf.order import render_order
from app.routing import database_id, takes_files
from app.schema_form import build_form, read_submission
from app.state import clock, db, store
from app.summary import later_sections, summary_rows
from workflows.calendar import add_days, local_date
from workflows.cases.detail import case_detail, case_diagram, my_cases
from workflows.cases.documents import document_file
from workflows.cases.orders import order_sheet
from workflows.cases.submissions import start_application
from workflows.cases.withdrawal import cancel_order, withdraw_application
from workflows.definitions.catalog import latest_process, version_info
from workflows.definitions.starting import require_start_page, staff_to_start_for, startable_processes
from workflows.errors import FieldError, Forbidden
from workflows.planning.linking import APPLICATION_PROCESS, ApplicationStart, application_start, line_start


def _today() -> date:
    return local_date(clock().now())


def _process_key() -> str:
    """The process the page starts: named by `process`, else the only one the person may start
    (a form sent without naming one: the only one they apply on for themselves)."""
    key = request.values.get("process", "").strip()
    if key:
        return key
    offered = startable_processes(db(), current_user.id, _today())
    if request.method == "POST":
        offered = [p for p in offered if p.for_self]
    if len(offered) == 1:
        return offered[0].process_key
    return ""


def _subject_id() -> int | None:
    """The person the case is for when the starter chose one of their staff; None: themselves."""
    raw = request.form.get("subject_id", "").strip()
    if not raw or raw == "self":
        return None
    found = database_id(raw)
    if found is None:
        raise Forbidden("Not a person", reason="start_unit")
    return found


@too_large_page("cases.create")
def _new_page(
    errors: list[FieldError] | None = None, typed: dict | None = None, line_id: int | None = None
) -> str:
    session, locale, key = db(), locale_code(), _process_key()
    process = latest_process(session, key)
    require_start_page(session, process, current_user.id, _today())
    lead_days = int(process.policy.get("lead_time_days", 0) or 0)
    staff = staff_to_start_for(session, current_user.id, process, _today())
    if line_id is None and typed:
        line_id = database_id(str(typed.get("plan_line") or "") or None)
    # The approved plan's lines are offered on the application one makes for oneself.
    offer, chosen = ApplicationStart([], {}), request.form.get("subject_id", "")
    schema = process.schema(process.start.form_key)
    if process.process_key == APPLICATION_PROCESS and "employee" in process.starters:
        offer = application_start(session, current_user.id, line_id, _today())
    elif line_id is not None and "plan_line" in schema.get("properties", {}) and not typed:
        # A planned training started for the line's person (KazNRTU): the form comes from the line.
        person_id, values = line_start(session, line_id)
        offer, chosen = ApplicationStart([], values), str(person_id)
    return render_template(
        "cases/new.html",
        process_key=process.process_key,
        process_title=process.title(locale),
        description=process.description(locale),
        form=build_form(schema, locale, typed or offer.values, errors),
        lead_days=lead_days,
        earliest_start=add_days(_today(), lead_days),
        for_self="employee" in process.starters,
        staff=staff,
        chosen=chosen,
        plan_lines=offer.lines,
        chosen_line=line_id,
    )


@bp.get("/cases/new")
@login_required
def new() -> str:
    if not _process_key():
        offered = startable_processes(db(), current_user.id, _today())
        return render_template("cases/choose.html", offered=offered)
    return _new_page(line_id=database_id(request.args.get("plan_line")))


@bp.post("/cases/new")
@takes_files
@login_required
def create() -> BaseResponse:
    session = db()
    process = latest_process(session, _process_key())
    subject_id = _subject_id()
    submission = read_submission(process.schema(process.start.form_key), request.form, request.files)
    on_invalid(lambda errors: _new_page(errors, submission.typed))
    ref = start_application(
        session,
        store(),
        process.process_key,
        current_user.id,
        submission.data,
        submission.uploads,
        clock(),
        current_app.config["MAX_CONTENT_LENGTH"],
        subject_id,
    )
    if subject_id is None:
        flash(_("Your application %(key)s has been submitted.", key=ref.business_key), "success")
    else:
        flash(_("The case %(key)s has been started.", key=ref.business_key), "success")
    return redirect(url_for("cases.show", case_id=ref.id), 303)


@bp.get("/cases")
@login_required
def mine() -> str:
    session, locale = db(), locale_code()
    rows = my_cases(session, current_user.id)
    titles: dict[int, str] = {}
    steps: dict[int, dict[str, str]] = {}
    for row in rows:
        if row.version_id not in titles:
            info = version_info(session, row.version_id)
            titles[row.version_id] = info.title(locale)
            steps[row.version_id] = {s.element_id: s.name(locale) for s in info.steps.values()}
    return render_template("cases/mine.html", rows=rows, titles=titles, steps=steps)


@bp.get("/cases/<id:case_id>")
@login_required
def show(case_id: int) -> str:
    session, locale = db(), locale_code()
    detail = case_detail(session, current_user.id, case_id, clock())
    process = version_info(session, detail.version_id)
    return render_template(
        "cases/show.html",
        detail=detail,
        process_title=process.title(locale),
        summary=summary_rows(process.schema(process.start.form_key), detail.data, locale),
        later=later_sections(process, detail.data, locale, {d.id: d.filename for d in detail.documents}),
        steps={s.element_id: s.name(locale) for s in process.steps.values()},
    )


@bp.post("/cases/<id:case_id>/withdraw")
@login_required
def withdraw(case_id: int) -> BaseResponse:
    refusals_go_to(url_for("cases.show", case_id=case_id))
    ref = withdraw_application(db(), case_id, current_user.id, request.form.get("reason"), clock())
    flash(_("Your application %(key)s has been withdrawn.", key=ref.business_key), "success")
    return redirect(url_for("cases.show", case_id=case_id), 303)


@bp.post("/cases/<id:case_id>/cancel-order")
@login_required
def cancel(case_id: int) -> BaseResponse:
    refusals_go_to(url_for("cases.show", case_id=case_id))
    cancel_order(db(), case_id, current_user.id, request.form.get("reason"), clock())
    flash(_("The order was cancelled; the applicant has been told."), "success")
    return redirect(url_for("cases.show", case_id=case_id), 303)


@bp.get("/cases/<id:case_id>/diagram.xml")
@login_required
def diagram(case_id: int) -> Response:
    xml = case_diagram(db(), current_user.id, case_id, clock(), locale_code())
    return Response(xml, mimetype="application/xml")


@bp.get("/cases/<id:case_id>/order.pdf")
@login_required
def order_pdf(case_id: int) -> Response:
    session = db()
    sheet = order_sheet(session, current_user.id, case_id, clock())
    process = version_info(session, sheet.version_id)
    content = render_order(
        sheet,
        locale_code(),
        process.schema(process.start.form_key),
        compress=current_app.config["PDF_COMPRESS"],
    )
    response = Response(content, mimetype="application/pdf")
    # Named as people say it: "бұйрық БА-2026-0001.pdf" (the slash cannot be in a file name).
    name = _("order %(number)s.pdf", number=sheet.number.replace("/", "-"))
    response.headers["Content-Disposition"] = _disposition("inline", name)
    return response


@bp.get("/documents/<string:document_id>")
@login_required
def document(document_id: str) -> Response:
    doc = document_file(db(), store(), current_user.id, document_id, _today())
    response = Response(doc.content, mimetype=doc.content_type)
    response.headers["Content-Disposition"] = _disposition("attachment", doc.filename)
    return response


def _disposition(kind: str, filename: str) -> str:
    """A file name any browser accepts: an ASCII fallback plus the real (Unicode) name."""
    kept = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "-" for ch in filename)
    fallback = re.sub(r"-{2,}", "-", kept).strip("-.") or "document"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
