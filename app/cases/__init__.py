"""Applications: starting one, my applications, the case page, its documents, order and diagram."""

from flask import Blueprint

bp = Blueprint("cases", __name__, template_folder="templates")

from app.cases import routes  # noqa: E402,F401  # routes attach themselves to bp
