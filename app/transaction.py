"""The one commit point of a request: commit after a successful response, roll back otherwise."""

from __future__ import annotations

from flask import Flask, Response, g


def _finish(response: Response) -> Response:
    session = g.pop("db_session", None)
    if session is None:
        return response
    try:
        if g.get("db_failed") or response.status_code >= 500:
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
