"""The diagram editor's services on a real database: drafts, optimistic locking, publishing,
republishing, comparing, permissions and events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests import factories
from tests.conftest import Demo
from tests.workflows.definitions.diagrams import (
    HR_CHECK_FORM,
    KEY,
    add_hr_check,
    edited,
    events,
    one,
    set_property,
    versions,
)
from tests.workflows.flow import Flow
from workflows.cases.models import Event
from workflows.clock import FrozenClock
from workflows.definitions import browser, drafts, publishing
from workflows.definitions.draft_rows import EditToken
from workflows.definitions.drafts import DraftBehindLive
from workflows.definitions.models import ProcessDraft, ProcessVersion
from workflows.errors import Conflict, DefinitionInvalid, Forbidden, NotFound

CORPUS = Path(__file__).parent / "corpus"


def lead_time(xml: str, days: int) -> str:
    return edited(lambda root: set_property(root, KEY, "lead_time_days", str(days)), xml)


def second_owner(session: Session, demo: Demo) -> int:
    """The HR specialist also becomes a process owner: two people can now edit the same diagram."""
    factories.seat(session, demo["hr"], "process_owner", factories.university(session).id)
    return demo["hr"]


def test_open_save_and_reopen_a_draft(db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    v1 = publishing.latest_version(db, KEY)
    assert (opened.source, opened.base_version, opened.token) == ("version", 1, EditToken(v1.id, None))
    assert opened.bpmn_xml == v1.bpmn_xml and opened.forms == v1.forms

    xml = lead_time(opened.bpmn_xml, 25)
    clock.advance(minutes=5)
    saved = drafts.save_draft(db, KEY, xml, None, opened.token, owner, clock)
    assert saved.problems == [] and saved.publishable
    assert saved.token == EditToken(v1.id, 1)
    assert EditToken.parse(str(saved.token)) == saved.token

    again = browser.get_draft_or_latest(db, KEY, owner, clock)
    assert (again.source, again.bpmn_xml, again.forms, again.token) == ("draft", xml, v1.forms, saved.token)
    assert again.updated_by == "Жанар Айдарқызы Бекова" and again.updated_at == clock.now()

    # A second save moves the draft's row version on; the live version is untouched throughout.
    saved2 = drafts.save_draft(db, KEY, lead_time(xml, 30), None, saved.token, owner, clock)
    assert saved2.token == EditToken(v1.id, 2)
    assert versions(db) == [1]
    assert db.scalars(select(ProcessDraft)).one().bpmn_xml == lead_time(xml, 30)


def test_stale_save_is_a_conflict_and_changes_nothing(
    factory: sessionmaker[Session], demo: Demo, clock: FrozenClock
) -> None:
    with factory() as s:
        other = second_owner(s, demo)
        s.commit()
    owner = demo["owner"]
    with factory() as s:
        mine = browser.get_draft_or_latest(s, KEY, owner, clock)
        theirs = browser.get_draft_or_latest(s, KEY, other, clock)
    assert mine.token == theirs.token

    with factory() as s:
        first = drafts.save_draft(s, KEY, lead_time(theirs.bpmn_xml, 30), None, theirs.token, other, clock)
        s.commit()
    with factory() as s:
        with pytest.raises(Conflict) as stale:
            drafts.save_draft(s, KEY, lead_time(mine.bpmn_xml, 25), None, mine.token, owner, clock)
        assert stale.value.params["current"] == str(first.token)
        s.rollback()
    with factory() as s:
        draft = s.scalars(select(ProcessDraft)).one()
        assert (draft.row_version, draft.updated_by_id) == (1, other)
        assert 'name="lead_time_days" value="30"' in draft.bpmn_xml
        assert len(events(s, "draft_saved")) == 1

        # After a publish, a token from before it is stale too (the draft it named is gone).
        drafts.publish_draft(s, KEY, first.token, None, other, clock)
        s.commit()
    with factory() as s, pytest.raises(Conflict):
        drafts.save_draft(s, KEY, mine.bpmn_xml, None, first.token, owner, clock)
    with factory() as s, pytest.raises(Conflict):
        drafts.save_draft(s, KEY, mine.bpmn_xml, None, mine.token, owner, clock)
    with pytest.raises(Conflict):
        EditToken.parse("not-a-token")


def test_simultaneous_saves_lose_on_the_row_version(
    committed_factory: sessionmaker[Session], demo: Demo, clock: FrozenClock
) -> None:
    """Both saves pass the token check; the database's row version decides, and the loser gets Conflict."""
    factory, owner = committed_factory, demo["owner"]
    with factory() as s:
        opened = browser.get_draft_or_latest(s, KEY, owner, clock)
        saved = drafts.save_draft(s, KEY, lead_time(opened.bpmn_xml, 21), None, opened.token, owner, clock)
        s.commit()
    with factory() as slow, factory() as fast:
        # The slow writer has read the draft (row version 1) before the fast one commits version 2.
        assert slow.scalars(select(ProcessDraft)).one().row_version == 1
        drafts.save_draft(fast, KEY, lead_time(opened.bpmn_xml, 22), None, saved.token, owner, clock)
        fast.commit()
        with pytest.raises(Conflict):
            drafts.save_draft(slow, KEY, lead_time(opened.bpmn_xml, 23), None, saved.token, owner, clock)
        slow.rollback()
    with factory() as s:
        draft = s.scalars(select(ProcessDraft)).one()
        assert draft.row_version == 2 and 'value="22"' in draft.bpmn_xml


