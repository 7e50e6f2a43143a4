"""The one place where refusals become HTTP: domain errors and HTTP errors, in the user's language.

Every refusal rolls the request back (`transaction.refuse`). How it is answered depends on the
request and on what the view said beforehand:

* a JSON request (the diagram editor's calls) gets JSON: 422 with the problems or field errors,
  409 with the kind of conflict, or the status with a message;
* a form whose page can show the errors again registered `on_invalid` (field errors) or
  `on_problems` (diagram problems): the page comes back with them, 422;
* a form post that returns to a page registered `refusals_go_to`: a flash message and a 303;
* anything else gets an error page with the status (404, 403, 409, 422, ...).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, flash, g, jsonify, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from app.i18n import format_moment
from app.labels import decision_label, role_label
from app.transaction import keep_despite_refusal, refuse
from app.wording import field_error_text, problem_view, problems_text, say
from workflows.definitions.draft_rows import DefinitionConflict, DraftBehindLive
from workflows.errors import (
    Conflict,
    DefinitionInvalid,
    DomainError,
    FieldError,
    Forbidden,
    NotAllowedNow,
    NotFound,
    Problem,
    ProcessError,
    RateLimited,
    StaleForm,
    TaskAlreadyCompleted,
    TaskClaimedByOther,
    ValidationFailed,
)
from workflows.wording import REFUSALS

Rerender = Callable[[list[FieldError]], str]
ProblemRerender = Callable[[list[Problem]], str]
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


def on_problems(rerender: ProblemRerender) -> None:
    """How this request shows its page again when the service refuses a diagram."""
    g.on_problems = rerender


def refusals_go_to(target: str, lead: str | None = None) -> None:
    """A refusal of this form post is flashed (after `lead`, for refused diagrams) on `target`."""
    g.refusal_target, g.refusal_lead = target, lead


def _status(exc: DomainError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, RateLimited):
        return 429
    if isinstance(exc, Conflict | NotAllowedNow):
        return 409
    if isinstance(exc, DefinitionInvalid) and any(p.code == "too_large" for p in exc.problems):
        return 413
    if isinstance(exc, ValidationFailed | DefinitionInvalid):
        return 422
    if isinstance(exc, ProcessError):
        return 422
    return 400


def _conflict_text(exc: Conflict, in_editor: bool) -> tuple[str, str]:
    """(title, message) of a conflict."""
    if isinstance(exc, DraftBehindLive):
        return _("A newer version was published"), _(
            "Version %(version)s was published after this draft was started. Compare the two; to keep your "
            "draft, save it on top of version %(version)s, then publish.",
            version=exc.params.get("latest_version") or "?",
        )
    if isinstance(exc, DefinitionConflict):
        if in_editor:
            return _("Someone else saved first"), _(
                "Someone else saved or published this process after you opened it, so nothing was saved. "
                "Download your diagram to keep it, then open their version."
            )
        return _("Someone else saved first"), _(
            "Someone else saved or published this process after you opened it, so nothing was changed. "
            "The page now shows their version."
        )
    if isinstance(exc, StaleForm):
        return _("Someone else saved first"), _(
            "Someone else changed these values after you opened the page, so nothing was saved. "
            "The page now shows their values."
        )
    if isinstance(exc, TaskAlreadyCompleted):
        return _("This task is already done"), _already_done_text(exc)
    if isinstance(exc, TaskClaimedByOther):
        return _("Someone else has taken this task"), _(
            "Another person claimed this task first. Nothing you entered was saved."
        )
    return _("The case changed at the same moment"), _(
        "Someone else changed this case at the same moment; nothing was saved. Open it again and retry."
    )


def _already_done_text(exc: TaskAlreadyCompleted) -> str:
    """Who got there first and when (local time), with their decision, where the service knows."""
    name = exc.params.get("completed_by")
    if not name:
        return _(
            "Someone else completed this task while you had it open, or the case has moved on. "
            "Nothing you entered was saved."
        )
    deputy_for = exc.params.get("on_behalf_of")
    who = f"{name} ({_('for %(name)s', name=deputy_for)})" if deputy_for else name
    when = format_moment(exc.params.get("completed_at"))
    decision = exc.params.get("decision")
    if decision:
        return _(
            "Already decided by %(name)s at %(when)s: %(decision)s. Nothing you entered was saved.",
            name=who,
            when=when,
            decision=decision_label(decision),
        )
    return _("Already completed by %(name)s at %(when)s. Nothing you entered was saved.", name=who, when=when)


def _text(exc: DomainError, in_editor: bool = False) -> tuple[str, str]:
    """(title, message) of any refusal, in the user's language."""
    if isinstance(exc, NotAllowedNow) and exc.code in REFUSALS:
        return _("Not possible now"), say(REFUSALS[exc.code], exc.params)
    if isinstance(exc, Conflict):
        return _conflict_text(exc, in_editor)
    if isinstance(exc, NotFound):
        return _("Not found"), _("There is nothing here, or it is not open to you.")
    if isinstance(exc, Forbidden) and exc.params.get("reason") in REFUSALS:
        roles = ", ".join(role_label(r) for r in str(exc.params.get("roles") or "").split(",") if r)
        return _("Not allowed"), say(REFUSALS[exc.params["reason"]], {**exc.params, "roles": roles})
    if isinstance(exc, Forbidden):
        return _("Not allowed"), _("You cannot do this: it is another person's or role's step.")
    if isinstance(exc, RateLimited):
        return _("Too many requests"), _(
            "Too many look-ups came from your network address. Try again in %(minutes)s min.",
            minutes=exc.params.get("minutes", 1),
        )
    if isinstance(exc, ValidationFailed):
        return _("The data were not accepted"), " ".join(field_error_text(e) for e in exc.errors)
    if isinstance(exc, DefinitionInvalid):
        return _("The diagram was not accepted"), problems_text(exc.problems)
    if isinstance(exc, ProcessError):
        return _("The process could not continue"), _(
            "The process diagram failed at this step, so nothing was saved. The process owners have "
            "been told and can run it again once the cause is fixed (step: %(step)s).",
            step=exc.params.get("element_id") or "?",
        )
    return _("The request was refused"), str(exc)


