"""Staff files for tests: valid IINs, CSV and XLSX bytes from rows of values."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from workflows.org.identifiers import iin_check_digit
from workflows.org.staff_rows import EXPORT_ORDER

HEADER = EXPORT_ORDER[:13]  # the columns, without leaving date and login


def iins(start: str = "8501013") -> Iterator[str]:
    """Valid IINs (a birth date and a serial, with the check digit)."""
    for serial in range(10**4):
        first = f"{start}{serial:04d}"
        digit = iin_check_digit(first)
        if digit is not None:
            yield f"{first}{digit}"


def csv_bytes(rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER, delimiter: str = ";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def staff_row(number: str, iin: str, last: str = "Садықов", first: str = "Ержан", **values: str) -> list[str]:
    """A row in HEADER's order; unit Инженерия институты / Информатика кафедрасы unless given."""
    cells = {
        "personnel_number": number,
        "iin": iin,
        "last_name": last,
        "first_name": first,
        "patronymic": "",
        "email": f"{number.lower()}@example.kz" if number else "",
        "language": "kk",
        "position": "Оқытушы",
        "staff_category": "teaching",
        "unit_path": "Инженерия институты / Информатика кафедрасы",
        "roles": "",
        "employment_start": "2020-09-01",
        "disciplines": "",
        **values,
    }
    return [cells[name] for name in HEADER]
