"""What a request left behind: every row of every table and every stored file, to compare before and
after a refused request (a refusal must write nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from workflows.schema import metadata


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, list[tuple[Any, ...]]]
    files: frozenset[str]

    def changes_since(self, before: Snapshot) -> list[str]:
        """The tables and the file store that differ from `before`, for an assertion message."""
        changed = [name for name in self.rows if self.rows[name] != before.rows.get(name)]
        if self.files != before.files:
            changed.append(f"files: {sorted(self.files ^ before.files)}")
        return changed


def snapshot(connection: Connection, store_root: Path) -> Snapshot:
    """The test transaction as it is now (the app's requests run inside it)."""
    rows = {
        table.name: sorted((tuple(row) for row in connection.execute(select(table))), key=repr)
        for table in metadata.sorted_tables
    }
    files = frozenset(str(p.relative_to(store_root)) for p in store_root.rglob("*") if p.is_file())
    return Snapshot(rows, files if store_root.exists() else frozenset())
