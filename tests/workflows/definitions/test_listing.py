"""The `listed` process property: where a process's cases are listed, read from each published
version and checked when a diagram is published."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import ROOT
from tests.workflows.flow import Flow
from workflows.definitions.catalog import listed_keys, published_processes
from workflows.definitions.listing import IN_REGISTER, OWN_APPLICATIONS, Listing
from workflows.definitions.models import ProcessVersion
from workflows.definitions.publishing import latest_version, publish
from workflows.definitions.validation import validate
from workflows.errors import DefinitionInvalid
from workflows.forms.schema import load_forms

# Every shipped process and where its cases belong. A diagram added to bpmn/ must be placed here.
SHIPPED = {
    "qualification_request": Listing.APPLICATIONS,
    "internship": Listing.APPLICATIONS,
    "kafu_external": Listing.APPLICATIONS,
    "kafu_internal": Listing.APPLICATIONS,
    "kaznrtu_training": Listing.APPLICATIONS,
    "refund": Listing.CASES,  # about a person who left; legal and HR work it, not the person
    "nonconformity": Listing.JOURNAL,
    "quarterly_data": Listing.QUARTERLY,
    "annual_plan": Listing.PLAN,
    "plan_amendment": Listing.PLAN,
}
JOURNAL = (ROOT / "bpmn" / "nonconformity.bpmn").read_text("utf-8")
WRITTEN = '<spiffworkflow:property name="listed" value="journal" />'


def test_each_shipped_diagram_says_where_its_cases_are_listed(flow: Flow) -> None:
    shipped = {path.stem for path in (ROOT / "bpmn").glob("*.bpmn")}
    assert shipped == set(SHIPPED)
    with flow.factory() as s:
        assert {p.process_key: p.listed for p in published_processes(s)} == SHIPPED
        register, elsewhere = listed_keys(s, IN_REGISTER)
        own, _ = listed_keys(s, OWN_APPLICATIONS)
    assert sorted(elsewhere) == ["annual_plan", "nonconformity", "plan_amendment", "quarterly_data"]
    assert sorted(register) == sorted([*own, "refund"])
    assert "refund" not in own


def test_a_diagram_without_the_property_lists_its_cases_as_applications(flow: Flow) -> None:
    assert 'name="listed"' not in (ROOT / "bpmn" / "qualification_request.bpmn").read_text("utf-8")
    blank = JOURNAL.replace(WRITTEN, '<spiffworkflow:property name="listed" value="  " />', 1)
    parsed, problems = validate(blank, load_forms())
    assert problems == [] and parsed is not None


@pytest.mark.parametrize("value", ["register", "Journal", "journal,plan", "none"])
def test_publishing_refuses_an_unknown_list_and_keeps_the_live_version(flow: Flow, value: str) -> None:
    assert WRITTEN in JOURNAL
    xml = JOURNAL.replace(WRITTEN, f'<spiffworkflow:property name="listed" value="{value}" />', 1)
    with flow.factory() as s:
        before = s.scalar(select(func.count(ProcessVersion.id)))
        with pytest.raises(DefinitionInvalid) as refused:
            publish(s, xml, load_forms(), flow.demo["owner"], flow.clock)
        [found] = refused.value.problems
        assert (found.code, found.element_id, found.params["listed"]) == (
            "unknown_listing",
            "nonconformity",
            value,
        )
        assert found.params["known"] == "applications, cases, journal, quarterly, plan"
        assert "“listed”" in found.message and value in found.message
        assert s.scalar(select(func.count(ProcessVersion.id))) == before
        assert latest_version(s, "nonconformity").version == 1


def test_an_owners_version_without_the_property_lists_its_cases_where_the_shipped_one_does(
    flow: Flow,
) -> None:
    # Published before the property existed: the journal's entries stay in the journal.
    unwritten = JOURNAL.replace(WRITTEN, "", 1)
    assert 'name="listed"' not in unwritten
    with flow.factory() as s:
        publish(s, unwritten, load_forms(), flow.demo["owner"], flow.clock)
        s.commit()
        assert latest_version(s, "nonconformity").version == 2
        listed = {p.process_key: p.listed for p in published_processes(s)}
        _, elsewhere = listed_keys(s, IN_REGISTER)
    assert listed["nonconformity"] == Listing.JOURNAL
    assert "nonconformity" in elsewhere


def test_an_owners_own_process_without_the_property_lists_its_cases_as_applications(flow: Flow) -> None:
    own = JOURNAL.replace(WRITTEN, "", 1).replace('id="nonconformity"', 'id="own_review"')
    assert 'id="own_review"' in own
    with flow.factory() as s:
        publish(s, own, load_forms(), flow.demo["owner"], flow.clock)
        s.commit()
        listed = {p.process_key: p.listed for p in published_processes(s)}
        register, _ = listed_keys(s, IN_REGISTER)
    assert listed["own_review"] == Listing.APPLICATIONS
    assert "own_review" in register
