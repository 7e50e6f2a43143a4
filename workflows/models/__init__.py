"""Typed SQLAlchemy models, one table group per module."""

from workflows.models.base import Base
from workflows.models.drafts import ProcessDraft
from workflows.models.org import Delegation, OrgUnit, Person, RoleAssignment
from workflows.models.process import Event, HumanTask, Job, ProcessInstance, ProcessVersion
from workflows.models.records import (
    Document,
    Nonconformity,
    Notification,
    Order,
    OrderCounter,
    TrainingRecord,
)

__all__ = [
    "Base",
    "Delegation",
    "Document",
    "Event",
    "HumanTask",
    "Job",
    "Nonconformity",
    "Notification",
    "Order",
    "OrderCounter",
    "OrgUnit",
    "Person",
    "ProcessDraft",
    "ProcessInstance",
    "ProcessVersion",
    "RoleAssignment",
    "TrainingRecord",
]
