"""The plan of a staff import: row by row, whom it matches (personnel number, else IIN), what it
would change, the units it names that do not exist yet, and every problem. `staff_import` shows it
as a preview and applies it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.clock import Clock, today
from workflows.language import DEFAULT_LOCALE
from workflows.org.audit import changes
from workflows.org.import_units import Lookup, UnitKey, UnitTree
from workflows.org.import_wording import RowProblem, row_problem
from workflows.org.models import Person, RoleAssignment, StaffCategory
from workflows.org.staff_file import read_table
from workflows.org.staff_rows import STAFF_COLUMNS, StaffRow, parse_rows

Progress = Callable[[int, int], None]  # rows done, rows in the file
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class PersonChange:
    row: int | None  # None: not in the file (a full register)
    person_id: int | None  # None: a new person
    personnel_number: str | None
    name: str
    changes: dict[str, list[Any]]  # {field: [before, after]}, dates as ISO text
    seats_added: list[str] = field(default_factory=list)
    seats_ended: list[str] = field(default_factory=list)


@dataclass
class FilePreview:
    """What every import's preview says: which file, how many rows, how many change nothing, and
    every problem."""

    digest: str
    rows: int
    unchanged: int
    problems: list[RowProblem]
    ignored_columns: list[str]
    encoding: str
    # How long each list was when a stored preview keeps only its first lines (`to_json`).
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.counts.get("problems")

    def count(self, name: str) -> int:
        return self.counts.get(name, len(getattr(self, name)))

    def to_json(self, keep: int | None = None) -> dict[str, Any]:
        """As JSON; with `keep`, each list cut to its first `keep` lines (the counts stay whole)."""
        data = asdict(self)
        if keep is not None:
            for name, value in list(data.items()):
                if isinstance(value, list) and name != "ignored_columns":
                    data["counts"][name] = self.count(name)
                    data[name] = value[:keep]
        return data

    @staticmethod
    def file_fields(data: dict[str, Any]) -> dict[str, Any]:
        names = ("digest", "rows", "unchanged", "ignored_columns", "encoding", "counts")
        return {
            **{name: data[name] for name in names},
            "problems": [RowProblem(**p) for p in data["problems"]],
        }


@dataclass
class StaffPreview(FilePreview):
    to_add: list[PersonChange] = field(default_factory=list)
    to_update: list[PersonChange] = field(default_factory=list)
    to_deactivate: list[PersonChange] = field(default_factory=list)
    new_units: list[str] = field(default_factory=list)

    @property
    def changes_anything(self) -> bool:
        return bool(self.to_add or self.to_update or self.to_deactivate or self.new_units)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StaffPreview:
        def people(name: str) -> list[PersonChange]:
            return [PersonChange(**c) for c in data[name]]

        return cls(
            **cls.file_fields(data),
            to_add=people("to_add"),
            to_update=people("to_update"),
            to_deactivate=people("to_deactivate"),
            new_units=data["new_units"],
        )


@dataclass
class Write:
    change: PersonChange
    person: Person | None
    values: dict[str, Any]  # Person attributes to set (org_unit_id may be a new unit's key)
    seats_added: list[tuple[str, UnitKey]]
    seats_ended: list[tuple[RoleAssignment, date]]


@dataclass
class Plan:
    preview: StaffPreview
    tree: UnitTree
    writes: list[Write]


@dataclass(frozen=True)
class ImportFile:
    """An uploaded file with how it is to be read."""

    data: bytes
    max_bytes: int  # larger files are refused before they are read (a setting)
    full_register: bool = False  # the file is the whole staff: who is missing from it leaves
    name: str = ""

    @property
    def digest(self) -> str:
        """What a preview is of: the content and the options (the token an apply must match)."""
        option = b"\x00full" if self.full_register else b"\x00part"
        return hashlib.sha256(self.data + option).hexdigest()


def plan_staff(session: Session, file: ImportFile, clock: Clock, progress: Progress | None = None) -> Plan:
    table = read_table(file.data, STAFF_COLUMNS, file.max_bytes)
    digest = file.digest
    tree = UnitTree(session)
    empty = StaffPreview(digest, 0, 0, list(table.problems), table.ignored, table.encoding)
    if table.problems:
        return Plan(empty, tree, [])
    if tree.root is None:
        empty.problems.append(row_problem(None, None, "no_root"))
        return Plan(empty, tree, [])
    rows, problems = parse_rows(table.rows, table.columns)
    planner = _Planner(session, tree, today(clock), problems)
    for done, row in enumerate(rows, start=1):
        planner.row(row)
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(rows))
    if file.full_register:
        planner.missing()
    if progress is not None:
        progress(len(rows), len(rows))
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    writes = planner.writes
    unchanged = (
        len(rows)
        - sum(1 for w in writes if w.change.row is not None)
        - len({p.row for p in problems if p.row})
    )
    preview = StaffPreview(
        digest,
        len(rows),
        unchanged,
        problems,
        table.ignored,
        table.encoding,
        to_add=[w.change for w in writes if w.person is None],
        to_update=[
            w.change for w in writes if w.person is not None and w.change.row is not None and not leaves(w)
        ],
        to_deactivate=[
            w.change for w in writes if w.person is not None and (w.change.row is None or leaves(w))
        ],
        new_units=[new.path for new in tree.new.values()],
    )
    return Plan(preview, tree, writes)


def leaves(write: Write) -> bool:
    return write.values.get("is_active") is False and write.person is not None and write.person.is_active


class _Planner:
    """Row by row: whom it matches, what would change, and what is wrong with it."""

    def __init__(self, session: Session, tree: UnitTree, on: date, problems: list[RowProblem]) -> None:
        self.tree, self.on, self.problems = tree, on, problems
        self.faulty = {p.row for p in problems}  # rows already refused on their own
        self.people = list(session.scalars(select(Person)))
        self.by_number = {p.personnel_number: p for p in self.people if p.personnel_number}
        self.by_iin = {p.iin: p for p in self.people if p.iin}
        self.usernames = {p.username: p.id for p in self.people}
        self.seats: dict[int, list[RoleAssignment]] = {}
        for seat in session.scalars(
            select(RoleAssignment).where(
                (RoleAssignment.valid_to.is_(None)) | (RoleAssignment.valid_to >= on)
            )
        ):
            self.seats.setdefault(seat.person_id, []).append(seat)
        self.matched: set[int] = set()
        self.writes: list[Write] = []

    def row(self, row: StaffRow) -> None:
        found: list[RowProblem] = []
        person = self._match(row, found)
        unit = self._unit(row, found)
        seats = self._seats(row, unit, found)
        leaving = row.left_on is not None and row.left_on <= self.on
        inactive = person is not None and not person.is_active and "left_on" not in row.columns
        if seats and (leaving or inactive):
            found.append(row_problem(row.number, "roles", "role_for_leaver"))
        username = self._username(row, person, found)
        self.problems += found
        if person is not None:
            self.matched.add(person.id)
        if found or unit is None:
            return
        values = self._values(row, person, unit, username, leaving)
        before = {name: _plain(getattr(person, name)) for name in values} if person else {}
        after = {name: _plain(value) for name, value in values.items()}
        if "org_unit_id" in after:  # shown as paths, not ids
            after["unit_path"] = self.tree.display(after.pop("org_unit_id"))
            if person is not None:
                before["unit_path"] = self.tree.display(before.pop("org_unit_id"))
        diff = (
            changes(before, after)
            if person
            else {k: [None, v] for k, v in after.items() if v not in (None, [])}
        )
        added, ended = self._seat_changes(row, person, seats, leaving)
        if person is not None and not diff and not added and not ended:
            return
        name = " ".join(p for p in (row.first_name, row.patronymic, row.last_name) if p)
        change = PersonChange(
            row.number,
            person.id if person else None,
            row.personnel_number or (person.personnel_number if person else None),
            name if person is None or {"first_name", "last_name"} <= row.columns else person.full_name,
            diff,
            [seat_text(self.tree, role, key) for role, key in added],
            [seat_text(self.tree, s.role, s.org_unit_id) for s, _ in ended],
        )
        self.writes.append(Write(change, person, values, added, ended))

    def missing(self) -> None:
        """Everyone from the HR register not in the file leaves today."""
        for person in self.people:
            if person.id in self.matched or not person.is_active:
                continue
            if not (person.personnel_number or person.iin):
                continue
            ended = [(s, self.on - timedelta(days=1)) for s in self.seats.get(person.id, [])]
            values = {"is_active": False, "left_on": self.on}
            diff = changes(
                {"is_active": True, "left_on": _plain(person.left_on)},
                {k: _plain(v) for k, v in values.items()},
            )
            seats = [seat_text(self.tree, s.role, s.org_unit_id) for s, _ in ended]
            change = PersonChange(None, person.id, person.personnel_number, person.full_name, diff, [], seats)
            self.writes.append(Write(change, person, values, [], ended))

    def _match(self, row: StaffRow, found: list[RowProblem]) -> Person | None:
        by_number = self.by_number.get(row.personnel_number) if row.personnel_number else None
        by_iin = self.by_iin.get(row.iin) if row.iin else None
        if by_iin is not None and by_iin is not by_number:
            if by_number is not None or (by_iin.personnel_number and row.personnel_number):
                found.append(
                    row_problem(
                        row.number,
                        "iin",
                        "iin_taken",
                        value=row.iin,
                        name=by_iin.full_name,
                        number=by_iin.personnel_number or "—",
                    )
                )
                return by_number
            return by_iin
        return by_number

    def _unit(self, row: StaffRow, found: list[RowProblem]) -> UnitKey | None:
        try:
            return self.tree.path(row.unit_path)
        except Lookup as exc:
            found.append(row_problem(row.number, "unit_path", exc.code, unit=exc.unit))
            return None

    def _seats(
        self, row: StaffRow, unit: UnitKey | None, found: list[RowProblem]
    ) -> list[tuple[str, UnitKey]]:
        seats: list[tuple[str, UnitKey]] = []
        for ref in row.seats:
            try:
                if ref.unit is None:
                    key = unit
                elif len(ref.unit) == 1:
                    key = self.tree.named(ref.unit[0])
                else:
                    key = self.tree.path(ref.unit)
            except Lookup as exc:
                found.append(row_problem(row.number, "roles", exc.code, unit=exc.unit))
                continue
            if key is not None and (ref.role, key) not in seats:
                seats.append((ref.role, key))
        return seats

    def _username(self, row: StaffRow, person: Person | None, found: list[RowProblem]) -> str | None:
        wanted = row.username or (None if person else (row.personnel_number or row.iin))
        if wanted is None or (person is not None and wanted == person.username):
            return None
        if row.username is None and row.number in self.faulty:
            return None  # a login made of a duplicate number says nothing new
        holder = self.usernames.get(wanted)
        if holder is not None and (person is None or holder != person.id):
            found.append(
                row_problem(
                    row.number,
                    "username" if row.username else "personnel_number",
                    "username_taken",
                    value=wanted,
                )
            )
            return None
        self.usernames[wanted] = person.id if person else -row.number
        return wanted

    def _values(
        self, row: StaffRow, person: Person | None, unit: UnitKey, username: str | None, leaving: bool
    ) -> dict[str, Any]:
        cols = row.columns
        values: dict[str, Any] = {}
        if username is not None:
            values["username"] = username
        for name in ("personnel_number", "iin"):
            if getattr(row, name) is not None or (name in cols and person is None):
                values[name] = getattr(row, name)
        for name in (
            "last_name",
            "first_name",
            "patronymic",
            "email",
            "position",
            "employment_start",
            "disciplines",
            "left_on",
        ):
            if name in cols or person is None:
                values[name] = getattr(row, name)
        if "last_name" in cols and "first_name" in cols:
            values["full_name"] = " ".join(p for p in (row.first_name, row.patronymic, row.last_name) if p)
        if "language" in cols or person is None:
            values["locale"] = row.locale or DEFAULT_LOCALE
        if "staff_category" in cols or person is None:
            values["staff_category"] = row.staff_category or StaffCategory.TEACHING
        values["org_unit_id"] = unit
        if "left_on" in cols or person is None:
            values["is_active"] = not leaving
        if person is not None:
            values = {k: v for k, v in values.items() if k == "org_unit_id" or getattr(person, k) != v}
            if values.get("org_unit_id") == person.org_unit_id:
                del values["org_unit_id"]
        return values

    def _seat_changes(
        self, row: StaffRow, person: Person | None, seats: list[tuple[str, UnitKey]], leaving: bool
    ) -> tuple[list[tuple[str, UnitKey]], list[tuple[RoleAssignment, date]]]:
        current = self.seats.get(person.id, []) if person else []
        if leaving and row.left_on is not None:  # the seats end the day before, as on leaving by hand
            last_day = row.left_on - timedelta(days=1)
            return [], [(s, last_day) for s in current if s.valid_to is None or s.valid_to > last_day]
        if "roles" not in row.columns:
            return [], []
        held = {(s.role, s.org_unit_id) for s in current}
        added = [seat for seat in seats if seat not in held]
        ended = [
            (s, self.on - timedelta(days=1)) for s in current if (s.role, s.org_unit_id) not in set(seats)
        ]
        return added, ended


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, StaffCategory):
        return value.value
    return value


def seat_text(tree: UnitTree, role: str, key: UnitKey) -> str:
    return f"{role}@{tree.display(key) or (tree.root.name('kk') if tree.root else '')}"
