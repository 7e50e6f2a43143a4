"""The process pages: the list, one process with its versions and events, comparing, and the
form posts on it (republish, discard the draft, upload a .bpmn file, download)."""

from __future__ import annotations

from typing import Literal

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.errors import on_problems, refusals_go_to, too_large_page
from app.i18n import locale_code
from app.processes import bp
from app.processes.access import owner_required
from app.processes.texts import event_text, field_label, kind_label
from app.routing import database_id
from app.state import clock, db
from app.wording import problem_text, problem_view
from workflows.definitions import browser, drafts
from workflows.definitions.archive import archive_process, archived_keys, is_archived, unarchive_process
from workflows.definitions.browser import DefinitionListing
from workflows.definitions.copying import copy_process
from workflows.definitions.diff import foreign_markup
from workflows.definitions.draft_rows import EditToken, info_of
from workflows.definitions.drafts import BpmnExport
from workflows.definitions.editor import definition_events, export_draft, is_process_owner
from workflows.definitions.kinds import DefinitionKind
from workflows.definitions.presets import presets_for
from workflows.definitions.reading import MAX_BPMN_BYTES
from workflows.errors import FieldError, NotFound
from workflows.language import pick


def listing_title(listing: DefinitionListing) -> str:
    return pick(listing.titles, locale_code(), listing.name)


def find_listing(key: str) -> DefinitionListing:
    for kind in DefinitionKind:
        for listing in browser.list_definitions(db(), current_user.id, clock(), kind):
            if listing.process_key == key:
                return listing
    raise NotFound(f"No process '{key}'", process_key=key)


@bp.get("/processes")
@owner_required
def index() -> str:
    listings = browser.list_definitions(db(), current_user.id, clock())
    tables = browser.list_definitions(db(), current_user.id, clock(), DefinitionKind.DECISION)
    return render_template(
        "processes/index.html",
        archived=archived_keys(db()),
        listings=listings,
        tables=tables,
        titles={x.process_key: listing_title(x) for x in [*listings, *tables]},
    )


def _process_page(key: str, upload_errors: list[str] | None = None) -> str:
    session, actor = db(), current_user.id
    listing = find_listing(key)
    editable = browser.get_draft_or_latest(session, key, actor, clock())
    return render_template(
        "processes/show.html",
        listing=listing,
        title=listing_title(listing),
        editable=editable,
        problems=[problem_view(p) for p in editable.problems],
        foreign=foreign_markup(editable.bpmn_xml),
        events=definition_events(session, key, actor, clock()),
        event_text=event_text,
        upload_errors=upload_errors or [],
        max_kib=MAX_BPMN_BYTES // 1024,
        table=listing.kind == DefinitionKind.DECISION,
        presets=presets_for(key) if listing.kind == DefinitionKind.DECISION else [],
        archived=is_archived(session, key),
        description=_description(editable.bpmn_xml) if listing.kind == DefinitionKind.PROCESS else "",
    )


def _description(bpmn_xml: str) -> str:
    """What the process is for, as its diagram's documentation says (in the reader's language)."""
    info = info_of(bpmn_xml)
    return pick(info.descriptions(), locale_code(), "") if info is not None else ""


@bp.get("/processes/<key>")
@owner_required
def show(key: str) -> str:
    return _process_page(key)


def _side(raw: str | None, default: int | Literal["draft"] | None) -> int | Literal["draft"] | None:
    if raw is None or raw == "":
        return default
    if raw == "draft":
        return "draft"
    number = database_id(raw)
    if number is None:
        abort(404)
    return number


@bp.get("/processes/<key>/compare")
@owner_required
def compare(key: str) -> str:
    listing = find_listing(key)
    latest = listing.latest.number if listing.latest else None
    default_b: int | Literal["draft"] | None = "draft" if listing.draft else latest
    default_a = latest if default_b == "draft" else (latest - 1 if latest and latest > 1 else latest)
    a, b = _side(request.args.get("a"), default_a), _side(request.args.get("b"), default_b)
    if a is None or b is None:
        raise NotFound("Nothing to compare", process_key=key)
    comparison = browser.compare_versions(db(), key, a, b, current_user.id, clock())
    return render_template(
        "processes/compare.html",
        listing=listing,
        title=listing_title(listing),
        comparison=comparison,
        a=str(a),
        b=str(b),
        kind_label=kind_label,
        field_label=field_label,
    )


