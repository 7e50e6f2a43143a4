"""Setting a password without knowing one: "forgot your password?", the one-time links of
invitations and resets, and the rule that a temporary password is changed before anything else."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from app.auth import bp
from app.auth.policy import link_policy, password_policy, throttle_policy
from app.errors import on_invalid
from app.state import clock, db
from app.wording import field_error_text
from workflows.errors import FieldError, NotAllowedNow
from workflows.org.recovery import LinkHolder, link_holder, redeem_link, request_password_reset

LINK_INPUTS = ("new_password", "repeat_password")
INVITATION, RESET = "invitation", "password_reset"  # the purposes of links (workflows.org.recovery)
PURPOSES = {"invitation": INVITATION, "reset": RESET}  # by the address that opens them
# What a person with a temporary password may still open: the page that replaces it, signing out,
# the language, and what pages are made of.
WHILE_TEMPORARY = frozenset(
    {"auth.new_password", "auth.password", "auth.sign_out", "auth.language", "static", "assets.bpmn_js"}
)


@bp.before_app_request
def temporary_password_first() -> Response | None:
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in WHILE_TEMPORARY
    ):
        return redirect(url_for("auth.new_password"), 303 if request.method == "POST" else 302)
    return None


def _forgot_page(errors: list[FieldError] | None = None) -> str:
    by_field = {e.field: field_error_text(e) for e in errors or []}
    return render_template("auth/forgot_password.html", errors=by_field, login=request.form.get("login", ""))


@bp.get("/forgot-password")
def forgot_password() -> str:
    return _forgot_page()


@bp.post("/forgot-password")
def ask_for_reset() -> Response:
    on_invalid(_forgot_page)
    request_password_reset(
        db(), request.form.get("login", ""), request.remote_addr, clock(), link_policy(), throttle_policy()
    )
    # The same answer whether the login exists, has an email, or has asked too often.
    flash(
        _(
            "If the login belongs to an account with an email address, a link to set a new password "
            "is on its way there. It works once, for %(minutes)s minutes.",
            minutes=link_policy().reset_minutes,
        ),
        "info",
    )
    return redirect(url_for("auth.sign_in"), 303)


def _holder(token: str, purpose: str) -> LinkHolder:
    holder = link_holder(db(), token, clock())
    if holder.purpose != purpose:  # an invitation's token under the reset address, or the other way
        raise NotAllowedNow("link_invalid", "the link is for something else")
    return holder


def _link_page(token: str, purpose: str, errors: list[FieldError] | None = None) -> str:
    by_field = {e.field: field_error_text(e) for e in errors or []}
    return render_template(
        "auth/set_password.html",
        holder=_holder(token, purpose),
        action=url_for("auth.link", kind="invitation" if purpose == INVITATION else "reset", token=token),
        errors=by_field,
        inputs=LINK_INPUTS,
        min_length=password_policy().min_length,
    )


def _set_password(token: str, purpose: str) -> Response:
    _holder(token, purpose)
    on_invalid(lambda errors: _link_page(token, purpose, errors))
    done = redeem_link(
        db(),
        token,
        request.form.get("new_password", ""),
        request.form.get("repeat_password", ""),
        password_policy(),
        clock(),
    )
    if current_user.is_authenticated:  # whoever was signed in on this device, the link's person signs in anew
        logout_user()
    session.clear()
    flash(
        _(
            "Your password is set. Sign in with your login %(login)s, your personnel number or your email.",
            login=done.username,
        ),
        "success",
    )
    return redirect(url_for("auth.sign_in"), 303)


@bp.get("/account/<any(invitation, reset):kind>/<token>")
def link(kind: str, token: str) -> str:
    return _link_page(token, PURPOSES[kind])


@bp.post("/account/<any(invitation, reset):kind>/<token>")
def use_link(kind: str, token: str) -> Response:
    return _set_password(token, PURPOSES[kind])
