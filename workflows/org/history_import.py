"""Importing past training, one row per training (personnel number, course, provider, form, start,
end, hours, certificate number), so that periodicity monitoring has the past years from day one.
A training is the same when the person, the course and its dates are: re-importing a file changes
nothing, and a corrected row updates the record it imported (never one a case made)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.clock import Clock, today
from workflows.errors import NotAllowedNow
from workflows.org.audit import Subject, changes, record_change
from workflows.org.authority import require_administration
from workflows.org.import_models import ImportKind
from workflows.org.import_wording import RowProblem, row_problem
from workflows.org.models import Person
from workflows.org.staff_file import Columns, header_key, read_table
from workflows.org.staff_import import take_import_lock
from workflows.org.staff_plan import FilePreview, ImportFile, Progress
from workflows.org.staff_rows import parse_date
from workflows.records.models import RecordSource, TrainingForm, TrainingRecord

TRAINING_COLUMNS = Columns(
    aliases={
        "personnel_number": ("personnel number", "табельный номер", "табель нөмірі"),
        "course": ("курс", "программа", "бағдарлама"),
        "provider": ("организатор", "организация", "ұйымдастырушы"),
        "form": ("форма", "түрі"),
        "start_date": ("start", "начало", "дата начала", "басталуы"),
        "end_date": ("end", "окончание", "дата окончания", "аяқталуы"),
        "hours": ("часы", "часов", "сағат"),
        "certificate_number": ("certificate", "номер сертификата", "сертификат нөмірі"),
    },
    required=("personnel_number", "course", "start_date", "end_date", "hours"),
)
TRAINING_ORDER = tuple(TRAINING_COLUMNS.aliases)
_FORMS = {
    **{f.value: f for f in TrainingForm},
    "курс": TrainingForm.COURSE,
    "курсы": TrainingForm.COURSE,
    "стажировка": TrainingForm.INTERNSHIP,
    "тағылымдама": TrainingForm.INTERNSHIP,
    "семинар": TrainingForm.SEMINAR,
    "конференция": TrainingForm.CONFERENCE,
    "вебинар": TrainingForm.WEBINAR,
    "переподготовка": TrainingForm.RETRAINING,
    "қайта даярлау": TrainingForm.RETRAINING,
    "другое": TrainingForm.OTHER,
    "басқа": TrainingForm.OTHER,
}
_LIMITS = {"personnel_number": 32, "course": 300, "provider": 300, "certificate_number": 100}
MAX_HOURS = 2000


@dataclass(frozen=True)
class TrainingLine:
    row: int
    personnel_number: str
    name: str
    course: str
    start_date: str
    end_date: str
    hours: int
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass
class TrainingPreview(FilePreview):
    to_add: list[TrainingLine] = field(default_factory=list)
    to_update: list[TrainingLine] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TrainingPreview:
        return cls(
            **cls.file_fields(data),
            to_add=[TrainingLine(**line) for line in data["to_add"]],
            to_update=[TrainingLine(**line) for line in data["to_update"]],
        )


@dataclass(frozen=True)
class TrainingApplied:
    added: int
    updated: int


@dataclass
class _Entry:
    line: TrainingLine
    person_id: int
    values: dict[str, Any]
    record: TrainingRecord | None


def preview_training(
    session: Session, actor_id: int | None, file: ImportFile, clock: Clock, progress: Progress | None = None
) -> TrainingPreview:
    if actor_id is not None:
        require_administration(session, actor_id, today(clock))
    return _plan(session, file, progress)[0]


def apply_training(
    session: Session, actor_id: int | None, file: ImportFile, clock: Clock, expected_digest: str | None = None
) -> TrainingApplied:
    """Add and correct the training records, all or nothing, under the training import's lock."""
    take_import_lock(session, ImportKind.TRAINING, clock)
    if actor_id is not None:
        require_administration(session, actor_id, today(clock))
    if expected_digest is not None and expected_digest != file.digest:
        raise NotAllowedNow("import_file_changed", "this is not the file that was previewed")
    preview, entries = _plan(session, file, None)
    if preview.problems:
        count = len(preview.problems)
        raise NotAllowedNow("import_has_errors", f"the file has {count} error(s)", count=count)
    for entry in entries:
        if entry.record is None:
            session.add(
                TrainingRecord(
                    person_id=entry.person_id,
                    source=RecordSource.IMPORT,
                    recorded_at=clock.now(),
                    entered_by_id=actor_id,
                    **entry.values,
                )
            )
        else:
            for name, value in entry.values.items():
                setattr(entry.record, name, value)
    summary = {"added": len(preview.to_add), "updated": len(preview.to_update), "rows": preview.rows}
    record_change(
        session, actor_id, "training_imported", Subject.IMPORT, None, clock, summary, file.name or None
    )
    session.flush()
    return TrainingApplied(len(preview.to_add), len(preview.to_update))


