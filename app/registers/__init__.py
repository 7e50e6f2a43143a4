"""Registers: the cases and orders people oversee, with filters, saved filters and exports, and the
nonconformity journal."""

from flask import Blueprint

bp = Blueprint("registers", __name__, template_folder="templates")

from app.registers import agreements, routes  # noqa: E402,F401  # routes attach themselves to bp
