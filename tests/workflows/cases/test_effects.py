"""Service operators check at run time what the publish checks could not see (computed values)."""

from __future__ import annotations

import pytest

from tests.workflows.flow import Flow
from workflows.cases.effects import StepEffects
from workflows.cases.models import ProcessInstance
from workflows.errors import ProcessError
from workflows.messaging.models import Notification


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"event": "order_signed", "to": "employee"}, "Unknown notice"),
        ({"event": "reminder", "to": "dean"}, "unknown role"),
    ],
)
def test_a_computed_notice_the_product_does_not_know_stops_the_step(
    flow: Flow, params: dict[str, str], reason: str
) -> None:
    case = flow.start()
    with flow.factory() as session:
        instance = session.get(ProcessInstance, case)
        assert instance is not None
        before = session.query(Notification).count()
        with pytest.raises(ProcessError, match=reason):
            StepEffects(session, instance, flow.clock, None)("notify", params, {})
        assert session.query(Notification).count() == before


def test_a_known_notice_reaches_the_applicant(flow: Flow) -> None:
    case = flow.start()
    with flow.factory() as session:
        instance = session.get(ProcessInstance, case)
        assert instance is not None
        result = StepEffects(session, instance, flow.clock, None)(
            "notify", {"event": "reminder", "to": "employee"}, {}
        )
        assert result == {"event": "reminder", "recipients": 1}
