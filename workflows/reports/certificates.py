"""The certificates register: every verified certificate of the reader's scope with its validity,
filtered (unit, validity, expiring soon, issue dates, search), paged and exported in SQL.

A certificate is verified when the competence centre accepted it in a case, or HR or the centre
entered it into the personal file themselves; imported history and struck records are not listed.
"Expiring soon" is the records policy's window (`expiring_within_months`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from workflows.calendar import add_months, local_date
from workflows.clock import Clock
from workflows.org.models import OrgUnit, Person
from workflows.records.models import TrainingRecord
from workflows.records.settings import records_setting
from workflows.reports.registers import EXPORT_CHUNK, ScopeUnit, in_units, scope_roots, scope_tree

CERTIFICATE_SORTS = ("valid_until", "issued", "employee", "course")
VALIDITIES = ("valid", "expiring", "expired", "open_ended")


@dataclass(frozen=True)
class CertificateFilter:
    unit_id: int | None = None
    validity: str | None = None  # one of VALIDITIES
    issued_from: date | None = None
    issued_to: date | None = None
    search: str | None = None  # employee, course, provider, certificate number
    sort: str = "valid_until"
    descending: bool = False
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class CertificateRow:
    id: int
    person_id: int
    employee: str
    employee_ru: str | None
    unit_names: dict[str, str]
    course: str
    provider: str | None
    certificate_type: str | None
    number: str | None
    issued_on: date | None
    valid_until: date | None
    hours: int
    case_id: int | None
    verified_by: str | None
    validity: str  # one of VALIDITIES


@dataclass(frozen=True)
class CertificatePage:
    rows: list[CertificateRow]
    total: int
    page: int
    per_page: int
    expiring_months: int
    units: list[ScopeUnit] = field(default_factory=list)


_person, _unit, _verifier = aliased(Person), aliased(OrgUnit), aliased(Person)


def _window(session: Session, today: date) -> tuple[date, int]:
    months = records_setting(session).expiring_within_months
    return add_months(today, months), months


def _validity(today: date, soon: date) -> Any:
    until = TrainingRecord.valid_until
    return case(
        (until.is_(None), "open_ended"),
        (until < today, "expired"),
        (until <= soon, "expiring"),
        else_="valid",
    )


def _conditions(
    flt: CertificateFilter, roots: list[int], today: date, soon: date
) -> list[ColumnElement[bool]]:
    record = TrainingRecord
    found = [
        *in_units(_person.org_unit_id, roots, flt.unit_id),
        record.struck_at.is_(None),
        or_(record.verified_by_id.is_not(None), record.entered_by_id.is_not(None)),
    ]
    if flt.validity == "expired":
        found.append(record.valid_until < today)
    elif flt.validity == "expiring":
        found += [record.valid_until >= today, record.valid_until <= soon]
    elif flt.validity == "valid":
        found.append(or_(record.valid_until.is_(None), record.valid_until >= today))
    elif flt.validity == "open_ended":
        found.append(record.valid_until.is_(None))
    if flt.issued_from:
        found.append(record.certificate_issued_on >= flt.issued_from)
    if flt.issued_to:
        found.append(record.certificate_issued_on <= flt.issued_to)
    if flt.search and flt.search.strip():
        needle = "%" + flt.search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = (_person.full_name, record.course, record.provider, record.certificate_number)
        found.append(or_(*(c.ilike(needle, escape="\\") for c in columns)))
    return found


def _sort(flt: CertificateFilter) -> list[Any]:
    key = {
        "issued": TrainingRecord.certificate_issued_on,
        "employee": _person.full_name,
        "course": TrainingRecord.course,
    }.get(flt.sort, TrainingRecord.valid_until)
    first = key.desc() if flt.descending else key.asc()
    last = TrainingRecord.id.desc() if flt.descending else TrainingRecord.id.asc()
    return [first.nulls_last(), last]


def _query(flt: CertificateFilter, roots: list[int], today: date, soon: date) -> Select[Any]:
    return (
        select(
            TrainingRecord,
            _person.full_name,
            _person.full_name_ru,
            _unit.name_kk,
            _unit.name_ru,
            _unit.name_en,
            _verifier.full_name,
            _validity(today, soon),
        )
        .join(_person, _person.id == TrainingRecord.person_id)
        .join(_unit, _unit.id == _person.org_unit_id)
        .outerjoin(
            _verifier,
            _verifier.id == func.coalesce(TrainingRecord.verified_by_id, TrainingRecord.entered_by_id),
        )
        .where(*_conditions(flt, roots, today, soon))
    )


def _row(raw: Any) -> CertificateRow:
    r, name, name_ru, kk, ru, en, verifier, validity = raw
    return CertificateRow(
        r.id,
        r.person_id,
        name,
        name_ru,
        {"kk": kk, "ru": ru, "en": en},
        r.course,
        r.provider,
        r.certificate_type,
        r.certificate_number,
        r.certificate_issued_on,
        r.valid_until,
        r.hours,
        r.instance_id,
        verifier,
        validity,
    )


def certificate_register(
    session: Session, person_id: int, clock: Clock, flt: CertificateFilter | None = None
) -> CertificatePage:
    """One page of the verified certificates of the units the person oversees (Forbidden otherwise)."""
    flt = flt or CertificateFilter()
    today = local_date(clock.now())
    roots = scope_roots(session, person_id, today)
    soon, months = _window(session, today)
    query = _query(flt, roots, today, soon)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page = max(flt.page, 1)
    raw = session.execute(query.order_by(*_sort(flt)).limit(flt.per_page).offset((page - 1) * flt.per_page))
    rows = [_row(r) for r in raw]
    return CertificatePage(rows, total, page, flt.per_page, months, scope_tree(session, roots))


def certificate_register_rows(
    session: Session, person_id: int, clock: Clock, flt: CertificateFilter
) -> Iterator[CertificateRow]:
    """Every row the filter selects, in its order, in chunks (the exports); the scope is checked at once."""
    today = local_date(clock.now())
    roots = scope_roots(session, person_id, today)
    soon, _ = _window(session, today)
    query = _query(flt, roots, today, soon).order_by(*_sort(flt))

    def rows() -> Iterator[CertificateRow]:
        for chunk in session.execute(query.execution_options(yield_per=EXPORT_CHUNK)).partitions():
            yield from (_row(r) for r in chunk)

    return rows()
