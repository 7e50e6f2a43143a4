"""Names people read for a record's codes: where it came from, its form, mode and document type."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.i18n import locale_code
from app.schema_form import enum_title, properties
from workflows.records.entry import manual_record_form

SOURCES = {
    "case": _l("From an application"),
    "import": _l("Imported history"),
    "manual": _l("Entered by hand"),
}


def source_label(source: str) -> str:
    return str(SOURCES.get(source, source))


def record_choice(field: str, value: str | None) -> str:
    """The name of a form, mode or certificate type in the reader's language ("—" when none)."""
    if not value:
        return "—"
    return enum_title(properties(manual_record_form()).get(field, {}), value, locale_code())
