"""The one place where refusals become HTTP: domain errors and HTTP errors, in the user's language.

A view that shows a form registers how to show it again (`on_invalid`); a ValidationFailed
then re-renders that form with the errors next to their fields. Every refusal rolls the
request's transaction back.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app.state import roll_back
from workflows.errors import (
    Conflict,
    DomainError,
    FieldError,
    Forbidden,
    NotFound,
    ProcessError,
    TaskAlreadyCompleted,
    TaskClaimedByOther,
    ValidationFailed,
)

Rerender = Callable[[list[FieldError]], str]
ResponseValue = tuple[str, int]
# Pages that hold an upload form, by endpoint: shown again when the request body is over the limit.
# The limit is enforced before any view runs (even before the CSRF check reads the form).
TOO_LARGE_PAGES: dict[str, Callable[..., str]] = {}


def too_large_page(endpoint: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    def register(render: Callable[..., str]) -> Callable[..., str]:
        TOO_LARGE_PAGES[endpoint] = render
        return render

    return register


def on_invalid(rerender: Rerender) -> None:
    """How this request shows its form again when the service refuses the input."""
    g.on_invalid = rerender


def _page(status: int, title: str, message: str, case_id: int | None = None) -> ResponseValue:
    return (
        render_template("errors/error.html", status=status, title=title, message=message, case_id=case_id),
        status,
    )


def _case_of(exc: DomainError) -> int | None:
    value = exc.params.get("case_id")
    return int(value) if isinstance(value, int) else None


def handle_domain_error(exc: DomainError) -> ResponseValue:
    roll_back()
    if isinstance(exc, ValidationFailed):
        rerender: Rerender | None = g.get("on_invalid")
        if rerender is not None:
            return rerender(exc.errors), 422
        return _page(422, _("The data were not accepted"), "; ".join(e.message for e in exc.errors))
    if isinstance(exc, NotFound):
        return _page(404, _("Not found"), _("There is nothing here, or it is not open to you."))
    if isinstance(exc, Forbidden):
        return _page(403, _("Not allowed"), _("You cannot do this: it is another person's or role's step."))
    if isinstance(exc, TaskAlreadyCompleted):
        return _page(
            409,
            _("This task is already done"),
            _(
                "Someone else completed this task while you had it open, or the case has moved on. "
                "Nothing you entered was saved."
            ),
            _case_of(exc),
        )
    if isinstance(exc, TaskClaimedByOther):
        return _page(
            409,
            _("Someone else has taken this task"),
            _("Another person claimed this task first. Nothing you entered was saved."),
            _case_of(exc),
        )
    if isinstance(exc, Conflict):
        return _page(
            409,
            _("The case changed at the same moment"),
            _(
                "Someone else changed this case at the same moment; nothing was saved. "
                "Open it again and retry."
            ),
            _case_of(exc),
        )
    if isinstance(exc, ProcessError):
        return _page(
            500,
            _("The process could not continue"),
            _(
                "The process diagram failed at this step, so nothing was saved. "
                "Please tell the process owner (step: %(step)s).",
                step=exc.params.get("element_id") or "?",
            ),
        )
    return _page(400, _("The request was refused"), str(exc))


def handle_http_error(exc: HTTPException) -> ResponseValue:
    roll_back()
    status = exc.code or 500
    if isinstance(exc, CSRFError):
        return _page(
            400,
            _("The form has expired"),
            _(
                "The page was open too long or the form was not sent from this site. "
                "Go back, reload and try again."
            ),
        )
    if isinstance(exc, RequestEntityTooLarge):
        page = TOO_LARGE_PAGES.get(request.endpoint or "")
        limit = FieldError("", "file_too_large", "", {"max_mb": _max_mb()})
        if page is not None:
            return page([limit], **(request.view_args or {})), 413
        return _page(413, _("The file is too large"), _("At most %(max)s MB can be uploaded.", max=_max_mb()))
    if status == 404:
        return _page(404, _("Not found"), _("There is nothing here, or it is not open to you."))
    if status == 403:
        return _page(403, _("Not allowed"), _("You do not have access to this page."))
    if status == 405:
        return _page(405, _("Not allowed"), _("This address does not accept this kind of request."))
    return _page(status, exc.name, _("The request could not be handled."))


def _max_mb() -> int:
    return int(current_app.config["MAX_CONTENT_LENGTH"]) // (1024 * 1024)


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
