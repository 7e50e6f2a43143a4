"""The words a diagram uses that the product must know: how a case can end (an end event's
`outcome`), what the `notify` operator tells (its `event`) and to whom (its `to` roles).

A value written as a constant is checked when the diagram is published; one computed from the
case's data can only be checked when it runs (`cases.effects` refuses an unknown one then).
"""

from __future__ import annotations

import ast

from lxml import etree

from workflows.cases.models import OUTCOMES
from workflows.definitions.reading import owner_of
from workflows.engine.definition import NS, DefinitionInfo
from workflows.errors import Problem, problem
from workflows.messaging.models import NoticeKind
from workflows.org.roles import KNOWN_ROLES

# The product's own notices (a new task, a withdrawal, a cancelled order) are not a diagram's to send.
NOTIFIED = frozenset(NoticeKind) - {
    NoticeKind.TASK_ASSIGNED,
    NoticeKind.WITHDRAWN,
    NoticeKind.ORDER_CANCELLED,
    NoticeKind.INCIDENT,
    NoticeKind.PERIODICITY_DUE,
    NoticeKind.PERIODICITY_DUE_STAFF,
    NoticeKind.NEXT_YEAR_LIST,
}


def _constant(source: str | None) -> str | None:
    """The text an expression always gives, or None when it is computed."""
    try:
        value = ast.literal_eval((source or "").strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def vocabulary_problems(root: etree._Element, info: DefinitionInfo) -> list[Problem]:
    problems: list[Problem] = []
    known_outcomes = [str(o) for o in OUTCOMES]
    for element in info.elements.values():
        outcome = element.properties.get("outcome")
        if element.kind == "endEvent" and outcome and outcome not in known_outcomes:
            problems.append(
                problem("unknown_outcome", element.id, element.line, outcome=outcome, known=known_outcomes)
            )
    for operator in root.xpath(".//spiffworkflow:serviceTaskOperator[@id='notify']", namespaces=NS):
        params = {p.get("id"): p for p in operator.xpath(".//spiffworkflow:parameter", namespaces=NS)}
        event = params.get("event")
        kind = _constant(event.get("value")) if event is not None else None
        if event is not None and kind is not None and kind not in NOTIFIED:
            problems.append(
                problem(
                    "unknown_notice", owner_of(operator), event.sourceline, event=kind, known=sorted(NOTIFIED)
                )
            )
        recipients = params.get("to")
        if recipients is None:
            continue
        roles = _constant(recipients.get("value")) or ""
        for role in (r.strip() for r in roles.split(",") if r.strip()):
            if role not in KNOWN_ROLES:
                line = recipients.sourceline
                problems.append(problem("unknown_recipient", owner_of(operator), line, role=role))
    return problems
