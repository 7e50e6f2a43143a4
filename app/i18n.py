"""Languages: which one a request speaks, the catalogues compiled on start, local dates and times.

Kazakh is the default; Russian and English by choice. The choice lives in a cookie and, once
signed in, on the person. Dates and times are shown in the institution's local time
(Asia/Almaty, UTC+5) whatever the server's zone.
"""

from __future__ import annotations

import logging
import os
import tempfile
from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

from workflows.calendar import LOCAL_TZ

log = logging.getLogger(__name__)

LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
DEFAULT_LOCALE = "kk"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# Compiled catalogues are build output: they go under var/ (ignored by git), or a temporary
# folder when the installation is read-only.
COMPILED = Path(__file__).resolve().parents[1] / "var" / "translations"
_DATE_PATTERNS = {"kk": "dd.MM.yyyy", "ru": "dd.MM.yyyy", "en": "d MMM yyyy"}


def _compile(source: Path, target: Path) -> list[Path]:
    compiled: list[Path] = []
    for po_path in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        partial = mo_path.with_suffix(f".{os.getpid()}.part")
        with partial.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(partial, mo_path)  # several processes may start at once: never a half file
        compiled.append(mo_path)
    return compiled


def compile_catalogs(source: Path = TRANSLATIONS, target: Path = COMPILED) -> Path:
    """Compile every messages.po whose .mo is missing or older, so no build step is needed.

    Returns the folder holding the compiled catalogues.
    """
    for folder in (target, Path(tempfile.gettempdir()) / "biliktilik-translations"):
        try:
            _compile(source, folder)
            return folder
        except OSError as exc:
            log.warning("could not compile the translations into %s: %s", folder, exc)
    raise RuntimeError("the translations could not be compiled anywhere")


def select_locale() -> str:
    user = current_user
    if user is not None and user.is_authenticated and getattr(user, "locale", None) in LANGUAGES:
        return str(user.locale)
    chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    return chosen if chosen in LANGUAGES else DEFAULT_LOCALE


def locale_code() -> str:
    found = get_locale()
    code = str(found.language) if found is not None else DEFAULT_LOCALE
    return code if code in LANGUAGES else DEFAULT_LOCALE


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
    locale = locale_code()
    return babel_format_date(day, _DATE_PATTERNS[locale], locale=locale)


def format_moment(value: datetime | None) -> str:
    """An instant in local time: 01.03.2026 09:00."""
    if value is None:
        return ""
    local = value.astimezone(LOCAL_TZ)
    return f"{format_day(local.date())} {local:%H:%M}"
