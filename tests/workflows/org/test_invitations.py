"""Invitations, temporary passwords and password resets, below the web: the emails go through a
real SMTP server on loopback, in the recipient's language, and the links open once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import factories
from tests.smtp import SmtpInbox
from tests.workflows.flow import Flow
from workflows.cases.models import Job
from workflows.errors import Forbidden, NotAllowedNow, NotFound, ValidationFailed
from workflows.org.accounts import account, authenticate
from workflows.org.audit import Subject, audit_trail
from workflows.org.invitations import account_state, send_invitation, set_temporary_password
from workflows.org.models import AccountToken, Person
from workflows.org.passwords import PasswordPolicy, change_password
from workflows.org.recovery import LinkPolicy, link_holder, redeem_link, request_password_reset, token_hash
from workflows.org.throttle import ThrottlePolicy

LINKS = LinkPolicy(invitation_days=7, reset_minutes=60, resets_per_hour=3)
PASSWORDS = PasswordPolicy(min_length=10, max_length=200)
THROTTLE = ThrottlePolicy(5, 20, 30, 900, 60)
HOST = "192.0.2.20"
NEW = "жаңа құпия сөз 2026"


def _newcomer(flow: Flow, locale: str = "kk", email: str | None = "newcomer@example.kz") -> int:
    with flow.factory() as s:
        person = factories.person(s, full_name="Асқар Жаңабаев", username="newcomer", locale=locale)
        person.email, person.personnel_number = email, "T-1001"
        s.commit()
        return person.id


def _token(link: str) -> str:
    return link.rsplit("/", 1)[1]


def _invite(flow: Flow, smtp: SmtpInbox, person_id: int, by: str = "hr") -> str:
    """An invitation sent and emailed; the token of its link."""
    with flow.factory() as s:
        send_invitation(s, flow.demo[by], person_id, flow.clock, LINKS)
        s.commit()
    flow.fire()
    return _token(smtp.link("newcomer@example.kz"))


def test_an_invitation_emails_a_one_time_link_in_the_persons_language(flow: Flow, smtp: SmtpInbox) -> None:
    newcomer = _newcomer(flow, locale="ru")
    with flow.factory() as s:
        issued = send_invitation(s, flow.demo["hr"], newcomer, flow.clock, LINKS)
        s.commit()
    assert (issued.expires_at - flow.clock.now()).days == 7
    assert flow.fire().done == 1
    [message] = smtp.to("newcomer@example.kz")
    assert message["Subject"] == "Ваша учётная запись в Biliktilik"
    body = message.get_content()
    assert body.startswith("Уважаемый(ая) Асқар Жаңабаев")
    assert "08.03.2026 09:00" in body  # valid for 7 days, in local time
    link = smtp.link("newcomer@example.kz")
    assert link.startswith("http://biliktilik.test/account/invitation/")
    token = _token(link)
    with flow.factory() as s:
        stored = s.scalars(select(AccountToken).where(AccountToken.person_id == newcomer)).one()
        assert stored.token_hash == token_hash(token) and token not in stored.token_hash
        job = s.scalars(select(Job).where(Job.kind == "email")).one()
        assert "token" not in job.payload  # sent: the token is no longer in the database
        holder = link_holder(s, token, flow.clock)
        assert (holder.full_name, holder.personnel_number) == ("Асқар Жаңабаев", "T-1001")
        done = redeem_link(s, token, NEW, NEW, PASSWORDS, flow.clock)
        assert done.person_id == newcomer
        s.commit()
    with flow.factory() as s:
        assert authenticate(s, "T-1001", NEW, HOST, flow.clock, THROTTLE).person_id == newcomer
        with pytest.raises(NotAllowedNow):  # once only
            redeem_link(s, token, NEW + "!", NEW + "!", PASSWORDS, flow.clock)
        actions = [line.action for line in audit_trail(s, Subject.ACCOUNT, newcomer)]
        assert actions == ["invitation_accepted", "invitation_sent"]


def test_a_link_expires_and_a_newer_invitation_replaces_an_older_one(flow: Flow, smtp: SmtpInbox) -> None:
    newcomer = _newcomer(flow)
    first = _invite(flow, smtp, newcomer, by="admin")
    second = _invite(flow, smtp, newcomer, by="admin")
    with flow.factory() as s:
        with pytest.raises(NotAllowedNow):
            link_holder(s, first, flow.clock)
        assert link_holder(s, second, flow.clock).purpose == "invitation"
        assert len(account_state(s, flow.demo["hr"], newcomer, flow.clock).open_links) == 1
    flow.clock.advance(days=7, seconds=1)
    with flow.factory() as s, pytest.raises(NotAllowedNow):
        redeem_link(s, second, NEW, NEW, PASSWORDS, flow.clock)
    with flow.factory() as s:
        person = s.get(Person, newcomer)
        assert person is not None and person.password_hash is None  # nothing was set


def test_a_weak_password_through_a_link_changes_nothing_and_keeps_the_link(
    flow: Flow, smtp: SmtpInbox
) -> None:
    token = _invite(flow, smtp, _newcomer(flow))
    with flow.factory() as s:
        with pytest.raises(ValidationFailed) as refused:
            redeem_link(s, token, "password", "password", PASSWORDS, flow.clock)
        assert [e.code for e in refused.value.errors] == ["minLength"]
        s.rollback()
        assert link_holder(s, token, flow.clock).purpose == "invitation"


def test_only_administrators_and_hr_send_invitations_or_set_passwords(flow: Flow, db: Session) -> None:
    newcomer = _newcomer(flow)
    for who in ("teacher", "head", "director"):
        with pytest.raises(Forbidden):
            send_invitation(db, flow.demo[who], newcomer, flow.clock, LINKS)
        with pytest.raises(Forbidden):
            set_temporary_password(db, flow.demo[who], newcomer, flow.clock, PASSWORDS)
        with pytest.raises(Forbidden):  # nobody else learns whether a person exists
            account_state(db, flow.demo[who], 999999, flow.clock)
    with pytest.raises(NotFound):
        send_invitation(db, flow.demo["hr"], 999999, flow.clock, LINKS)
    assert db.scalars(select(AccountToken)).all() == []


def test_an_invitation_needs_an_email_and_someone_who_has_not_left(flow: Flow, db: Session) -> None:
    no_email = _newcomer(flow, email=None)
    with pytest.raises(NotAllowedNow) as refused:
        send_invitation(db, flow.demo["hr"], no_email, flow.clock, LINKS)
    assert refused.value.code == "person_no_email"
    person = db.get(Person, flow.demo["teacher2"])
    assert person is not None
    person.is_active = False
    with pytest.raises(NotAllowedNow):
        send_invitation(db, flow.demo["hr"], person.id, flow.clock, LINKS)


def test_a_temporary_password_signs_in_once_and_must_be_changed(flow: Flow, db: Session) -> None:
    teacher = flow.demo["teacher"]
    given = set_temporary_password(db, flow.demo["hr"], teacher, flow.clock, PASSWORDS)
    assert len(given.password) >= PASSWORDS.min_length
    assert account(db, teacher, 0) is None  # her open sessions ended
    assert not authenticate(db, "teacher", "demo", HOST, flow.clock, THROTTLE).ok
    signed_in = authenticate(db, "teacher", given.password, HOST, flow.clock, THROTTLE)
    assert signed_in.ok and signed_in.must_change_password
    with pytest.raises(ValidationFailed) as refused:
        change_password(db, teacher, given.password, given.password, given.password, PASSWORDS)
    assert [e.code for e in refused.value.errors] == ["password_same"]
    change_password(db, teacher, given.password, NEW, NEW, PASSWORDS)
    assert not authenticate(db, "teacher", NEW, HOST, flow.clock, THROTTLE).must_change_password
    assert [line.action for line in audit_trail(db, Subject.ACCOUNT, teacher)] == ["temporary_password_set"]


def test_a_reset_is_emailed_only_to_a_real_login_and_ends_other_sessions(flow: Flow, smtp: SmtpInbox) -> None:
    with flow.factory() as s:
        with pytest.raises(ValidationFailed):
            request_password_reset(s, " ", HOST, flow.clock, LINKS, THROTTLE)
        for login in ("nobody", "teacher@demo.biliktilik.kz", "x" * 500):
            request_password_reset(s, login, HOST, flow.clock, LINKS, THROTTLE)
        s.commit()
    flow.fire()
    assert [m["To"] for m in smtp.messages] == ["teacher@demo.biliktilik.kz"]
    assert smtp.messages[0]["Subject"] == "Biliktilik құпия сөзін қалпына келтіру"
    token = _token(smtp.link("teacher@demo.biliktilik.kz"))
    with flow.factory() as s:
        assert link_holder(s, token, flow.clock).purpose == "password_reset"
        redeem_link(s, token, NEW, NEW, PASSWORDS, flow.clock)
        s.commit()
    with flow.factory() as s:
        assert account(s, flow.demo["teacher"], 0) is None
        assert authenticate(s, "teacher", NEW, HOST, flow.clock, THROTTLE).ok
    flow.clock.advance(minutes=61)
    with flow.factory() as s:
        request_password_reset(s, "teacher", HOST, flow.clock, LINKS, THROTTLE)
        s.commit()
    flow.fire()
    later = _token(smtp.link("teacher@demo.biliktilik.kz"))
    flow.clock.advance(minutes=61)  # a reset link lives an hour
    with flow.factory() as s, pytest.raises(NotAllowedNow):
        link_holder(s, later, flow.clock)


def test_resets_are_throttled_per_person_and_per_address(flow: Flow, db: Session) -> None:
    for n in range(4):  # a person gets at most three reset emails an hour
        request_password_reset(db, "teacher", f"192.0.2.{n}", flow.clock, LINKS, THROTTLE)
    sent = db.scalars(select(AccountToken).where(AccountToken.person_id == flow.demo["teacher"])).all()
    assert len(sent) == 3
    for login in ("head", "head2", "director", "finance", "rector", "legal"):  # one address, many logins
        request_password_reset(db, login, HOST, flow.clock, LINKS, THROTTLE)
    reached = {t.person_id for t in db.scalars(select(AccountToken))} - {flow.demo["teacher"]}
    assert reached == {flow.demo[n] for n in ("head", "head2", "director", "finance", "rector")}


def test_sign_in_by_personnel_number_or_email_and_an_ambiguous_email_names_nobody(
    flow: Flow, db: Session
) -> None:
    teacher = db.get(Person, flow.demo["teacher"])
    assert teacher is not None
    teacher.personnel_number = "0042"
    db.flush()
    assert authenticate(db, "0042", "demo", HOST, flow.clock, THROTTLE).person_id == teacher.id
    assert authenticate(db, " Teacher@Demo.Biliktilik.KZ ", "demo", HOST, flow.clock, THROTTLE).ok
    assert not authenticate(db, "42", "demo", HOST, flow.clock, THROTTLE).ok
    twin = factories.person(db, full_name="Басқа адам")
    twin.email = "TEACHER@demo.biliktilik.kz"
    db.flush()
    assert not authenticate(db, "teacher@demo.biliktilik.kz", "demo", HOST, flow.clock, THROTTLE).ok
    assert authenticate(db, "teacher", "demo", HOST, flow.clock, THROTTLE).ok  # the username still does
    twin.is_active = False  # one who left shares it no longer
    db.flush()
    assert authenticate(db, "teacher@demo.biliktilik.kz", "demo", HOST, flow.clock, THROTTLE).ok


def test_one_link_used_twice_at_the_same_moment_sets_one_password(
    committed_flow: Flow, smtp: SmtpInbox
) -> None:
    flow = committed_flow
    token = _invite(flow, smtp, _newcomer(flow))
    barrier, outcomes = threading.Barrier(2), {}

    def use(password: str) -> None:
        barrier.wait()
        try:
            with flow.factory() as s:
                redeem_link(s, token, password, password, PASSWORDS, flow.clock)
                s.commit()
            outcomes[password] = "set"
        except NotAllowedNow:
            outcomes[password] = "refused"

    threads = [threading.Thread(target=use, args=(p,)) for p in (NEW, NEW + " екінші")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes.values()) == ["refused", "set"]
    [winner] = [p for p, outcome in outcomes.items() if outcome == "set"]
    with flow.factory() as s:
        assert authenticate(s, "newcomer", winner, HOST, flow.clock, THROTTLE).ok
        assert [line.action for line in audit_trail(s, Subject.ACCOUNT)].count("invitation_accepted") == 1