def _download(export: BpmnExport) -> Response:
    response = Response(export.content, mimetype=export.media_type)
    # File names are built from the process key (an XML name), so plain ASCII apart from rare cases.
    safe = "".join(ch for ch in export.filename if ch.isascii() and (ch.isalnum() or ch in "._-"))
    response.headers["Content-Disposition"] = f'attachment; filename="{safe or "diagram.bpmn"}"'
    response.headers["ETag"] = export.content_hash
    return response


@bp.get("/processes/<key>/versions/<id:number>/download")
@owner_required
def download_version(key: str, number: int) -> Response:
    return _download(drafts.export_version(db(), key, number, current_user.id, clock()))


@bp.get("/processes/<key>/draft/download")
@owner_required
def download_draft(key: str) -> Response:
    return _download(export_draft(db(), key, current_user.id, clock()))


def _token() -> EditToken:
    return EditToken.parse(request.form.get("token", ""))


@bp.post("/processes/<key>/versions/<id:number>/republish")
@owner_required
def republish(key: str, number: int) -> BaseResponse:
    note = (request.form.get("note") or "").strip() or None
    refusals_go_to(
        url_for("processes.show", key=key),
        _("Version %(number)s cannot be published again:", number=number),
    )
    published = drafts.republish(db(), key, number, note, current_user.id, clock())
    if published.unchanged:
        flash(_("Version %(number)s is already the live version.", number=published.version), "info")
    else:
        flash(
            _("Version %(old)s was published again as version %(new)s.", old=number, new=published.version),
            "success",
        )
    return redirect(url_for("processes.show", key=key), 303)


@bp.post("/processes/<key>/draft/discard")
@owner_required
def discard(key: str) -> BaseResponse:
    refusals_go_to(url_for("processes.show", key=key))
    drafts.discard_draft(db(), key, _token(), current_user.id, clock())
    flash(_("The draft was discarded."), "success")
    return redirect(url_for("processes.show", key=key), 303)


@too_large_page("processes.upload")
def _too_large(errors: list[FieldError], key: str) -> str:
    message = _("The file is larger than %(kib)s KiB.", kib=MAX_BPMN_BYTES // 1024)
    # The limit is enforced before the view (and its access check) runs: show the process only to owners.
    if not current_user.is_authenticated or not is_process_owner(db(), current_user.id, clock()):
        return render_template("errors/error.html", status=413, title=message, message=message, case_id=None)
    return _process_page(key, [message])


@bp.post("/processes/<key>/upload")
@owner_required
def upload(key: str) -> BaseResponse:
    find_listing(key)
    file = request.files.get("file")
    lead = _("The file was not accepted, nothing was changed:")
    on_problems(lambda problems: _process_page(key, [lead, *(problem_text(p) for p in problems)]))
    refusals_go_to(url_for("processes.show", key=key))
    imported = drafts.import_bpmn(
        db(),
        key,
        file.filename if file is not None else None,
        file.read(MAX_BPMN_BYTES + 1) if file is not None else b"",
        _token(),
        current_user.id,
        clock(),
    )
    flash(_("The file was uploaded into the draft."), "success")
    if imported.foreign:
        tools = ", ".join(f.tool or f.namespace for f in imported.foreign)
        flash(
            _("Extensions of other tools (%(tools)s) were kept but the engine ignores them.", tools=tools),
            "info",
        )
    if imported.draft.problems:
        flash(
            _(
                "The draft has %(count)s problems to fix before it can be published.",
                count=len(imported.draft.problems),
            ),
            "error",
        )
    return redirect(url_for("processes.show", key=key), 303)


@bp.post("/processes/<key>/archive")
@owner_required
def archive(key: str) -> BaseResponse:
    refusals_go_to(url_for("processes.show", key=key))
    archive_process(db(), key, current_user.id, clock())
    flash(_("The process is archived: no new case starts on it; running cases go on."), "success")
    return redirect(url_for("processes.show", key=key), 303)


@bp.post("/processes/<key>/unarchive")
@owner_required
def unarchive(key: str) -> BaseResponse:
    refusals_go_to(url_for("processes.show", key=key))
    unarchive_process(db(), key, current_user.id, clock())
    flash(_("The process is out of the archive: new cases can start on it."), "success")
    return redirect(url_for("processes.show", key=key), 303)


@bp.post("/processes/<key>/copy")
@owner_required
def copy(key: str) -> BaseResponse:
    refusals_go_to(url_for("processes.show", key=key))
    new_key = request.form.get("new_key", "")
    saved = copy_process(db(), key, new_key, request.form.get("title", ""), current_user.id, clock())
    flash(_("The copy is a draft of its own: edit it, then publish it."), "success")
    return redirect(url_for("processes.edit", key=saved.process_key), 303)
