"""Every table of the product: importing this module registers each domain's models on `Base.metadata`
(what Alembic compares the migrations against)."""

from __future__ import annotations

from workflows.cases.models import (
    Document,
    Event,
    HumanTask,
    Incident,
    Job,
    Order,
    OrderCounter,
    ProcessInstance,
)
from workflows.db import Base
from workflows.definitions.models import ProcessDraft, ProcessVersion
from workflows.messaging.models import Notification
from workflows.org.import_models import ImportLock, ImportRun
from workflows.org.models import (
    AccountToken,
    AuditEntry,
    Delegation,
    OrgUnit,
    Person,
    RoleAssignment,
    SignInThrottle,
    UnitKind,
)
from workflows.records.models import (
    Nonconformity,
    RecordExtract,
    RecordsSetting,
    TrainingRecord,
    VerificationThrottle,
)
from workflows.records.notices import PeriodicityNotice
from workflows.reports.kept import AnnualReport, QuarterlySubmission, ReportExport, ReportsSetting
from workflows.reports.models import SavedFilter

metadata = Base.metadata

__all__ = [
    "AccountToken",
    "AnnualReport",
    "AuditEntry",
    "Delegation",
    "Document",
    "Event",
    "HumanTask",
    "ImportLock",
    "ImportRun",
    "Incident",
    "Job",
    "Nonconformity",
    "Notification",
    "Order",
    "OrderCounter",
    "OrgUnit",
    "PeriodicityNotice",
    "Person",
    "ProcessDraft",
    "ProcessInstance",
    "ProcessVersion",
    "QuarterlySubmission",
    "RecordExtract",
    "RecordsSetting",
    "ReportExport",
    "ReportsSetting",
    "RoleAssignment",
    "SavedFilter",
    "SignInThrottle",
    "TrainingRecord",
    "UnitKind",
    "VerificationThrottle",
    "metadata",
]
