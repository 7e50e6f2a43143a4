"""Writing rows to XLSX (openpyxl) and CSV: the registers, next year's list, the staff export.

Text that a spreadsheet would take for a formula (it starts with = + - or @) stays text: in XLSX
the cell is written as a string, never as a formula; in CSV it gets a leading apostrophe, the
mark spreadsheets read as "this is text" (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel keeps no offsets; callers pass local times
    if value is None or isinstance(value, bool | int | float | date):
        return value
    return str(value)


def xlsx(
    sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], preamble: Sequence[str] = ()
) -> bytes:
    """One sheet: a bold header row, then the rows; strings are always strings. `preamble` lines
    (a printed form's number and title) come first, one bold cell each, with an empty row after."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31] or "Sheet")
    above = len(preamble) + 1 if preamble else 0
    ws.freeze_panes = f"A{above + 2}"  # the header stays in sight
    bold = Font(bold=True)
    for line in preamble:
        title = WriteOnlyCell(ws, value=str(line))
        title.font, title.data_type = bold, "s"
        ws.append([title])
    if preamble:
        ws.append([])
    head = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=str(text))
        cell.font, cell.data_type = bold, "s"
        head.append(cell)
    ws.append(head)
    for row in rows:
        cells = []
        for value in row:
            plain = _plain(value)
            cell = WriteOnlyCell(ws, value=plain)
            if isinstance(plain, str):
                cell.data_type = "s"  # openpyxl would make "=..." a formula
                # and the spreadsheet keeps it text when someone edits the cell
                cell.quotePrefix = plain.startswith(FORMULA_STARTS)
            cells.append(cell)
        ws.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_text(value: Any) -> str:
    plain = _plain(value)
    if plain is None:
        return ""
    if isinstance(plain, bool):
        return "1" if plain else "0"
    text = plain.isoformat() if isinstance(plain, date) else str(plain)
    if isinstance(plain, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheets read Kazakh and Russian letters right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_text(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
