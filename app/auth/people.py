"""A person's account as administrators and HR see it (`/admin/people/<id>/account`): whether a
password is set, the links sent and open, and the buttons that send an invitation or set a
temporary password. The services refuse everyone else."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from app.auth import bp
from app.auth.policy import link_policy, password_policy
from app.errors import refusals_go_to
from app.i18n import format_moment
from app.state import clock, db
from workflows.org.invitations import (
    TemporaryPassword,
    account_state,
    send_invitation,
    set_temporary_password,
)


def _page(person_id: int, given: TemporaryPassword | None = None) -> str:
    state = account_state(db(), current_user.id, person_id, clock())
    return render_template(
        "auth/person_account.html",
        state=state,
        given=given,
        invitation_days=link_policy().invitation_days,
    )


@bp.get("/admin/people/<id:person_id>/account")
@login_required
def person_account(person_id: int) -> str:
    return _page(person_id)


@bp.post("/admin/people/<id:person_id>/invitation")
@login_required
def invite(person_id: int) -> Response:
    refusals_go_to(url_for("auth.person_account", person_id=person_id))
    issued = send_invitation(db(), current_user.id, person_id, clock(), link_policy())
    state = account_state(db(), current_user.id, person_id, clock())
    flash(
        _(
            "The invitation is on its way to %(email)s. Its link works once, until %(until)s.",
            email=state.email or "",
            until=format_moment(issued.expires_at),
        ),
        "success",
    )
    return redirect(url_for("auth.person_account", person_id=person_id), 303)


@bp.post("/admin/people/<id:person_id>/temporary-password")
@login_required
def temporary_password(person_id: int) -> str:
    """The new password is shown on this answer only (it is not kept anywhere in plain text)."""
    refusals_go_to(url_for("auth.person_account", person_id=person_id))
    given = set_temporary_password(db(), current_user.id, person_id, clock(), password_policy())
    return _page(person_id, given)
