"""The admin area: the org tree, units, people, seats, deputies, the audit log; one's own deputies
(/account/delegations) and handing a task on (/tasks/<id>/reassign)."""

from flask import Blueprint

from app.admin.forms import kind_choices, person_values, role_choices, staff_category_label, unit_choices

bp = Blueprint("admin", __name__, template_folder="templates")

# Globals rather than a context processor: the area's form macros, imported without context, use them.
for helper in (kind_choices, person_values, role_choices, staff_category_label, unit_choices):
    bp.add_app_template_global(helper)

from app.admin import audit, deputies, people, units  # noqa: E402,F401  # routes attach themselves to bp
