"""A register's export as a file to download."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from flask import Response

from workflows.spreadsheets import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx

FORMATS = ("xlsx", "csv")


def download(content: bytes, mimetype: str, filename: str) -> Response:
    """`filename` may hold Kazakh or Russian letters: sent both plainly (ASCII) and as RFC 5987 text."""
    plain = filename.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": disposition})


def export(
    fmt: str, sheet: str, stem: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Response:
    """The rows as an XLSX (`fmt` "xlsx") or CSV file named `stem`.xlsx or .csv."""
    if fmt == "xlsx":
        return download(xlsx(sheet, headers, rows), XLSX_TYPE, f"{stem}.xlsx")
    return download(csv_bytes(headers, rows), CSV_TYPE, f"{stem}.csv")
