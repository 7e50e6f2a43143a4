"""Every table of the product: importing this module registers each domain's models on `Base.metadata`
(what Alembic compares the migrations against)."""

from __future__ import annotations

from workflows.agreements.models import Agreement
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
from workflows.definitions.models import ProcessArchive, ProcessDraft, ProcessVersion
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
from workflows.planning.amendment_models import (
    AmendmentChange,
    PlanAmendment,
    PlanLineCase,
    PlanLineSlip,
)
from workflows.planning.models import (
    DepartmentMeeting,
    PlanCampaign,
    PlanLine,
    PlanSchedule,
    PlanVersion,
    PlanVersionLine,
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
from workflows.reports.models import RetentionPeriod, SavedFilter

metadata = Base.metadata

__all__ = [
    "AccountToken",
    "Agreement",
    "AmendmentChange",
    "AnnualReport",
    "AuditEntry",
    "Delegation",
    "DepartmentMeeting",
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
    "PlanAmendment",
    "PlanCampaign",
    "PlanLine",
    "PlanLineCase",
    "PlanLineSlip",
    "PlanSchedule",
    "PlanVersion",
    "PlanVersionLine",
    "ProcessArchive",
    "ProcessDraft",
    "ProcessInstance",
    "ProcessVersion",
    "QuarterlySubmission",
    "RecordExtract",
    "RecordsSetting",
    "ReportExport",
    "ReportsSetting",
    "RetentionPeriod",
    "RoleAssignment",
    "SavedFilter",
    "SignInThrottle",
    "TrainingRecord",
    "UnitKind",
    "VerificationThrottle",
    "metadata",
]
