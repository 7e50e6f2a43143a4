"""Reading an import file into rows of text: CSV (UTF-8 with or without a BOM, UTF-16, or
Windows-1251 as 1C exports it; `;`, `,` or tab between values) or XLSX (the first sheet, read as a
stream). The kind is told by the content, never by the file's name. Headers are matched against the
names a column has in Kazakh, Russian and English (`Columns`); unknown columns are ignored.

Nothing here knows what the values mean: `staff_rows` and `history_import` read them."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time

from workflows.org.import_wording import RowProblem, row_problem

MEGABYTE = 1024 * 1024
# An XLSX is a zip: what it unpacks to is bounded too, so a small bomb cannot fill the memory.
XLSX_EXPANSION = 20
_SNIFF = 64 * 1024


@dataclass(frozen=True)
class Columns:
    """A file kind's columns: each name with the headers it is known by (any case, any spacing)."""

    aliases: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]

    def lookup(self) -> dict[str, str]:
        return {
            header_key(alias): name for name, aliases in self.aliases.items() for alias in (name, *aliases)
        }


@dataclass
class Table:
    """The rows of a file, each a {column: text} of the known columns, numbered from 1 after the header."""

    columns: list[str] = field(default_factory=list)  # the known columns present, in file order
    ignored: list[str] = field(default_factory=list)  # headers no column is known by
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)  # the file's own problems: nothing is read
    encoding: str = ""


def header_key(text: str) -> str:
    """Headers compare without case, spacing, underscores or the dots of abbreviations; ё is е."""
    text = text.replace("\ufeff", "").casefold().replace("ё", "е")
    return re.sub(r"[\s_.\-]+", " ", text).strip()


def read_table(data: bytes, columns: Columns, max_bytes: int) -> Table:
    """The file's rows, or a table whose `problems` say why it cannot be read."""
    if len(data) > max_bytes:
        return _refused("too_large", max_mb=max(1, max_bytes // MEGABYTE))
    if not data.strip():
        return _refused("empty")
    if data.startswith(b"PK\x03\x04"):
        refusal = _check_xlsx(data, max_bytes * XLSX_EXPANSION)
        if refusal is not None:
            return _refused(refusal, max_mb=max(1, max_bytes // MEGABYTE))
        return _from_records(_xlsx_records(data), columns, "xlsx")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return _refused("old_excel")
    decoded = _decode(data)
    if decoded is None:
        return _refused("not_a_table" if b"\x00" in data[:_SNIFF] else "encoding")
    text, encoding = decoded
    return _from_records(_csv_records(text), columns, encoding)


def _refused(code: str, **params: object) -> Table:
    return Table(problems=[row_problem(None, None, code, **params)])


def _decode(data: bytes) -> tuple[str, str] | None:
    """The text and its encoding: a BOM says it; else UTF-8 if it is; else Windows-1251 when what it
    gives is Cyrillic text (1C's default); else None."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _try(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _try(data, "utf-16")
    if b"\x00" in data[:_SNIFF]:
        return None
    utf8 = _try(data, "utf-8")
    if utf8 is not None:
        return utf8
    cp1251 = _try(data, "cp1251")
    if cp1251 is None:
        return None
    letters = [c for c in cp1251[0] if ord(c) > 127 and c.isalpha()]
    cyrillic = sum(1 for c in letters if "\u0400" <= c <= "\u04ff")
    return cp1251 if letters and cyrillic >= 0.9 * len(letters) else None


def _try(data: bytes, encoding: str) -> tuple[str, str] | None:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else (text, "windows-1251" if encoding == "cp1251" else encoding)


def _csv_records(text: str) -> Iterator[list[str]]:
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        yield from csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    except csv.Error:
        raise _NotATable("not_a_table") from None


class _NotATable(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _check_xlsx(data: bytes, max_unpacked: int) -> str | None:
    """Why a zip cannot be read as a workbook, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return "unreadable_xlsx"
    if "xl/workbook.xml" not in names:
        return "not_a_table"
    return "too_large" if unpacked > max_unpacked else None


def _xlsx_records(data: bytes) -> Iterator[list[str]]:
    # openpyxl is only needed here; importing it lazily keeps the web app's start quick.
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises anything from KeyError to XML errors on a bad file
        raise _NotATable("unreadable_xlsx") from None
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in values]
    except _NotATable:
        raise
    except Exception:  # the same: a damaged sheet fails while it is read
        raise _NotATable("unreadable_xlsx") from None
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _from_records(records: Iterator[list[str]], columns: Columns, encoding: str) -> Table:
    table = Table(encoding=encoding)
    try:
        header: list[str] | None = None
        for values in records:
            if header is None:
                if not any(v.strip() for v in values):
                    continue
                header = values
                positions = _positions(header, columns, table)
                if table.problems:
                    return table
                number = 0
                continue
            number += 1
            if not any(v.strip() for v in values):
                continue
            row = {name: (values[i].strip() if i < len(values) else "") for i, name in positions}
            table.rows.append((number, row))
    except _NotATable as exc:
        return _refused(exc.code)
    if header is None or not table.rows:
        return _refused("empty")
    return table


def _positions(header: list[str], columns: Columns, table: Table) -> list[tuple[int, str]]:
    lookup = columns.lookup()
    positions: list[tuple[int, str]] = []
    for i, text in enumerate(header):
        name = lookup.get(header_key(text))
        if name is None:
            if text.strip():
                table.ignored.append(text.strip())
            continue
        if name in table.columns:
            table.problems.append(row_problem(None, name, "duplicate_column", header=text.strip()))
            continue
        table.columns.append(name)
        positions.append((i, name))
    missing = [name for name in columns.required if name not in table.columns]
    if missing:
        table.problems.append(row_problem(None, None, "missing_columns", columns=", ".join(missing)))
    return positions
