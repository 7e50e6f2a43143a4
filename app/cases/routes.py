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
from workflows.errors import FieldError
from workflows.planning.linking import application_start


def _today() -> date:
    return local_date(clock().now())


@too_large_page("cases.create")
def _new_page(
    errors: list[FieldError] | None = None, typed: dict | None = None, line_id: int | None = None
) -> str:
    session = db()
    process = latest_process(session, current_app.config["PROCESS_KEY"])
    locale = locale_code()
    lead_days = int(process.policy.get("lead_time_days", 0))
    if line_id is None and typed:
        line_id = database_id(str(typed.get("plan_line") or "") or None)
    offer = application_start(session, current_user.id, line_id, _today())
    return render_template(
        "cases/new.html",
        process_title=process.title(locale),
        form=build_form(process.schema(process.start.form_key), locale, typed or offer.values, errors),
        lead_days=lead_days,
        earliest_start=add_days(_today(), lead_days),
        plan_lines=offer.lines,
        chosen_line=line_id,
    )


@bp.get("/cases/new")
@login_required
def new() -> str:
    return _new_page(line_id=database_id(request.args.get("plan_line")))


@bp.post("/cases/new")
@takes_files
@login_required
def create() -> BaseResponse:
    session = db()
    process = latest_process(session, current_app.config["PROCESS_KEY"])
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
    )
    flash(_("Your application %(key)s has been submitted.", key=ref.business_key), "success")
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
