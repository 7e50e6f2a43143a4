"""Copying a process into a new one, and the `starters` property checked at publishing."""

from __future__ import annotations

import pytest

from tests.app.processes.test_processes import SHIPPED
from tests.workflows.flow import Flow
from workflows.definitions.copying import copy_process
from workflows.definitions.draft_rows import find_draft, info_of
from workflows.definitions.validation import validate
from workflows.errors import Forbidden, NotAllowedNow, NotFound
from workflows.forms.schema import load_forms


def test_a_copy_is_a_draft_of_a_new_process_with_the_sources_forms(flow: Flow) -> None:
    with flow.factory() as s:
        saved = copy_process(
            s, "qualification_request", "skma_variant", "  ОҚМА  нұсқасы ", flow.demo["owner"], flow.clock
        )
        assert (saved.process_key, saved.problems) == ("skma_variant", [])
        draft = find_draft(s, "skma_variant")
        assert draft is not None and draft.base_version_id is None
        info = info_of(draft.bpmn_xml)
        assert info is not None and info.process_key == "skma_variant"
        assert info.titles() == {"kk": "ОҚМА нұсқасы", "ru": "ОҚМА нұсқасы", "en": "ОҚМА нұсқасы"}
        assert info.policy()["lead_time_days"] == 20  # everything else as the source has it
        assert set(draft.forms) >= {"application", "finance_agreement", "rector_visa"}
        assert find_draft(s, "qualification_request") is None  # the source is untouched


@pytest.mark.parametrize("key", ["1bad", "with space", "", "qualification_request", "kafu_external"])
def test_a_copy_needs_a_free_valid_key(flow: Flow, key: str) -> None:
    with flow.factory() as s, pytest.raises(NotAllowedNow) as refused:
        copy_process(s, "qualification_request", key, "Нұсқа", flow.demo["owner"], flow.clock)
    assert refused.value.code in {"copy_key_invalid", "copy_key_taken"}


def test_only_owners_copy_published_processes(flow: Flow) -> None:
    with flow.factory() as s:
        with pytest.raises(Forbidden):
            copy_process(s, "qualification_request", "x_variant", "Нұсқа", flow.demo["head"], flow.clock)
        with pytest.raises(NotFound):
            copy_process(s, "periodicity", "x_variant", "Нұсқа", flow.demo["owner"], flow.clock)


def test_an_unknown_starter_role_is_a_publishing_problem() -> None:
    starters = '<spiffworkflow:property name="starters" value="employee" />'
    assert starters in SHIPPED
    xml = SHIPPED.replace(starters, '<spiffworkflow:property name="starters" value="head,hr" />', 1)
    _, problems = validate(xml, load_forms())
    assert [(p.code, p.params.get("role")) for p in problems] == [("unknown_starter", "head")]
