"""What the line forms of the plan's pages need: the choices (the application form's
vocabularies, in the reader's language) and field errors by field."""

from __future__ import annotations

from typing import Any

from app.i18n import locale_code
from app.wording import field_error_text
from workflows.errors import FieldError
from workflows.forms.schema import load_forms
from workflows.language import pick

CHOICE_FIELDS = ("training_form", "mode", "funding_source")


def line_choices() -> dict[str, list[tuple[str, str]]]:
    props = load_forms()["application"]["properties"]
    locale = locale_code()
    found: dict[str, list[tuple[str, str]]] = {}
    for name in CHOICE_FIELDS:
        titles: dict[str, Any] = props[name].get("x-enum-titles", {})
        found[name] = [(value, pick(titles.get(value), locale) or value) for value in props[name]["enum"]]
    return found


def choice_label(choices: dict[str, list[tuple[str, str]]], field: str, value: str) -> str:
    return dict(choices.get(field, [])).get(value, value)


def error_texts(errors: list[FieldError] | None) -> dict[str, str]:
    texts: dict[str, str] = {}
    for error in errors or []:
        texts[error.field] = (texts[error.field] + " " if error.field in texts else "") + field_error_text(
            error
        )
    return texts
