"""The task inbox: the home page after sign-in."""

from flask import Blueprint

bp = Blueprint("inbox", __name__, template_folder="templates")

from app.inbox import routes  # noqa: E402,F401  # routes attach themselves to bp
