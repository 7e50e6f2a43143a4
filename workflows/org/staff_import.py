"""Importing the staff file: a preview of what it would change, then applying it all or nothing.

A row is matched to a person by personnel number, else by IIN. A column the file lacks changes
nothing; an empty cell of a column it has clears the value. A row's `roles` are the person's seats:
seats it does not list end the day before the import. A leaving date on or before the import day
deactivates the person as leaving by hand does (`leaving.person_leaves`: seats and deputies end
the day before, their open tasks go back to their seat or up the tree); a later date is kept until
then. With `full_register` the file is the whole staff: anyone with a personnel number or IIN who
is not in it leaves on the import day. People without either (accounts made by hand) are never touched.
Applying takes the import lock and reads the file again under it, so two imports never interleave
and re-importing a file changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from workflows.clock import Clock, today
from workflows.errors import NotAllowedNow
from workflows.org.audit import Subject, record_change
from workflows.org.authority import require_administration
from workflows.org.import_models import ImportKind, ImportLock
from workflows.org.import_units import UnitKey
from workflows.org.leaving import person_leaves
from workflows.org.models import Person, RoleAssignment
from workflows.org.staff_plan import ImportFile, Plan, Progress, StaffPreview, leaves, plan_staff


@dataclass(frozen=True)
class StaffApplied:
    added: int
    updated: int
    deactivated: int
    units_created: int


def preview_staff(
    session: Session, actor_id: int | None, file: ImportFile, clock: Clock, progress: Progress | None = None
) -> StaffPreview:
    """What importing the file would change, and every problem of the file and its rows."""
    if actor_id is not None:
        require_administration(session, actor_id, today(clock))
    return plan_staff(session, file, clock, progress).preview


def apply_staff(
    session: Session, actor_id: int | None, file: ImportFile, clock: Clock, expected_digest: str | None = None
) -> StaffApplied:
    """Apply the file, all or nothing, under the import lock: refused when it has any problem, or
    when it is not the file that was previewed (`expected_digest`)."""
    take_import_lock(session, ImportKind.STAFF, clock)
    if actor_id is not None:
        require_administration(session, actor_id, today(clock))
    if expected_digest is not None and expected_digest != file.digest:
        raise NotAllowedNow("import_file_changed", "this is not the file that was previewed")
    plan = plan_staff(session, file, clock)
    if plan.preview.problems:
        raise NotAllowedNow(
            "import_has_errors",
            f"the file has {len(plan.preview.problems)} error(s)",
            count=len(plan.preview.problems),
        )
    return _apply(session, actor_id, plan, clock, file.name)


def take_import_lock(session: Session, kind: ImportKind, clock: Clock) -> None:
    """The first write of an apply: a second import waits here until the first one commits (or is
    refused when the database gives up waiting)."""
    try:
        session.execute(update(ImportLock).where(ImportLock.name == kind.value).values(taken_at=clock.now()))
    except OperationalError as exc:
        raise NotAllowedNow("import_busy", "another import is being applied; try again") from exc


def _apply(session: Session, actor_id: int | None, plan: Plan, clock: Clock, file_name: str) -> StaffApplied:
    made = plan.tree.create(session)
    for new_key, unit in made.items():
        record_change(
            session,
            actor_id,
            "unit_imported",
            Subject.UNIT,
            unit.id,
            clock,
            {"path": plan.tree.new[new_key].path},
        )

    def unit_id(key: UnitKey) -> int:
        return key if isinstance(key, int) else made[key].id

    new_people: dict[int, Person] = {}  # by id() of the write
    leavers = {id(write) for write in plan.writes if leaves(write)}
    for write in plan.writes:
        values = {**write.values}
        if "org_unit_id" in values:
            values["org_unit_id"] = unit_id(values["org_unit_id"])
        if write.person is None:
            person = Person(**values)
            session.add(person)
            new_people[id(write)] = person
        else:
            for name, value in values.items():
                setattr(write.person, name, value)
        if id(write) not in leavers:  # a leaver's seats end with the rest of their leaving
            for seat, valid_to in write.seats_ended:
                seat.valid_to = valid_to
    session.flush()
    on = today(clock)
    for write in plan.writes:
        person = write.person or new_people[id(write)]
        for role, key in write.seats_added:
            session.add(
                RoleAssignment(person_id=person.id, role=role, org_unit_id=unit_id(key), valid_from=on)
            )
        data: dict[str, Any] = {**write.change.changes}
        if id(write) in leavers and person.left_on is not None:
            released, moved = person_leaves(session, actor_id, person, person.left_on, clock)
            data.update(tasks_released=released, tasks_rerouted=moved)
        if write.change.seats_added:
            data["seats_added"] = write.change.seats_added
        if write.change.seats_ended:
            data["seats_ended"] = write.change.seats_ended
        action = (
            "person_imported"
            if write.person is None
            else ("person_left" if id(write) in leavers else "person_updated")
        )
        record_change(
            session, actor_id, action, Subject.PERSON, person.id, clock, data, comment=file_name or None
        )
    preview = plan.preview
    summary = {
        "added": len(preview.to_add),
        "updated": len(preview.to_update),
        "deactivated": len(preview.to_deactivate),
        "units_created": len(made),
        "rows": preview.rows,
        "digest": preview.digest,
    }
    record_change(
        session, actor_id, "staff_imported", Subject.IMPORT, None, clock, summary, comment=file_name or None
    )
    session.flush()
    return StaffApplied(len(preview.to_add), len(preview.to_update), len(preview.to_deactivate), len(made))
