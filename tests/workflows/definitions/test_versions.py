"""A published change applies to cases started after it; running cases keep their version."""

from __future__ import annotations

import pytest

from tests.workflows.definitions.diagrams import HR_CHECK_FORM, add_hr_check, publish_change, version_of
from tests.workflows.flow import Flow, application
from workflows.errors import ValidationFailed


def test_new_lead_time_applies_to_new_cases_only(flow: Flow) -> None:
    old_case = flow.start()  # 1 March, course on 21 March: the 20 days of version 1
    version = publish_change(
        flow,
        lambda xml: xml.replace('name="lead_time_days" value="20"', 'name="lead_time_days" value="25"'),
    )
    assert version == 2

    # A case started now needs 25 days' notice...
    with pytest.raises(ValidationFailed) as refused:
        flow.start()
    assert [(e.field, e.code) for e in refused.value.errors] == [("start_date", "lead_time")]
    new_case = flow.start(start_date="2026-03-26", end_date="2026-04-05")
    assert version_of(flow, old_case) == 1
    assert version_of(flow, new_case) == 2

    # ...while the case started before keeps 20: its resubmission is held to 20 days from its filing.
    flow.do("head", old_case, "endorse", decision="return", comment="Курс күндерін нақтылаңыз")
    flow.do("head", new_case, "endorse", decision="return", comment="Курс күндерін нақтылаңыз")
    flow.at("2026-03-02T10:00:00+05:00")
    three_weeks = application(start_date="2026-03-22", end_date="2026-04-01")  # 21 days after 1 March
    with pytest.raises(ValidationFailed):  # 19 days after the filing is too few under either rule
        flow.do("teacher", old_case, "revise_application", **application(start_date="2026-03-20"))
    with pytest.raises(ValidationFailed) as refused:
        flow.do("teacher", new_case, "revise_application", **three_weeks)
    assert [e.code for e in refused.value.errors] == ["lead_time_first_filed"]
    flow.do("teacher", old_case, "revise_application", **three_weeks)
    assert flow.open_elements(old_case) == ["endorse"]


def test_extra_step_applies_to_new_cases_only(flow: Flow) -> None:
    old_case = flow.start()
    assert publish_change(flow, add_hr_check, {"hr_check": HR_CHECK_FORM}) == 2
    new_case = flow.start()

    for case in (old_case, new_case):
        flow.do("head", case, "endorse", decision="approve")
        flow.do("rector", case, "rector_visa", decision="approve")
    assert flow.open_elements(old_case) == ["prepare_order"]
    assert flow.open_elements(new_case) == ["hr_check"]
    assert flow.task(new_case, "hr_check").role == "hr"

    with pytest.raises(ValidationFailed):
        flow.do("hr", new_case, "hr_check", comment="the form of the new step is enforced")
    flow.do("hr", new_case, "hr_check", documents_complete=True)
    assert flow.open_elements(new_case) == ["prepare_order"]
    for case in (old_case, new_case):
        flow.do("hr", case, "prepare_order", order_date="2026-03-01")
        assert flow.open_elements(case) == []
        assert flow.case(case).summary.get("order_number")
