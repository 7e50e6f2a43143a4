"""The benchmark's ten-step process (bench/ten_steps/): ten user tasks of the applicant in a row."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import ROOT, Demo
from workflows.cases.models import HumanTask
from workflows.cases.start import start_case
from workflows.cases.tasks import complete_task
from workflows.clock import Clock
from workflows.definitions.publishing import publish

DIRECTORY = ROOT / "bench" / "ten_steps"
PROCESS = "ten_steps"
STEP: dict[str, Any] = {"note": "Дайын"}


def publish_ten_steps(session: Session, clock: Clock, bpmn: str | None = None) -> None:
    forms = {path.stem: json.loads(path.read_text("utf-8")) for path in DIRECTORY.glob("*.json")}
    diagram = bpmn if bpmn is not None else (DIRECTORY / "ten_steps.bpmn").read_text("utf-8")
    publish(session, diagram, forms, None, clock, note="ten steps")


def start(factory: sessionmaker[Session], demo: Demo, clock: Clock, who: str = "teacher") -> int:
    with factory() as session:
        ref = start_case(session, PROCESS, demo[who], dict(STEP), clock)
        session.commit()
        return ref.id


def open_task(factory: sessionmaker[Session], case: int) -> int:
    with factory() as session:
        return session.scalars(
            select(HumanTask.id).where(HumanTask.instance_id == case, HumanTask.status == "open")
        ).one()


def complete(
    factory: sessionmaker[Session], demo: Demo, clock: Clock, case: int, who: str = "teacher"
) -> None:
    task = open_task(factory, case)
    with factory() as session:
        complete_task(session, task, demo[who], dict(STEP), clock)
        session.commit()
