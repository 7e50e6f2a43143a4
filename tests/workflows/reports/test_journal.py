"""The nonconformity journal: who reads and who works it, its filters, closing and the audit log."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Demo
from workflows.clock import FrozenClock
from workflows.errors import Forbidden, NotAllowedNow, NotFound, ValidationFailed
from workflows.org.models import AuditEntry, OrgUnit
from workflows.records.models import Nonconformity
from workflows.reports.journal import (
    JournalFilter,
    close_entry,
    journal,
    journal_entry,
    reopen_entry,
    work_entry,
)


@pytest.fixture
def entries(db: Session, demo: Demo) -> dict[str, int]:
    def add(person: str, kind: str, at: str) -> int:
        entry = Nonconformity(
            person_id=demo[person],
            kind=kind,
            note="Есеп уақытында берілмеді",
            recorded_at=datetime.fromisoformat(at),
        )
        db.add(entry)
        db.flush()
        return entry.id

    return {
        "cs": add("teacher", "report_overdue", "2026-02-10T10:00:00+05:00"),
        "math": add("teacher2", "periodicity_not_met", "2026-02-20T10:00:00+05:00"),
    }


def _ids(db: Session, demo: Demo, clock: FrozenClock, who: str, **filters: object) -> list[int]:
    return sorted(e.id for e in journal(db, demo[who], clock, JournalFilter(**filters)).entries)  # type: ignore[arg-type]


def test_heads_read_their_unit_and_hr_everything(
    db: Session, demo: Demo, clock: FrozenClock, entries: dict[str, int]
) -> None:
    assert _ids(db, demo, clock, "hr") == sorted(entries.values())
    assert _ids(db, demo, clock, "head") == [entries["cs"]]
    assert _ids(db, demo, clock, "head2") == [entries["math"]]
    assert journal(db, demo["hr"], clock).can_write and not journal(db, demo["head"], clock).can_write
    with pytest.raises(Forbidden):
        journal(db, demo["teacher"], clock)
    with pytest.raises(NotFound):
        journal_entry(db, demo["head2"], entries["cs"], clock)


def test_filters(db: Session, demo: Demo, clock: FrozenClock, entries: dict[str, int]) -> None:
    math = db.scalars(select(OrgUnit.id).where(OrgUnit.code == "math")).one()
    assert _ids(db, demo, clock, "hr", kind="report_overdue") == [entries["cs"]]
    assert _ids(db, demo, clock, "hr", unit_id=math) == [entries["math"]]
    assert _ids(db, demo, clock, "hr", date_from=date(2026, 2, 15)) == [entries["math"]]
    assert _ids(db, demo, clock, "hr", date_to=date(2026, 2, 10)) == [entries["cs"]]
    assert _ids(db, demo, clock, "hr", is_open=False) == []
    assert _ids(db, demo, clock, "hr", is_open=True) == sorted(entries.values())


def test_working_an_entry_to_its_close_is_audited(
    db: Session, demo: Demo, clock: FrozenClock, entries: dict[str, int]
) -> None:
    entry_id, hr = entries["cs"], demo["hr"]
    with pytest.raises(Forbidden):
        work_entry(db, demo["head"], entry_id, {"analysis": "x"}, clock)
    with pytest.raises(ValidationFailed) as refused:
        work_entry(db, hr, entry_id, {"analysed_on": "31.02.2026", "action_owner_id": "999999"}, clock)
    assert {e.field for e in refused.value.errors} == {"analysed_on", "action_owner_id"}
    work_entry(
        db,
        hr,
        entry_id,
        {
            "analysis": "Курс кеш аяқталды",
            "minutes_ref": "№ 7",
            "analysed_on": "2026-03-02",
            "corrective_action": "Есепті 10 наурызға дейін тапсыру",
            "action_owner_id": str(demo["head"]),
            "action_due": "2026-03-10",
        },
        clock,
    )
    with pytest.raises(ValidationFailed):
        close_entry(db, hr, entry_id, "Орындалды", clock)  # not re-checked yet
    work_entry(db, hr, entry_id, {"recheck_note": "Есеп тапсырылды", "rechecked_on": "2026-03-11"}, clock)
    with pytest.raises(ValidationFailed):
        close_entry(db, hr, entry_id, "   ", clock)  # never silently
    close_entry(db, hr, entry_id, "Орындалды", clock)
    entry, _ = journal_entry(db, hr, entry_id, clock)
    assert not entry.is_open and entry.action_owner == "Дәурен Асқарұлы Жақсыбеков"
    assert entry.action_due == date(2026, 3, 10) and entry.minutes_ref == "№ 7"
    with pytest.raises(NotAllowedNow):
        work_entry(db, hr, entry_id, {"analysis": "later"}, clock)
    reopen_entry(db, hr, entry_id, "Қайта тексеру керек", clock)
    assert journal_entry(db, hr, entry_id, clock)[0].is_open
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.subject_kind == "nonconformity", AuditEntry.subject_id == entry_id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "nonconformity_worked",
        "nonconformity_worked",
        "nonconformity_closed",
        "nonconformity_reopened",
    ]
