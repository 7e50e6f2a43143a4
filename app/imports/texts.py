"""What the import pages say about a preview, in the reader's language: problems with their row and
column, and the changes of a person field by field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from app.wording import say
from workflows.org.import_wording import COLUMN_LABELS, IMPORT_PROBLEMS, RowProblem

# Person attributes as the file's columns name them.
_FIELD_COLUMNS = {"locale": "language", "org_unit_id": "unit_path"}
SHOWN = 200  # rows of each table a page shows; the counts say how many there are


@dataclass(frozen=True)
class ProblemLine:
    row: int | None
    column: str
    message: str


def column_label(name: str | None) -> str:
    if not name:
        return ""
    name = _FIELD_COLUMNS.get(name, name)
    label = COLUMN_LABELS.get(name)
    return _(label) if label else name


def problem_lines(problems: list[RowProblem], limit: int = 1000) -> list[ProblemLine]:
    return [
        ProblemLine(p.row, column_label(p.column), say(IMPORT_PROBLEMS.get(p.code, p.code), p.params))
        for p in problems[:limit]
    ]


def change_lines(changes: dict[str, list[Any]]) -> list[tuple[str, str, str]]:
    """(column, before, after) of each changed field."""

    def shown(value: Any) -> str:
        if value is None or value == []:
            return "—"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        return str(value)

    return [(column_label(name), shown(before), shown(after)) for name, (before, after) in changes.items()]