def _plan(
    session: Session, file: ImportFile, progress: Progress | None
) -> tuple[TrainingPreview, list[_Entry]]:
    table = read_table(file.data, TRAINING_COLUMNS, file.max_bytes)
    preview = TrainingPreview(
        file.digest, len(table.rows), 0, list(table.problems), table.ignored, table.encoding
    )
    if table.problems:
        return preview, []
    people = {
        p.personnel_number: p
        for p in session.scalars(select(Person).where(Person.personnel_number.is_not(None)))
    }
    known: dict[tuple[int, str, date, date], TrainingRecord] = {
        (r.person_id, r.course.casefold(), r.start_date, r.end_date): r
        for r in session.scalars(select(TrainingRecord))
    }
    seen: dict[tuple[int, str, date, date], int] = {}
    entries: list[_Entry] = []
    for done, (number, values) in enumerate(table.rows, start=1):
        found: list[RowProblem] = []
        parsed = _values(number, values, found)
        person = people.get(values.get("personnel_number", ""))
        if person is None and values.get("personnel_number"):
            found.append(
                row_problem(number, "personnel_number", "unknown_person", value=values["personnel_number"])
            )
        elif not values.get("personnel_number"):
            found.append(row_problem(number, "personnel_number", "required"))
        if person is not None and not found:
            key = (person.id, parsed["course"].casefold(), parsed["start_date"], parsed["end_date"])
            other = seen.setdefault(key, number)
            if other != number:
                found.append(row_problem(number, "course", "duplicate_training", other=other))
            else:
                entry = _entry(number, person, parsed, known.get(key))
                if entry is not None:
                    entries.append(entry)
        preview.problems += found
        if progress is not None and done % 1000 == 0:
            progress(done, len(table.rows))
    preview.to_add = [e.line for e in entries if e.record is None]
    preview.to_update = [e.line for e in entries if e.record is not None]
    faulty = {p.row for p in preview.problems}
    preview.unchanged = len(table.rows) - len(entries) - len(faulty)
    return preview, entries


def _entry(
    number: int, person: Person, values: dict[str, Any], record: TrainingRecord | None
) -> _Entry | None:
    line = TrainingLine(
        number,
        person.personnel_number or "",
        person.full_name,
        values["course"],
        values["start_date"].isoformat(),
        values["end_date"].isoformat(),
        values["hours"],
    )
    if record is None:
        return _Entry(line, person.id, values, None)
    if record.source != RecordSource.IMPORT:
        return None  # a case recorded it: the case's record stands
    before = {name: getattr(record, name) for name in values}
    diff = changes(before, values)
    if not diff:
        return None
    line = TrainingLine(**{**asdict(line), "changes": diff})
    return _Entry(line, person.id, {k: values[k] for k in diff}, record)


def _values(number: int, values: dict[str, str], found: list[RowProblem]) -> dict[str, Any]:
    for name, limit in _LIMITS.items():
        if len(values.get(name, "")) > limit:
            found.append(row_problem(number, name, "too_long", max=limit))
    course = values.get("course", "")[:300]
    if not course:
        found.append(row_problem(number, "course", "required"))
    dates: dict[str, date | None] = {}
    for name in ("start_date", "end_date"):
        text = values.get(name, "")
        dates[name] = parse_date(text) if text else None
        if dates[name] is None:
            found.append(
                row_problem(number, name, "bad_date", value=text)
                if text
                else row_problem(number, name, "required")
            )
    start, end = dates["start_date"], dates["end_date"]
    if start and end and end < start:
        found.append(row_problem(number, "end_date", "end_before_start"))
    text = values.get("hours", "")
    hours = int(text) if text.isascii() and text.isdigit() else 0
    if not 1 <= hours <= MAX_HOURS:
        found.append(row_problem(number, "hours", "bad_hours", value=text))
    form_text = values.get("form", "")
    form = _FORMS.get(header_key(form_text)) if form_text else None
    if form_text and form is None:
        found.append(row_problem(number, "form", "unknown_form", value=form_text))
    return {
        "course": course,
        "provider": values.get("provider") or None,
        "form": form,
        "start_date": start,
        "end_date": end,
        "hours": hours,
        "certificate_number": values.get("certificate_number") or None,
    }
