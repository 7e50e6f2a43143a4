"""Each shipped procedure comes back unchanged through the editor's download and upload."""

from __future__ import annotations

from io import BytesIO

import pytest

from tests.app.conftest import LoginAs, post_files
from tests.conftest import ROOT
from tests.workflows.flow import Flow
from tests.workflows.procedures.test_diagrams import PROCEDURES
from workflows.definitions.draft_rows import find_draft
from workflows.definitions.publishing import latest_version

# Every shipped diagram: the procedures, SKMA's own two, and the processes the product starts itself.
SHIPPED = [
    *PROCEDURES,
    "qualification_request",
    "internship",
    "refund",
    "annual_plan",
    "plan_amendment",
    "nonconformity",
    "quarterly_data",
]


@pytest.mark.parametrize("key", SHIPPED)
def test_the_diagram_round_trips_through_download_and_upload(key: str, flow: Flow, login_as: LoginAs) -> None:
    owner = login_as("owner")
    shipped = owner.get(f"/processes/{key}/versions/1/download").data
    assert shipped.decode("utf-8") == (ROOT / "bpmn" / f"{key}.bpmn").read_text("utf-8")
    if key in PROCEDURES:  # what it is for, from the diagram
        assert 'id="process-description"' in owner.get(f"/processes/{key}").text
    with flow.factory() as s:
        token = f"{latest_version(s, key).id}.0"
    upload = {"token": token, "file": (BytesIO(shipped), f"{key}.bpmn")}
    response = post_files(owner, f"/processes/{key}/upload", upload)
    assert response.status_code == 303
    assert owner.get(f"/processes/{key}/draft/download").data == shipped
    with flow.factory() as s:
        draft = find_draft(s, key)
        assert draft is not None and draft.problems == []  # it would publish as it is
