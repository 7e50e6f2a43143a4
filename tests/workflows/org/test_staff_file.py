"""Reading import files: CSV in its usual encodings and separators, XLSX, headers in three
languages; a file that is not a table, or too large, or lacks columns, is refused as a whole."""

from __future__ import annotations

import pytest

from tests.staff_files import csv_bytes, staff_row, xlsx_bytes
from workflows.org.staff_file import read_table
from workflows.org.staff_rows import STAFF_COLUMNS, parse_rows

LIMIT = 1024 * 1024
IIN = "850101300005"


def _codes(data: bytes) -> list[str]:
    return [p.code for p in read_table(data, STAFF_COLUMNS, LIMIT).problems]


def test_csv_with_a_bom_and_semicolons_is_read_with_rows_numbered_after_the_header() -> None:
    data = b"\xef\xbb\xbf" + csv_bytes(
        [staff_row("T1", ""), ["", "", "", "", "", "", "", "", "", "", "", "", ""], staff_row("T2", "")]
    )
    table = read_table(data, STAFF_COLUMNS, LIMIT)
    assert table.problems == [] and table.encoding == "utf-8"
    assert [(n, r["personnel_number"]) for n, r in table.rows] == [(1, "T1"), (3, "T2")]


def test_commas_and_russian_headers_are_understood() -> None:
    header = ["Табельный номер", "ИИН", "Фамилия", "Имя", "Подразделение", "Категория", "Примечание"]
    data = csv_bytes([["T1", "", "Ким", "Мадина", "Кафедра информатики", "ППС", "x"]], header, ",")
    table = read_table(data, STAFF_COLUMNS, LIMIT)
    assert table.problems == []
    assert table.ignored == ["Примечание"]
    assert table.rows[0][1]["unit_path"] == "Кафедра информатики"
    rows, problems = parse_rows(table.rows, table.columns)
    assert problems == [] and rows[0].staff_category == "teaching"


def test_kazakh_headers_and_windows_1251_are_understood() -> None:
    header = ["Табель нөмірі", "Тегі", "Аты", "Бөлімше"]
    text = ";".join(header) + "\n" + "T1;Иванов;Иван;Кафедра информатики\n"
    table = read_table(text.encode("utf-8"), STAFF_COLUMNS, LIMIT)
    assert table.problems == []
    russian = "Табельный номер;Фамилия;Имя;Подразделение\nT1;Иванов;Иван;Кафедра информатики\n"
    table = read_table(russian.encode("cp1251"), STAFF_COLUMNS, LIMIT)
    assert (table.problems, table.encoding) == ([], "windows-1251")
    assert table.rows[0][1]["last_name"] == "Иванов"


def test_xlsx_is_read_by_its_content_with_numbers_and_dates_as_text() -> None:
    from datetime import datetime

    row: list[object] = list(staff_row("T1", ""))
    row[0], row[1], row[11] = 1234, 50101300008, datetime(2020, 9, 1)  # a cell's date
    table = read_table(xlsx_bytes([row]), STAFF_COLUMNS, LIMIT)
    assert table.problems == [] and table.encoding == "xlsx"
    values = table.rows[0][1]
    assert (values["personnel_number"], values["employment_start"]) == ("1234", "2020-09-01")
    parsed, problems = parse_rows(table.rows, table.columns)
    assert (problems, parsed[0].iin) == ([], "050101300008")  # the leading zero the number lost


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.7\n\x00\x01binary", "not_a_table"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "old_excel"),
        (b"PK\x03\x04not really a zip", "unreadable_xlsx"),
        (b"name;x\n\x98\x98abc\n", "encoding"),
        (b"   \n", "empty"),
        (b"personnel_number;last_name;first_name;unit_path\n", "empty"),
        (b"personnel_number;first_name\nT1;A\n", "missing_columns"),
        (b"last_name;last_name;first_name;unit_path\nA;A;B;C\n", "duplicate_column"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data: bytes, code: str) -> None:
    assert code in _codes(data)


def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    data = csv_bytes([staff_row("T1", "")]) + b"x" * LIMIT
    table = read_table(data, STAFF_COLUMNS, LIMIT)
    assert [(p.code, p.params) for p in table.problems] == [("too_large", {"max_mb": 1})]


def test_row_values_are_checked_with_their_row_and_column() -> None:
    rows = [
        staff_row("T1", "850101300002", staff_category="professor"),
        staff_row("T1", IIN, language="de", employment_start="31/12/2020"),
        staff_row("", "", roles="dean@Кафедра информатики, hr@"),
        staff_row("T4", IIN, first="", email="no-at-sign"),
    ]
    table = read_table(csv_bytes(rows), STAFF_COLUMNS, LIMIT)
    _, problems = parse_rows(table.rows, table.columns)
    found = {(p.row, p.column, p.code) for p in problems}
    assert found == {
        (1, "iin", "bad_iin"),
        (1, "staff_category", "unknown_category"),
        (2, "language", "unknown_language"),
        (2, "employment_start", "bad_date"),
        (2, "personnel_number", "duplicate_number"),
        (3, "personnel_number", "no_identifier"),
        (3, "roles", "unknown_role"),
        (3, "roles", "role_format"),
        (4, "first_name", "required"),
        (4, "email", "bad_email"),
        (4, "iin", "duplicate_iin"),
    }
    assert next(p for p in problems if p.code == "duplicate_number").line() == (
        "row 2, personnel_number: The personnel number T1 is also in row 1."
    )
