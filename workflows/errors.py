"""Domain errors: raised by services, mapped to HTTP (or CLI messages) in one place each.

Each carries a stable `code` and `params` so that the web app can say it in the user's
language; `str()` is the English text for logs and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from workflows.wording import FIELDS, PROBLEMS, english


class DomainError(Exception):
    code = "error"
    # Set when what the refused action wrote must still be kept (an incident recorded for a failed step).
    keeps_writes = False

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.params = params


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class RateLimited(DomainError):
    """Too many requests from one place in a while; `minutes` says how long until it may ask again."""

    code = "rate_limited"


class Conflict(DomainError):
    """Someone else changed the same thing first; nothing of this attempt was saved."""

    code = "conflict"


class StaleForm(Conflict):
    """A policy page was saved over values someone else changed after the page was opened."""

    code = "stale_form"


class TaskAlreadyCompleted(Conflict):
    code = "task_already_completed"


class TaskClaimedByOther(Conflict):
    code = "task_claimed"


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str  # the JSON Schema keyword (required, minLength, ...) or a named check (lead_time, ...)
    message: str
    params: dict[str, Any] = dataclass_field(default_factory=dict)


class ValidationFailed(DomainError):
    code = "validation_failed"

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class NotAllowedNow(DomainError):
    """The action is not open in the present state of things; `code` says why (workflows.wording.REFUSALS)."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message, **params)
        self.code = code


class ProcessError(DomainError):
    """The diagram failed while running (a script error, a bad expression); the step was not saved."""

    code = "process_error"


class DecisionFailed(ProcessError):
    """A decision table failed while deciding (a cell raised, an output has the wrong type)."""

    code = "decision_failed"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a diagram, tied to an element where possible.

    `code` is stable (the web app translates it); `message` is the English text; `params` fill it.
    """

    code: str
    message: str
    element_id: str | None = None
    line: int | None = None
    params: dict[str, Any] = dataclass_field(default_factory=dict)


class DefinitionInvalid(DomainError):
    """A diagram (or its forms) cannot be stored or published as it is; nothing was changed."""

    code = "definition_invalid"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def problem(code: str, element_id: str | None = None, line: int | None = None, /, **params: Any) -> Problem:
    """A problem in the wording of `workflows.wording.PROBLEMS`, the English filled from `params` and
    led by the element it is about (the web app shows the element instead)."""
    text = english(PROBLEMS, code, params)
    return Problem(code, f"{element_id}: {text}" if element_id else text, element_id, line, params)


def field_error(field: str, code: str, fallback: str = "", /, **params: Any) -> FieldError:
    """A field error in the wording of `workflows.wording.FIELDS`; `fallback` for a code it lacks."""
    return FieldError(field, code, english(FIELDS, code, params, fallback), params)
