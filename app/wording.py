"""The codes the services refuse or report with, said in the reader's language.

The English of each code is written once, in `workflows.wording`; it is also the message id in
the catalogues, so here it is only looked up and filled. Dates among the params (ISO strings)
are written the way the reader's language writes dates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext

from app.i18n import format_day
from workflows.errors import FieldError, Problem
from workflows.wording import EXPRESSION, EXPRESSION_KINDS, FIELDS, NOTICES, PROBLEMS, fill

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _localized(params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: format_day(value) if isinstance(value, str) and _ISO_DATE.fullmatch(value) else value
        for key, value in params.items()
    }


def say(template: str, params: Mapping[str, Any] | None = None) -> str:
    """`template` (an English text of workflows.wording) in the reader's language, filled."""
    return fill(gettext(template), _localized(params or {}))


def problem_text(problem: Problem) -> str:
    template = PROBLEMS.get(problem.code)
    if template is None:
        return problem.message
    params = dict(problem.params)
    if problem.code == "expression" or "what" in params:
        params["what"] = gettext(EXPRESSION_KINDS.get(str(params.get("kind")), EXPRESSION))
    return say(template, params)


def problem_view(problem: Problem) -> dict[str, Any]:
    """A problem as the pages and the editor show it: translated, with the element it belongs to."""
    return {
        "code": problem.code,
        "element_id": problem.element_id,
        "line": problem.line,
        "text": problem_text(problem),
        "form": problem.params.get("form"),
    }


def problems_text(problems: list[Problem], limit: int = 5) -> str:
    """Problems in one line (a flash message), each led by the element it is about."""
    return " ".join(
        f"{p.element_id}: {problem_text(p)}" if p.element_id else problem_text(p) for p in problems[:limit]
    )


def field_error_text(error: FieldError) -> str:
    template = FIELDS.get(error.code)
    return say(template, error.params) if template is not None else error.message


def notice_text(kind: str, task_name: str | None) -> str:
    template = NOTICES.get(kind)
    return say(template, {"task": task_name or ""}) if template is not None else kind
