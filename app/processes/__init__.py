"""Process definitions for their owners: the list, a process's versions, the diagram editor,
comparing, publishing, republishing, download and upload."""

from flask import Blueprint

bp = Blueprint("processes", __name__, template_folder="templates")

from app.processes import editor_api, routes, tables  # noqa: E402,F401  # routes attach themselves to bp
