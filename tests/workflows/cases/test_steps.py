"""Properties of a step: a fixed number of statements, state that survives a round trip, pinned versions."""

from __future__ import annotations

from sqlalchemy import Engine, select

from tests.statements import counting
from tests.workflows.flow import Flow, application
from workflows.cases.models import HumanTask, ProcessInstance
from workflows.cases.tasks import complete_task
from workflows.definitions.versions import VERSIONS
from workflows.engine import state as engine_state


def _return_loops(flow: Flow, case: int, loops: int) -> None:
    for _ in range(loops):
        flow.do("head", case, "endorse", decision="return", comment="Қайта қараңыз")
        flow.do("teacher", case, "revise_application", **application())


def _endorse_statements(flow: Flow, engine: Engine, case: int) -> list[str]:
    task = flow.task(case, "endorse")
    with flow.factory() as session, counting(engine) as statements:
        complete_task(session, task.id, flow.demo["head"], {"decision": "return", "comment": "x"}, flow.clock)
        session.commit()
    return statements


def test_statements_per_step_do_not_grow_with_history(flow: Flow, engine: Engine) -> None:
    fresh = flow.start()
    long = flow.start()
    _return_loops(flow, long, 30)
    flow.task(fresh, "endorse")  # warm the version cache for both, as a running server would be
    first = _endorse_statements(flow, engine, fresh)
    second = _endorse_statements(flow, engine, long)
    assert len(first) == len(second), (first, second)
    # The case locked with its state, the task with the actor's seat, one write per table (tasks,
    # event, notice, email job, case) and one for the step's deadline timers that go with it; the
    # commit makes it nine.
    assert len(first) <= 8, first


def test_a_step_that_hands_on_to_a_role_resolves_the_seat_in_one_statement(
    flow: Flow, engine: Engine
) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="return", comment="Қайта қараңыз")
    task = flow.task(case, "revise_application")
    with flow.factory() as session, counting(engine) as statements:
        complete_task(session, task.id, flow.demo["teacher"], application(), flow.clock)
        session.commit()
    assert flow.open_elements(case) == ["endorse"]
    # As above, and the seat the endorsement goes to with the people acting in it.
    assert len(statements) <= 8, statements
    assert sum("role_assignment" in s and "delegation" in s for s in statements) == 2, statements


def test_state_round_trips_mid_process(flow: Flow) -> None:
    case = flow.start()
    flow.do("head", case, "endorse", decision="approve")
    with flow.factory() as session:
        instance = session.get(ProcessInstance, case)
        assert instance is not None
        version = VERSIONS.get(session, instance.version_id)
        workflow = engine_state.load(instance.state, instance.serializer_version, version.definition)
        again = engine_state.dump(workflow)
    assert again == instance.state
    assert '"spec"' not in instance.state[:200]  # the spec is stored once per version, not per case
    flow.do("rector", case, "rector_visa", decision="approve")
    assert flow.open_elements(case) == ["prepare_order"]


def test_the_inbox_never_opens_engine_state(flow: Flow, engine: Engine) -> None:
    from workflows.cases.inbox import inbox

    for _ in range(3):
        flow.start()
    with flow.factory() as session, counting(engine) as statements:
        page = inbox(session, flow.demo["head"], flow.clock)
    assert page.total == 3
    assert statements
    assert not any("process_instance.state" in s for s in statements)


def test_tasks_carry_role_unit_and_due_date(flow: Flow) -> None:
    case = flow.start()
    with flow.factory() as session:
        task = session.scalars(select(HumanTask).where(HumanTask.instance_id == case)).one()
        head_unit = session.get(ProcessInstance, case).subject_unit_id  # type: ignore[union-attr]
    assert (task.role, task.org_unit_id, task.assignee_id) == ("department_head", head_unit, None)
