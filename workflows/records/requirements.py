"""The periodicity policy: what each person must train, decided by the `periodicity` decision table.

The table (``bpmn/periodicity.dmn``, or the version published at or before a day) maps a person's
facts to requirements; a person can have several (hit policy COLLECT). Its numbers are policy:
they live in the table, which process owners edit and publish like a diagram.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.calendar import day_start
from workflows.definitions.models import DefinitionKind, ProcessVersion
from workflows.engine.decisions import DECISIONS, ParsedDecision
from workflows.errors import DecisionFailed

POLICY_KEY = "periodicity"
SHIPPED = Path(__file__).resolve().parents[2] / "bpmn" / f"{POLICY_KEY}.dmn"
REQUIREMENT_CODES = ("hours", "management", "any")
# The outputs a periodicity table must have, with the kind of value each holds (the contract).
OUTPUTS: dict[str, str] = {
    "code": "requirement",
    "hours": "count",
    "years": "years",
    "min_course_hours": "count",
    "match_disciplines": "flag",
    "management_only": "flag",
    "counted_types": "types",
}
INPUTS = ("staff_category", "position", "unit_kind", "manages", "teaches")


@dataclass(frozen=True)
class Facts:
    """What the periodicity table decides on, for one person."""

    staff_category: str  # a StaffCategory value
    position: str  # lower-cased, "" when unknown
    unit_kind: str  # UnitKind.code of the person's unit
    manages: bool  # head of a unit or a deputy head
    teaches: bool  # has disciplines

    def as_data(self) -> dict[str, Any]:
        return {
            "staff_category": self.staff_category,
            "position": self.position,
            "unit_kind": self.unit_kind,
            "manages": self.manages,
            "teaches": self.teaches,
        }


# Facts a table is run with before it is published: every category, heading a unit or not, teaching or not.
SAMPLES: dict[str, Facts] = {
    f"{category}{', manages' if manages else ''}{', teaches' if teaches else ''}": Facts(
        category, "head" if manages else "", "department", manages, teaches
    )
    for category in ("teaching", "research", "administrative", "support", "college_teaching")
    for manages in (False, True)
    for teaches in (False, True)
}


@dataclass(frozen=True)
class Requirement:
    """One row the table yields."""

    code: str  # "hours" | "management" | "any"
    hours: int  # hours required inside the window (0: one counted training suffices)
    years: int  # the rolling window in years
    min_course_hours: int  # a training shorter than this counts nothing
    match_disciplines: bool  # only trainings matching the disciplines taught count
    management_only: bool  # only management trainings count
    counted_types: frozenset[str]  # certificate types that count


def output_problem(name: str, value: Any) -> str | None:
    """What is wrong with one output value of a periodicity rule ("" and None: nothing is wrong)."""
    kind = OUTPUTS.get(name)
    if kind == "requirement":
        return None if value in REQUIREMENT_CODES else "one of " + ", ".join(REQUIREMENT_CODES)
    if kind in ("count", "years"):
        low = 1 if kind == "years" else 0
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= 10_000
        return None if ok else f"a whole number from {low} to 10000"
    if kind == "flag":
        return None if isinstance(value, bool) else "True or False"
    if kind == "types":
        ok = isinstance(value, list | tuple | set | frozenset) and all(isinstance(v, str) for v in value)
        return None if ok else 'a list of certificate types, e.g. ["certificate", "svidetelstvo"]'
    return None


def requirement_of(row: dict[str, Any], decision: str = POLICY_KEY) -> Requirement:
    """One rule's outputs as a Requirement; DecisionFailed names the output that is wrong."""
    for name in OUTPUTS:
        wrong = output_problem(name, row.get(name))
        if wrong is not None:
            raise DecisionFailed(
                f"The decision table {decision} gave {name} = {row.get(name)!r}, which is not {wrong}",
                decision=decision,
                output=name,
            )
    return Requirement(
        code=row["code"],
        hours=row["hours"],
        years=row["years"],
        min_course_hours=row["min_course_hours"],
        match_disciplines=row["match_disciplines"],
        management_only=row["management_only"],
        counted_types=frozenset(row["counted_types"]),
    )


_MEMO_LOCK = threading.Lock()
# Decided requirements by table content and facts: 10,000 people share few distinct facts.
_MEMO: dict[tuple[str, tuple[Any, ...]], tuple[Requirement, ...]] = {}
_MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class Policy:
    key: str
    version_id: int | None  # None: the shipped file (nothing published yet)
    version_label: str  # e.g. "periodicity v3"
    published_at: datetime | None
    content_hash: str = field(repr=False, default="")
    decision: ParsedDecision | None = field(repr=False, compare=False, default=None)

    def requirements(self, facts: Facts) -> list[Requirement]:
        """The requirements the table yields for `facts`, in table order."""
        if self.decision is None:
            raise DecisionFailed(f"The decision table {self.key} is not loaded", decision=self.key)
        data = facts.as_data()
        # Keyed by the facts the table reads: with 10,000 people, positions differ but rarely matter.
        reads = self.decision.reads
        memo_key = (self.content_hash, tuple(v for k, v in data.items() if "*" in reads or k in reads))
        found = _MEMO.get(memo_key)
        if found is None:
            found = tuple(requirement_of(row, self.key) for row in self.decision.evaluate(data))
            with _MEMO_LOCK:
                if len(_MEMO) >= _MEMO_LIMIT:
                    _MEMO.clear()
                _MEMO[memo_key] = found
        return list(found)


def shipped_policy() -> Policy:
    # Imported here: publishing checks tables against this module's contract.
    from workflows.definitions.publishing import content_hash

    text = SHIPPED.read_text(encoding="utf-8")
    digest = content_hash(text, {})
    return Policy(
        POLICY_KEY, None, f"{POLICY_KEY} ({SHIPPED.name})", None, digest, DECISIONS.get(digest, text)
    )


def version_in_force(session: Session, day: date, key: str = POLICY_KEY) -> ProcessVersion | None:
    """The version of decision `key` published at or before `day` (a local calendar date)."""
    return session.scalars(
        select(ProcessVersion)
        .where(
            ProcessVersion.process_key == key,
            ProcessVersion.kind == DefinitionKind.DECISION,
            ProcessVersion.published_at < day_start(day + timedelta(days=1)),
        )
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    ).first()


def policy_on(session: Session, day: date) -> Policy:
    """The periodicity table in force on `day`: a changed policy applies from its publish date."""
    version = version_in_force(session, day)
    if version is None:
        return shipped_policy()
    return Policy(
        key=POLICY_KEY,
        version_id=version.id,
        version_label=f"{POLICY_KEY} v{version.version}",
        published_at=version.published_at,
        content_hash=version.content_hash,
        decision=DECISIONS.get(version.content_hash, version.bpmn_xml),
    )
