"""The cases register's search, its sorts and its open steps can be served by indexes: on
PostgreSQL a trigram index answers the search, and expression indexes give the sorts' order; a
partial index gives a case's open steps on both (timings live in bench/registers.py; here, only
that the plan can use them)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workflows.calendar import local_date
from workflows.cases.models import ProcessInstance
from workflows.clock import FrozenClock
from workflows.definitions.catalog import listed_keys
from workflows.definitions.listing import IN_REGISTER
from workflows.org.models import OrgUnit
from workflows.reports.registers import CaseFilter, CaseScope, _query


def _plan(engine: Engine, statement: Any) -> str:
    dialect = postgresql.dialect() if engine.dialect.name == "postgresql" else sqlite.dialect()
    compiled = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            # What the plan can use, whatever the few test rows' statistics make cheapest.
            conn.execute(text("SET enable_seqscan = off"))
            conn.execute(text("SET enable_sort = off"))
            rows = conn.execute(text(f"EXPLAIN {compiled}")).all()
        else:
            rows = conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return "\n".join(str(r[-1]) for r in rows)


def _statement(engine: Engine, clock: FrozenClock, flt: CaseFilter, roots: list[int]) -> Any:
    """The page's statement, the shipped processes whose cases other pages list left out."""
    with Session(engine) as session:
        elsewhere = listed_keys(session, IN_REGISTER)[1]
    assert elsewhere  # the plan is that of the statement with its NOT IN
    return _query(flt, CaseScope(roots, elsewhere), local_date(clock.now()), (25, 0))


@pytest.mark.parametrize(("sort", "descending"), [("course", False), ("start", True), ("cost", True)])
def test_the_summary_sorts_read_an_index(
    engine: Engine, clock: FrozenClock, demo: Any, sort: str, descending: bool
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite sorts a page's candidates in memory (migration 0020)")

    with Session(engine) as session:
        root = session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)))
    assert root is not None
    plan = _plan(engine, _statement(engine, clock, CaseFilter(sort=sort, descending=descending), [root]))
    key = {"course": "course", "start": "start_date", "cost": "cost"}[sort]
    assert f"ix_process_instance_sort_{key}" in plan, plan


def test_the_search_reads_the_trigram_index_on_postgresql(engine: Engine, clock: FrozenClock) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite searches with a plain LIKE")
    # The register's search condition as it writes it (an escaped LIKE on the case-folded text);
    # the page's order may be served by another index, the condition by this one.
    search = select(func.count(ProcessInstance.id)).where(
        ProcessInstance.search_text.like("%нұрланова%", escape="\\")
    )
    assert "ix_process_instance_search_trgm" in _plan(engine, search)


def test_the_default_order_and_the_current_step_read_their_indexes(
    engine: Engine, clock: FrozenClock, demo: Any
) -> None:
    with Session(engine) as session:
        root = session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)))
    assert root is not None
    plan = _plan(engine, _statement(engine, clock, CaseFilter(), [root]))
    # A case's open steps from the partial index, not its whole history of finished ones.
    assert "ix_human_task_open_instance" in plan, plan
    if engine.dialect.name == "postgresql":  # SQLite sorts a page's candidates in memory
        assert "ix_process_instance_started_at_id" in plan, plan
    overdue = _plan(engine, _statement(engine, clock, CaseFilter(overdue=True), [root]))
    assert "ix_human_task_open_instance" in overdue, overdue
