"""Forms drawn from their JSON Schema, and HTML form input turned back into the schema's types.

Rendering: `x-title`/`x-help`/`x-enum-titles` in the user's language, dates as date inputs,
booleans as checkboxes, numbers as number inputs, `x-widget: textarea`, `format: document` as a
file input. A `decision` enum becomes one submit button per choice.

Reading: integers and numbers parsed, an unchecked checkbox is false, empty fields omitted,
uploads handed over as `Upload`s (a kept earlier file travels as its id).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from app.wording import field_error_text
from workflows.cases.submissions import Upload
from workflows.errors import FieldError
from workflows.language import pick

DECISION = "decision"
NOT_PREFILLED = frozenset({"decision", "comment"})  # they belong to the previous decision
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
KEEP_SUFFIX = "__current"
RADIO_MAX = 4


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass
class FormField:
    name: str
    label: str
    help: str
    widget: str  # text, textarea, date, integer, number, checkbox, select, radio, file
    required: bool
    value: Any
    options: list[Option] = field(default_factory=list)
    error: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    current_document: tuple[str, str] | None = None  # (id, file name) of a file already attached

    @property
    def dom_id(self) -> str:
        return f"f-{self.name}"


@dataclass
class FormView:
    title: str
    description: str
    fields: list[FormField]
    decisions: list[Option]
    errors: list[str]  # not tied to one field
    has_files: bool

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for f in self.fields if f.error)


def localized_text(value: Any, locale: str) -> str:
    """A text by locale ({"kk": ..., "ru": ..., "en": ...}) or the same for all; "" for anything else."""
    if isinstance(value, dict):
        return pick({str(k): str(v) for k, v in value.items() if isinstance(v, str | int | float)}, locale)
    return str(value) if isinstance(value, str | int | float) else ""


def properties(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields of a form by name. A draft's schema may be anything JSON Schema allows (a field
    given as `true`, say) or carry malformed x-* annotations: what a field cannot use is ignored."""
    props = schema.get("properties")
    if not isinstance(props, dict):
        return {}
    return {str(name): prop if isinstance(prop, dict) else {} for name, prop in props.items()}


def _enum(prop: dict[str, Any]) -> list[Any] | None:
    values = prop.get("enum")
    return values if isinstance(values, list) else None


def enum_title(prop: dict[str, Any], value: Any, locale: str) -> str:
    """How a field's choice reads: its x-enum-titles entry in `locale`, or the value itself."""
    titles = prop.get("x-enum-titles")
    title = titles.get(str(value)) if isinstance(titles, dict) else None
    return localized_text(title, locale) or str(value)


def _options(prop: dict[str, Any], locale: str) -> list[Option]:
    return [Option(str(v), enum_title(prop, v, locale)) for v in _enum(prop) or []]


def _widget(prop: dict[str, Any]) -> str:
    kind = prop.get("type")
    enum = _enum(prop)
    if prop.get("format") == "document":
        return "file"
    if prop.get("x-widget") == "hidden":
        return "hidden"  # set by the page (a chosen plan line), not typed
    if enum is not None:
        return "radio" if len(enum) <= RADIO_MAX else "select"
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return str(kind)
    if prop.get("format") == "date":
        return "date"
    if prop.get("x-widget") == "textarea":
        return "textarea"
    return "text"


def _display(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return value
    return "" if value is None else str(value)


def _attrs(prop: dict[str, Any], widget: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if widget in {"integer", "number"}:
        for key in ("minimum", "maximum"):
            if key in prop:
                attrs["min" if key == "minimum" else "max"] = prop[key]
        attrs["step"] = "1" if widget == "integer" else "any"
    if widget in {"text", "textarea"} and "maxLength" in prop:
        attrs["maxlength"] = prop["maxLength"]
    if widget == "file":
        attrs["accept"] = ACCEPT
    return attrs


def build_form(
    schema: dict[str, Any],
    locale: str,
    values: Mapping[str, Any],
    errors: list[FieldError] | None = None,
    documents: Mapping[str, str] | None = None,
) -> FormView:
    """The view of a form: `values` prefill it (typed data, or what was typed when re-shown)."""
    required = schema.get("required")
    required = {str(name) for name in required} if isinstance(required, list) else set()
    by_field = {e.field: e for e in errors or []}
    fields: list[FormField] = []
    decisions: list[Option] = []
    for name, prop in properties(schema).items():
        if name == DECISION and _enum(prop) is not None:
            decisions = _options(prop, locale)
            continue
        widget = _widget(prop)
        value = values.get(name)
        current = None
        if widget == "file" and isinstance(value, str) and value:
            current = (value, (documents or {}).get(value, value))
        error = by_field.pop(name, None)
        fields.append(
            FormField(
                name=name,
                label=localized_text(prop.get("x-title"), locale) or name,
                help=localized_text(prop.get("x-help"), locale),
                widget=widget,
                required=name in required and widget != "checkbox",
                value=bool(value) if widget == "checkbox" else _display(value),
                options=_options(prop, locale),
                error=field_error_text(error) if error else None,
                attrs=_attrs(prop, widget),
                current_document=current,
            )
        )
    # A comment sits right above the decision buttons it explains.
    fields.sort(key=lambda f: f.name == "comment" and bool(decisions))
    leftover = [field_error_text(e) for e in by_field.values()]
    return FormView(
        title=localized_text(schema.get("x-title"), locale),
        description=localized_text(schema.get("x-description"), locale),
        fields=fields,
        decisions=decisions,
        errors=leftover,
        has_files=any(f.widget == "file" for f in fields),
    )


def prefill(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in NOT_PREFILLED}


def _number(raw: str, integer: bool) -> int | float | str:
    """The number typed, or the text itself when it is none, so that the schema names the field
    ("enter a number"). Infinity and NaN are not numbers a form means, nor can JSON hold them."""
    cleaned = raw.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        if integer:
            return int(cleaned)
        number = float(cleaned)
    except ValueError:
        return raw
    if not math.isfinite(number):
        return raw
    return int(number) if number.is_integer() else number


@dataclass
class Submission:
    data: dict[str, Any]
    uploads: list[Upload]
    typed: dict[str, Any]  # what to show again if the form comes back with errors


def read_submission(
    schema: dict[str, Any], form: MultiDict[str, str], files: MultiDict[str, FileStorage]
) -> Submission:
    data: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    uploads: list[Upload] = []
    for name, prop in properties(schema).items():
        widget = "decision" if name == DECISION and _enum(prop) is not None else _widget(prop)
        if widget == "checkbox":
            data[name] = typed[name] = form.get(name) in {"on", "true", "1", "yes"}
            continue
        if widget == "file":
            upload = files.get(name)
            if upload is not None and upload.filename:
                uploads.append(Upload(name, upload.filename, upload.stream))  # read by the service
            elif form.get(name + KEEP_SUFFIX):
                data[name] = typed[name] = form[name + KEEP_SUFFIX]
            continue
        raw = (form.get(name) or "").strip()
        typed[name] = raw
        if raw == "":
            continue
        if widget in {"integer", "number"} or (widget == "hidden" and prop.get("type") == "integer"):
            data[name] = _number(raw, widget == "integer" or prop.get("type") == "integer")
        else:
            data[name] = raw
    return Submission(data, uploads, typed)
