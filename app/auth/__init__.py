"""Signing in and out, choosing the language, and one's account: the password and the sessions."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from app.auth import account, links, people, routes  # noqa: E402,F401  # routes attach themselves to bp
