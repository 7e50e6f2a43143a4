"""What a request's address and fields may hold before any view sees them.

* `<id:name>` in a route: a database id or version number, a positive integer within the range of
  the integer columns (PostgreSQL's INTEGER). A longer number matches no route, so it is a 404
  like any other id that names nothing, never a query the database refuses.
* No value of a request (path, query string, form field, JSON body) may hold a NUL byte: no text
  column stores one. Such a request is refused with a 400 before the view runs.
* A JSON body goes only to the views that read one (`reads_json`), the diagram editor's calls;
  any other view answers 415. (Flask-WTF would take a JSON body for a form's fields, of any type.)
* A form that takes files (`takes_files`) may be sent a request larger than one file's limit
  (MAX_CONTENT_LENGTH), so that a file over that limit still arrives, the service refuses it on
  a bounded read and the form comes back with everything else that was typed. Only a request
  beyond `UPLOAD_REQUEST_FILES` files' worth is cut off unread (413, the form again but empty).
* Page numbers of a list are clamped to the pages a list of ids can have.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from werkzeug.routing import BaseConverter

from workflows.db import ID_MAX
from workflows.json_text import strings

# A request to a form that takes files may carry this many files at the limit (the shipped forms take
# at most two, and one more limit's worth lets a file well over it be refused with the form kept),
# plus the room text fields take (Werkzeug keeps at most 500 KB of them in memory).
UPLOAD_REQUEST_FILES = 3
TEXT_ROOM = 1024 * 1024
NUL = "\x00"
View = TypeVar("View", bound=Callable[..., Any])


def _up_to(limit: int) -> str:
    """A regular expression of the numbers 1 to `limit` in ASCII digits, without leading zeros.

    In the route itself, so that a longer number matches no rule: one that matched and then failed
    to convert would make a POST to /tasks/<huge> a 405 (the GET rule's path matched), not a 404.
    """
    digits = str(limit)
    width = len(digits)
    choices = [f"[1-9][0-9]{{0,{width - 2}}}"] if width > 1 else []
    for i, digit in enumerate(digits):
        low = "1" if i == 0 else "0"
        if int(digit) > int(low):
            choices.append(f"{digits[:i]}[{low}-{int(digit) - 1}][0-9]{{{width - i - 1}}}")
    choices.append(digits)
    return "|".join(f"(?:{choice})" for choice in choices)


_ID_PATTERN = _up_to(ID_MAX)
_ID = re.compile(_ID_PATTERN)  # ASCII digits only: str.isdigit() and \d accept "²" and "٣"


def database_id(raw: str | None) -> int | None:
    """`raw` as an id or version number, or None when it cannot be one."""
    return int(raw) if raw is not None and _ID.fullmatch(raw) else None


class DatabaseId(BaseConverter):
    """`<id:case_id>`: see `database_id`."""

    regex = _ID_PATTERN
    part_isolating = True

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))


class Year(BaseConverter):
    """`<year:year>`: a calendar year of four digits (a plan's, a report's); anything else is 404
    before a query sees it."""

    regex = "[12][0-9]{3}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))


def page_number(raw: str | None, per_page: int) -> int:
    """The page of a list asked for: 1 unless a positive number, at most the pages ids can fill."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return min(max(number, 1), ID_MAX // max(per_page, 1))


def _values() -> Iterator[Any]:
    yield from (request.view_args or {}).values()
    for pairs in (request.args, request.form):
        for name, value in pairs.items(multi=True):
            yield name  # a malformed multipart part can leave it None
            yield value
    if request.is_json:
        yield from strings(request.get_json(silent=True))


def reads_json(view: View) -> View:
    """This view reads a JSON body (below the route decorator, above access checks)."""
    view.reads_json = True  # type: ignore[attr-defined]
    return view


def takes_files(view: View) -> View:
    """This view's form takes files (below the route decorator)."""
    view.takes_files = True  # type: ignore[attr-defined]
    return view


def room_for_files() -> None:
    """Before the body is read (the CSRF check reads it): a form that takes files gets more room."""
    view = current_app.view_functions.get(request.endpoint or "")
    file_limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if getattr(view, "takes_files", False) and file_limit:
        request.max_content_length = UPLOAD_REQUEST_FILES * int(file_limit) + TEXT_ROOM


def _unread_json() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return request.is_json and not getattr(view, "reads_json", False)


def refuse_malformed() -> None:
    if request.url_rule is None:  # no route matched: the 404 or 405 says enough
        return
    if _unread_json():
        abort(415)
    try:
        malformed = any(isinstance(value, str) and NUL in value for value in _values())
    except RecursionError:  # JSON nested deeper than the parser goes
        malformed = True
    if malformed:
        abort(400)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered (its routes use the converter) and before the CSRF check
    (which reads the body, under the limit `room_for_files` sets)."""
    app.url_map.converters["id"] = DatabaseId
    app.url_map.converters["year"] = Year
    app.before_request(room_for_files)
    app.before_request(refuse_malformed)
