"""The JSON Schema of each form: the shipped forms, which fields hold documents, and every way a
submission breaks its schema, one error per field in the wording of `workflows.wording.FIELDS`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from workflows.errors import FieldError, field_error
from workflows.forms.patterns import PatternRefused, matches

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"
_DOCUMENT_ID = re.compile(r"^[0-9a-f]{32}$")

_format_checker = FormatChecker()


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """JSON Schema's `pattern`, matched by RE2 (workflows.forms.patterns) instead of backtracking `re`."""
    if not validator.is_type(instance, "string"):
        return
    try:
        found = matches(pattern, instance)
    except PatternRefused:
        found = False  # publishing refuses such a form; an unpublished one fails closed
    if not found:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


# Draft 2020-12 with the one keyword that could take a web process down run in linear time.
FormValidator = validators.extend(Draft202012Validator, {"pattern": _pattern})


@_format_checker.checks("document")
def _is_document_id(value: object) -> bool:
    return not isinstance(value, str) or bool(_DOCUMENT_ID.match(value))


def load_forms(directory: Path = FORMS_DIR) -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text("utf-8")) for path in sorted(directory.glob("*.json"))}


def document_fields(schema: dict[str, Any]) -> list[str]:
    return [name for name, prop in schema.get("properties", {}).items() if prop.get("format") == "document"]


def _limit(error: ValidationError) -> dict[str, Any]:
    return {"limit": error.validator_value}


def _wording(error: ValidationError, prop: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The FIELDS code and params that say what is wrong, by the keyword and the field's kind."""
    keyword = str(error.validator)
    if keyword == "minLength":
        return ("required", {}) if error.validator_value in (None, 1) else ("minLength", _limit(error))
    if keyword == "maxLength":
        return "maxLength", _limit(error)
    if keyword in {"minimum", "exclusiveMinimum"}:
        return "minimum", _limit(error)
    if keyword in {"maximum", "exclusiveMaximum"}:
        return "maximum", _limit(error)
    if keyword in {"enum", "const"}:
        return keyword, {}
    if keyword == "type" and prop.get("type") in {"integer", "number"}:
        return f"type_{prop['type']}", {}
    if keyword == "format" and prop.get("format") == "date":
        return "format_date", {}
    if keyword == "format" and prop.get("format") == "document":
        return "document", {}
    return "wrong_form", {}


def _leaves(error: ValidationError) -> list[ValidationError]:
    if error.validator in {"allOf", "anyOf", "oneOf"} and error.context:
        return list(error.context)
    return [error]


def validate_against(schema: dict[str, Any], data: dict[str, Any]) -> list[FieldError]:
    """Every field the data get wrong (each once, with its first fault), in a stable order.

    Every missing required field is reported, not only the first: a person filling in a form
    wants to see all of them at once.
    """
    validator = FormValidator(schema, format_checker=_format_checker)
    props: dict[str, Any] = schema.get("properties", {})
    errors: dict[str, FieldError] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.validator)):
        for leaf in _leaves(error):
            if leaf.validator == "required":
                instance = leaf.instance if isinstance(leaf.instance, dict) else {}
                for name in leaf.validator_value:
                    if name not in instance:
                        is_file = props.get(name, {}).get("format") == "document"
                        errors.setdefault(name, field_error(name, "required_file" if is_file else "required"))
                continue
            if leaf.validator == "additionalProperties":
                errors.setdefault("", field_error("", "wrong_form", leaf.message))
                continue
            name = ".".join(str(part) for part in leaf.absolute_path)
            code, params = _wording(leaf, props.get(name, {}))
            errors.setdefault(name, field_error(name, code, leaf.message, **params))
    ordered = list(props)
    return sorted(
        errors.values(), key=lambda e: ordered.index(e.field) if e.field in ordered else len(ordered)
    )
