"""Field patterns from process owners cannot hang the server: they are matched in linear time."""

from __future__ import annotations

import threading
from typing import Any

from workflows.definitions.validation import form_schema_problem
from workflows.forms.schema import validate_against

EVIL = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^(a+)+$"}}}


def _bounded(work: Any) -> Any:
    """Run `work` in a thread; a backtracking matcher would still be at it when the guard gives up."""
    result: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", work()), daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the pattern is still being matched"
    return result["value"]


def test_a_catastrophic_pattern_is_answered_at_once() -> None:
    errors = _bounded(lambda: validate_against(EVIL, {"code": "a" * 60 + "b"}))
    assert [(e.field, e.code) for e in errors] == [("code", "wrong_form")]
    assert validate_against(EVIL, {"code": "a" * 60}) == []


def test_patterns_are_searched_as_json_schema_says() -> None:
    schema = {"type": "object", "properties": {"iin": {"type": "string", "pattern": "^[0-9]{12}$"}}}
    assert validate_against(schema, {"iin": "870101300123"}) == []
    assert [e.code for e in validate_against(schema, {"iin": "8701013001"})] == ["wrong_form"]
    unanchored = {"type": "object", "properties": {"x": {"type": "string", "pattern": "bc"}}}
    assert validate_against(unanchored, {"x": "abcd"}) == []


def test_publishing_refuses_a_pattern_only_a_backtracking_matcher_could_run() -> None:
    backreference = {"type": "object", "properties": {"pair": {"type": "string", "pattern": "^(a)\\1$"}}}
    found = form_schema_problem("pairs", backreference)
    assert found is not None and found.code == "form_pattern"
    assert (found.params["form"], found.params["field"]) == ("pairs", "pair")
    lookahead = {"type": "object", "patternProperties": {"(?=x)": {"type": "string"}}}
    assert form_schema_problem("ahead", lookahead) is not None
    assert form_schema_problem("evil", EVIL) is None  # legal, and harmless under RE2
