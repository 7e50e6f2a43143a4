"""The annual report 602-06 and the centre's report: narrative drafts, HR's approval freezing a
version in every language, later edits starting the next draft, conflicts, who may do what."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tests.conftest import Demo
from tests.workflows.flow import Flow
from tests.workflows.records.test_file_case import _complete
from workflows.clock import FrozenClock
from workflows.errors import Conflict, Forbidden, ValidationFailed
from workflows.reports.annual import annual_view, annual_years, approve_annual, save_sections

KEY = "qualification_request"


def _hours(view: object) -> int:
    totals = view.document.table("totals")  # type: ignore[attr-defined]
    return int(totals.rows[3][1])


def test_a_draft_is_written_approved_and_frozen(
    flow: Flow, db: Session, demo: Demo, clock: FrozenClock
) -> None:
    hr, centre = demo["hr"], demo["centre"]
    draft = save_sections(
        db, hr, clock, "602-06", 2026, {"analysis": "Жоспар орындалды.", "decisions": ""}, None
    )
    assert (draft.version, draft.status, draft.sections["analysis"]) == (1, "draft", "Жоспар орындалды.")
    with pytest.raises(Conflict):  # the writer read no draft, but there is one now
        save_sections(db, hr, clock, "602-06", 2026, {"analysis": "Басқа"}, None)
    with pytest.raises(Forbidden):
        approve_annual(db, centre, clock, "602-06", 2026, draft.row_version, KEY)
    before = annual_view(db, hr, clock, "602-06", 2026, "kk", KEY)
    assert before.can_approve and _hours(before) == 0
    approved = approve_annual(db, hr, clock, "602-06", 2026, draft.row_version, KEY)
    assert approved.status == "approved" and set(approved.frozen) == {"kk", "ru", "en"}
    assert approved.frozen["ru"]["title"] == "Годовой отчёт о повышении квалификации (602-06)"
    # Training recorded after the approval changes the live figures, not the frozen version.
    db.commit()
    _complete(flow, flow.start())
    frozen = annual_view(db, hr, clock, "602-06", 2026, "kk", KEY)
    assert _hours(frozen) == 0 and not frozen.can_approve
    assert frozen.document.sections[0][1] == "Жоспар орындалды."
    # Writing again makes version 2, a draft with today's figures; version 1 stays as it was.
    second = save_sections(db, hr, clock, "602-06", 2026, {"analysis": "Түзетілді."}, approved.row_version)
    assert (second.version, second.status) == (2, "draft")
    assert _hours(annual_view(db, hr, clock, "602-06", 2026, "kk", KEY)) == 60
    first = annual_view(db, hr, clock, "602-06", 2026, "kk", KEY, version=1)
    assert first.row is not None and first.row.status == "approved" and _hours(first) == 0
    assert [v.version for v in annual_view(db, hr, clock, "602-06", 2026, "kk", KEY).versions] == [2, 1]


def test_who_writes_and_reads(db: Session, demo: Demo, clock: FrozenClock) -> None:
    centre_draft = save_sections(
        db, demo["centre"], clock, "centre", 2026, {"activities": "Семинарлар"}, None
    )
    assert centre_draft.kind == "centre"
    with pytest.raises(Forbidden):
        save_sections(db, demo["centre"], clock, "602-06", 2026, {"analysis": "x"}, None)
    for reader in ("rector", "admin", "centre"):
        assert annual_view(db, demo[reader], clock, "centre", 2026, "ru", KEY).row is not None
    for outsider in ("teacher", "head", "director", "finance"):
        with pytest.raises(Forbidden):
            annual_view(db, demo[outsider], clock, "602-06", 2026, "kk", KEY)
        with pytest.raises(Forbidden):
            annual_years(db, demo[outsider], clock)
    years = annual_years(db, demo["hr"], clock)
    assert [(k.value, y, r is not None) for k, y, r in years] == [
        ("602-06", 2026, False),
        ("centre", 2026, True),
    ]


def test_a_stale_or_overlong_text_changes_nothing(db: Session, demo: Demo, clock: FrozenClock) -> None:
    draft = save_sections(db, demo["hr"], clock, "602-06", 2025, {"analysis": "Бірінші"}, None)
    save_sections(db, demo["hr"], clock, "602-06", 2025, {"analysis": "Екінші"}, draft.row_version)
    with pytest.raises(Conflict):
        save_sections(db, demo["hr"], clock, "602-06", 2025, {"analysis": "Ескі"}, draft.row_version - 1)
    with pytest.raises(ValidationFailed) as caught:
        save_sections(db, demo["hr"], clock, "602-06", 2025, {"analysis": "я" * 20001}, draft.row_version)
    assert caught.value.errors[0].field == "analysis"
    assert draft.sections["analysis"] == "Екінші"
