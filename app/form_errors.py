"""Server-side validation errors in the user's language, from their stable codes and params.

A code is a JSON Schema keyword (required, minLength, ...) or a named check of the diagram
(lead_time, date_range, ...) or a file check; unknown codes fall back to the service's text.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.i18n import format_day
from workflows.errors import FieldError


def _schema_message(error: FieldError, prop: dict[str, Any]) -> str | None:
    limit = error.params.get("limit")
    kind = prop.get("type")
    code = error.code
    if code == "required":
        return _("Attach a file.") if prop.get("format") == "document" else _("This field is required.")
    if code == "minLength":
        if limit in (None, 1):
            return _("This field is required.")
        return _("Enter at least %(limit)s characters.", limit=limit)
    if code == "maxLength":
        return _("Enter no more than %(limit)s characters.", limit=limit)
    if code in {"minimum", "exclusiveMinimum"}:
        return _("The value must be at least %(limit)s.", limit=limit)
    if code in {"maximum", "exclusiveMaximum"}:
        return _("The value must be at most %(limit)s.", limit=limit)
    if code == "enum":
        return _("Choose one of the options.")
    if code == "const":
        return _("This must be confirmed.")
    if code == "type":
        if kind == "integer":
            return _("Enter a whole number.")
        if kind == "number":
            return _("Enter a number.")
        return _("The value has the wrong form.")
    if code == "format":
        if prop.get("format") == "date":
            return _("Enter a date.")
        if prop.get("format") == "document":
            return _("The attached file was not found.")
        return _("The value has the wrong form.")
    return None


def _check_message(error: FieldError) -> str | None:
    p = error.params
    code = error.code
    if code == "lead_time":
        return _(
            "The training must start at least %(days)s days after the application is filed. "
            "For an application filed today the earliest allowed start date is %(earliest)s; "
            "for this start date the last day to apply was %(last)s.",
            days=p.get("lead_days", ""),
            earliest=format_day(p.get("earliest_start")),
            last=format_day(p.get("last_day_to_apply")),
        )
    if code == "date_range":
        return _(
            "The end date cannot be before the start date (%(start)s).", start=format_day(p.get("start"))
        )
    if code == "funding_cost_required":
        return _("Training paid by the university needs its cost.")
    if code == "funding_own_no_cost":
        return _("With own funds the university pays nothing: leave the cost empty.")
    if code == "file_too_large":
        return _("The file is too large: at most %(max)s MB is accepted.", max=p.get("max_mb", ""))
    if code == "file_type":
        return _("Only PDF, JPEG or PNG files are accepted; this file is something else.")
    if code == "file_empty":
        return _("The file is empty.")
    if code == "document":
        return _("The attached file was not found.")
    return None


def error_message(error: FieldError, schema: dict[str, Any]) -> str:
    prop = schema.get("properties", {}).get(error.field, {})
    return _check_message(error) or _schema_message(error, prop) or error.message