def _json(exc: DomainError) -> ResponseReturnValue:
    status = _status(exc)
    if isinstance(exc, DefinitionInvalid):
        return jsonify(problems=[problem_view(p) for p in exc.problems]), status
    if isinstance(exc, ValidationFailed):
        errors = [{"field": e.field, "code": e.code, "text": field_error_text(e)} for e in exc.errors]
        return jsonify(errors=errors), status
    title, message = _text(exc, in_editor=True)
    kind = "behind" if isinstance(exc, DraftBehindLive) else ("conflict" if status == 409 else exc.code)
    return jsonify(error=kind, title=title, message=message), status


def _page(status: int, title: str, message: str, case_id: int | None = None) -> tuple[str, int]:
    return (
        render_template("errors/error.html", status=status, title=title, message=message, case_id=case_id),
        status,
    )


def _case_of(exc: DomainError) -> int | None:
    value = exc.params.get("case_id")
    return int(value) if isinstance(value, int) else None


def handle_domain_error(exc: DomainError) -> ResponseReturnValue:
    if exc.keeps_writes:
        keep_despite_refusal()  # the step was undone by the service; the incident it recorded stays
    else:
        refuse()
    if request.is_json:
        return _json(exc)
    rerender: Rerender | None = g.get("on_invalid")
    if isinstance(exc, ValidationFailed) and rerender is not None:
        g.on_invalid = None
        try:
            return rerender(exc.errors), 422
        except DomainError as page_refused:  # the form's page is not the sender's to see (or is gone)
            return handle_domain_error(page_refused)
    rerender_problems: ProblemRerender | None = g.get("on_problems")
    if isinstance(exc, DefinitionInvalid) and rerender_problems is not None:
        return rerender_problems(exc.problems), _status(exc)
    title, message = _text(exc)
    target: str | None = g.get("refusal_target")
    # Who may not see or do this gets the error page; a refusal of what was sent, or of the moment,
    # goes back to the page the form was on.
    if target is not None and not isinstance(exc, NotFound | Forbidden):
        lead: str | None = g.get("refusal_lead")
        flash(f"{lead} {message}" if lead and isinstance(exc, DefinitionInvalid) else message, "error")
        return redirect(target, 303)
    if isinstance(exc, RateLimited):  # say when to come back, in seconds
        wait = {"Retry-After": str(60 * int(exc.params.get("minutes", 1)))}
        return *_page(_status(exc), title, message), wait
    return _page(_status(exc), title, message, _case_of(exc))


def handle_http_error(exc: HTTPException) -> ResponseReturnValue:
    refuse()
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
    texts: dict[int, tuple[str, str]] = {
        400: (
            _("The request could not be read"),
            _(
                "The address or the form holds something no page accepts, such as an invisible control "
                "character. Nothing was saved: go back and check what was entered."
            ),
        ),
        404: (_("Not found"), _("There is nothing here, or it is not open to you.")),
        403: (_("Not allowed"), _("You do not have access to this page.")),
        405: (_("Not allowed"), _("This address does not accept this kind of request.")),
        415: (_("Not allowed"), _("This address does not accept this kind of request.")),
    }
    title, message = texts.get(status, (exc.name, _("The request could not be handled.")))
    if request.is_json:
        return jsonify(error=exc.name, title=title, message=message), status
    return _page(status, title, message)


def _max_mb() -> int:
    return int(current_app.config["MAX_CONTENT_LENGTH"]) // (1024 * 1024)


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_error)