def test_invalid_draft_is_saved_but_not_published(db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    broken = edited(lambda r: set_property(r, "lane_hr", "role", "human_resources"), opened.bpmn_xml)
    broken = edited(lambda r: set_property(r, "endorse", "form", "head_approval"), broken)
    saved = drafts.save_draft(db, KEY, broken, None, opened.token, owner, clock)
    assert [(p.code, p.element_id) for p in saved.problems] == [
        ("unknown_role", "lane_hr"),
        ("missing_form", "endorse"),
    ]
    reopened = browser.get_draft_or_latest(db, KEY, owner, clock)
    assert reopened.problems == saved.problems  # stored with the draft, as found at save time
    live = publishing.latest_version(db, KEY)

    with pytest.raises(DefinitionInvalid) as refused:
        drafts.publish_draft(db, KEY, saved.token, "should not go live", owner, clock)
    assert {p.code for p in refused.value.problems} == {"unknown_role", "missing_form"}
    assert publishing.latest_version(db, KEY).id == live.id
    assert db.scalars(select(ProcessDraft)).one().row_version == saved.token.draft_version
    assert events(db, "definition_published") == []

    # A diagram of another process saved as this one's draft is stored but flagged, and not publishable.
    other = opened.bpmn_xml.replace(f'id="{KEY}"', 'id="other_process"').replace(
        f'processRef="{KEY}"', 'processRef="other_process"'
    )
    saved = drafts.save_draft(db, KEY, other, None, saved.token, owner, clock)
    assert [(p.code, p.element_id) for p in saved.problems] == [("process_key", "other_process")]
    with pytest.raises(DefinitionInvalid):
        drafts.publish_draft(db, KEY, saved.token, None, owner, clock)


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("malformed", "<bpmn:definitions xmlns:bpmn='x'><unclosed></bpmn:definitions>", "xml_syntax"),
        ("doctype", (CORPUS / "billion_laughs.bpmn").read_text("utf-8"), "doctype"),
        ("oversized", "<a>" + "x" * (2 * 1024 * 1024) + "</a>", "too_large"),
    ],
)
def test_unreadable_diagram_is_not_stored(
    name: str, text: str, code: str, db: Session, demo: Demo, clock: FrozenClock
) -> None:
    opened = browser.get_draft_or_latest(db, KEY, demo["owner"], clock)
    with pytest.raises(DefinitionInvalid) as refused:
        drafts.save_draft(db, KEY, text, None, opened.token, demo["owner"], clock)
    assert [p.code for p in refused.value.problems] == [code]
    with pytest.raises(DefinitionInvalid):
        drafts.import_bpmn(db, KEY, "diagram.bpmn", text.encode("utf-8"), opened.token, demo["owner"], clock)
    assert db.scalars(select(ProcessDraft)).all() == []
    assert events(db, "draft_saved") == []


