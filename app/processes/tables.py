"""Decision tables beside the diagrams: the dmn-js editor page and starting a draft from a preset.

Checking, saving and publishing go through the editor's JSON requests (`editor_api`), which serve
diagrams and tables alike; the process page shows a table's versions, draft and history.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from app.errors import refusals_go_to
from app.processes import bp
from app.processes.access import owner_required
from app.processes.editor_data import editor_data
from app.processes.editor_texts import editor_messages, table_messages
from app.processes.routes import find_listing, listing_title
from app.processes.table_texts import table_texts
from app.state import clock, db
from workflows.definitions.browser import DefinitionListing, Editable
from workflows.definitions.draft_rows import EditToken
from workflows.definitions.presets import draft_from_preset


def table_editor(listing: DefinitionListing, editable: Editable) -> str:
    key = listing.process_key
    data = editor_data(key, editable)
    data.update(
        {
            "fileSuffix": "dmn",
            "messages": {**editor_messages(), **table_messages()},
            "modelerTexts": table_texts(),
        }
    )
    return render_template(
        "processes/table_edit.html",
        listing=listing,
        title=listing_title(listing),
        editable=editable,
        data=data,
        table=True,
    )


@bp.post("/processes/<key>/presets")
@owner_required
def from_preset(key: str) -> BaseResponse:
    find_listing(key)
    target = url_for("processes.show", key=key)
    refusals_go_to(target, _("The preset was not taken:"))
    token = EditToken.parse(request.form.get("token", ""))
    saved = draft_from_preset(db(), key, request.form.get("preset", ""), token, current_user.id, clock())
    flash(_("The draft now holds the preset. Check it and publish it when it is right."), "success")
    if saved.problems:
        flash(
            _(
                "The draft has %(count)s problems to fix before it can be published.",
                count=len(saved.problems),
            ),
            "error",
        )
    return redirect(target, 303)
