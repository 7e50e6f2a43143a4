"""The case data as people read it: the application, then what later steps added, in the user's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _

from app.i18n import format_day
from app.schema_form import enum_title, localized_text, properties
from workflows.cases.detail import FieldChange
from workflows.definitions.catalog import ProcessInfo

NOT_SHOWN = frozenset({"decision", "comment"})  # shown with the decisions instead


@dataclass(frozen=True)
class Row:
    name: str
    label: str
    value: str
    long: bool  # free text: shown across the full width
    document: tuple[str, str] | None = None  # (id, file name) of an attached file


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[Row]


def display_value(prop: dict[str, Any], value: Any, locale: str) -> str:
    if value is None or value == "":
        return "—"
    if "enum" in prop:
        return enum_title(prop, value, locale)
    if prop.get("type") == "boolean":
        return _("Yes") if value else _("No")
    if prop.get("format") == "date":
        return format_day(value)
    if prop.get("type") in {"integer", "number"} and isinstance(value, int | float):
        return str(format_decimal(value))
    return str(value)


def _rows(
    schema: dict[str, Any],
    data: Mapping[str, Any],
    locale: str,
    documents: Mapping[str, str],
    skip: set[str],
) -> list[Row]:
    rows = []
    for name, prop in properties(schema).items():
        if name in NOT_SHOWN or name in skip or name not in data:
            continue
        value = data[name]
        document = None
        if prop.get("format") == "document":
            if not isinstance(value, str) or not value:
                continue
            document = (value, documents.get(value, value))
        rows.append(
            Row(
                name,
                localized_text(prop.get("x-title"), locale) or name,
                document[1] if document else display_value(prop, value, locale),
                prop.get("x-widget") == "textarea",
                document,
            )
        )
    return rows


def summary_rows(schema: dict[str, Any], data: Mapping[str, Any], locale: str) -> list[Row]:
    """The application itself (the start form's fields)."""
    return _rows(
        schema,
        data,
        locale,
        {},
        {n for n, p in properties(schema).items() if p.get("format") == "document"},
    )


def later_sections(
    process: ProcessInfo,
    data: Mapping[str, Any],
    locale: str,
    documents: Mapping[str, str],
    skip_forms: set[str] | frozenset[str] = frozenset(),
) -> list[Section]:
    """What the steps after the application added (the report, the order date, the minutes...)."""
    start_form = process.start.form_key
    shown = set(properties(process.schema(start_form)))
    sections = []
    for form_key in dict.fromkeys(step.form_key for step in process.steps.values()):
        if form_key in (start_form, *skip_forms) or form_key not in process.forms:
            continue
        schema = process.forms[form_key]
        rows = _rows(schema, data, locale, documents, shown)
        shown.update(row.name for row in rows)
        if rows:
            sections.append(Section(localized_text(schema.get("x-title"), locale) or form_key, rows))
    return sections


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


def change_rows(schema: dict[str, Any], changes: list[FieldChange], locale: str) -> list[ChangeRow]:
    """The fields a resubmission changed, labelled and formatted like the application summary."""
    props = properties(schema)
    return [
        ChangeRow(
            localized_text(props.get(c.field, {}).get("x-title"), locale) or c.field,
            display_value(props.get(c.field, {}), c.before, locale),
            display_value(props.get(c.field, {}), c.after, locale),
        )
        for c in changes
        if c.field not in NOT_SHOWN and c.field in props
    ]
