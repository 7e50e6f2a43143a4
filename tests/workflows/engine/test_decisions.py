"""Decision tables: parsed by SpiffWorkflow's DMN parser, run by its DMN engine, cells in the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows.engine.decisions import DECISIONS, cell_expression, parse_decision
from workflows.engine.definition import ContentCache
from workflows.errors import DecisionFailed, DefinitionInvalid

SHIPPED = (Path(__file__).resolve().parents[3] / "bpmn" / "periodicity.dmn").read_text(encoding="utf-8")


def facts(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "staff_category": "teaching",
        "position": "senior lecturer",
        "unit_kind": "department",
        "manages": False,
        "teaches": True,
    }
    return base | changes


def test_the_shipped_table_is_a_collect_table_with_the_contract_columns() -> None:
    table = parse_decision(SHIPPED)
    assert (table.key, table.hit_policy) == ("periodicity", "COLLECT")
    assert [c.name for c in table.inputs] == ["staff_category", "position", "unit_kind", "manages", "teaches"]
    assert [c.name for c in table.outputs] == [
        "code",
        "hours",
        "years",
        "min_course_hours",
        "match_disciplines",
        "management_only",
        "counted_types",
    ]
    assert [r.number for r in table.rules] == [1, 2, 3, 4, 5, 6]


def test_collect_yields_every_matching_rule_in_table_order() -> None:
    table = parse_decision(SHIPPED)
    rows = table.evaluate(facts())
    assert [(r["code"], r["hours"], r["years"]) for r in rows] == [("hours", 72, 3), ("any", 0, 3)]
    assert rows[0]["match_disciplines"] is True and rows[0]["min_course_hours"] == 36
    assert "attendance_note" not in rows[0]["counted_types"]


def test_an_operator_cell_is_joined_to_its_input_with_a_space() -> None:
    table = parse_decision(SHIPPED)
    column = table.inputs[0]
    assert cell_expression(column, 'in ("a", "b")') == 'staff_category in ("a", "b")'
    assert cell_expression(column, '"a"') == '(staff_category) == ("a")'
    assert cell_expression(column, '"?" != ? ') == '"?" != (staff_category) '
    assert cell_expression(column, "-") is None
    # Researchers match the same operator cell as teachers.
    assert table.evaluate(facts(staff_category="research"))[0]["hours"] == 72


def test_a_cell_that_fails_names_its_rule() -> None:
    broken = SHIPPED.replace(
        '<text>in ("teaching", "research")</text>', "<text>&gt; undefined_name</text>", 1
    )
    with pytest.raises(DecisionFailed) as failed:
        parse_decision(broken).evaluate(facts())
    assert failed.value.params["rule"] == 1
    assert "undefined_name" in str(failed.value)


def test_a_cell_runs_in_the_sandbox_never_here() -> None:
    hostile = SHIPPED.replace("<text>72</text>", "<text>__import__('os').getpid()</text>", 1)
    with pytest.raises(DecisionFailed) as failed:
        parse_decision(hostile).evaluate(facts())
    assert "ScriptRejected" in str(failed.value)


def test_a_file_that_is_not_one_decision_is_refused() -> None:
    with pytest.raises(DefinitionInvalid) as refused:
        parse_decision("<definitions xmlns='http://www.omg.org/spec/BPMN/20100524/MODEL'/>")
    assert [p.code for p in refused.value.problems] == ["decision_not_dmn"]
    two = SHIPPED.replace(
        "</definitions>", '<decision id="other"><decisionTable id="t2"/></decision></definitions>'
    )
    with pytest.raises(DefinitionInvalid) as refused:
        parse_decision(two)
    assert [p.code for p in refused.value.problems] == ["decision_count"]
    with pytest.raises(DefinitionInvalid) as refused:
        parse_decision(SHIPPED.replace('hitPolicy="COLLECT"', 'hitPolicy="COLLECT" foo="'))
    assert [p.code for p in refused.value.problems] == ["xml_syntax"]


def test_parsed_tables_are_cached_by_content_hash() -> None:
    cache = ContentCache(parse_decision)
    first = cache.get("abc", SHIPPED)
    assert cache.get("abc", "never parsed") is first
    assert DECISIONS.get("shipped-test", SHIPPED).key == "periodicity"


def test_a_cell_that_reads_another_fact_makes_the_table_read_it() -> None:
    table = parse_decision(SHIPPED.replace("<text>72</text>", "<text>72 if position else 60</text>", 1))
    assert "position" in table.reads
    assert table.evaluate(facts(position=""))[0]["hours"] == 60
