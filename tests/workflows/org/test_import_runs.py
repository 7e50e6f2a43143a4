"""Imports from the pages: a small file is previewed at once, a large one by the worker's job; the
run is applied only with its preview's token, and only once."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import Demo
from tests.staff_files import csv_bytes, iins, staff_row
from workflows.clock import FrozenClock
from workflows.errors import Forbidden, NotAllowedNow
from workflows.org.import_models import ImportKind, RunStatus
from workflows.org.import_runs import apply_run, recent_runs, run_view, start_run
from workflows.org.staff_plan import ImportFile
from workflows.worker import fire_due_jobs

LIMIT = 5 * 1024 * 1024


def _file(count: int) -> ImportFile:
    rows = [staff_row(f"J{i:05d}", iin) for i, iin in zip(range(count), iins(), strict=False)]
    return ImportFile(csv_bytes(rows), LIMIT, name="staff.csv")


def test_a_small_file_is_previewed_at_once_and_applied_with_its_token(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    run_id = start_run(db, demo["hr"], ImportKind.STAFF, _file(3), clock, inline_bytes=LIMIT)
    view = run_view(db, demo["hr"], run_id, clock)
    assert view.status == RunStatus.READY and view.staff is not None and len(view.staff.to_add) == 3
    with pytest.raises(NotAllowedNow) as refused:
        apply_run(db, demo["hr"], run_id, "not-the-token", clock, LIMIT)
    assert refused.value.code == "import_file_changed"
    assert apply_run(db, demo["hr"], run_id, view.token, clock, LIMIT)["added"] == 3
    assert run_view(db, demo["hr"], run_id, clock).applied == {
        "added": 3,
        "updated": 0,
        "deactivated": 0,
        "units_created": 0,
    }
    with pytest.raises(NotAllowedNow) as again:
        apply_run(db, demo["hr"], run_id, view.token, clock, LIMIT)
    assert again.value.code == "import_applied"
    assert recent_runs(db, demo["hr"], clock)[0][:3] == (run_id, "staff.csv", "applied")


def test_a_large_file_is_read_by_a_job_and_cannot_be_applied_before(
    factory: sessionmaker[Session], demo: Demo, clock: FrozenClock
) -> None:
    with factory() as s:
        run_id = start_run(s, demo["admin"], ImportKind.STAFF, _file(1200), clock, inline_bytes=1000)
        view = run_view(s, demo["admin"], run_id, clock)
        assert (view.status, view.staff) == (RunStatus.READING, None)
        with pytest.raises(NotAllowedNow):
            apply_run(s, demo["admin"], run_id, "", clock, LIMIT)
        s.commit()
    assert fire_due_jobs(factory, clock).done == 1
    with factory() as s:
        view = run_view(s, demo["admin"], run_id, clock)
        assert view.status == RunStatus.READY and (view.rows_done, view.rows_total) == (1200, 1200)
        assert view.staff is not None and view.staff.count("to_add") == 1200  # the page shows the first lines
        assert len(view.staff.to_add) == 1000


def test_only_administrators_and_hr_see_runs(db: Session, demo: Demo, clock: FrozenClock) -> None:
    run_id = start_run(db, demo["hr"], ImportKind.STAFF, _file(1), clock, inline_bytes=LIMIT)
    with pytest.raises(Forbidden):
        run_view(db, demo["head"], run_id, clock)
    with pytest.raises(Forbidden):
        start_run(db, demo["teacher"], ImportKind.STAFF, _file(1), clock, inline_bytes=LIMIT)
