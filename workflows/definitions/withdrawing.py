"""Who may withdraw a process's cases: the diagram's `withdrawal` process property.

Absent (or `applicant`), the person a case is about withdraws it until its order is issued; `none`
when the product opened the case and the diagram closes it (a unit's quarterly data). Publishing
refuses any other value, so that a misspelt `none` never leaves a case withdrawable.
"""

from __future__ import annotations

from workflows.engine.definition import DefinitionInfo
from workflows.errors import Problem, problem

PROPERTY = "withdrawal"
APPLICANT = "applicant"
NOT_WITHDRAWN = "none"
KNOWN = (APPLICANT, NOT_WITHDRAWN)


def written_withdrawal(info: DefinitionInfo) -> str:
    return (info.properties.get(PROPERTY) or "").strip() or APPLICANT


def withdrawn_by_applicant(info: DefinitionInfo) -> bool:
    return written_withdrawal(info) != NOT_WITHDRAWN


def withdrawal_problems(info: DefinitionInfo) -> list[Problem]:
    written = written_withdrawal(info)
    if written in KNOWN:
        return []
    return [problem("unknown_withdrawal", info.process_key, withdrawal=written, known=", ".join(KNOWN))]
