"""A submission's faults are all reported at once, each on its field, in the form's field order."""

from __future__ import annotations

from workflows.forms.schema import load_forms, validate_against


def test_every_missing_required_field_is_reported_at_once() -> None:
    schema = load_forms()["application"]
    errors = validate_against(schema, {"course": "Python", "hours": 72})
    required = [name for name in schema["properties"] if name in schema["required"]]
    missing = [name for name in required if name not in {"course", "hours"}]
    assert [e.field for e in errors] == missing
    assert {e.code for e in errors} == {"required"}


def test_a_missing_file_is_asked_for_as_a_file() -> None:
    schema = load_forms()["report_submission"]
    codes = {e.field: e.code for e in validate_against(schema, {})}
    assert codes["certificate"] == "required_file"


def test_faults_of_other_kinds_name_their_field_and_limit() -> None:
    schema = load_forms()["application"]
    errors = {e.field: (e.code, e.params) for e in validate_against(schema, {"hours": 0, "course": ""})}
    assert errors["hours"] == ("minimum", {"limit": 1})
    assert errors["course"] == ("required", {})
