"""One workflow in memory, bound to a clock and a side-effect handler.

Services hold a `Runtime`, never a SpiffTask: everything they need comes back as plain data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from workflows.calendar import WorkingCalendar, add_days, add_months, day_start, days_between, local_date
from workflows.clock import Clock
from workflows.engine import state as engine_state
from workflows.engine.compaction import newest_data_task
from workflows.engine.definition import ParsedDefinition
from workflows.engine.timeshift import clock_context
from workflows.errors import ProcessError, TaskAlreadyCompleted
from workflows.sandbox import SandboxEnvironment, SandboxError, Snapshot

# (operator, evaluated parameters, the calling task's data) -> a JSON-able result
ServiceHandler = Callable[[str, dict[str, Any], dict[str, Any]], Any]
SCRIPT_TIME_LIMIT = 2.0
_CALENDAR = WorkingCalendar()


def _iso(value: str) -> date:
    return date.fromisoformat(str(value)[:10])


# Module-level, not lambdas: scripts run in sandbox processes, which load host functions by name.
def _add_days(d: str, n: int) -> str:
    return add_days(_iso(d), int(n)).isoformat()


def _add_working_days(d: str, n: int) -> str:
    return _CALENDAR.add_working_days(_iso(d), int(n)).isoformat()


def _add_months(d: str, n: int) -> str:
    return add_months(_iso(d), int(n)).isoformat()


def _day_start(d: str) -> str:
    return day_start(_iso(d)).isoformat()


def _days_between(a: str, b: str) -> int:
    return days_between(_iso(a), _iso(b))


def expression_functions(clock: Clock) -> dict[str, Callable[..., Any]]:
    """The functions diagrams may call; dates travel as ISO strings because task data are JSON."""
    return {
        # The sandbox receives today's date as of each evaluation, not the clock.
        "today": Snapshot(lambda: local_date(clock.now()).isoformat()),
        "add_days": _add_days,
        "add_working_days": _add_working_days,
        "add_months": _add_months,
        "day_start": _day_start,
        "days_between": _days_between,
    }


class _Environment(SandboxEnvironment):
    """Hands service operators the calling task's data besides their parameters."""

    def __init__(self, functions: dict[str, Callable[..., Any]], services: ServiceHandler) -> None:
        super().__init__(functions, None, SCRIPT_TIME_LIMIT)
        self._services = services

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> str:
        params = {name: spec["value"] for name, spec in kwargs.get("operation_params", {}).items()}
        return json.dumps(self._services(kwargs["operation_name"], params, context))


class _ScriptEngine(PythonScriptEngine):
    """SpiffWorkflow 3.2's call_service error path refers to an undefined name and turns every
    service failure into a NameError; report the real error against the task instead."""

    def call_service(self, task: Task, **kwargs: Any) -> Any:
        try:
            return self.environment.call_service(task.data, **kwargs)
        except SpiffWorkflowException:
            raise
        except Exception as exc:
            raise WorkflowTaskException(f"{exc.__class__.__name__}: {exc}", task=task, exception=exc) from exc


@dataclass(frozen=True)
class ReadyTask:
    engine_id: str
    element_id: str
    name: str


def _process_error(exc: Exception) -> ProcessError:
    task = getattr(exc, "task", None)
    element = task.task_spec.bpmn_id if task is not None else None
    # SpiffWorkflow's own message names the expression; what went wrong in it is the cause's.
    cause = exc.__cause__ or exc.__context__
    detail = str(exc).strip()
    if cause is not None and str(cause) not in detail:
        detail = f"{detail} {type(cause).__name__}: {cause}"
    return ProcessError(
        f"The process failed at {element or 'a step'}: {detail}", element_id=element, detail=detail
    )


