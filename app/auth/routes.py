"""Sign in with a password (throttled by where the failures come from), sign out, switch the language."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.auth import bp
from app.auth.forms import SignInForm
from app.auth.policy import directory, throttle_policy
from app.i18n import LANGUAGES
from app.security import safe_next, session_user
from app.state import clock, db
from app.transaction import keep_despite_refusal
from workflows.org.accounts import authenticate, set_language, sign_out_everywhere
from workflows.org.demo import DEMO_PASSWORD, demo_accounts

YEAR = 365 * 24 * 3600


def _demo_accounts() -> list[tuple[str, str, str | None]]:
    return demo_accounts(db()) if current_app.config.get("DEMO") else []


def _keep_language_chosen_here(person_id: int) -> None:
    """A language picked on this device (before signing in, too) becomes the person's choice."""
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if chosen in LANGUAGES:
        set_language(db(), person_id, chosen)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    form = SignInForm()
    error = None
    status = 200
    if form.validate_on_submit():
        result = authenticate(
            db(),
            form.username.data or "",
            form.password.data or "",
            request.remote_addr,
            clock(),
            throttle_policy(),
            directory(),
        )
        if result.ok and result.person_id is not None:
            _keep_language_chosen_here(result.person_id)
            user = session_user(result.person_id, result.session_generation)
            if user is not None:
                session.clear()  # a fresh session for the signed-in person
                login_user(user)
                return redirect(safe_next(request.args.get("next"), url_for("inbox.index")), 303)
        status = 401
        keep_despite_refusal()  # the failed attempt counts towards the throttle
        # One answer for a wrong password, an unknown login and an attempt that has to wait.
        error = _(
            "The login or password is wrong. After several failed attempts, signing in from this "
            "network pauses for a while."
        )
        if result.refusal == "directory_unknown":  # the password was right: say what is missing
            error = _(
                "The university directory knows your account, but Biliktilik has no staff member with "
                "its personnel number or email. Ask the HR service to add you."
            )
    elif request.method == "POST":
        status = 400
        error = _("Enter your login and password.")
    page = render_template(
        "auth/sign_in.html",
        form=form,
        error=error,
        demo_accounts=_demo_accounts(),
        demo_password=DEMO_PASSWORD,
    )
    return page, status


@bp.post("/sign-out")
@login_required
def sign_out() -> Response:
    """Ends the session on the server: a copy of its cookie opens nothing afterwards (nor do the
    person's sessions on other devices, which carry the same generation)."""
    sign_out_everywhere(db(), current_user.id, current_user.id, clock())
    logout_user()
    session.clear()
    return redirect(url_for("auth.sign_in"), 303)


@bp.post("/language")
def language() -> Response:
    chosen = request.form.get("lang", "")
    target = safe_next(request.form.get("next"), url_for("inbox.index"))
    if chosen not in LANGUAGES:
        flash(_("This language is not available."), "error")
        return redirect(target, 303)
    if current_user.is_authenticated:
        set_language(db(), current_user.id, chosen)
    response = redirect(target, 303)
    response.set_cookie(
        current_app.config["LANGUAGE_COOKIE"],
        chosen,
        max_age=YEAR,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
