"""The one commit point of a request: commit what a request did when it succeeded, roll it back
when it was refused.

A response of 400 or more is a refusal and rolls back by default, as does a domain error the
handler turned into a flash and a redirect (`refuse`). The one write that must outlive a refusal,
counting a failed sign-in, says so with `keep_despite_refusal`; a server error rolls back always.
"""

from __future__ import annotations

from flask import Flask, Response, g


def refuse() -> None:
    """This request is refused: undo what it did so far (the session stays usable for the page
    that explains the refusal), and never commit it."""
    g.db_refused = True
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def keep_despite_refusal() -> None:
    """Commit what this request wrote even though it answers with a 4xx status."""
    g.db_keep = True


def _finish(response: Response) -> Response:
    session = g.pop("db_session", None)
    if session is None:
        return response
    status = response.status_code
    refused = g.get("db_refused") or status >= 500 or (status >= 400 and not g.get("db_keep"))
    try:
        if refused:
            session.rollback()
        else:
            session.commit()
    finally:
        session.close()
    return response


def _discard(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:  # an unhandled error skipped after_request: nothing of it is kept
        session.rollback()
        session.close()


def init_app(app: Flask) -> None:
    app.after_request(_finish)
    app.teardown_request(_discard)
