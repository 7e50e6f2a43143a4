"""`biliktilik standing`: everyone's standing as CSV on standard output or XLSX in a file, one row
per person after a header; bad options are a message and a non-zero exit, never a traceback."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from tests.workflows.records.standings import staff, training
from workflows.cli import main
from workflows.org.models import OrgUnit

NOW = "2026-12-01T09:00:00+05:00"


def _run(engine: Engine, *args: str) -> tuple[int, str, str]:
    url = engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["--database", url, "--now", NOW, "standing", *args])
    return result.exit_code, result.stdout, result.stderr


def _people(factory: sessionmaker[Session]) -> tuple[str, str]:
    with factory() as s:
        cs = s.scalars(select(OrgUnit.id).where(OrgUnit.code == "cs")).one()
        late, fine = staff(s, cs), staff(s, cs)
        late.full_name, fine.full_name = "Кеш Қалған", "Уақытылы Оқыған"
        training(s, late, date(2021, 1, 10), 72)
        training(s, fine, date(2025, 9, 1), 80)
        s.commit()
    return late.full_name, fine.full_name


def test_csv_goes_to_standard_output_one_row_per_person(
    committed_engine: Engine, committed_factory: sessionmaker[Session]
) -> None:
    late, fine = _people(committed_factory)
    code, out, _err = _run(committed_engine, "--unit", "cs", "--format", "csv", "--locale", "ru")
    assert code == 0
    table = list(csv.reader(io.StringIO(out)))
    assert table[0][:3] == ["ФИО", "Должность", "Категория персонала"]
    names = [row[0] for row in table[1:]]
    assert late in names and fine in names and len(names) == len(set(names))
    code, out, _err = _run(
        committed_engine, "--unit", "Кафедра информатики", "--status", "overdue", "--format", "csv"
    )
    assert code == 0
    names = [row[0] for row in csv.reader(io.StringIO(out))][1:]
    assert late in names and fine not in names


def test_xlsx_goes_to_the_file_named(
    committed_engine: Engine, committed_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    late, _fine = _people(committed_factory)
    target = tmp_path / "standing.xlsx"
    code, _out, err = _run(committed_engine, "--status", "overdue", "--format", "xlsx", "--out", str(target))
    assert code == 0 and "written to" in err
    sheet = load_workbook(target).active
    assert sheet is not None
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert late in names


def test_bad_options_are_a_message_and_a_non_zero_exit(committed_engine: Engine, tmp_path: Path) -> None:
    for args, said in (
        (["--format", "pdf"], "'pdf' is not one of"),
        (["--format", "csv", "--status", "late"], "'late' is not one of"),
        (["--format", "csv", "--unit", "nowhere"], "no unit with the code or name 'nowhere'"),
        (["--format", "xlsx"], "needs --out"),
        (["--format", "csv", "--out", str(tmp_path / "missing" / "x.csv")], "cannot write"),
        ([], "Missing option '--format'"),
    ):
        code, out, err = _run(committed_engine, *args)
        assert code != 0, args
        assert said in err and "Traceback" not in out + err, (args, err)
