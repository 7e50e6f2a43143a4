"""The migrations build exactly the schema the models describe, and the shipped diagrams publish cleanly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, Connection, Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from tests.workflows.flow import Flow
from workflows.definitions.publishing import BPMN_DIR
from workflows.definitions.validation import validate
from workflows.forms.schema import load_forms
from workflows.messaging.models import NoticeKind
from workflows.org.roles import KNOWN_ROLES, Role
from workflows.schema import metadata
from workflows.wording import NOTICES

# Migration 0020's indexes on expressions (the cases register's sorts, its trigram search on
# PostgreSQL only): the models do not describe them.
EXPRESSION_INDEXES = {
    *(
        f"ix_process_instance_sort_{key}{end}"
        for key in ("course", "start_date", "cost")
        for end in ("", "_desc")
    ),
    "ix_process_instance_search_trgm",
}


def _described(_object: object, name: str | None, kind: str, _reflected: bool, _other: object) -> bool:
    return not (kind == "index" and name in EXPRESSION_INDEXES)


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_object": _described}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), metadata)
    assert diff == []


def test_every_shipped_diagram_validates_with_known_roles_and_existing_forms() -> None:
    forms = load_forms()
    diagrams = sorted(BPMN_DIR.glob("*.bpmn"))
    assert diagrams
    for path in diagrams:
        parsed, problems = validate(path.read_text("utf-8"), forms)
        assert problems == [], (path.name, problems)
        assert parsed is not None
        info = parsed.info
        assert set(info.lanes.values()) <= set(KNOWN_ROLES)
        for task in info.user_tasks():
            assert task.role in KNOWN_ROLES, task.id
            assert task.properties["form"] in forms, task.id


def test_every_form_has_three_languages() -> None:
    for key, schema in load_forms().items():
        assert set(schema["x-title"]) == {"kk", "ru", "en"}, key
        for name, prop in schema["properties"].items():
            assert set(prop["x-title"]) == {"kk", "ru", "en"}, (key, name)


def test_every_state_column_is_checked_by_the_database(engine: Engine) -> None:
    """Alembic does not compare CHECK constraints: the migrations must create each one the models name."""
    expected = {
        (table.name, constraint.name)
        for table in metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    found = {
        (table, check["name"])
        for table in inspect(engine).get_table_names()
        for check in inspect(engine).get_check_constraints(table)
    }
    assert len(expected) >= 8
    assert expected <= found


@pytest.mark.parametrize(
    ("table", "column"),
    [("process_instance", "status"), ("job", "kind"), ("event", "kind"), ("role_assignment", "role")],
)
def test_a_value_outside_its_states_is_refused_by_the_database(
    flow: Flow, connection: Connection, table: str, column: str
) -> None:
    flow.start()  # a case with its events and jobs; the demo has the role assignments
    assert connection.scalar(text(f"SELECT count(*) FROM {table}"))
    with pytest.raises(IntegrityError), connection.begin_nested():
        connection.execute(text(f"UPDATE {table} SET {column} = 'no such state'"))


def test_states_match_what_the_product_says_about_them() -> None:
    assert set(NoticeKind) == set(NOTICES)
    assert set(KNOWN_ROLES) == set(Role)
