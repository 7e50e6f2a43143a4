"""Importing past training: rows become training records marked as imported, each problem has its
row and column, and re-importing the file (or a case's own record) changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from tests.conftest import Demo
from tests.staff_files import csv_bytes
from workflows.cli import main
from workflows.clock import FrozenClock
from workflows.errors import Forbidden, NotAllowedNow
from workflows.org.history_import import TRAINING_ORDER, apply_training, preview_training
from workflows.org.models import Person
from workflows.org.staff_plan import ImportFile
from workflows.records.models import RecordSource, TrainingRecord

LIMIT = 1024 * 1024


def _numbered(db: Session, demo: Demo) -> None:
    db.get(Person, demo["teacher"]).personnel_number = "P1"  # type: ignore[union-attr]
    db.get(Person, demo["teacher2"]).personnel_number = "P2"  # type: ignore[union-attr]
    db.flush()


def _file(*rows: list[str]) -> ImportFile:
    return ImportFile(csv_bytes(rows, TRAINING_ORDER), LIMIT, name="history.csv")


GOOD = [
    ["P1", "Цифрлық педагогика", "ҰБА", "курс", "2023-02-01", "2023-02-14", "72", "C-1"],
    ["P2", "Academic writing", "", "seminar", "10.10.2022", "12.10.2022", "24", ""],
]


def test_past_training_becomes_imported_records_once(db: Session, demo: Demo, clock: FrozenClock) -> None:
    _numbered(db, demo)
    preview = preview_training(db, demo["hr"], _file(*GOOD), clock)
    assert preview.ok and [line.personnel_number for line in preview.to_add] == ["P1", "P2"]
    assert apply_training(db, demo["hr"], _file(*GOOD), clock).added == 2
    record = db.scalars(select(TrainingRecord).where(TrainingRecord.certificate_number == "C-1")).one()
    assert (record.source, record.form, record.hours, record.end_date) == (
        RecordSource.IMPORT,
        "course",
        72,
        date(2023, 2, 14),
    )
    again = preview_training(db, demo["hr"], _file(*GOOD), clock)
    assert (again.to_add, again.to_update, again.unchanged) == ([], [], 2)
    corrected = [[*GOOD[0][:6], "80", "C-1"]]
    [line] = preview_training(db, demo["hr"], _file(*corrected), clock).to_update
    assert line.changes == {"hours": [72, 80]}
    apply_training(db, demo["hr"], _file(*corrected), clock)
    assert record.hours == 80


def test_bad_rows_are_listed_and_nothing_is_applied(db: Session, demo: Demo, clock: FrozenClock) -> None:
    _numbered(db, demo)
    rows = [
        GOOD[0],
        GOOD[0],  # 2: the same training again
        ["P9", "Курс", "", "", "2023-01-01", "2023-01-02", "8", ""],
        ["P1", "Курс", "", "workshop", "2023-01-05", "2023-01-02", "many", ""],
    ]
    preview = preview_training(db, demo["hr"], _file(*rows), clock)
    assert {(p.row, p.column, p.code) for p in preview.problems} == {
        (2, "course", "duplicate_training"),
        (3, "personnel_number", "unknown_person"),
        (4, "form", "unknown_form"),
        (4, "end_date", "end_before_start"),
        (4, "hours", "bad_hours"),
    }
    with pytest.raises(NotAllowedNow):
        apply_training(db, demo["hr"], _file(*rows), clock)
    assert db.scalar(select(func.count()).select_from(TrainingRecord)) == 0
    with pytest.raises(Forbidden):
        preview_training(db, demo["teacher"], _file(*GOOD), clock)


def test_the_command_line_imports_training(committed_engine: Engine, tmp_path: Path) -> None:
    with committed_engine.begin() as conn:
        conn.execute(update(Person).where(Person.username == "teacher").values(personnel_number="P1"))
    path = tmp_path / "history.csv"
    path.write_bytes(csv_bytes([GOOD[0]], TRAINING_ORDER))
    url = committed_engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["--database", url, "import-training", str(path), "--dry-run"])
    assert result.exit_code == 0 and "add 1" in result.output
    result = CliRunner().invoke(main, ["--database", url, "import-training", str(path)])
    assert result.exit_code == 0 and "imported: 1 added" in result.output
    path.write_bytes(csv_bytes([["P1", "", "", "", "x", "", "", ""]], TRAINING_ORDER))
    result = CliRunner().invoke(main, ["--database", url, "import-training", str(path)])
    assert result.exit_code != 0 and "row 1, course: A value is required." in result.output
