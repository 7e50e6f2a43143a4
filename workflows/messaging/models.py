"""What people are told: in-app notices (an email job goes beside each)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from workflows.db import Base, states


class NoticeKind(StrEnum):
    """What a notice tells; diagrams send the last five through the `notify` operator."""

    TASK_ASSIGNED = "task_assigned"
    APPROVED = "approved"
    RETURNED = "returned"
    REJECTED = "rejected"
    ORDER_ISSUED = "order_issued"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"  # an application someone had a task on was withdrawn
    ORDER_CANCELLED = "order_cancelled"
    INCIDENT = "incident"  # to process owners: a case's diagram failed
    PERIODICITY_DUE = "periodicity_due"  # to a person whose periodic training falls due soon
    PERIODICITY_DUE_STAFF = "periodicity_due_staff"  # to their head
    NEXT_YEAR_LIST = "next_year_list"  # to a head: their unit's list of who must train next year
    OVERDUE_STEP = "overdue_step"  # from the cases register: a step you hold is past its date
    ACTION_DUE = "action_due"  # the journal's diagram: a corrective action you own falls due soon
    STEP_REMINDER = "step_reminder"  # a diagram's deadline timer: a step you hold is due soon
    STEP_ESCALATION = "step_escalation"  # to the next level: a step in your area is past its date
    ORDER_LATE = "order_late"  # the training starts soon and its order is not issued yet
    PLAN_REMINDER = "plan_reminder"  # a unit's plan schedule is past the diagram's deadline
    PLAN_ESCALATION = "plan_escalation"  # to the level above: a unit below missed its deadline
    PLAN_APPROVED = "plan_approved"  # to every head: the annual plan was approved
    QUARTERLY_DUE = "quarterly_due"  # to a head: the quarter's data to HR is to be checked and sent
    REPORT_READY = "report_ready"  # the long report's file asked for is ready to download


class Notification(Base):
    """An in-app notice for one person; an email job is queued beside it."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(states(NoticeKind, "kind", 64))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"))
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    data: Mapped[dict[str, Any]]
