"""Settings from the environment, checked at start: a missing secret fails here, not at the first request."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from workflows.db import database_url
from workflows.language import CATALOGUES, DEFAULT_LOCALE

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024


class ConfigError(RuntimeError):
    pass


# Numbers that are policy, with their defaults; the environment can set each by its name.
POLICY: dict[str, int] = {
    "SIGN_IN_FAILURES_PER_LOGIN": 5,  # failed sign-ins at one login from one address before it waits
    "SIGN_IN_FAILURES_PER_ADDRESS": 20,  # failed sign-ins from one address, at any logins, before it waits
    "SIGN_IN_DELAY_SECONDS": 30,  # the first wait; every further failure doubles it
    "SIGN_IN_MAX_DELAY_SECONDS": 900,  # the longest wait
    "SIGN_IN_FAILURE_WINDOW_MINUTES": 60,  # failures are forgotten once the last one is this old
    "PASSWORD_MIN_LENGTH": 10,  # the shortest new password
    "PASSWORD_MAX_LENGTH": 200,  # the longest password
    "INVITATION_DAYS": 7,  # how long an invitation link sets a first password
    "PASSWORD_RESET_MINUTES": 60,  # how long a password-reset link works
    "PASSWORD_RESETS_PER_HOUR": 3,  # reset emails one person gets at most in an hour
    "HSTS_MAX_AGE": 365 * 24 * 3600,  # seconds browsers keep to HTTPS after an HTTPS response
    "VERIFY_LOOKUPS_PER_WINDOW": 30,  # look-ups of the public verification page from one address...
    "VERIFY_WINDOW_MINUTES": 10,  # ...in this many minutes; past it the address waits for the next window
    "IMPORT_MAX_MB": 20,  # the largest import file; a larger one is refused before it is read
    "IMPORT_INLINE_KB": 256,  # import files up to this size are previewed at once, larger ones by a job
}


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The configuration the environment describes (see the keys below and README.md)."""
    env = os.environ if env is None else env
    debug = _flag(env, "DEBUG", False) or _flag(env, "FLASK_DEBUG", False)
    testing = _flag(env, "TESTING", False)
    demo = _flag(env, "DEMO", False)
    url = env.get("DATABASE_URL") or database_url()
    config: dict[str, Any] = {
        "DEBUG": debug,
        "TESTING": testing,
        "DEMO": demo,
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "DATABASE_URL": url,
        "FILE_STORE": env.get("FILE_STORE", str(Path("var") / "files")),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", DEFAULT_MAX_UPLOAD)),
        # The embedded default (SQLite) fires timers and sends mail in a thread of the app itself.
        "START_WORKER": _flag(env, "START_WORKER", url.startswith("sqlite")),
        "WORKER_POLL_SECONDS": float(env.get("WORKER_POLL_SECONDS", "5")),
        # Plain-HTTP setups (a laptop demo, development) cannot keep a Secure cookie everywhere.
        "SESSION_COOKIE_SECURE": _flag(env, "SESSION_COOKIE_SECURE", not (debug or testing or demo)),
        "SESSION_COOKIE_HTTPONLY": _flag(env, "SESSION_COOKIE_HTTPONLY", True),
        "SESSION_COOKIE_SAMESITE": env.get("SESSION_COOKIE_SAMESITE", "Lax"),
        "BPMN_JS_DIR": env.get("BPMN_JS_DIR", str(ROOT / "node_modules" / "bpmn-js" / "dist")),
        "DMN_JS_DIR": env.get("DMN_JS_DIR", str(ROOT / "node_modules" / "dmn-js" / "dist")),
        # How many reverse proxies stand before the app: their X-Forwarded-For and -Proto are believed.
        "TRUSTED_PROXIES": _number(env, "TRUSTED_PROXIES", 0),
        # Where people reach the product (links in emails, the QR code of an extract); the request's
        # own address when not set.
        "APP_BASE_URL": env.get("APP_BASE_URL", "").strip() or None,
    }
    config.update(_directory(env))
    # Policy the environment sets (DEFAULTS has the rest).
    config.update({name: _number(env, name, 0) for name in POLICY if env.get(name, "").strip()})
    return config


