"""Employer-paid training has an agreement (001 §3.8); leaving within its term raises a refund
case for HR and legal with the amount due, and the agreements register shows it all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.workflows.flow import Flow
from workflows.agreements.models import Agreement, AgreementStatus
from workflows.agreements.register import AgreementFilter, agreement_register, agreement_register_rows
from workflows.cases.models import HumanTask, ProcessInstance
from workflows.cases.steps import Step
from workflows.definitions import browser, drafts
from workflows.errors import Forbidden
from workflows.org.leaving import deactivate_person

COST = 150000


def _university_case(flow: Flow, username: str = "teacher", head: str = "head") -> int:
    flow.at("2026-03-01T09:00:00+05:00")
    case = flow.start(username, funding_source="university", cost=COST)
    flow.at("2026-03-05T10:00:00+05:00")
    flow.do(head, case, "endorse", decision="approve")
    flow.do("finance", case, "finance_agreement", decision="approve", budget_line="BA-2026-01")
    flow.do("rector", case, "rector_visa", decision="approve")
    flow.do(
        "legal",
        case,
        "training_agreement",
        agreement_number=f"ОК-{case}",
        agreement_date="2026-03-05",
        refund_clause=True,
        refund_years=3,
    )
    flow.do("hr", case, "prepare_order", order_date="2026-03-05")
    return case


def _agreement(flow: Flow, case: int) -> Agreement:
    with flow.factory() as s:
        return s.scalars(select(Agreement).where(Agreement.instance_id == case)).one()


def test_the_legal_offices_agreement_is_registered_with_its_term(flow: Flow) -> None:
    case = _university_case(flow)
    agreement = _agreement(flow, case)
    assert (agreement.number, agreement.signed_on, agreement.amount, agreement.term_years) == (
        f"ОК-{case}",
        date(2026, 3, 5),
        Decimal(COST),
        3,
    )
    # The term runs from the training's end (2026-03-31) for the agreement's three years.
    assert (agreement.obligation_starts_on, agreement.obligation_ends_on) == (
        date(2026, 3, 31),
        date(2029, 3, 31),
    )
    assert agreement.status == AgreementStatus.ACTIVE


def test_own_funds_have_no_agreement(flow: Flow) -> None:
    case = flow.start()
    flow.approve_to_order(case)
    with flow.factory() as s:
        assert s.scalars(select(Agreement)).all() == []


def test_leaving_within_the_term_raises_a_refund_for_legal_and_hr(flow: Flow) -> None:
    case = _university_case(flow)
    flow.at("2026-04-01T08:00:00+05:00")
    flow.fire()
    flow.submit_report(case)
    flow.at("2027-03-31T10:00:00+05:00")
    with flow.factory() as s:
        deactivate_person(s, flow.demo["admin"], flow.demo["teacher"], date(2027, 3, 31), flow.clock)
        s.commit()
    agreement = _agreement(flow, case)
    assert (agreement.status, agreement.left_on) == (AgreementStatus.BREACHED, date(2027, 3, 31))
    refund = agreement.refund_instance_id
    assert refund is not None
    with flow.factory() as s:
        instance = s.get(ProcessInstance, refund)
        assert instance is not None and instance.process_key == "refund"
        [claim] = s.scalars(select(HumanTask).where(HumanTask.instance_id == refund)).all()
    assert (claim.element_id, claim.role) == ("prepare_claim", "legal")
    # The case's documents and figures travel with it; the amount is the diagram's pro-rata rule:
    # the unworked share of the three years.
    with flow.factory() as s:
        instance = s.get(ProcessInstance, refund)
        assert instance is not None
        state = Step.open(s, instance, flow.clock, None).runtime.current_data()
    unworked = (date(2029, 3, 31) - date(2027, 3, 31)).days
    term = (date(2029, 3, 31) - date(2026, 3, 31)).days
    assert state["amount_due"] == round(COST * unworked / term, 2)
    assert "certificate.pdf" in state["documents"] and state["source_case"] == flow.case(case).business_key
    assert flow.case(refund).status == "running"
    flow.do("legal", refund, "prepare_claim", claim_number="Т-5", claim_date="2027-04-02")
    assert flow.open_elements(refund) == ["record_outcome"]
    flow.do("hr", refund, "record_outcome", refund_outcome="partly_refunded", amount_paid=50000)
    assert flow.case(refund).status == "completed"
    settled = _agreement(flow, case)
    assert (settled.refund_outcome, settled.refund_paid, settled.settled_on) == (
        "partly_refunded",
        Decimal(50000),
        date(2027, 3, 31),
    )
    assert settled.refund_due == Decimal(str(round(COST * unworked / term, 2)))


def _publish_refund(flow: Flow, change: Callable[[str], str]) -> None:
    owner = flow.demo["owner"]
    with flow.factory() as s:
        opened = browser.get_draft_or_latest(s, "refund", owner, flow.clock)
        saved = drafts.save_draft(s, "refund", change(opened.bpmn_xml), None, opened.token, owner, flow.clock)
        assert saved.problems == []
        drafts.publish_draft(s, "refund", saved.token, "Rule changed", owner, flow.clock)
        s.commit()


def test_the_diagram_can_ask_for_the_full_amount(flow: Flow) -> None:
    case = _university_case(flow)
    _publish_refund(
        flow,
        lambda xml: xml.replace('name="refund_rule" value="pro_rata"', 'name="refund_rule" value="full"'),
    )
    flow.at("2027-03-31T10:00:00+05:00")
    with flow.factory() as s:
        deactivate_person(s, flow.demo["admin"], flow.demo["teacher"], date(2027, 3, 31), flow.clock)
        s.commit()
    refund = _agreement(flow, case).refund_instance_id
    assert refund is not None
    flow.do("legal", refund, "prepare_claim", claim_number="Т-6", claim_date="2027-04-02")
    flow.do("hr", refund, "record_outcome", refund_outcome="refunded", amount_paid=COST)
    assert _agreement(flow, case).refund_due == Decimal(COST)


def test_leaving_after_the_term_raises_nothing(flow: Flow) -> None:
    case = _university_case(flow)
    flow.at("2029-04-01T10:00:00+05:00")
    with flow.factory() as s:
        deactivate_person(s, flow.demo["admin"], flow.demo["teacher"], date(2029, 4, 1), flow.clock)
        s.commit()
    agreement = _agreement(flow, case)
    assert (agreement.status, agreement.refund_instance_id) == (AgreementStatus.ACTIVE, None)


def test_the_register_shows_active_fulfilled_and_breached_to_hr_and_legal(flow: Flow) -> None:
    left = _university_case(flow)
    stays = _university_case(flow, "teacher2", "head2")
    flow.at("2027-03-31T10:00:00+05:00")
    with flow.factory() as s:
        deactivate_person(s, flow.demo["admin"], flow.demo["teacher"], date(2027, 3, 31), flow.clock)
        s.commit()

    def statuses(username: str, status: str | None = None) -> dict[int, str]:
        with flow.factory() as s:
            page = agreement_register(s, flow.demo[username], flow.clock, AgreementFilter(status=status))
            return {r.case_id: r.status for r in page.rows}

    assert statuses("hr") == {left: "breached", stays: "active"}
    assert statuses("legal", "breached") == {left: "breached"}
    assert statuses("legal", "active") == {stays: "active"}
    flow.at("2029-04-01T10:00:00+05:00")
    assert statuses("hr", "fulfilled") == {stays: "fulfilled"}
    assert statuses("hr", "active") == {}
    with flow.factory() as s:
        [breached] = [
            r
            for r in agreement_register_rows(s, flow.demo["hr"], flow.clock, AgreementFilter())
            if r.case_id == left
        ]
    assert breached.refund_business_key and breached.left_on == date(2027, 3, 31)
    for username in ("teacher2", "head", "rector", "finance"):
        with flow.factory() as s, pytest.raises(Forbidden):
            agreement_register(s, flow.demo[username], flow.clock)
