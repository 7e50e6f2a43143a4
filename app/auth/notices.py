"""The names of the notice kinds, as the account page lists them for email on or off."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

NOTICE_KINDS = {
    "task_assigned": _l("A new task for me"),
    "approved": _l("A step of my application was approved"),
    "returned": _l("My application was returned for changes"),
    "rejected": _l("My application was rejected"),
    "order_issued": _l("The order sending me to training was issued"),
    "reminder": _l("Reminders of the certificate and report"),
    "escalation": _l("Overdue certificates and reports"),
    "completed": _l("My training was recorded"),
    "withdrawn": _l("An application I had a step on was withdrawn"),
    "order_cancelled": _l("An order sending me to training was cancelled"),
    "incident": _l("A case held up by an error in its diagram"),
    "step_reminder": _l("Reminders of steps I hold"),
    "step_escalation": _l("Overdue steps in my area"),
    "order_late": _l("An order not issued as the training nears"),
}
