"""Reports: a person's, a department's, an institute's and the university's figures for a period,
with charts, exported as XLSX and PDF; the annual report and the quarterly data to HR."""

from flask import Blueprint

bp = Blueprint("reports", __name__, template_folder="templates", url_prefix="/reports")

from app.reports import retention, routes  # noqa: E402,F401  # routes attach themselves to bp
