"""Side effects a diagram asks for through service tasks, run inside the step's transaction.

If the step fails or loses a race, they roll back with it: no order number is burnt and no
notice is sent for a decision that was never saved (emails are queued as jobs, sent later).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from workflows.agreements.effects import register_agreement, settle_refund
from workflows.calendar import local_date
from workflows.cases.models import (
    EventKind,
    HumanTask,
    Order,
    OrderCounter,
    ProcessInstance,
    TaskStatus,
)
from workflows.clock import Clock
from workflows.definitions.vocabulary import NOTIFIED
from workflows.errors import ProcessError
from workflows.messaging.notices import Notice
from workflows.nonconformity.stages import record_stage
from workflows.org.roles import EMPLOYEE, KNOWN_ROLES
from workflows.org.seats import ChainSeats, seat_holders
from workflows.planning.new_version import decide_amendment
from workflows.planning.operators import PLAN_OPERATORS
from workflows.records.from_case import case_training, valid_until_in_sql, validity_base
from workflows.records.models import RecordSource, RecordsSetting, TrainingRecord
from workflows.records.verification import VERIFICATION_FORM
from workflows.reports.quarterly_steps import op_quarterly

# The operators other domains keep, by the name a diagram calls them.
DOMAIN_OPERATORS = {**PLAN_OPERATORS, "quarterly": op_quarterly}

# The validity a certificate gets while no records policy is saved: the policy row's own default.
_DEFAULT_VALIDITY = RecordsSetting.__table__.c.certificate_validity_years.default.arg


class StepEffects:
    """The service-task handler for one step of one instance."""

    def __init__(
        self, session: Session, instance: ProcessInstance, clock: Clock, actor_id: int | None
    ) -> None:
        self.session = session
        self.instance = instance
        self.clock = clock
        self.actor_id = actor_id
        self.data: dict[str, Any] = {}
        self.task_data: dict[str, Any] = {}
        self.notices: list[Notice] = []  # the step sends them with its other rows
        self.events: list[dict[str, Any]] = []  # and writes these into the case's history
        self._seats: ChainSeats | None = None

    def __call__(self, operator: str, params: dict[str, Any], task_data: dict[str, Any]) -> Any:
        handler = getattr(self, f"op_{operator}", None)
        self.task_data = task_data
        if handler is None and operator in DOMAIN_OPERATORS:
            return DOMAIN_OPERATORS[operator](self, **params)
        if handler is None:
            raise ProcessError(f"Unknown service operator '{operator}'", operator=operator)
        return handler(**params)

    def _today(self) -> date:
        return local_date(self.clock.now())

    def seat(self, role: str) -> tuple[str, int, list[int]]:
        """The seat of `role` for the case's applicant and who acts in it today; the seats of every
        role come from one query, read the first time the step needs one."""
        if self._seats is None:
            self._seats = ChainSeats(self.session, self.instance.subject_unit_id, self._today())
        return self._seats.holders(role, self.instance.subject_id)

    def people_in(self, roles: str, unit: int | None = None) -> list[int]:
        """The people of `roles` over the case's unit (or over `unit`, for a campaign's unit)."""
        people: list[int] = []
        instance = self.instance
        for role in (r.strip() for r in str(roles).split(",") if r.strip()):
            if role not in KNOWN_ROLES:
                raise ProcessError(f"The notice goes to an unknown role '{role}'", role=role)
            if role == EMPLOYEE:
                # A collective internship's other participants are told whatever the applicant is.
                people.append(instance.subject_id)
                people.extend(int(p) for p in self.task_data.get("participant_ids") or [])
                continue
            if unit is None:
                _, _, acting = self.seat(role)
            else:
                _, _, acting = seat_holders(self.session, role, int(unit), instance.subject_id, self._today())
            people.extend(p for p in acting if p != instance.subject_id)
        return people

    def _log(self, event: EventKind, actor_id: int | None, comment: str | None, /, **data: Any) -> None:
        self.events.append(
            {
                "instance_id": self.instance.id,
                "process_key": self.instance.process_key,
                "at": self.clock.now(),
                "kind": event,
                "actor_id": actor_id,
                "on_behalf_of_id": None,
                "element_id": None,
                "comment": comment,
                "data": data,
            }
        )

    def op_notify(self, event: str, to: str, **extra: Any) -> dict[str, Any]:
        if event not in NOTIFIED:
            raise ProcessError(f"Unknown notice '{event}'", notice=event)
        people = self.people_in(to)
        self.notices.append(Notice(people, event, None, {"roles": to, **extra}))
        self._log(EventKind.NOTICE_SENT, None, None, notice=event, roles=to, recipients=len(set(people)))
        return {"event": event, "recipients": len(set(people))}

    def op_nonconformity(self, kind: str, note: str = "") -> dict[str, Any]:
        """Open the journal's entry for this cause of this case (once: the same cause of the same
        case finds the entry it opened before), worked by the journal's own diagram."""
        # Imported here: opening an entry starts a step of the journal's diagram (a Step, which
        # imports this module).
        from workflows.nonconformity.opening import open_nonconformity

        opened = open_nonconformity(
            self.session,
            cause=kind,
            source_key=f"{kind}:case:{self.instance.id}",
            clock=self.clock,
            note=note,
            case_id=self.instance.id,
        )
        if opened.created:
            self._log(EventKind.NONCONFORMITY, None, note, kind=kind, entry=opened.entry_id)
        return {"kind": kind, "entry": opened.entry_id}

    def op_journal(self, stage: str, **_: Any) -> dict[str, Any]:
        """A step of the journal's diagram: its entry takes what the step decided."""
        kept, notices = record_stage(
            self.session, self.instance, stage, self.task_data, self.clock, self.actor_id
        )
        self.notices.extend(notices)
        return kept

    def op_amend_plan(self, decision: str) -> dict[str, Any]:
        """The plan amendment of this case is approved (a new plan version) or rejected."""
        return decide_amendment(self.session, self.instance.id, decision, self.actor_id, self.clock.now())

    def op_issue_order(self, prefix: str = "БА", order_date: str | None = None) -> dict[str, Any]:
        """The next number of the year, taken under a row lock so that two HR officers never share one."""
        issued = date.fromisoformat(order_date) if order_date else self._today()
        year = issued.year
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        # One statement: the year's first number, or the next one under the row's lock.
        first = insert(OrderCounter).values(prefix=prefix, year=year, last_number=1)
        number = self.session.execute(
            first.on_conflict_do_update(
                index_elements=[OrderCounter.prefix, OrderCounter.year],
                set_={"last_number": OrderCounter.last_number + 1},
            ).returning(OrderCounter.last_number)
        ).scalar_one()
        label = f"{prefix}-{year}/{number:04d}"
        now = self.clock.now()
        self.session.add(
            Order(
                number=label,
                year=year,
                order_date=issued,
                instance_id=self.instance.id,
                issued_by_id=self.actor_id,
                issued_at=now,
            )
        )
        start = self.task_data.get("start_date")
        late = isinstance(start, str) and issued.isoformat() > start[:10]
        details: dict[str, Any] = {"number": label, "date": issued.isoformat()}
        reason = None
        if late:
            # Issued after the course began: the history says so, who issued it and why.
            reason = str(self.task_data.get("late_reason") or "").strip() or None
            details.update(late=True, course_start=start)
        self._log(EventKind.ORDER_ISSUED, self.actor_id, reason, **details)
        self.data["order_number"] = label
        return {"number": label, "date": issued.isoformat()}

    def _verifier(self) -> Any:
        """Who accepted the certificate: the last completed verification task of the case."""
        return (
            select(HumanTask.completed_by_id)
            .where(
                HumanTask.instance_id == self.instance.id,
                HumanTask.form_key == VERIFICATION_FORM,
                HumanTask.status == TaskStatus.COMPLETED,
            )
            .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    def op_agreement(self, **_: Any) -> dict[str, Any]:
        return register_agreement(self.session, self.instance, self.task_data, self.clock)

    def op_settle_refund(self, **_: Any) -> dict[str, Any]:
        return settle_refund(self.session, self.instance, self.task_data, self.clock)

    def op_record_training(self, **_: Any) -> dict[str, Any]:
        """The training goes into the file of everyone the case sent (the applicant and a collective
        internship's other participants), one statement for all: the people recorded already are
        left as they are, and the verifier and the validity policy are read by the insert itself."""
        data = self.task_data
        hours = int(data.get("counted_hours") or data.get("hours") or 0)
        found = case_training(data, None)
        valid_until: Any = found.valid_until
        base = validity_base(data)
        if valid_until is None and base is not None:
            years = func.coalesce(
                select(RecordsSetting.certificate_validity_years)
                .order_by(RecordsSetting.id)
                .limit(1)
                .scalar_subquery(),
                _DEFAULT_VALIDITY,  # no settings saved yet: the defaults
            )
            valid_until = valid_until_in_sql(base, years, self._dialect())
        people = [self.instance.subject_id, *(int(p) for p in data.get("participant_ids") or [])]
        now = self.clock.now()
        rows = [
            {
                "person_id": person_id,
                "instance_id": self.instance.id,
                "source": RecordSource.CASE,
                "course": str(data.get("course", "")),
                "provider": data.get("provider"),
                "form": found.form,
                "mode": found.mode,
                "start_date": date.fromisoformat(data["start_date"]),
                "end_date": date.fromisoformat(data["end_date"]),
                "hours": hours,
                "matches_disciplines": found.matches_disciplines,
                "management": found.management,
                "certificate_id": data.get("certificate"),
                "certificate_type": found.certificate_type,
                "certificate_number": found.certificate_number,
                "certificate_issued_on": found.certificate_issued_on,
                "recorded_at": now,
            }
            for person_id in dict.fromkeys(people)
        ]
        insert = pg_insert if self._dialect() == "postgresql" else sqlite_insert
        self.session.execute(
            insert(TrainingRecord)
            .values(verified_by_id=self._verifier(), valid_until=valid_until)
            .on_conflict_do_nothing(index_elements=[TrainingRecord.instance_id, TrainingRecord.person_id]),
            rows,
        )
        return {"hours": hours}

    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name
