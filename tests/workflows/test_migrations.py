"""Upgrading a database that already holds data: 0003 keeps every row and fills what it adds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, inspect, text

from workflows.db import make_engine
from workflows.migrate import downgrade, upgrade


@pytest.fixture(params=["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else []))
def empty(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        yield engine
        engine.dispose()
        return
    schema = f"test_migrate_{os.getpid()}"
    admin = make_engine(os.environ["TEST_DATABASE_URL"])
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    base = os.environ["TEST_DATABASE_URL"]
    engine = make_engine(f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}")
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


ROWS_AT_0002 = {
    "org_unit": {"id": 1, "code": "u", "kind": "university", "name_kk": "У", "name_ru": "У", "name_en": "U"},
    "person": {
        "id": 1,
        "username": "p",
        "full_name": "P",
        "staff_category": "teaching",
        "org_unit_id": 1,
        "locale": "kk",
        "is_active": True,
        "failed_logins": 0,
    },
    "process_version": {
        "id": 1,
        "process_key": "qr",
        "version": 1,
        "bpmn_xml": "<x/>",
        "forms": "{}",
        "content_hash": "h",
        "published_at": "2026-01-01 00:00:00",
    },
    "process_instance": {
        "id": 1,
        "version_id": 1,
        "process_key": "qr",
        "business_key": "K1",
        "subject_id": 1,
        "subject_unit_id": 1,
        "status": "running",
        "summary": "{}",
        "search_text": "",
        "state": "{}",
        "serializer_version": "1",
        "row_version": 1,
        "started_at": "2026-01-01 00:00:00",
        "updated_at": "2026-01-01 00:00:00",
    },
}
EVENTS: list[dict[str, object]] = [
    {
        "id": 1,
        "instance_id": None,
        "kind": "definition_published",
        "data": '{"process_key": "qr", "version": 1}',
    },
    {"id": 2, "instance_id": 1, "kind": "case_started", "data": "{}"},
]


def _insert(conn: Connection, table: str, row: dict[str, object]) -> None:
    columns = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({values})"), row)


def test_events_get_their_process_key_and_versions_keep_their_numbers(empty: Engine) -> None:
    upgrade(empty, "0002")
    with empty.begin() as conn:
        for table, row in ROWS_AT_0002.items():
            _insert(conn, table, row)
        for event in EVENTS:
            _insert(conn, "event", {**event, "at": "2026-01-01 00:00:00"})
    upgrade(empty, "head")
    with empty.connect() as conn:
        keys = {event_id: key for event_id, key in conn.execute(text("SELECT id, process_key FROM event"))}
        assert keys == {1: "qr", 2: "qr"}
        assert conn.scalar(text("SELECT version FROM process_version WHERE id = 1")) == 1


def test_the_migrations_go_down_and_up_again(empty: Engine) -> None:
    upgrade(empty, "head")
    downgrade(empty, "0002")
    with empty.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("event")}
        assert "process_key" not in columns
    upgrade(empty, "head")
    with empty.connect() as conn:
        assert "cancel_reason" in {c["name"] for c in inspect(conn).get_columns("training_order")}


def test_people_get_their_name_parts_and_units_a_kind_row(empty: Engine) -> None:
    upgrade(empty, "0007_sign_in_throttle")
    with empty.begin() as conn:
        _insert(conn, "org_unit", {**ROWS_AT_0002["org_unit"], "kind": "directorate_of_studies"})
        person = {k: v for k, v in ROWS_AT_0002["person"].items() if k != "failed_logins"}
        _insert(conn, "person", {**person, "full_name": "Айгүл Серікқызы Нұрланова"})
        _insert(conn, "person", {**person, "id": 2, "username": "q", "full_name": "Администратор"})
    upgrade(empty, "head")
    with empty.connect() as conn:
        parts = conn.execute(text("SELECT first_name, patronymic, last_name FROM person ORDER BY id")).all()
        assert [tuple(p) for p in parts] == [("Айгүл", "Серікқызы", "Нұрланова"), ("Администратор", None, "")]
        kinds = set(conn.scalars(text("SELECT code FROM unit_kind")))
        assert {"university", "institute", "department", "directorate_of_studies"} <= kinds
        assert conn.scalar(text("SELECT disciplines FROM person WHERE id = 1")) in ("[]", [])
    downgrade(empty, "0007_sign_in_throttle")
    with empty.connect() as conn:
        assert "iin" not in {c["name"] for c in inspect(conn).get_columns("person")}
