"""Deploying the shipped diagrams never undoes a process owner's work (a restart publishes nothing)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.app.processes.test_processes import SHIPPED, lead_time, publish
from tests.workflows.flow import Flow
from workflows.cli import main
from workflows.definitions.models import ProcessVersion
from workflows.definitions.publishing import ShippedOutcome, latest_version, publish_directory

KEY = "qualification_request"


def _lead_time(session: Session) -> int:
    from workflows.definitions.publishing import definition_of

    return int(definition_of(latest_version(session, KEY)).info.policy()["lead_time_days"])


def _release(tmp_path: Path, xml: str) -> Path:
    """A product release whose bpmn/ ships `xml` as the qualification request."""
    folder = tmp_path / "bpmn"
    folder.mkdir()
    (folder / f"{KEY}.bpmn").write_text(xml, "utf-8")
    return folder


def test_deploying_again_publishes_nothing(flow: Flow) -> None:
    with flow.factory() as s:
        [_plan, table, again] = publish_directory(s, flow.clock)
        assert (again.outcome, again.version) == (ShippedOutcome.UNCHANGED, 1)
        assert (table.process_key, table.file, table.outcome) == (
            "periodicity",
            "periodicity.dmn",
            "unchanged",
        )
        assert len(s.scalars(select(ProcessVersion)).all()) == 3  # the annual plan besides


def test_a_restart_keeps_the_version_an_owner_published(flow: Flow) -> None:
    publish(flow, lead_time(25), "25 days")
    with flow.factory() as s:
        [_plan, _table, kept] = publish_directory(s, flow.clock)
        assert kept.outcome == ShippedOutcome.UNCHANGED  # the shipped content is version 1 already
        assert (latest_version(s, KEY).version, _lead_time(s)) == (2, 25)


def test_a_new_release_does_not_replace_an_owners_version_unless_forced(flow: Flow, tmp_path: Path) -> None:
    publish(flow, lead_time(25), "25 days")
    release = _release(tmp_path, lead_time(22))
    with flow.factory() as s:
        [kept] = publish_directory(s, flow.clock, release)
        assert (kept.outcome, kept.version, _lead_time(s)) == (ShippedOutcome.KEPT, 2, 25)
        [forced] = publish_directory(s, flow.clock, release, force=True)
        assert (forced.outcome, forced.version, _lead_time(s)) == (ShippedOutcome.PUBLISHED, 3, 22)
        assert latest_version(s, KEY).published_by_id is None  # the product's own again


def test_a_new_release_replaces_the_products_own_version(flow: Flow, tmp_path: Path) -> None:
    with flow.factory() as s:
        [published] = publish_directory(s, flow.clock, _release(tmp_path, lead_time(22)))
        assert (published.outcome, published.version, _lead_time(s)) == (ShippedOutcome.PUBLISHED, 2, 22)
        # The old release again: its content was version 1.
        [_plan, _table, back] = publish_directory(s, flow.clock)
        assert (back.outcome, back.version, _lead_time(s)) == (ShippedOutcome.UNCHANGED, 1, 22)


def test_forcing_the_live_content_publishes_nothing(flow: Flow) -> None:
    with flow.factory() as s:
        [_plan, _table, same] = publish_directory(s, flow.clock, force=True)
        assert (same.outcome, latest_version(s, KEY).version) == (ShippedOutcome.UNCHANGED, 1)
        assert latest_version(s, KEY).bpmn_xml == SHIPPED


def test_setup_after_an_owners_publication_says_it_is_kept(
    committed_flow: Flow, committed_engine: Engine
) -> None:
    publish(committed_flow, lead_time(25), "25 days")
    url = committed_engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(main, ["--database", url, "setup"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"{KEY}: unchanged (this diagram is version 1)" in result.output
    with committed_flow.factory() as s:
        assert (latest_version(s, KEY).version, _lead_time(s)) == (2, 25)
