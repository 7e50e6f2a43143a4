"""A task: what it is about, its form, submitting it, claiming and releasing it."""

from flask import Blueprint

bp = Blueprint("tasks", __name__, template_folder="templates")

from app.tasks import routes  # noqa: E402,F401  # routes attach themselves to bp