class Runtime:
    def __init__(
        self, definition: ParsedDefinition, workflow: BpmnWorkflow, clock: Clock, services: ServiceHandler
    ):
        self.definition = definition
        self.workflow = workflow
        self.clock = clock
        env = _Environment(expression_functions(clock), services)
        # Deserializing resets the script engine to the default one: always set ours.
        self.workflow.script_engine = _ScriptEngine(environment=env)

    @classmethod
    def start(
        cls, definition: ParsedDefinition, data: dict[str, Any], clock: Clock, services: ServiceHandler
    ) -> Runtime:
        runtime = cls(definition, engine_state.new_workflow(definition), clock, services)
        runtime.workflow.task_tree.data.update(data)
        runtime.advance()
        return runtime

    @classmethod
    def load(
        cls, definition: ParsedDefinition, state: str, version: str, clock: Clock, services: ServiceHandler
    ) -> Runtime:
        return cls(definition, engine_state.load(state, version, definition), clock, services)

    def dump(self, compacted: bool = True) -> str:
        """The state as JSON; data that cannot be stored (a set a script left behind) fails the step."""
        try:
            return engine_state.dump(self.workflow, compacted)
        except (TypeError, ValueError) as exc:
            raise ProcessError(
                f"The case's data cannot be stored: {exc}",
                element_id=None,
                detail=f"the case's data cannot be stored: {exc}",
            ) from exc

    def _guarded(self, action: Callable[[], Any]) -> None:
        with clock_context(self.clock):
            try:
                action()
            except (SpiffWorkflowException, SandboxError) as exc:
                raise _process_error(exc) from exc

    def advance(self) -> None:
        self._guarded(self.workflow.do_engine_steps)

    def fire_timers(self) -> list[str]:
        """Let every timer whose time has come (by this runtime's clock) fire, then run on.

        Returns the element ids of the timers that fired, for the case's history.
        """
        now = self.clock.now()
        due = [task for task, at in self._waiting_timers() if at <= now]

        def fire() -> None:
            self.workflow.refresh_waiting_tasks()
            self.workflow.do_engine_steps()

        self._guarded(fire)
        return [t.task_spec.bpmn_id for t in due if t.state == TaskState.COMPLETED and t.task_spec.bpmn_id]

    def cancel(self) -> None:
        """Stop the workflow where it stands: every open task and waiting timer is cancelled."""
        with clock_context(self.clock):
            self.workflow.cancel()

    def ready_user_tasks(self) -> list[ReadyTask]:
        return [
            ReadyTask(str(t.id), t.task_spec.bpmn_id, t.task_spec.bpmn_name or t.task_spec.bpmn_id)
            for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
        ]

    def _ready_task(self, engine_id: str) -> Task:
        try:
            task = self.workflow.get_task_from_id(UUID(engine_id))
        except Exception as exc:
            raise TaskAlreadyCompleted("This task no longer exists in the case") from exc
        # task.run() has no state guard: it would "complete" a cancelled or future task.
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskAlreadyCompleted("This task was already completed")
        return task

    def task_data(self, engine_id: str) -> dict[str, Any]:
        return dict(self._ready_task(engine_id).data)

    def complete(self, engine_id: str, data: dict[str, Any]) -> None:
        task = self._ready_task(engine_id)
        task.data.update(data)

        def run() -> None:
            task.run()
            self.workflow.do_engine_steps()

        self._guarded(run)

    def evaluate(self, engine_id: str, expression: str) -> Any:
        task = self.workflow.get_task_from_id(UUID(engine_id))
        with clock_context(self.clock):
            try:
                return self.workflow.script_engine.evaluate(task, expression)
            except (SpiffWorkflowException, SandboxError) as exc:
                raise _process_error(exc) from exc

    def _waiting_timers(self) -> list[tuple[Task, datetime]]:
        waiting = []
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            spec = task.task_spec
            if not isinstance(spec, CatchingEvent) or not isinstance(
                spec.event_definition, TimerEventDefinition
            ):
                continue
            value = task._get_internal_data("event_value")
            if isinstance(value, str):
                waiting.append((task, TimerEventDefinition.get_datetime(value)))
        return waiting

    def timer_due_times(self) -> list[datetime]:
        """When each waiting timer fires, to mirror into the jobs table."""
        return sorted({at for _task, at in self._waiting_timers()})

    @property
    def is_completed(self) -> bool:
        return bool(self.workflow.is_completed())

    def completed_elements(self) -> list[str]:
        """Element ids of finished steps, oldest first (for history and highlighting)."""
        done = self.workflow.get_tasks(state=TaskState.COMPLETED)
        ordered = sorted(done, key=lambda t: t.last_state_change)
        return [t.task_spec.bpmn_id for t in ordered if t.task_spec.bpmn_id]

    def current_data(self) -> dict[str, Any]:
        """The data of the case as it stands: the newest task that holds any."""
        newest = newest_data_task(self.workflow)
        return dict(newest.data) if newest is not None else dict(self.workflow.data)
