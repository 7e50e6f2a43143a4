"""The migrations build exactly the schema the models describe, and the shipped diagrams publish cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from workflows.db import Base
from workflows.definitions.publishing import BPMN_DIR
from workflows.definitions.validation import validate
from workflows.forms.schema import load_forms
from workflows.org.roles import KNOWN_ROLES


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
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
