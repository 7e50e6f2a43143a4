"""The personal training file pages: one's own, a person's, entering a record, striking one."""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as BaseResponse

from app.cases.routes import _disposition
from app.errors import on_invalid, refusals_go_to, too_large_page
from app.i18n import locale_code
from app.pdf.extract import render_extract
from app.records import bp
from app.records.labels import record_choice, source_label
from app.routing import takes_files
from app.schema_form import build_form, read_submission
from app.state import clock, db, store
from workflows.errors import FieldError
from workflows.records.entry import enter_record, manual_record_form, strike_record
from workflows.records.extracts import LookupLimit, issue_extract, revoke_extract, verify_extract
from workflows.records.training_file import record_certificate, training_file


def _file_page(person_id: int) -> str:
    found = training_file(db(), current_user.id, person_id, clock())
    return render_template(
        "records/file.html", file=found, record_choice=record_choice, source_label=source_label
    )


@bp.get("/records/me")
@login_required
def mine() -> str:
    return _file_page(current_user.id)


@bp.get("/records/people/<id:person_id>")
@login_required
def person(person_id: int) -> str:
    return _file_page(person_id)


@too_large_page("records.create")
def _entry_page(person_id: int, errors: list[FieldError] | None = None, typed: dict | None = None) -> str:
    found = training_file(db(), current_user.id, person_id, clock(), to_keep=True)
    form = build_form(manual_record_form(), locale_code(), typed or {}, errors)
    return render_template("records/enter.html", file=found, form=form)


@bp.get("/records/people/<id:person_id>/new")
@login_required
def new(person_id: int) -> str:
    return _entry_page(person_id)


@bp.post("/records/people/<id:person_id>/new")
@takes_files
@login_required
def create(person_id: int) -> BaseResponse:
    submission = read_submission(manual_record_form(), request.form, request.files)
    on_invalid(lambda errors: _entry_page(person_id, errors, submission.typed))
    enter_record(
        db(),
        store(),
        current_user.id,
        person_id,
        submission.data,
        submission.uploads,
        clock(),
        current_app.config["MAX_CONTENT_LENGTH"],
    )
    flash(_("The training has been entered in the file."), "success")
    return redirect(url_for("records.person", person_id=person_id), 303)


@bp.post("/records/people/<id:person_id>/records/<id:record_id>/strike")
@login_required
def strike(person_id: int, record_id: int) -> BaseResponse:
    refusals_go_to(url_for("records.person", person_id=person_id))
    strike_record(db(), current_user.id, person_id, record_id, request.form.get("reason"), clock())
    flash(_("The record is struck: it stays in the file, marked, and counts nothing."), "success")
    return redirect(url_for("records.person", person_id=person_id), 303)


@bp.get("/records/people/<id:person_id>/records/<id:record_id>/certificate")
@login_required
def certificate(person_id: int, record_id: int) -> Response:
    doc = record_certificate(db(), store(), current_user.id, person_id, record_id, clock())
    response = Response(doc.content, mimetype=doc.content_type)
    response.headers["Content-Disposition"] = _disposition("attachment", doc.filename)
    return response


@bp.post("/records/people/<id:person_id>/extracts")
@login_required
def issue(person_id: int) -> Response:
    """A new extract, downloaded at once: its link is in the PDF only (the token is kept hashed)."""
    issued = issue_extract(db(), current_user.id, person_id, clock())
    base = current_app.config["APP_BASE_URL"] or request.url_root
    link = base.rstrip("/") + url_for("records.verify", token=issued.token)
    pdf = render_extract(
        issued.file, link, issued.issued_at, locale_code(), current_app.config["PDF_COMPRESS"]
    )
    response = Response(pdf, mimetype="application/pdf")
    name = _("Training file extract %(number)s", number=issued.id) + ".pdf"
    response.headers["Content-Disposition"] = _disposition("attachment", name)
    return response


@bp.post("/records/people/<id:person_id>/extracts/<id:extract_id>/revoke")
@login_required
def revoke(person_id: int, extract_id: int) -> BaseResponse:
    revoke_extract(db(), current_user.id, person_id, extract_id, clock())
    flash(_("The extract is revoked: its link verifies nothing any more."), "success")
    return redirect(url_for("records.person", person_id=person_id), 303)


@bp.get("/verify/<token>")
def verify(token: str) -> str:
    """Public: what an extract's QR code opens, for anyone holding the link."""
    config = current_app.config
    limit = LookupLimit(config["VERIFY_LOOKUPS_PER_WINDOW"], config["VERIFY_WINDOW_MINUTES"])
    found = verify_extract(db(), token, request.remote_addr, clock(), limit)
    return render_template("records/verify.html", found=found)
