"""The diagram editor: its page, and the JSON requests its script makes (check, save, publish, preview).

Refusals are answered by `app.errors` as JSON the script can show: 422 with the problems (nothing
stored), 409 when someone else saved or published first (nothing stored either).
"""

from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import refusals_go_to
from app.i18n import locale_code
from app.processes import bp
from app.processes.access import owner_required
from app.processes.editor_data import editor_data
from app.processes.editor_texts import (
    check_labels,
    editor_messages,
    operator_labels,
    process_property_labels,
)
from app.processes.modeler_texts import modeler_texts
from app.processes.routes import find_listing, listing_title
from app.processes.tables import table_editor
from app.processes.texts import KINDS, role_options
from app.routing import reads_json
from app.schema_form import build_form, localized_text
from app.state import clock, db
from app.wording import problem_view
from workflows.definitions import browser, drafts
from workflows.definitions.diff import foreign_markup
from workflows.definitions.draft_rows import EditToken
from workflows.definitions.editor import check_draft, form_library, read_form, read_forms, vocabulary
from workflows.definitions.kinds import DefinitionKind


def _text(schema: Any) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2)


def _titles(forms: dict[str, Any]) -> dict[str, str]:
    return {key: localized_text(schema.get("x-title"), locale_code()) for key, schema in forms.items()}


@bp.get("/processes/<key>/edit")
@owner_required
def edit(key: str) -> str:
    listing = find_listing(key)
    editable = browser.get_draft_or_latest(db(), key, current_user.id, clock())
    if editable.kind == DefinitionKind.DECISION:
        return table_editor(listing, editable)
    library = {k: v for k, v in form_library().items() if k not in editable.forms}
    words = vocabulary()
    data = editor_data(key, editable)
    data.update(
        {
            # As texts: the page's JSON sorts object keys, and a schema's property order is its field order.
            "forms": {name: _text(schema) for name, schema in editable.forms.items()},
            "library": {name: _text(schema) for name, schema in library.items()},
            "kinds": {kind: str(label) for kind, label in KINDS.items()},
            "formTitles": _titles({**library, **editable.forms}),
            "roles": role_options(words.roles),
            # Lists of [value, label]: the page's JSON has its keys sorted, and these keep their order.
            "checks": list(check_labels().items()),
            "operators": list(operator_labels().items()),
            "processProperties": list(process_property_labels().items()),
            "messages": editor_messages(),
            "modelerTexts": modeler_texts(),
        }
    )
    data["urls"].update(
        {
            "moddle": url_for("static", filename="editor/spiffworkflow.json"),
            "preview": url_for("processes.preview", key=key),
        }
    )
    return render_template(
        "processes/edit.html",
        listing=listing,
        title=listing_title(listing),
        editable=editable,
        foreign=foreign_markup(editable.bpmn_xml),
        data=data,
    )


def _payload() -> dict[str, Any]:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("xml", ""), str):
        abort(400)
    return payload


def _form_texts(payload: dict[str, Any]) -> Any:
    return payload.get("forms")


@bp.post("/processes/<key>/check")
@reads_json
@owner_required
def check(key: str) -> ResponseReturnValue:
    payload = _payload()
    found = check_draft(db(), key, payload.get("xml", ""), _form_texts(payload), current_user.id, clock())
    return jsonify(problems=[problem_view(p) for p in found])


@bp.post("/processes/<key>/draft")
@reads_json
@owner_required
def save(key: str) -> ResponseReturnValue:
    payload = _payload()
    saved = drafts.save_draft(
        db(),
        key,
        payload.get("xml", ""),
        read_forms(_form_texts(payload)),
        EditToken.parse(str(payload.get("token", ""))),
        current_user.id,
        clock(),
        rebase=bool(payload.get("rebase")),
    )
    return jsonify(
        token=str(saved.token),
        problems=[problem_view(p) for p in saved.problems],
        publishable=saved.publishable,
    )


@bp.post("/processes/<key>/publish")
@reads_json
@owner_required
def publish(key: str) -> ResponseReturnValue:
    """From the editor's script (JSON) or the process page's form: publish the draft with a note."""
    source = _payload() if request.is_json else request.form
    note = str(source.get("note") or "").strip() or None
    target = url_for("processes.show", key=key)
    refusals_go_to(target, _("Not published:"))
    token = EditToken.parse(str(source.get("token", "")))
    published = drafts.publish_draft(db(), key, token, note, current_user.id, clock())
    if published.unchanged:
        flash(
            _("Nothing changed since version %(version)s; the draft was removed.", version=published.version),
            "info",
        )
    else:
        flash(_("Version %(version)s is published.", version=published.version), "success")
    if request.is_json:
        return jsonify(version=published.version, unchanged=published.unchanged, url=target)
    return redirect(target, 303)


@bp.post("/processes/<key>/forms/preview")
@reads_json
@owner_required
def preview(key: str) -> ResponseReturnValue:
    payload = _payload()
    form_key, text = str(payload.get("key", "")), payload.get("text")
    schema, problems = read_form(form_key, text if isinstance(text, str) else "")
    html = ""
    if schema is not None and not problems:
        html = render_template("processes/_form_preview.html", form=build_form(schema, locale_code(), {}))
    return jsonify(html=html, problems=[problem_view(p) for p in problems])
