"""The annual plan: the plan in use during its year (execution, amendments, the perspective plan)."""

from flask import Blueprint

bp = Blueprint("planning", __name__, template_folder="templates")

from app.planning import amendments, execution  # noqa: E402,F401  # routes attach themselves to bp