def test_publish_removes_the_draft_and_bumps_the_version(flow: Flow) -> None:
    owner = flow.demo["owner"]
    running = flow.start()
    with flow.factory() as s:
        opened = browser.get_draft_or_latest(s, KEY, owner, flow.clock)
        saved = drafts.save_draft(
            s, KEY, lead_time(opened.bpmn_xml, 25), None, opened.token, owner, flow.clock
        )
        published = drafts.publish_draft(s, KEY, saved.token, "Lead time 25 days", owner, flow.clock)
        s.commit()
    assert (published.version, published.unchanged) == (2, False)
    with flow.factory() as s:
        assert s.scalars(select(ProcessDraft)).all() == []
        assert versions(s) == [1, 2]
        latest = publishing.latest_version(s, KEY)
        assert (latest.note, latest.published_by_id) == ("Lead time 25 days", owner)
        assert publishing.definition_of(latest).info.policy()["lead_time_days"] == 25

        listing = {d.process_key: d for d in browser.list_definitions(s, owner, flow.clock)}[KEY]
        assert [v.number for v in listing.versions] == [2, 1]
        assert listing.latest is not None and listing.latest.number == 2
        assert (
            listing.latest.published_by == "Жанар Айдарқызы Бекова"
            and listing.versions[1].published_by is None
        )
        assert [v.running_instances for v in listing.versions] == [0, 1]
        assert listing.draft is None
        assert listing.titles["en"] == "Application for qualification improvement"

        # The editor now opens version 2; publishing again without a draft is "nothing to publish".
        reopened = browser.get_draft_or_latest(s, KEY, owner, flow.clock)
        assert (reopened.source, reopened.base_version) == ("version", 2)
        with pytest.raises(NotFound):
            drafts.publish_draft(s, KEY, reopened.token, None, owner, flow.clock)
        with pytest.raises(Conflict):  # the token of the draft that was just published
            drafts.publish_draft(s, KEY, saved.token, None, owner, flow.clock)
    assert flow.case(running).version_id == opened.token.base_version_id  # still on version 1
    assert opened.token.base_version_id != published.id


