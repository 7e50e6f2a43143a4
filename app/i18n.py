"""Languages: which one a request speaks, and local dates and times.

Kazakh is the default; Russian and English by choice. The choice lives in a cookie and, once
signed in, on the person. Dates and times are shown in the institution's local time
(Asia/Almaty, UTC+5) whatever the server's zone. The catalogues are `workflows.language`'s.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale, get_translations
from flask_login import current_user

from workflows.calendar import LOCAL_TZ
from workflows.language import DEFAULT_LOCALE, supported, written_date

LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def select_locale() -> str:
    user = current_user
    if user is not None and user.is_authenticated and getattr(user, "locale", None) in LANGUAGES:
        return str(user.locale)
    return supported(request.cookies.get(current_app.config["LANGUAGE_COOKIE"]))


def locale_code() -> str:
    found = get_locale()
    return supported(str(found.language) if found is not None else DEFAULT_LOCALE)


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def format_day(value: date | datetime | str | None) -> str:
    """A date the way people here write it (21.03.2026), from a date, an instant or an ISO string."""
    day = _as_date(value)
    if day is None:
        return "" if value is None else str(value)
    return written_date(day, locale_code())


def format_moment(value: datetime | None) -> str:
    """An instant in local time: 01.03.2026 09:00."""
    if value is None:
        return ""
    local = value.astimezone(LOCAL_TZ)
    return f"{format_day(local.date())} {local:%H:%M}"


def _catalogue() -> Any:
    """The request's catalogue, looked up once: flask_babel finds it anew for each message, and a
    page of tasks shows a hundred (the locale, as flask_babel keeps it, is fixed for a request)."""
    if not has_request_context():
        return get_translations()
    found = g.get("catalogue")
    if found is None:
        found = g.catalogue = get_translations()
    return found


def init_app(app: Flask) -> None:
    """The templates' `_`, `gettext` and `{% trans %}` read the request's catalogue."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _catalogue().ugettext(s),
        ngettext=lambda s, p, n: _catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalogue().unpgettext(c, s, p, n),
    )
