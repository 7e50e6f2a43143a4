"""Incidents: where cases' diagrams failed, for process owners and administrators, with retry."""

from flask import Blueprint

bp = Blueprint("incidents", __name__, template_folder="templates")

from app.incidents import routes  # noqa: E402,F401  # routes attach themselves to bp
