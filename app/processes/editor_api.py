"""The diagram editor: its page, and the JSON requests its script makes (check, save, publish, preview).

Every refusal rolls the request back and answers JSON the script can show: 422 with the problems
(nothing stored), 409 when someone else saved or published first (nothing stored either).
"""

from __future__ import annotations

import json
from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.i18n import locale_code
from app.processes import bp
from app.processes.access import owner_required
from app.processes.editor_texts import (
    check_labels,
    editor_messages,
    operator_labels,
    process_property_labels,
)
from app.processes.routes import find_listing, foreign_of, listing_title
from app.processes.texts import KINDS, problem_text, problem_view, role_options
from app.schema_form import build_form, localized_text
from app.state import clock, db, roll_back
from workflows.definitions import browser, drafts
from workflows.definitions.draft_rows import EditToken
from workflows.definitions.drafts import DraftBehindLive
from workflows.definitions.editor import check_draft, form_library, read_form, read_forms, vocabulary
from workflows.errors import Conflict, DefinitionInvalid, Problem


def _text(schema: Any) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2)


def _titles(forms: dict[str, Any]) -> dict[str, str]:
    return {key: localized_text(schema.get("x-title"), locale_code()) for key, schema in forms.items()}


@bp.get("/processes/<key>/edit")
@owner_required
def edit(key: str) -> str:
    listing = find_listing(key)
    editable = browser.get_draft_or_latest(db(), key, current_user.id, clock())
    library = {k: v for k, v in form_library().items() if k not in editable.forms}
    words = vocabulary()
    data = {
        "processKey": key,
        "locale": locale_code(),
        "csrf": generate_csrf(),
        "xml": editable.bpmn_xml,
        "token": str(editable.token),
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
        "problems": [problem_view(p) for p in editable.problems],
        "messages": editor_messages(),
        "urls": {
            "moddle": url_for("static", filename="editor/spiffworkflow.json"),
            "save": url_for("processes.save", key=key),
            "check": url_for("processes.check", key=key),
            "publish": url_for("processes.publish", key=key),
            "preview": url_for("processes.preview", key=key),
            "process": url_for("processes.show", key=key),
            "compare": url_for("processes.compare", key=key, b="draft"),
        },
    }
    return render_template(
        "processes/edit.html",
        listing=listing,
        title=listing_title(listing),
        editable=editable,
        foreign=foreign_of(editable.bpmn_xml),
        data=data,
    )


def _payload() -> dict[str, Any]:
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("xml", ""), str):
        abort(400)
    return payload


def _forms(payload: dict[str, Any]) -> dict[str, Any]:
    texts = payload.get("forms")
    if not isinstance(texts, dict):
        raise DefinitionInvalid([Problem("forms_json", "The forms are not JSON data")])
    return read_forms(texts)


def _problems(problems: list[Problem], status: int = 422) -> ResponseReturnValue:
    roll_back()
    return jsonify(problems=[problem_view(p) for p in problems]), status


def _conflict_message(exc: Conflict) -> tuple[str, str]:
    if isinstance(exc, DraftBehindLive):
        return "behind", _(
            "Version %(version)s was published after this draft was started. Compare the two; to keep your "
            "draft, save it on top of version %(version)s, then publish.",
            version=exc.params.get("latest_version") or "?",
        )
    return "conflict", _(
        "Someone else saved or published this process after you opened it, so nothing was saved. "
        "Download your diagram to keep it, then open their version."
    )


def _conflict(exc: Conflict) -> ResponseReturnValue:
    roll_back()
    kind, message = _conflict_message(exc)
    return jsonify(error=kind, message=message), 409


@bp.post("/processes/<key>/check")
@owner_required
def check(key: str) -> ResponseReturnValue:
    payload = _payload()
    try:
        forms = _forms(payload)
    except DefinitionInvalid as exc:
        return _problems(exc.problems, 200)
    found = check_draft(db(), key, payload.get("xml", ""), forms, current_user.id, clock())
    return _problems(found, 200)


@bp.post("/processes/<key>/draft")
@owner_required
def save(key: str) -> ResponseReturnValue:
    payload = _payload()
    try:
        forms = _forms(payload)
        saved = drafts.save_draft(
            db(),
            key,
            payload.get("xml", ""),
            forms,
            EditToken.parse(str(payload.get("token", ""))),
            current_user.id,
            clock(),
            rebase=bool(payload.get("rebase")),
        )
    except DefinitionInvalid as exc:
        return _problems(exc.problems)
    except Conflict as exc:
        return _conflict(exc)
    return jsonify(
        token=str(saved.token),
        problems=[problem_view(p) for p in saved.problems],
        publishable=saved.publishable,
    )


@bp.post("/processes/<key>/publish")
@owner_required
def publish(key: str) -> ResponseReturnValue:
    """From the editor's script (JSON) or the process page's form: publish the draft with a note."""
    as_json = request.is_json
    source = _payload() if as_json else request.form
    note = str(source.get("note") or "").strip() or None
    try:
        token = EditToken.parse(str(source.get("token", "")))
        published = drafts.publish_draft(db(), key, token, note, current_user.id, clock())
    except DefinitionInvalid as exc:
        if as_json:
            return _problems(exc.problems)
        roll_back()
        flash(_("Not published:") + " " + " ".join(problem_text(p) for p in exc.problems[:5]), "error")
        return redirect(url_for("processes.show", key=key), 303)
    except Conflict as exc:
        if as_json:
            return _conflict(exc)
        roll_back()
        flash(_conflict_message(exc)[1], "error")
        return redirect(url_for("processes.show", key=key), 303)
    if published.unchanged:
        flash(
            _("Nothing changed since version %(version)s; the draft was removed.", version=published.version),
            "info",
        )
    else:
        flash(_("Version %(version)s is published.", version=published.version), "success")
    target = url_for("processes.show", key=key)
    if as_json:
        return jsonify(version=published.version, unchanged=published.unchanged, url=target)
    return redirect(target, 303)


@bp.post("/processes/<key>/forms/preview")
@owner_required
def preview(key: str) -> ResponseReturnValue:
    payload = _payload()
    form_key, text = str(payload.get("key", "")), payload.get("text")
    schema, problems = read_form(form_key, text if isinstance(text, str) else "")
    html = ""
    if schema is not None and not problems:
        html = render_template("processes/_form_preview.html", form=build_form(schema, locale_code(), {}))
    return jsonify(html=html, problems=[problem_view(p) for p in problems])
