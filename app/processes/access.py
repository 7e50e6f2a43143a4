"""Only process owners reach the process pages: everyone else gets 403, for reading and writing."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort
from flask_login import current_user, login_required

from app.state import clock, db
from workflows.definitions.draft_rows import PROCESS_KEY
from workflows.definitions.editor import is_process_owner

P = ParamSpec("P")
R = TypeVar("R")


def owner_required(view: Callable[P, R]) -> Callable[P, R]:
    """Signed in (else the sign-in page), a process owner (else 403), a well-formed key (else 404)."""

    @wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        if not is_process_owner(db(), current_user.id, clock()):
            abort(403)
        key = kwargs.get("key")
        if isinstance(key, str) and not PROCESS_KEY.fullmatch(key):
            abort(404)
        return view(*args, **kwargs)

    return login_required(guarded)
