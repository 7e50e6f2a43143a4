"""Languages: which one a request speaks, and local dates and times.

Kazakh is the default; Russian and English by choice. The choice lives in a cookie and, once
signed in, on the person. Dates and times are shown in the institution's local time
(Asia/Almaty, UTC+5) whatever the server's zone. The catalogues are `workflows.language`'s.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, request
from flask_babel import get_locale
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
