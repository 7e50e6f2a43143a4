"""The product's languages: Kazakh first, then Russian and English.

One place decides which of several texts a reader gets (`pick`), and where the message
catalogues live: `translations/<locale>/LC_MESSAGES/messages.po`, compiled to `.mo` files by the
install step (`./manage.sh`, or `pybabel compile -d translations`). The web app and the emails
read the same catalogues.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.support import NullTranslations, Translations

LOCALES = ("kk", "ru", "en")
DEFAULT_LOCALE = "kk"
CATALOGUES = Path(__file__).resolve().parents[1] / "translations"

# How dates are written, by language: 21.03.2026 in Kazakh and Russian, 21 Mar 2026 in English.
DATE_PATTERNS = {"kk": "dd.MM.yyyy", "ru": "dd.MM.yyyy", "en": "d MMM yyyy"}

_loaded: dict[str, NullTranslations] = {}
_lock = threading.Lock()


class CataloguesMissing(RuntimeError):
    """The compiled catalogues are not there: the install step did not run."""


def supported(locale: str | None) -> str:
    """`locale` if the product speaks it, else Kazakh."""
    return locale if locale in LOCALES else DEFAULT_LOCALE


def pick(texts: Mapping[str, str] | None, locale: str, fallback: str = "") -> str:
    """The text in `locale`; else the Kazakh one; else any; else `fallback`."""
    if not texts:
        return fallback
    return texts.get(locale) or texts.get(DEFAULT_LOCALE) or next(iter(texts.values()), "") or fallback


def missing_catalogues(directory: Path = CATALOGUES) -> list[Path]:
    """The compiled catalogues that are absent or older than their source."""
    missing = []
    for locale in LOCALES:
        source = directory / locale / "LC_MESSAGES" / "messages.po"
        compiled = source.with_suffix(".mo")
        if not compiled.is_file() or compiled.stat().st_mtime < source.stat().st_mtime:
            missing.append(compiled)
    return missing


def check_catalogues(directory: Path = CATALOGUES) -> None:
    missing = missing_catalogues(directory)
    if missing:
        raise CataloguesMissing(
            f"The compiled translations are missing or out of date ({missing[0]}): run "
            f"`pybabel compile -d {directory}` (./manage.sh does it)"
        )


def translations(locale: str) -> NullTranslations:
    """The catalogue of `locale` (Kazakh for an unknown one), loaded once per process."""
    locale = supported(locale)
    found = _loaded.get(locale)
    if found is None:
        check_catalogues()
        with _lock:
            found = _loaded.setdefault(locale, Translations.load(str(CATALOGUES), [locale]))
    return found


@lru_cache(maxsize=4096)  # a page writes the same few dates many times
def written_date(day: date, locale: str) -> str:
    """A date the way people reading `locale` write it."""
    locale = supported(locale)
    return str(format_date(day, DATE_PATTERNS[locale], locale=locale))
