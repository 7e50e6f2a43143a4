"""Periodicity monitoring: everyone's standing for HR (a head's units for heads), next year's list
with its spreadsheet, and the records policy's settings."""

from flask import Blueprint

bp = Blueprint("monitoring", __name__, template_folder="templates")

from app.monitoring import routes  # noqa: E402,F401  # routes attach themselves to bp
