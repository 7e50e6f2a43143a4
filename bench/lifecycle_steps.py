"""The lifecycle the benchmark runs (its steps and form data) and the bare engine running it in
memory, the figure the services are compared with."""

from __future__ import annotations

import math
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from typing import Any, TypeVar

from pypdf import PdfWriter

from workflows.clock import FrozenClock
from workflows.engine.definition import ParsedDefinition
from workflows.engine.runtime import Runtime
from workflows.engine.state import SERIALIZER_VERSION

T = TypeVar("T")

PROCESS = "qualification_request"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
APPLY_AT = datetime.fromisoformat("2026-03-01T09:00:00+05:00")
# The day after the course ends, when its timer is due. The steps after it happen at the same moment,
# so the emails they queue are due at the next lifecycle's worker run: every run sees the same backlog.
COURSE_OVER_AT = datetime.fromisoformat("2026-04-01T08:00:00+05:00")
FRESH_INSTANCES = 12  # fresh instances measured at their first return and resubmission
LONG_LOOPS_MEASURED = 12  # loops measured on the long instance after the --loops it was built with

APPLICATION: dict[str, Any] = {
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
APPROVE: dict[str, Any] = {"decision": "approve"}
RETURN: dict[str, Any] = {"decision": "return", "comment": "Курс мерзімін нақтылаңыз"}
ORDER: dict[str, Any] = {"order_date": "2026-03-01"}
REPORT: dict[str, Any] = {
    "certificate_number": "NU-2026-114",
    "report_text": "Курста цифрлық бағалау құралдарын үйрендім және оларды пәнге енгіземін.",
}
VERIFY: dict[str, Any] = {"decision": "approve", "counted_hours": 72, "certificate_type": "certificate"}
MEETING: dict[str, Any] = {
    "minutes_number": "8",
    "minutes_date": "2026-04-01",
    "effectiveness": "high",
    "implementation_plan": "Цифрлық бағалауды 2026-2027 оқу жылында енгізу",
    "attestation_recommendation": True,
    "improvement_decisions": "Кафедрада цифрлық бағалау бойынша семинар өткізу",
    "decision": "approve",
}
# (step, element, who, form data) before and after the course; the report also carries its upload.
BEFORE_COURSE = [
    ("endorse", "endorse", "head", APPROVE),
    ("rector_visa", "rector_visa", "rector", APPROVE),
    ("prepare_order", "prepare_order", "hr", ORDER),
]
AFTER_COURSE = [
    ("verify_certificate", "verify_certificate", "centre", VERIFY),
    ("meeting_review", "meeting_review", "head", MEETING),
]
WORKER_STEP = "worker run (timer + emails)"
UPLOAD_STEP = "upload certificate"
SERVICE_STEPS = [
    "start_case",
    *(s[0] for s in BEFORE_COURSE),
    WORKER_STEP,
    UPLOAD_STEP,
    "submit_report",
    *(s[0] for s in AFTER_COURSE),
]


def pdf(serial: int) -> bytes:
    """A one-page PDF, a different one each lifecycle (uploads must be whole documents)."""
    writer, out = PdfWriter(), BytesIO()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": f"certificate {serial}"})
    writer.write(out)
    return out.getvalue()


def progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def p95_ms(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] * 1000


# --- the bare engine ---------------------------------------------------------------------------------


def trivial_services(operator: str, params: dict[str, Any], data: dict[str, Any]) -> Any:
    if operator == "issue_order":
        return {"number": "БА-2026/0001", "date": "2026-03-01"}
    if operator == "notify":
        return {"event": params.get("event"), "recipients": 1}
    if operator == "record_training":
        return {"hours": int(data.get("counted_hours") or 0)}
    return {}


def initial_data(definition: ParsedDefinition) -> dict[str, Any]:
    """What `start_case` puts into a new instance besides the application."""
    return {
        **APPLICATION,
        "policy": definition.info.policy(),
        "applicant_id": 1,
        "applicant_name": "Айгүл Серікқызы Нұрланова",
        "submitted_on": "2026-03-01",
        "case_key": "2026-BENCH000",
    }


def complete_element(runtime: Runtime, element_id: str, data: dict[str, Any]) -> None:
    ready = [t for t in runtime.ready_user_tasks() if t.element_id == element_id]
    if len(ready) != 1:
        raise RuntimeError(f"expected one ready {element_id}, found {len(ready)}")
    runtime.complete(ready[0].engine_id, data)


class EngineLifecycle:
    """The lifecycle on the engine alone; `write` receives the state after each step when given."""

    def __init__(
        self,
        definition: ParsedDefinition,
        write: Callable[[int, str, bool], None] | None = None,
        reload: bool = False,
    ) -> None:
        self.definition = definition
        self.write = write
        self.reload = reload
        self.clock = FrozenClock(APPLY_AT)

    def run(self, serial: int) -> Runtime:
        self.clock.set(APPLY_AT)
        runtime = Runtime.start(self.definition, initial_data(self.definition), self.clock, trivial_services)
        state = self._after(serial, runtime, first=True)
        actions: list[Callable[[Runtime], None]] = [
            *(self._completing(element, data) for _, element, _, data in BEFORE_COURSE),
            self._firing,
            self._completing("submit_report", {**REPORT, "certificate": f"{serial:032x}"}),
            *(self._completing(element, data) for _, element, _, data in AFTER_COURSE),
        ]
        for action in actions:
            if self.reload:
                runtime = Runtime.load(
                    self.definition, state, SERIALIZER_VERSION, self.clock, trivial_services
                )
            action(runtime)
            state = self._after(serial, runtime, first=False)
        if not runtime.is_completed:
            raise RuntimeError("the engine lifecycle did not complete")
        return runtime

    def _after(self, serial: int, runtime: Runtime, first: bool) -> str:
        if self.write is None and not self.reload:
            return ""
        state = runtime.dump()
        if self.write is not None:
            self.write(serial, state, first)
        return state

    def _completing(self, element: str, data: dict[str, Any]) -> Callable[[Runtime], None]:
        return lambda runtime: complete_element(runtime, element, data)

    def _firing(self, runtime: Runtime) -> None:
        self.clock.set(COURSE_OVER_AT)
        runtime.fire_timers()


def state_roundtrip_seconds(definition: ParsedDefinition, state: str, repeat: int = 10) -> float:
    """Engine only: restore the stored state and serialize it again, as every step does."""
    clock = FrozenClock(APPLY_AT)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        Runtime.load(definition, state, SERIALIZER_VERSION, clock, trivial_services).dump()
        times.append(time.perf_counter() - began)
    return statistics.median(times)
