"""Email on or off per notice kind: the in-app notice always comes, the email only when wanted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.smtp import SmtpInbox
from tests.workflows.flow import Flow
from workflows.cases.models import Job
from workflows.errors import NotFound, ValidationFailed
from workflows.messaging.models import NoticeKind, Notification
from workflows.messaging.preferences import email_choices, set_email_choices
from workflows.org.models import Person

HEAD_MAIL = "head@demo.biliktilik.kz"


def test_a_kind_switched_off_gets_no_email_but_still_the_notice(flow: Flow, smtp: SmtpInbox) -> None:
    head = flow.demo["head"]
    with flow.factory() as s:
        wanted = [k.value for k in NoticeKind if k != NoticeKind.TASK_ASSIGNED]
        choices = set_email_choices(s, head, wanted)
        assert {c.kind for c in choices if not c.by_email} == {"task_assigned"}
        s.commit()
    flow.start()
    assert flow.fire().failed == 0
    assert smtp.to(HEAD_MAIL) == []
    with flow.factory() as s:
        kinds = s.scalars(select(Notification.kind).where(Notification.person_id == head)).all()
        assert kinds == ["task_assigned"]
        assert all(j.status == "done" for j in s.scalars(select(Job).where(Job.kind == "email")))
        set_email_choices(s, head, [k.value for k in NoticeKind])  # all on again
        s.commit()
    flow.start(course="Академиялық жазылым")
    flow.fire()
    assert len(smtp.to(HEAD_MAIL)) == 1


def test_an_unknown_kind_changes_nothing(flow: Flow) -> None:
    with flow.factory() as s:
        with pytest.raises(ValidationFailed):
            set_email_choices(s, flow.demo["teacher"], ["task_assigned", "spam"])
        person = s.get(Person, flow.demo["teacher"])
        assert person is not None and person.email_notices == {}
        assert all(c.by_email for c in email_choices(s, flow.demo["teacher"]))
        with pytest.raises(NotFound):
            email_choices(s, 999999)
