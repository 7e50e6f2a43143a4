"""The `withdrawal` process property: who may withdraw a process's cases, checked at publishing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import ROOT
from tests.workflows.flow import Flow
from workflows.definitions.models import ProcessVersion
from workflows.definitions.publishing import latest_version, publish
from workflows.definitions.validation import validate
from workflows.definitions.versions import VERSIONS
from workflows.definitions.withdrawing import withdrawn_by_applicant
from workflows.errors import DefinitionInvalid
from workflows.forms.schema import load_forms

QUARTERLY = (ROOT / "bpmn" / "quarterly_data.bpmn").read_text("utf-8")
WRITTEN = '<spiffworkflow:property name="withdrawal" value="none" />'


def _with(value: str) -> str:
    assert WRITTEN in QUARTERLY
    return QUARTERLY.replace(WRITTEN, f'<spiffworkflow:property name="withdrawal" value="{value}" />', 1)


def test_the_shipped_diagrams_say_who_withdraws(flow: Flow) -> None:
    with flow.factory() as s:
        quarterly = VERSIONS.get(s, latest_version(s, "quarterly_data").id).definition.info
        request = VERSIONS.get(s, latest_version(s, "qualification_request").id).definition.info
    assert not withdrawn_by_applicant(quarterly)
    assert withdrawn_by_applicant(request)  # absent: the applicant withdraws


@pytest.mark.parametrize("value", ["applicant", " none ", ""])
def test_the_known_values_and_a_blank_are_accepted(value: str) -> None:
    parsed, problems = validate(_with(value), load_forms())
    assert problems == [] and parsed is not None
    assert withdrawn_by_applicant(parsed.info) is (value.strip() != "none")


@pytest.mark.parametrize("value", ["None", "no", "never", "false"])
def test_publishing_refuses_an_unknown_value_and_keeps_the_live_version(flow: Flow, value: str) -> None:
    with flow.factory() as s:
        before = s.scalar(select(func.count(ProcessVersion.id)))
        with pytest.raises(DefinitionInvalid) as refused:
            publish(s, _with(value), load_forms(), flow.demo["owner"], flow.clock)
        [found] = refused.value.problems
        assert (found.code, found.element_id, found.params["withdrawal"]) == (
            "unknown_withdrawal",
            "quarterly_data",
            value,
        )
        assert found.params["known"] == "applicant, none"
        assert "“withdrawal”" in found.message and value in found.message
        assert s.scalar(select(func.count(ProcessVersion.id))) == before
