"""The import pages: upload a staff or training file, see its preview (how far reading got, for a
large file), apply it with the preview's token; download templates and the staff export."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from app.errors import refusals_go_to, too_large_page
from app.i18n import locale_code
from app.imports import bp
from app.imports.texts import SHOWN, change_lines, problem_lines
from app.state import clock, db
from workflows.errors import FieldError
from workflows.org.import_runs import ImportKind, apply_run, recent_runs, run_view, start_run
from workflows.org.staff_export import csv_file, export_staff, import_template, xlsx_file
from workflows.org.staff_plan import ImportFile

MEGABYTE = 1024 * 1024
FORM_ROOM = 64 * 1024  # what the form's other fields and the multipart framing take
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"run_status_label": run_status_label}


def run_status_label(status: str) -> str:
    labels = {
        "reading": _("Reading the file"),
        "ready": _("Previewed, not applied"),
        "applied": _("Imported"),
    }
    return labels.get(str(status), str(status))


def _max_bytes() -> int:
    return int(current_app.config["IMPORT_MAX_MB"]) * MEGABYTE


@bp.url_value_preprocessor
def _upload_limit(_endpoint: str | None, _values: dict[str, object] | None) -> None:
    # Uploads here may be larger than elsewhere; a larger body is refused before anything reads it
    # (this runs before every before_request function, the CSRF check's included).
    if request.method == "POST":
        request.max_content_length = _max_bytes() + FORM_ROOM


@bp.get("")
@login_required
def index(errors: list[str] | None = None) -> str:
    return render_template(
        "imports/index.html",
        runs=recent_runs(db(), current_user.id, clock()),
        max_mb=current_app.config["IMPORT_MAX_MB"],
        errors=errors or [],
    )


@too_large_page("imports.upload")
@too_large_page("imports.upload_training")
def _too_large(_errors: list[FieldError], **_kwargs: object) -> str:
    return index([_("The file is larger than %(max_mb)s MB.", max_mb=current_app.config["IMPORT_MAX_MB"])])


def _upload(kind: ImportKind) -> Response:
    refusals_go_to(url_for("imports.index"))
    upload = request.files.get("file")
    # No file is an empty one: its preview says so (and whoever may not import is refused first).
    data, name = (upload.read(), upload.filename or "") if isinstance(upload, FileStorage) else (b"", "")
    file = ImportFile(data, _max_bytes(), request.form.get("full_register") == "1", name)
    inline = int(current_app.config["IMPORT_INLINE_KB"]) * 1024
    run_id = start_run(db(), current_user.id, kind, file, clock(), inline)
    return redirect(url_for("imports.show", run_id=run_id), 303)


@bp.post("")
@login_required
def upload() -> Response:
    return _upload(ImportKind.STAFF)


@bp.post("/training")
@login_required
def upload_training() -> Response:
    return _upload(ImportKind.TRAINING)


@bp.get("/<id:run_id>")
@login_required
def show(run_id: int) -> str:
    view = run_view(db(), current_user.id, run_id, clock())
    preview = view.staff or view.training
    return render_template(
        "imports/run.html",
        run=view,
        preview=preview,
        problems=problem_lines(preview.problems) if preview else [],
        change_lines=change_lines,
        shown=SHOWN,
    )


@bp.post("/<id:run_id>/apply")
@login_required
def apply(run_id: int) -> Response:
    refusals_go_to(url_for("imports.show", run_id=run_id))
    apply_run(db(), current_user.id, run_id, request.form.get("token", ""), clock(), _max_bytes())
    flash(_("The file was imported."), "success")
    return redirect(url_for("imports.show", run_id=run_id), 303)


def _download(rows: list[list[str]], name: str, kind: str) -> Response:
    data = csv_file(rows) if kind == "csv" else xlsx_file(rows)
    response = Response(data, mimetype=MEDIA[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@bp.get("/template.<any(csv, xlsx):kind>")
@login_required
def template(kind: str) -> Response:
    return _download(import_template(db(), current_user.id, clock()), "staff-template", kind)


@bp.get("/training-template.<any(csv, xlsx):kind>")
@login_required
def training_template(kind: str) -> Response:
    return _download(
        import_template(db(), current_user.id, clock(), training=True), "training-template", kind
    )


@bp.get("/export.<any(csv, xlsx):kind>")
@login_required
def export(kind: str) -> Response:
    rows = export_staff(db(), current_user.id, clock(), locale_code())
    return _download(rows, "staff", kind)
