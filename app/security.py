"""Who is signed in (Flask-Login on the person table) and the headers every response carries.

The session cookie names the person and their session generation (`"<id>:<generation>"`, Flask-Login's
user id); every request checks it against the person's current generation, so a session that was
ended on the server (signing out, a password change, "sign out everywhere") opens nothing, wherever
its cookie was copied to. A bare id is a session from before generations existed: generation 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from werkzeug.middleware.proxy_fix import ProxyFix

from app.extensions import login_manager
from app.state import db
from workflows.org.accounts import account

# The diagram viewer sets style attributes on SVG nodes; scripts come only from this origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


@dataclass
class CurrentUser(UserMixin):
    id: int
    username: str
    full_name: str
    locale: str
    position: str | None
    org_unit_id: int
    session_generation: int
    must_change_password: bool = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"


def session_user(person_id: int, session_generation: int) -> CurrentUser | None:
    """The person of a session of this generation, while it is open."""
    found = account(db(), person_id, session_generation)
    if found is None:
        return None
    return CurrentUser(
        found.id,
        found.username,
        found.full_name,
        found.locale,
        found.position,
        found.org_unit_id,
        found.session_generation,
        found.must_change_password,
    )


def load_user(user_id: str) -> CurrentUser | None:
    person, _, generation = user_id.partition(":")
    try:
        return session_user(int(person), int(generation or "0"))
    except ValueError:
        return None


def safe_next(target: str | None, default: str) -> str:
    """Only paths on this site: never an open redirect to another host."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


# The stylesheets, scripts and bpmn-js files: the same for everyone, so they may be cached.
PUBLIC_ENDPOINTS = frozenset({"static", "assets.bpmn_js"})


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint not in PUBLIC_ENDPOINTS:
        # Pages, order PDFs, documents, diagrams, the editor's answers: nobody's browser or proxy keeps them.
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        seconds = int(current_app.config["HSTS_MAX_AGE"])
        response.headers.setdefault("Strict-Transport-Security", f"max-age={seconds}")
    return response


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # Behind that many reverse proxies the client's address and scheme are what they forward;
        # without them a forwarded header is ignored (it would let anyone choose their address).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.after_request(_headers)
