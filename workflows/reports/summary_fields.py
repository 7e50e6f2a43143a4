"""A case's summary field as the registers sort by it, written the same way the indexes of migration
0020 are, so that the database serves the order from an index instead of sorting every case.

SQLAlchemy's own JSON access sends the key as a bound parameter, and an expression index only
serves a query whose expression is the same text: here the key is part of the statement.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Float, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeEngine

KEY = re.compile(r"[a-z_]{1,40}")


class SummaryField(ColumnElement[Any]):
    """`process_instance.summary`'s `key`, as text or (`number`) as a float."""

    inherit_cache = True
    _traverse_internals = [("field", InternalTraversal.dp_string), ("number", InternalTraversal.dp_boolean)]

    def __init__(self, key: str, number: bool = False) -> None:
        if not KEY.fullmatch(key):
            raise ValueError(f"not a summary key: {key!r}")
        self.field, self.number = key, number
        self.type: TypeEngine[Any] = Float() if number else String()


def summary_expression(dialect: str, key: str, number: bool = False) -> str:
    """The SQL text of the field on `dialect` (the migration builds its indexes from it too)."""
    if not KEY.fullmatch(key):
        raise ValueError(f"not a summary key: {key!r}")
    if dialect == "postgresql":
        text = f"(summary ->> '{key}')"
        return f"(CAST(summary ->> '{key}' AS DOUBLE PRECISION))" if number else text
    text = f"json_extract(summary, '$.{key}')"
    return f"CAST({text} AS REAL)" if number else text


@compiles(SummaryField)
def _compile(element: SummaryField, compiler: Any, **kw: Any) -> str:
    table = "process_instance."
    text = summary_expression(compiler.dialect.name, element.field, element.number)
    return text.replace("summary", table + "summary", 1)
