"""The annual plan's pages: campaigns, a unit's schedule (602-01), the institute's review, the
consolidated schedule (602-05) with finance and approval, and one's own individual plan; and the
plan in use during its year (execution, versions and amendments, the perspective plan)."""

from flask import Blueprint

bp = Blueprint("planning", __name__, template_folder="templates", url_prefix="/plan")

from app.planning import amendments, execution, labels, routes, schedule  # noqa: E402,F401  # routes attach themselves to bp
