"""One's account: who one is signed in as, one's seats and deputies, the language and the emails one
wants, changing the password (first of all when it is a temporary one), ending every session; and
the administrator's "sign out everywhere" for another person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.auth import bp
from app.auth.notices import NOTICE_KINDS
from app.auth.policy import password_policy
from app.errors import on_invalid, refusals_go_to
from app.security import safe_next
from app.state import clock, db
from app.wording import field_error_text
from workflows.errors import FieldError
from workflows.messaging.preferences import email_choices, set_email_choices
from workflows.org.accounts import is_admin, sign_out_everywhere
from workflows.org.passwords import change_password
from workflows.org.profile import profile

P = ParamSpec("P")
R = TypeVar("R")
PASSWORD_INPUTS = ("current_password", "new_password", "repeat_password")


def admin_required(view: Callable[P, R]) -> Callable[P, R]:
    """Signed in (else the sign-in page) and an administrator (else 403)."""

    @wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        if not is_admin(db(), current_user.id, clock()):
            abort(403)
        return view(*args, **kwargs)

    return login_required(guarded)


def _account_page(errors: list[FieldError] | None = None) -> str:
    by_field = {e.field: field_error_text(e) for e in errors or []}
    template = "auth/new_password.html" if current_user.must_change_password else "auth/account.html"
    return render_template(
        template,
        errors=by_field,
        inputs=PASSWORD_INPUTS,
        min_length=password_policy().min_length,
        profile=profile(db(), current_user.id, clock()),
        email_choices=email_choices(db(), current_user.id),
        notice_kinds=NOTICE_KINDS,
    )


@bp.get("/account")
@login_required
def account() -> str:
    return _account_page()


@bp.get("/account/new-password")
@login_required
def new_password() -> str | Response:
    """Where a temporary password sends its holder before anything else opens."""
    if not current_user.must_change_password:
        return redirect(url_for("auth.account"), 303)
    return _account_page()


@bp.post("/account/notifications")
@login_required
def notifications() -> Response:
    """Emails on for the kinds ticked, off for the others (the in-app notices stay)."""
    refusals_go_to(url_for("auth.account"))
    set_email_choices(db(), current_user.id, request.form.getlist("email"))
    flash(_("Your email notifications have been saved."), "success")
    return redirect(url_for("auth.account", _anchor="notifications-title"), 303)


@bp.post("/account/password")
@login_required
def password() -> Response:
    on_invalid(_account_page)
    generation = change_password(
        db(),
        current_user.id,
        request.form.get("current_password", ""),
        request.form.get("new_password", ""),
        request.form.get("repeat_password", ""),
        password_policy(),
    )
    # Every other session has ended; this one carries on with the new generation.
    was_temporary = current_user.must_change_password
    user = replace(
        current_user._get_current_object(), session_generation=generation, must_change_password=False
    )
    login_user(user)
    flash(_("The password has been changed. Your sessions on other devices have ended."), "success")
    return redirect(url_for("inbox.index" if was_temporary else "auth.account"), 303)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_all_devices() -> Response:
    sign_out_everywhere(db(), current_user.id, current_user.id, clock())
    logout_user()
    session.clear()
    flash(_("You have been signed out on all devices."), "success")
    return redirect(url_for("auth.sign_in"), 303)


@bp.post("/admin/people/<id:person_id>/sign-out-everywhere")
@admin_required
def sign_person_out_everywhere(person_id: int) -> Response:
    ended = sign_out_everywhere(db(), current_user.id, person_id, clock())
    if person_id == current_user.id:
        logout_user()
        session.clear()
        return redirect(url_for("auth.sign_in"), 303)
    flash(_("%(name)s has been signed out on all devices.", name=ended.full_name), "success")
    return redirect(safe_next(request.form.get("next"), url_for("auth.account")), 303)
