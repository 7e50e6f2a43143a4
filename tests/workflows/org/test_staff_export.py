"""Exporting staff writes the import's format: importing an export changes nothing, as CSV and XLSX,
on the command line too, where a file with errors applies nothing and exits non-zero."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import Demo
from tests.staff_files import HEADER, csv_bytes, iins, staff_row
from workflows.cli import main
from workflows.clock import FrozenClock
from workflows.errors import Forbidden
from workflows.org.models import Person
from workflows.org.staff_export import csv_file, export_staff, template_rows, xlsx_file
from workflows.org.staff_import import apply_staff, preview_staff
from workflows.org.staff_plan import ImportFile

LIMIT = 5 * 1024 * 1024
NOW = "2026-03-01T09:00:00+05:00"


def _staff(leaving: bool = True) -> bytes:
    codes = iter(iins())
    header = (*HEADER, "left_on")
    rows = [
        [*staff_row("E1", next(codes), patronymic="Асқарұлы", disciplines="Физика, Химия"), ""],
        [
            *staff_row(
                "E2",
                next(codes),
                unit_path="Жаратылыстану институты / Химия кафедрасы",
                roles="department_head, hr@Демо университеті",
                staff_category="research",
                language="ru",
                email="",
            ),
            "",
        ],
        [
            *staff_row("E3", "", last="Ли", first="Ким", roles="", employment_start=""),
            "2026-02-01" if leaving else "",
        ],
        [*staff_row("", next(codes), last="Иін", first="Тек", position=""), ""],
    ]
    return csv_bytes(rows, header)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_export_imported_again_changes_nothing(
    db: Session, demo: Demo, clock: FrozenClock, kind: str
) -> None:
    apply_staff(db, demo["hr"], ImportFile(_staff(), LIMIT), clock)
    rows = export_staff(db, demo["hr"], clock)
    assert rows[0] == template_rows()[0]
    exported = {r[0] or r[1]: r for r in rows[1:]}
    assert exported["E2"][10] == "department_head@Химия кафедрасы, hr@Демо университеті"
    data = csv_file(rows) if kind == "csv" else xlsx_file(rows)
    preview = preview_staff(db, demo["hr"], ImportFile(data, LIMIT), clock)
    assert preview.problems == []
    assert (preview.to_add, preview.to_update, preview.to_deactivate, preview.new_units) == ([], [], [], [])
    assert preview.unchanged == len(rows) - 1


def test_only_administrators_and_hr_export(db: Session, demo: Demo, clock: FrozenClock) -> None:
    with pytest.raises(Forbidden):
        export_staff(db, demo["head"], clock)


def _cli(engine: Engine, *args: str) -> tuple[int, str]:
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["--database", url, "--now", NOW, *args])
    return result.exit_code, result.output


def test_the_command_line_previews_imports_and_exports(committed_engine: Engine, tmp_path: Path) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_bytes(_staff())
    code, out = _cli(committed_engine, "import-staff", str(staff), "--dry-run")
    assert code == 0 and "rows 4: add 4, update 0" in out and "unit + Жаратылыстану институты" in out
    assert "dry run" in out
    with committed_engine.connect() as conn:
        assert (
            conn.scalar(select(func.count()).select_from(Person).where(Person.personnel_number == "E1")) == 0
        )
    code, out = _cli(committed_engine, "import-staff", str(staff))
    assert code == 0 and "imported: 4 added" in out
    for kind in ("csv", "xlsx"):
        exported = tmp_path / f"export.{kind}"
        code, out = _cli(committed_engine, "export-staff", "--format", kind, "--out", str(exported))
        assert code == 0, out
        code, out = _cli(committed_engine, "import-staff", str(exported), "--dry-run")
        assert code == 0 and "add 0, update 0, deactivate 0" in out and "errors 0" in out


def test_a_file_with_errors_applies_nothing_and_exits_non_zero(
    committed_engine: Engine, tmp_path: Path
) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_bytes(
        csv_bytes([staff_row("X1", next(iins())), staff_row("X2", "850101300002", staff_category="x")])
    )
    code, out = _cli(committed_engine, "import-staff", str(staff))
    assert code != 0
    assert "row 2, iin:" in out and "row 2, staff_category: Unknown staff category" in out
    assert "Traceback" not in out
    with committed_engine.connect() as conn:
        assert (
            conn.scalar(select(func.count()).select_from(Person).where(Person.personnel_number == "X1")) == 0
        )
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    code, out = _cli(committed_engine, "import-staff", str(big), "--max-mb", "1")
    assert code != 0 and "larger than 1 MB" in out
    code, out = _cli(committed_engine, "import-staff", str(tmp_path / "missing.csv"))
    assert code != 0 and "Traceback" not in out
