"""Importing staff and past training from files, and exporting staff (administrators and HR)."""

from flask import Blueprint

bp = Blueprint("imports", __name__, template_folder="templates", url_prefix="/admin/import")

from app.imports import routes  # noqa: E402,F401  # routes attach themselves to bp
