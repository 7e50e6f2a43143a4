"""Decision tables are definitions: shipped, drafted, checked cell by cell, published, compared."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Demo
from workflows.clock import FrozenClock
from workflows.definitions import browser, drafts, presets
from workflows.definitions.catalog import published_processes
from workflows.definitions.editor import export_draft
from workflows.definitions.models import DefinitionKind, ProcessVersion
from workflows.definitions.publishing import ShippedOutcome, publish_directory
from workflows.definitions.tables import validate_decision
from workflows.errors import DefinitionInvalid
from workflows.records.requirements import Facts, policy_on

KEY = "periodicity"
SHIPPED = (Path(__file__).resolve().parents[3] / "bpmn" / "periodicity.dmn").read_text(encoding="utf-8")
TEACHER = Facts("teaching", "lecturer", "department", False, True)


def problems_of(xml: str) -> list[tuple[str, dict[str, object]]]:
    table, problems = validate_decision(xml, KEY)
    assert table is None
    return [(p.code, p.params) for p in problems]


def test_the_shipped_table_passes_every_check() -> None:
    table, problems = validate_decision(SHIPPED, KEY)
    assert problems == [] and table is not None and len(table.rules) == 6


def test_an_unparsable_cell_is_named_by_rule_and_column() -> None:
    broken = SHIPPED.replace('<text>in ("teaching", "research")</text>', '<text>in ("teaching", </text>', 1)
    [(code, params)] = problems_of(broken)
    assert code == "decision_cell"
    assert (params["rule"], params["column"]) == (1, "Қызметкер санаты")


def test_an_output_of_the_wrong_type_is_named_by_rule_and_column() -> None:
    broken = SHIPPED.replace("<text>36</text>", '<text>"thirty-six"</text>', 1)
    [(code, params)] = problems_of(broken)
    assert code == "decision_cell_type"
    assert (params["rule"], params["column"], params["value"]) == (1, "Курстың ең аз сағаты", '"thirty-six"')


def test_a_computed_output_of_the_wrong_type_is_caught_by_the_sample_facts() -> None:
    broken = SHIPPED.replace("<text>72</text>", "<text>str(72)</text>", 1)
    found = problems_of(broken)
    assert ("decision_cell_type", "Сағат", 1) in [(c, p["column"], p["rule"]) for c, p in found]


def test_a_hostile_cell_is_refused_at_compile_time() -> None:
    broken = SHIPPED.replace("<text>72</text>", "<text>().__class__</text>", 1)
    [(code, params)] = problems_of(broken)
    assert (code, params["rule"], params["column"]) == ("decision_cell", 1, "Сағат")


def test_a_table_without_an_output_of_the_contract_is_refused() -> None:
    lines = [line for line in SHIPPED.splitlines() if 'name="counted_types"' not in line]
    text = "\n".join(lines)
    # The rules keep their counted_types cells: drop them too, so only the column is missing.
    while "_out_counted_types" in text:
        start = text.index('<outputEntry id="', text.index("_out_counted_types") - 60)
        end = text.index("</outputEntry>", start) + len("</outputEntry>")
        text = text[:start] + text[end:]
    assert ("decision_output_missing", {"column": "counted_types"}) in problems_of(text)
    assert (
        problems_of(SHIPPED.replace('hitPolicy="COLLECT"', 'hitPolicy="UNIQUE"'))[0][0]
        == "decision_hit_policy"
    )


def test_deploying_again_publishes_the_table_once(db: Session, clock: FrozenClock) -> None:
    row = db.scalars(select(ProcessVersion).where(ProcessVersion.process_key == KEY)).one()
    assert (row.kind, row.version, row.forms) == (DefinitionKind.DECISION, 1, {})
    shipped = {s.process_key: s.outcome for s in publish_directory(db, clock)}
    assert shipped == {
        KEY: ShippedOutcome.UNCHANGED,
        "qualification_request": ShippedOutcome.UNCHANGED,
        "annual_plan": ShippedOutcome.UNCHANGED,
    }


def test_a_table_owners_edit_and_publish_is_never_replaced_by_the_shipped_one(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    owner = demo["owner"]
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    assert (opened.kind, opened.source, opened.forms) == (DefinitionKind.DECISION, "version", {})
    saved = drafts.save_draft(
        db,
        KEY,
        opened.bpmn_xml.replace("<text>72</text>", "<text>60</text>", 1),
        None,
        opened.token,
        owner,
        clock,
    )
    assert saved.problems == []
    clock.advance(days=30)
    published = drafts.publish_draft(db, KEY, saved.token, "Order 40", owner, clock)
    assert published.version == 2
    assert policy_on(db, date(2026, 3, 1)).requirements(TEACHER)[0].hours == 72
    assert policy_on(db, date(2026, 4, 1)).requirements(TEACHER)[0].hours == 60
    [kept] = [s for s in publish_directory(db, clock) if s.process_key == KEY]
    assert (kept.outcome, kept.version) == (ShippedOutcome.UNCHANGED, 1)
    assert policy_on(db, date(2026, 4, 1)).version_label == "periodicity v2"

    comparison = browser.compare_versions(db, KEY, 1, 2, owner, clock)
    assert [(c.element_id, c.kind) for c in comparison.changed] == [("rule_teachers", "rule")]
    assert [(f.field, f.before, f.after) for f in comparison.changed[0].changes] == [("Сағат", "72", "60")]
    assert comparison.added == comparison.removed == []


def test_a_draft_with_a_bad_cell_is_kept_with_its_problems_and_does_not_publish(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    owner = demo["owner"]
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    bad = opened.bpmn_xml.replace("<text>72</text>", "<text>72 +</text>", 1)
    saved = drafts.save_draft(db, KEY, bad, None, opened.token, owner, clock)
    assert [(p.code, p.params["rule"], p.params["column"]) for p in saved.problems] == [
        ("decision_cell", 1, "Сағат")
    ]
    with pytest.raises(DefinitionInvalid):
        drafts.publish_draft(db, KEY, saved.token, None, owner, clock)
    assert browser.get_draft_or_latest(db, KEY, owner, clock).source == "draft"


def test_the_catalogs_keep_processes_and_tables_apart(db: Session, demo: Demo, clock: FrozenClock) -> None:
    assert [p.process_key for p in published_processes(db)] == ["annual_plan", "qualification_request"]
    owner = demo["owner"]
    listed = [d.process_key for d in browser.list_definitions(db, owner, clock)]
    assert listed == ["annual_plan", "qualification_request"]
    [table] = browser.list_definitions(db, owner, clock, DefinitionKind.DECISION)
    assert (table.process_key, table.kind, table.latest and table.latest.number) == (KEY, "decision", 1)
    assert table.name == "Біліктілікті арттыру кезеңділігі"


def test_an_owner_starts_a_draft_from_a_preset(db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    assert [p.name for p in presets.presets_for(KEY)] == ["once_per_3_years", "seed_001", "seed_003"]
    token = browser.get_draft_or_latest(db, KEY, owner, clock).token
    saved = presets.draft_from_preset(db, KEY, "seed_003", token, owner, clock)
    assert saved.problems == []
    clock.advance(days=1)
    drafts.publish_draft(db, KEY, saved.token, "003 §10", owner, clock)
    assert [(r.code, r.years) for r in policy_on(db, date(2026, 3, 2)).requirements(TEACHER)] == [("any", 5)]


def test_a_process_key_cannot_become_a_decision(db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    other = SHIPPED.replace('<decision id="periodicity"', '<decision id="qualification_request"')
    token = browser.get_draft_or_latest(db, "qualification_request", owner, clock).token
    saved = drafts.save_draft(db, "qualification_request", other, None, token, owner, clock)
    with pytest.raises(DefinitionInvalid) as refused:
        drafts.publish_draft(db, "qualification_request", saved.token, None, owner, clock)
    assert [p.code for p in refused.value.problems] == ["kind_changed"]


def test_a_dmn_file_uploads_into_the_draft_and_downloads_as_dmn(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    owner = demo["owner"]
    token = browser.get_draft_or_latest(db, KEY, owner, clock).token
    sixty = SHIPPED.replace("<text>72</text>", "<text>60</text>", 1)
    imported = drafts.import_bpmn(db, KEY, "periodicity.dmn", sixty.encode("utf-8"), token, owner, clock)
    assert imported.foreign == [] and imported.draft.problems == []
    exported = export_draft(db, KEY, owner, clock)
    assert (exported.filename, exported.content.decode("utf-8")) == ("periodicity_draft.dmn", sixty)
    assert drafts.export_version(db, KEY, 1, owner, clock).filename == "periodicity_v1.dmn"


def test_a_new_release_of_the_table_never_replaces_the_owners_version(
    db: Session, demo: Demo, clock: FrozenClock, tmp_path: Path
) -> None:
    owner = demo["owner"]
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    saved = drafts.save_draft(
        db, KEY, SHIPPED.replace("<text>72</text>", "<text>60</text>", 1), None, opened.token, owner, clock
    )
    drafts.publish_draft(db, KEY, saved.token, "Order 40", owner, clock)
    release = tmp_path / "bpmn"
    release.mkdir()
    (release / "periodicity.dmn").write_text(
        SHIPPED.replace("<text>72</text>", "<text>80</text>", 1), "utf-8"
    )
    [kept] = publish_directory(db, clock, release)
    assert (kept.process_key, kept.outcome, kept.version) == (KEY, ShippedOutcome.KEPT, 2)
    assert policy_on(db, date(2026, 3, 1)).requirements(TEACHER)[0].hours == 60
