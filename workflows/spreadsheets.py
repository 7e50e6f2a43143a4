"""Writing rows to XLSX (openpyxl) and CSV: the registers, next year's list, the staff export, and
the reports (several sheets, with native Excel charts over their tables).

Text that a spreadsheet would take for a formula (it starts with = + - or @) stays text: in XLSX
the cell is written as a string, never as a formula; in CSV it gets a leading apostrophe, the
mark spreadsheets read as "this is text" (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel keeps no offsets; callers pass local times
    if value is None or isinstance(value, bool | int | float | date):
        return value
    return str(value)


@dataclass(frozen=True)
class ChartSpec:
    """A native chart over a sheet's table: categories from `label_column`, one series per value
    column (1-based columns; the series take their names from the header row)."""

    kind: str  # bar | line | pie
    title: str
    label_column: int
    value_columns: tuple[int, ...]


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    lead: Sequence[str] = ()  # lines above the table (a title, the period)
    charts: Sequence[ChartSpec] = field(default_factory=tuple)


def _text_cell(ws: Any, text: Any, bold: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=str(text))
    cell.data_type = "s"
    if bold is not None:
        cell.font = bold
    return cell


def _cells(ws: Any, row: Sequence[Any]) -> list[WriteOnlyCell]:
    cells = []
    for value in row:
        plain = _plain(value)
        cell = WriteOnlyCell(ws, value=plain)
        if isinstance(plain, str):
            cell.data_type = "s"  # openpyxl would make "=..." a formula
            # and the spreadsheet keeps it text when someone edits the cell
            cell.quotePrefix = plain.startswith(FORMULA_STARTS)
        cells.append(cell)
    return cells


def _chart(spec: ChartSpec, ws: Any, header_row: int, last_row: int) -> Any:
    chart: Any = {"bar": BarChart, "line": LineChart, "pie": PieChart}[spec.kind]()
    chart.title = spec.title
    for column in spec.value_columns:
        data = Reference(ws, min_col=column, min_row=header_row, max_row=last_row)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=spec.label_column, min_row=header_row + 1, max_row=last_row))
    chart.width, chart.height = 18, 9
    return chart


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """Sheets of a bold header row and rows, each with its charts to the right of its table."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31] or "Sheet")
        header_row = len(sheet.lead) + (1 if sheet.lead else 0) + 1
        ws.freeze_panes = f"A{header_row + 1}"  # the header stays in sight
        for line in sheet.lead:
            ws.append([_text_cell(ws, line, bold)])
        if sheet.lead:
            ws.append([])
        ws.append([_text_cell(ws, text, bold) for text in sheet.headers])
        count = 0
        for row in sheet.rows:
            ws.append(_cells(ws, row))
            count += 1
        anchor_column = len(sheet.headers) + 2
        for n, spec in enumerate(sheet.charts):
            if count:
                chart = _chart(spec, ws, header_row, header_row + count)
                ws.add_chart(chart, f"{_column_letter(anchor_column)}{header_row + 20 * n}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column_letter(number: int) -> str:
    return str(get_column_letter(number))


def xlsx(
    sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], preamble: Sequence[str] = ()
) -> bytes:
    """One sheet: a bold header row, then the rows; strings are always strings. `preamble` lines
    (a printed form's number and title) come first, one bold cell each, with an empty row after."""
    return workbook([Sheet(sheet, headers, rows, lead=preamble)])


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
