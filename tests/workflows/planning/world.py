"""A university with two institutes and four departments, and helpers that drive an annual-plan
campaign through the services with a movable clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.conftest import Demo
from tests.workflows.flow import PDF
from workflows.cases.documents import FileStore
from workflows.cases.models import HumanTask, TaskStatus
from workflows.clock import FrozenClock
from workflows.org.models import OrgUnit
from workflows.org.roles import Role
from workflows.planning import lines, stages
from workflows.planning.campaign import open_campaign
from workflows.planning.models import PlanSchedule
from workflows.worker import fire_due_jobs

YEAR = 2026


def moment(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}T10:00:00+05:00")


def line(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "topic": "Жоғары мектептегі цифрлық педагогика",
        "provider": "Назарбаев Университеті",
        "training_form": "course",
        "mode": "without_leaving_work",
        "place": "Астана",
        "quarter": 1,
        "hours": 72,
        "funding_source": "university",
        "estimated_cost": "150000",
        "relevance": "Пәндерге цифрлық құралдар",
    }
    data.update(overrides)
    return data


@dataclass
class World:
    factory: sessionmaker[Session]
    demo: Demo
    clock: FrozenClock
    store: FileStore
    ids: dict[str, int] = field(default_factory=dict)
    campaign_id: int = 0

    def __getitem__(self, name: str) -> int:
        return self.ids[name] if name in self.ids else self.demo[name]

    def build(self) -> World:
        """The demo's institute (cs, math) and a second one (bio, chem), each department with a head
        and a teacher; an apparatus head over the university."""
        with self.factory() as s:
            cs = s.scalars(select(OrgUnit).where(OrgUnit.code == "cs")).one()
            math = s.scalars(select(OrgUnit).where(OrgUnit.code == "math")).one()
            self.ids.update(eng=cs.parent_id or 0, cs=cs.id, math=math.id)
            sci = factories.unit(s, kind="institute", name="Жаратылыстану институты")
            self.ids["sci"] = sci.id
            director2 = factories.person(s, sci.id, "Директор Екі", "director2")
            factories.seat(s, director2.id, Role.INSTITUTE_DIRECTOR, sci.id)
            self.ids["director2"] = director2.id
            for code, head, teacher in (("bio", "head3", "teacher3"), ("chem", "head4", "teacher4")):
                unit = factories.unit(s, sci, name=f"{code} кафедрасы")
                self.ids[code] = unit.id
                h = factories.person(s, unit.id, f"Меңгеруші {code}", head)
                factories.seat(s, h.id, Role.DEPARTMENT_HEAD, unit.id)
                t = factories.person(s, unit.id, f"Оқытушы {code}", teacher)
                self.ids.update({head: h.id, teacher: t.id})
            boss = factories.person(s, factories.university(s).id, "Аппарат Басшысы", "apparatus")
            factories.seat(s, boss.id, Role.APPARATUS_HEAD, factories.university(s).id)
            self.ids["apparatus"] = boss.id
            s.commit()
        return self

    def at(self, day: str) -> None:
        self.clock.set(moment(day))
        fire_due_jobs(self.factory, self.clock)

    def open(self, day: str = "2025-08-20") -> int:
        self.clock.set(moment(day))
        with self.factory() as s:
            ref = open_campaign(s, YEAR, self["hr"], self.clock)
            s.commit()
        self.campaign_id = ref.id
        return ref.id

    def schedule(self, unit: str) -> int:
        with self.factory() as s:
            return s.scalars(
                select(PlanSchedule.id).where(
                    PlanSchedule.campaign_id == self.campaign_id, PlanSchedule.org_unit_id == self[unit]
                )
            ).one()

    def version(self, unit: str) -> int:
        with self.factory() as s:
            found = s.get(PlanSchedule, self.schedule(unit))
            assert found is not None
            return found.version

    def add(self, unit: str, person: str, actor: str, **fields: Any) -> int:
        with self.factory() as s:
            row = lines.add_line(
                s,
                self.schedule(unit),
                self[person],
                line(**fields),
                self[actor],
                self.clock,
                self.version(unit),
            )
            s.commit()
            return row.id

    def meeting(self, unit: str, head: str, number: str = "3") -> None:
        with self.factory() as s:
            stages.record_meeting(
                s,
                self.schedule(unit),
                number,
                self.clock.now().date().isoformat(),
                stages.MinutesFile("minutes.pdf", BytesIO(PDF)),
                self.store,
                self[head],
                self.clock,
                self.version(unit),
            )
            s.commit()

    def approve(self, unit: str, head: str) -> None:
        with self.factory() as s:
            stages.approve_schedule(s, self.schedule(unit), self[head], self.clock, self.version(unit))
            s.commit()

    def draw(self, unit: str, head: str, teacher: str) -> None:
        """A head's whole job: a line for the teacher and one of their own, the meeting, approval."""
        self.add(unit, teacher, head)
        self.add(
            unit, head, head, topic="Басқару мектебі", quarter=2, funding_source="own", estimated_cost="0"
        )
        self.meeting(unit, head)
        self.approve(unit, head)

    def do(self, action: Any, *args: Any) -> Any:
        with self.factory() as s:
            result = action(s, *args)
            s.commit()
            return result

    def open_tasks(self, element_id: str | None = None) -> list[HumanTask]:
        with self.factory() as s:
            query = select(HumanTask).where(HumanTask.status == TaskStatus.OPEN).order_by(HumanTask.id)
            if element_id:
                query = query.where(HumanTask.element_id == element_id)
            return list(s.scalars(query))
