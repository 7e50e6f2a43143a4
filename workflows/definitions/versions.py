"""Published versions in memory: a version never changes, so each is loaded and parsed once per process."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.definitions.models import ProcessVersion
from workflows.definitions.publishing import definition_of
from workflows.engine.definition import ParsedDefinition
from workflows.errors import NotFound


@dataclass(frozen=True)
class LoadedVersion:
    id: int
    process_key: str
    version: int
    forms: dict[str, Any]
    definition: ParsedDefinition


class _VersionCache:
    """Published versions never change, so one load per process lifetime is enough."""

    def __init__(self) -> None:
        self._items: dict[int, LoadedVersion] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, version_id: int) -> LoadedVersion:
        found = self._items.get(version_id)
        if found is not None:
            return found
        row = session.get(ProcessVersion, version_id)
        if row is None:
            raise LookupError(version_id)
        return self.put(row)

    def load(self, session: Session, version_ids: list[int]) -> None:
        """Load the versions not loaded yet in one statement (a page naming every process)."""
        missing = [i for i in version_ids if i not in self._items]
        if missing:
            for row in session.scalars(select(ProcessVersion).where(ProcessVersion.id.in_(missing))):
                self.put(row)

    def latest(self, session: Session, process_key: str) -> LoadedVersion:
        """The newest published version of a process; only its id is read when it is loaded already."""
        version_id = session.scalar(
            select(ProcessVersion.id)
            .where(ProcessVersion.process_key == process_key)
            .order_by(ProcessVersion.version.desc())
            .limit(1)
        )
        if version_id is None:
            raise NotFound(f"No published version of '{process_key}'", process_key=process_key)
        return self.get(session, version_id)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def put(self, row: ProcessVersion) -> LoadedVersion:
        loaded = LoadedVersion(row.id, row.process_key, row.version, dict(row.forms), definition_of(row))
        with self._lock:
            return self._items.setdefault(row.id, loaded)


VERSIONS = _VersionCache()
