"""0010_records keeps every training record, says it came from a case, and adds the policy row."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from tests.workflows.test_migrations import ROWS_AT_0002, _insert, empty  # noqa: F401 (empty is a fixture)
from workflows.migrate import downgrade, upgrade


def test_existing_records_came_from_cases_and_the_policy_has_its_defaults(empty: Engine) -> None:  # noqa: F811
    upgrade(empty, "0008_people")
    with empty.begin() as conn:
        _insert(conn, "org_unit", ROWS_AT_0002["org_unit"])
        person = {k: v for k, v in ROWS_AT_0002["person"].items() if k != "failed_logins"}
        _insert(conn, "person", person)
        _insert(
            conn,
            "training_record",
            {
                "id": 1,
                "person_id": 1,
                "course": "Курс",
                "start_date": "2025-01-10",
                "end_date": "2025-01-20",
                "hours": 72,
                "recorded_at": "2025-01-21 00:00:00",
            },
        )
    upgrade(empty, "head")
    with empty.connect() as conn:
        row = conn.execute(
            text("SELECT source, hours, struck_at, matches_disciplines FROM training_record")
        ).one()
        assert (row.source, row.hours, row.struck_at, bool(row.matches_disciplines)) == (
            "case",
            72,
            None,
            False,
        )
        setting = conn.execute(
            text(
                "SELECT certificate_validity_years, expiring_within_months, remind_months, next_year_list_on"
                " FROM records_setting"
            )
        ).one()
        assert tuple(setting) == (3, 3, 6, "09-01")
    downgrade(empty, "0008_people")
    with empty.connect() as conn:
        assert "source" not in {c["name"] for c in inspect(conn).get_columns("training_record")}
        assert conn.scalar(text("SELECT hours FROM training_record")) == 72
