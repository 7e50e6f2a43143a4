"""The personal training file: one's own, the files of a head's people, and HR's and the centre's
keeping of them (records entered by hand, struck records)."""

from flask import Blueprint

bp = Blueprint("records", __name__, template_folder="templates")

from app.records import routes  # noqa: E402,F401  # routes attach themselves to bp
