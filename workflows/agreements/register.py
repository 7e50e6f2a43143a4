"""The agreements register for HR and legal (001 §3.8, §8.1): every training agreement with its
term, shown as active, fulfilled (the term has run out) or breached (the person left within it,
with the refund case and its outcome); filtered and paged in SQL, exported like the others."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from workflows.agreements.models import Agreement, AgreementStatus
from workflows.calendar import local_date
from workflows.cases.models import ProcessInstance
from workflows.clock import Clock
from workflows.errors import Forbidden
from workflows.org.models import Person
from workflows.org.roles import Role
from workflows.org.seats import has_role
from workflows.reports.registers import EXPORT_CHUNK

AGREEMENT_STATUSES = ("active", "fulfilled", "breached")
KEEPERS = (Role.HR, Role.LEGAL)


@dataclass(frozen=True)
class AgreementFilter:
    status: str | None = None  # one of AGREEMENT_STATUSES
    search: str | None = None  # number, employee, course
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class AgreementRow:
    id: int
    number: str
    signed_on: date
    employee: str
    employee_ru: str | None
    course: str | None
    amount: Decimal
    term_years: int
    obligation_ends_on: date
    status: str  # active, fulfilled or breached
    case_id: int
    business_key: str
    left_on: date | None
    refund_case_id: int | None
    refund_business_key: str | None
    refund_due: Decimal | None
    refund_outcome: str | None
    refund_paid: Decimal | None


@dataclass(frozen=True)
class AgreementPage:
    rows: list[AgreementRow]
    total: int
    page: int
    per_page: int


_subject, _case, _refund = aliased(Person), aliased(ProcessInstance), aliased(ProcessInstance)


def _require_keeper(session: Session, person_id: int, today: date) -> None:
    if not any(has_role(session, person_id, role, today) for role in KEEPERS):
        raise Forbidden("Only HR and the legal office keep the agreements register")


def _conditions(flt: AgreementFilter, today: date) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if flt.status == "breached":
        found.append(Agreement.status == AgreementStatus.BREACHED)
    elif flt.status == "active":
        found.append(and_(Agreement.status == AgreementStatus.ACTIVE, Agreement.obligation_ends_on >= today))
    elif flt.status == "fulfilled":
        found.append(and_(Agreement.status == AgreementStatus.ACTIVE, Agreement.obligation_ends_on < today))
    if flt.search and flt.search.strip():
        typed = flt.search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        needle = typed.casefold()
        # The case's search text is kept casefolded; the number is matched as typed or in lower case.
        found.append(
            Agreement.number.like(f"%{typed}%", escape="\\")
            | func.lower(Agreement.number).like(f"%{needle}%", escape="\\")
            | _case.search_text.like(f"%{needle}%", escape="\\")
        )
    return found


def _query(flt: AgreementFilter, today: date) -> Select[Any]:
    return (
        select(
            Agreement, _subject.full_name, _subject.full_name_ru, _case.business_key, _case.summary, _refund
        )
        .join(_subject, _subject.id == Agreement.person_id)
        .join(_case, _case.id == Agreement.instance_id)
        .outerjoin(_refund, _refund.id == Agreement.refund_instance_id)
        .where(*_conditions(flt, today))
        .order_by(Agreement.signed_on.desc(), Agreement.id.desc())
    )


def _row(raw: Any, today: date) -> AgreementRow:
    agreement, name, name_ru, business_key, summary, refund = raw
    status = (
        "breached"
        if agreement.status == AgreementStatus.BREACHED
        else ("fulfilled" if agreement.obligation_ends_on < today else "active")
    )
    return AgreementRow(
        id=agreement.id,
        number=agreement.number,
        signed_on=agreement.signed_on,
        employee=name,
        employee_ru=name_ru,
        course=(summary or {}).get("course"),
        amount=agreement.amount,
        term_years=agreement.term_years,
        obligation_ends_on=agreement.obligation_ends_on,
        status=status,
        case_id=agreement.instance_id,
        business_key=business_key,
        left_on=agreement.left_on,
        refund_case_id=refund.id if refund is not None else None,
        refund_business_key=refund.business_key if refund is not None else None,
        refund_due=agreement.refund_due,
        refund_outcome=agreement.refund_outcome,
        refund_paid=agreement.refund_paid,
    )


def agreement_register(
    session: Session, person_id: int, clock: Clock, flt: AgreementFilter | None = None
) -> AgreementPage:
    flt = flt or AgreementFilter()
    today = local_date(clock.now())
    _require_keeper(session, person_id, today)
    counted = (
        select(func.count(Agreement.id))
        .join(_case, _case.id == Agreement.instance_id)
        .where(*_conditions(flt, today))
    )
    total = session.scalar(counted) or 0
    page = max(flt.page, 1)
    raw = session.execute(_query(flt, today).limit(flt.per_page).offset((page - 1) * flt.per_page)).all()
    return AgreementPage([_row(r, today) for r in raw], total, page, flt.per_page)


def agreement_register_rows(
    session: Session, person_id: int, clock: Clock, flt: AgreementFilter
) -> Iterator[AgreementRow]:
    today = local_date(clock.now())
    _require_keeper(session, person_id, today)

    def rows() -> Iterator[AgreementRow]:
        for chunk in session.execute(
            _query(flt, today).execution_options(yield_per=EXPORT_CHUNK)
        ).partitions():
            yield from (_row(r, today) for r in chunk)

    return rows()