def _directory(env: Mapping[str, str]) -> dict[str, Any]:
    """Signing in through LDAP or Active Directory (README.md, "Signing in through a directory")."""
    url = env.get("LDAP_URL", "").strip() or None
    if url is not None and not env.get("LDAP_BASE_DN", "").strip():
        raise ConfigError("LDAP_URL is set without LDAP_BASE_DN: say where the accounts are")
    user_filter = env.get("LDAP_USER_FILTER", "(|(uid={login})(mail={login}))")
    if url is not None and "{login}" not in user_filter:
        raise ConfigError("LDAP_USER_FILTER must contain {login}, where the typed login goes")
    return {
        "LDAP_URL": url,
        "LDAP_BASE_DN": env.get("LDAP_BASE_DN", "").strip(),
        "LDAP_USER_FILTER": user_filter,
        "LDAP_NUMBER_ATTRIBUTE": env.get("LDAP_NUMBER_ATTRIBUTE", "employeeNumber").strip() or None,
        "LDAP_EMAIL_ATTRIBUTE": env.get("LDAP_EMAIL_ATTRIBUTE", "mail").strip() or None,
        "LDAP_BIND_DN": env.get("LDAP_BIND_DN", "").strip() or None,
        "LDAP_BIND_PASSWORD": env.get("LDAP_BIND_PASSWORD") or None,
        "LDAP_START_TLS": _flag(env, "LDAP_START_TLS", False),
        "LDAP_CA_FILE": env.get("LDAP_CA_FILE", "").strip() or None,
        "LDAP_TIMEOUT_SECONDS": _number(env, "LDAP_TIMEOUT_SECONDS", 5),
        "LDAP_KEEP_LOCAL_PASSWORDS": _flag(env, "LDAP_KEEP_LOCAL_PASSWORDS", False),
        "LDAP_NEW_PEOPLE_UNIT": env.get("LDAP_NEW_PEOPLE_UNIT", "").strip() or None,
        "LDAP_LOGIN_ATTRIBUTE": env.get("LDAP_LOGIN_ATTRIBUTE", "uid").strip() or None,
        "LDAP_NAME_ATTRIBUTE": env.get("LDAP_NAME_ATTRIBUTE", "cn").strip() or None,
    }


def _number(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} cannot be negative")
    return value


DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE": None,  # an Engine to use instead of DATABASE_URL (tests share theirs)
    "SQLALCHEMY_SESSIONS": None,  # a sessionmaker to use (tests give one inside their transaction)
    "CLOCK": None,  # a workflows.clock.Clock; SystemClock when not given
    "PER_PAGE": 25,
    # The cases register counts the matching cases up to the next multiple of this past the page
    # ("1000+"): an exact count of every case in a university is not worth its time.
    "REGISTER_COUNT_STEP": 1000,
    **POLICY,
    "PDF_COMPRESS": True,
    "BABEL_DEFAULT_LOCALE": DEFAULT_LOCALE,
    "BABEL_TRANSLATION_DIRECTORIES": str(CATALOGUES),
    "LANGUAGE_COOKIE": "lang",
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "REMEMBER_COOKIE_HTTPONLY": True,
    # Whose application form names the cases register's columns; new cases start on any published
    # process the person may start (workflows.definitions.starting).
    "PROCESS_KEY": "qualification_request",
}


def check(config: Mapping[str, Any]) -> None:
    if not config.get("SECRET_KEY"):
        if config.get("DEBUG") or config.get("TESTING"):
            return
        raise ConfigError("SECRET_KEY is not set: export SECRET_KEY (a long random string) before starting")