def test_publishing_an_unchanged_draft_publishes_nothing(db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    saved = drafts.save_draft(db, KEY, opened.bpmn_xml, None, opened.token, owner, clock)
    published = drafts.publish_draft(db, KEY, saved.token, None, owner, clock)
    assert (published.version, published.unchanged) == (1, True)
    assert db.scalars(select(ProcessDraft)).all() == []
    assert [e.data["reason"] for e in events(db, "draft_discarded")] == ["same_as_live"]


def test_republish_an_older_version(flow: Flow) -> None:
    owner = flow.demo["owner"]
    with flow.factory() as s:
        v1 = publishing.latest_version(s, KEY)
        opened = browser.get_draft_or_latest(s, KEY, owner, flow.clock)
        saved = drafts.save_draft(
            s, KEY, lead_time(opened.bpmn_xml, 25), None, opened.token, owner, flow.clock
        )
        drafts.publish_draft(s, KEY, saved.token, "25 days", owner, flow.clock)
        s.commit()
    with flow.factory() as s:
        back = drafts.republish(s, KEY, 1, "Back to 20 days", owner, flow.clock)
        s.commit()
    assert (back.version, back.unchanged, back.content_hash) == (3, False, v1.content_hash)
    case = flow.start()  # 20 days' notice is enough again
    assert flow.case(case).version_id == back.id
    with flow.factory() as s:
        (event,) = events(s, "definition_republished")
        assert event.actor_id == owner and event.comment == "Back to 20 days"
        assert event.data == {
            "process_key": KEY,
            "version": 3,
            "content_hash": v1.content_hash,
            "from_version": 1,
        }
        assert drafts.republish(s, KEY, 3, None, owner, flow.clock).unchanged  # already live
        with pytest.raises(NotFound):
            drafts.republish(s, KEY, 9, None, owner, flow.clock)


def test_draft_started_before_a_republish_must_be_rebased(
    db: Session, demo: Demo, clock: FrozenClock
) -> None:
    owner = demo["owner"]
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    v2 = drafts.publish_draft(
        db,
        KEY,
        drafts.save_draft(db, KEY, lead_time(opened.bpmn_xml, 25), None, opened.token, owner, clock).token,
        None,
        owner,
        clock,
    )
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    saved = drafts.save_draft(db, KEY, lead_time(opened.bpmn_xml, 30), None, opened.token, owner, clock)
    drafts.republish(db, KEY, 1, "urgent: back to 20", owner, clock)  # version 3, while the draft is open

    with pytest.raises(DraftBehindLive) as behind:
        drafts.publish_draft(db, KEY, saved.token, None, owner, clock)
    assert behind.value.params == {"process_key": KEY, "latest_version": 3, "base_version": v2.version}
    rebased = drafts.save_draft(
        db, KEY, lead_time(opened.bpmn_xml, 30), None, saved.token, owner, clock, rebase=True
    )
    assert browser.get_draft_or_latest(db, KEY, owner, clock).base_version == 3
    assert drafts.publish_draft(db, KEY, rebased.token, None, owner, clock).version == 4


def test_discard_a_draft(db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    saved = drafts.save_draft(db, KEY, lead_time(opened.bpmn_xml, 25), None, opened.token, owner, clock)
    with pytest.raises(Conflict):
        drafts.discard_draft(db, KEY, opened.token, owner, clock)
    drafts.discard_draft(db, KEY, saved.token, owner, clock)
    assert browser.get_draft_or_latest(db, KEY, owner, clock).source == "version"
    assert [e.data["draft_version"] for e in events(db, "draft_discarded")] == [1]


def test_compare_versions_and_draft(db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    xml = add_hr_check(lead_time(opened.bpmn_xml, 25))
    xml = edited(
        lambda r: setattr(
            one(r, "//bpmn:boundaryEvent[@id='escalate_report']//bpmn:timeDate"),
            "text",
            "day_start(add_days(report_due, 3))",
        ),
        xml,
    )
    forms = {**opened.forms, "hr_check": HR_CHECK_FORM}
    del forms["meeting_review"]
    forms["rector_visa"] = {**forms["rector_visa"], "maxProperties": 2}
    drafts.save_draft(db, KEY, xml, forms, opened.token, owner, clock)

    diff = browser.compare_versions(db, KEY, 1, "draft", owner, clock)
    assert (diff.a, diff.b) == ("1", "draft")
    assert [(e.element_id, e.kind) for e in diff.added] == [
        ("flow_hr_checked", "sequenceFlow"),
        ("hr_check", "userTask"),
    ]
    added = {c.field: c.after for c in diff.added[1].changes}
    assert added["role"] == "hr" and added["property.form"] == "hr_check"
    assert diff.removed == []
    changed = {e.element_id: {c.field: (c.before, c.after) for c in e.changes} for e in diff.changed}
    assert changed[KEY] == {"property.lead_time_days": ("20", "25")}
    assert changed["flow_rector_approve"] == {"target": ("gw_agreement_needed", "hr_check")}
    assert changed["escalate_report"] == {
        "timer": (
            "timeDate: day_start(add_days(report_due, 1))",
            "timeDate: day_start(add_days(report_due, 3))",
        )
    }
    assert set(changed) == {KEY, "flow_rector_approve", "escalate_report"}
    assert (diff.forms_added, diff.forms_removed, diff.forms_changed) == (
        ["hr_check"],
        ["meeting_review"],
        ["rector_visa"],
    )

    # The other way round, and a version against itself.
    back = browser.compare_versions(db, KEY, "draft", 1, owner, clock)
    assert [e.element_id for e in back.removed] == ["flow_hr_checked", "hr_check"]
    assert {e.element_id: e.changes[0].after for e in back.changed}[KEY] == "20"
    assert browser.compare_versions(db, KEY, 1, 1, owner, clock).identical
    with pytest.raises(NotFound):
        browser.compare_versions(db, KEY, 1, 7, owner, clock)


def _every_call(db: Session, actor: int, clock: FrozenClock, token: EditToken, xml: str) -> list[Any]:
    return [
        lambda: browser.list_definitions(db, actor, clock),
        lambda: browser.get_draft_or_latest(db, KEY, actor, clock),
        lambda: drafts.save_draft(db, KEY, xml, None, token, actor, clock),
        lambda: drafts.publish_draft(db, KEY, token, None, actor, clock),
        lambda: drafts.discard_draft(db, KEY, token, actor, clock),
        lambda: drafts.republish(db, KEY, 1, None, actor, clock),
        lambda: browser.compare_versions(db, KEY, 1, "draft", actor, clock),
        lambda: drafts.export_version(db, KEY, 1, actor, clock),
        lambda: drafts.import_bpmn(db, KEY, "diagram.bpmn", xml.encode(), token, actor, clock),
    ]


def test_only_process_owners(db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    saved = drafts.save_draft(db, KEY, opened.bpmn_xml, None, opened.token, owner, clock)
    before = db.scalar(select(func.count()).select_from(Event))
    xml = lead_time(opened.bpmn_xml, 1)
    for username in ("teacher", "head", "rector", "admin"):
        for call in _every_call(db, demo[username], clock, saved.token, xml):
            with pytest.raises(Forbidden):
                call()
    db.flush()
    assert db.scalar(select(func.count()).select_from(Event)) == before
    assert versions(db) == [1]
    assert db.scalars(select(ProcessDraft)).one().bpmn_xml == opened.bpmn_xml


def test_every_change_is_an_event(db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    saved_at = clock.now()
    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    saved = drafts.save_draft(db, KEY, lead_time(opened.bpmn_xml, 25), None, opened.token, owner, clock)
    clock.advance(hours=1)
    drafts.publish_draft(db, KEY, saved.token, "Order 17", owner, clock)
    drafts.republish(db, KEY, 1, "Undo", owner, clock)
    kinds = ("draft_saved", "definition_published", "definition_republished")
    found = [(e.kind, e.actor_id, e.instance_id, e.comment, e.data) for e in events(db, *kinds)]
    v2 = db.scalars(select(ProcessVersion).where(ProcessVersion.version == 2)).one()
    v1 = db.scalars(
        select(ProcessVersion).where(ProcessVersion.version == 1, ProcessVersion.process_key == KEY)
    ).one()
    assert found == [
        (
            "draft_saved",
            owner,
            None,
            None,
            {"process_key": KEY, "base_version": 1, "draft_version": 1, "problems": 0},
        ),
        (
            "definition_published",
            owner,
            None,
            "Order 17",
            {
                "process_key": KEY,
                "version": 2,
                "content_hash": v2.content_hash,
                "source": "draft",
                "base_version": 1,
                "draft_version": 1,
            },
        ),
        (
            "definition_republished",
            owner,
            None,
            "Undo",
            {"process_key": KEY, "version": 3, "content_hash": v1.content_hash, "from_version": 1},
        ),
    ]
    assert [e.at for e in events(db, *kinds)] == [saved_at, clock.now(), clock.now()]
