"""In-app notices: the list and marking them read."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, template_folder="templates")

from app.notifications import routes  # noqa: E402,F401  # routes attach themselves to bp
