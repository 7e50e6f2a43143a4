"""Driving the qualification request through the services, as the people of each role would."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from pypdf import PdfWriter
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import Demo
from workflows.cases.documents import FileStore, store_upload
from workflows.cases.models import Document, HumanTask, ProcessInstance
from workflows.cases.start import start_case
from workflows.cases.tasks import complete_task
from workflows.clock import FrozenClock, today
from workflows.errors import DomainError
from workflows.worker import FireResult, fire_due_jobs


def _blank_page() -> bytes:
    """A PDF of one blank page: uploads must be whole documents, not only look like one."""
    writer, out = PdfWriter(), BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return out.getvalue()


PDF = _blank_page()


def application(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "course": "Жоғары мектептегі цифрлық педагогика",
        "provider": "Назарбаев Университеті",
        "training_form": "course",
        "mode": "without_leaving_work",
        "place": "Астана, Қазақстан",
        "start_date": "2026-03-21",
        "end_date": "2026-03-31",
        "hours": 72,
        "funding_source": "own",
        "in_plan": True,
        "relevance": "Оқытатын пәндерге цифрлық құралдарды енгізу",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class Flow:
    """One test's world: sessions, the demo people, a movable clock and a file store."""

    def __init__(
        self, factory: sessionmaker[Session], demo: Demo, clock: FrozenClock, store: FileStore
    ) -> None:
        self.factory, self.demo, self.clock, self.store = factory, demo, clock, store
        self.started = 0

    def at(self, moment: str) -> None:
        self.clock.set(datetime.fromisoformat(moment))

    def start(self, username: str = "teacher", **overrides: Any) -> int:
        """Apply as `username`. Each application is for a course of its own unless `course` is given
        (the product refuses a second application for the same course and dates)."""
        self.started += 1
        if "course" not in overrides and self.started > 1:
            overrides["course"] = f"{application()['course']} ({self.started})"
        with self.factory() as session:
            ref = start_case(
                session, "qualification_request", self.demo[username], application(**overrides), self.clock
            )
            session.commit()
            return ref.id

    def begin(self, process_key: str, username: str, data: dict[str, Any], subject: str | None = None) -> int:
        """Start `process_key` as `username`, for `subject` (a head's staff member, HR's planned line)."""
        with self.factory() as session:
            subject_id = self.demo[subject] if subject else None
            ref = start_case(session, process_key, self.demo[username], data, self.clock, subject_id)
            session.commit()
            return ref.id

    def task(self, case_id: int, element_id: str) -> HumanTask:
        with self.factory() as session:
            found = session.scalars(
                select(HumanTask).where(
                    HumanTask.instance_id == case_id,
                    HumanTask.element_id == element_id,
                    HumanTask.status == "open",
                )
            ).all()
            assert len(found) == 1, f"expected one open {element_id}, found {len(found)}"
            return found[0]

    def open_elements(self, case_id: int) -> list[str]:
        with self.factory() as session:
            return sorted(
                session.scalars(
                    select(HumanTask.element_id).where(
                        HumanTask.instance_id == case_id, HumanTask.status == "open"
                    )
                )
            )

    def do(self, username: str, case_id: int, element_id: str, **data: Any) -> None:
        task = self.task(case_id, element_id)
        with self.factory() as session:
            try:
                complete_task(session, task.id, self.demo[username], data, self.clock)
            except DomainError as exc:
                if exc.keeps_writes:  # as the request and the command line do: keep the incident
                    session.commit()
                raise
            session.commit()

    def upload(self, username: str, content: bytes = PDF, name: str = "certificate.pdf") -> str:
        with self.factory() as session:
            doc = store_upload(
                session, self.store, "certificate", name, content, self.demo[username], self.clock
            )
            session.commit()
            return doc.id

    def fire(self) -> FireResult:
        return fire_due_jobs(self.factory, self.clock, "test")

    def case(self, case_id: int) -> ProcessInstance:
        with self.factory() as session:
            found = session.get(ProcessInstance, case_id)
            assert found is not None
            return found

    def documents(self, case_id: int) -> list[Document]:
        with self.factory() as session:
            return list(session.scalars(select(Document).where(Document.instance_id == case_id)))

    # The steps of the happy path, so tests can go straight to the part they are about.
    def approve_to_order(self, case_id: int, university: bool = False) -> None:
        self.do("head", case_id, "endorse", decision="approve")
        if university:
            self.do("finance", case_id, "finance_agreement", decision="approve", budget_line="BA-2026-01")
        self.do("rector", case_id, "rector_visa", decision="approve")
        if university:
            self.do(
                "legal",
                case_id,
                "training_agreement",
                agreement_number="ОК-17",
                agreement_date="2026-03-05",
                refund_clause=True,
                refund_years=3,
            )
        self.do("hr", case_id, "prepare_order", order_date=today(self.clock).isoformat())

    def verify(self, case_id: int, **data: Any) -> None:
        """The competence centre accepts the certificate (72 hours counted unless `data` says otherwise)."""
        fields: dict[str, Any] = {
            "decision": "approve",
            "counted_hours": 72,
            "certificate_type": "certificate",
        }
        self.do("centre", case_id, "verify_certificate", **{**fields, **data})

    def meeting_record(self, **overrides: Any) -> dict[str, Any]:
        """What the department meeting records on approving a report: its minutes (the file, uploaded by
        the head) and its decisions to improve the unit's training (000 §11.3)."""
        fields: dict[str, Any] = {
            "minutes_number": "8",
            "minutes_date": "2026-04-20",
            "minutes_file": self.upload("head", name="minutes.pdf"),
            "effectiveness": "high",
            "implementation_plan": "Цифрлық бағалауды 2026-2027 оқу жылында енгізу",
            "improvement_decisions": "Кафедраның барлық оқытушылары үшін цифрлық бағалау семинарын өткізу",
            "attestation_recommendation": True,
        }
        return {**fields, **overrides}

    def submit_report(self, case_id: int) -> None:
        doc = self.upload("teacher")
        self.do(
            "teacher",
            case_id,
            "submit_report",
            certificate=doc,
            certificate_number="NU-2026-114",
            report_text="Курста цифрлық бағалау құралдарын үйрендім және оларды пәнге енгіземін.",
        )
