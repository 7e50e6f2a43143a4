"""The sign-in and password policy, as configured (app/config.py POLICY)."""

from __future__ import annotations

from flask import current_app

from workflows.org.directory import Directory, DirectorySettings
from workflows.org.passwords import PasswordPolicy
from workflows.org.recovery import LinkPolicy
from workflows.org.throttle import ThrottlePolicy


def throttle_policy() -> ThrottlePolicy:
    config = current_app.config
    return ThrottlePolicy(
        failures_per_login=int(config["SIGN_IN_FAILURES_PER_LOGIN"]),
        failures_per_address=int(config["SIGN_IN_FAILURES_PER_ADDRESS"]),
        delay_seconds=int(config["SIGN_IN_DELAY_SECONDS"]),
        max_delay_seconds=int(config["SIGN_IN_MAX_DELAY_SECONDS"]),
        window_minutes=int(config["SIGN_IN_FAILURE_WINDOW_MINUTES"]),
    )


def password_policy() -> PasswordPolicy:
    config = current_app.config
    return PasswordPolicy(int(config["PASSWORD_MIN_LENGTH"]), int(config["PASSWORD_MAX_LENGTH"]))


def link_policy() -> LinkPolicy:
    config = current_app.config
    return LinkPolicy(
        invitation_days=int(config["INVITATION_DAYS"]),
        reset_minutes=int(config["PASSWORD_RESET_MINUTES"]),
        resets_per_hour=int(config["PASSWORD_RESETS_PER_HOUR"]),
    )


def directory() -> Directory | None:
    """The directory sign-in asks first, when LDAP_URL is configured."""
    config = current_app.config
    if not config.get("LDAP_URL"):
        return None
    return Directory(
        DirectorySettings(
            url=config["LDAP_URL"],
            base_dn=config["LDAP_BASE_DN"],
            user_filter=config["LDAP_USER_FILTER"],
            number_attribute=config.get("LDAP_NUMBER_ATTRIBUTE"),
            email_attribute=config.get("LDAP_EMAIL_ATTRIBUTE"),
            bind_dn=config.get("LDAP_BIND_DN"),
            bind_password=config.get("LDAP_BIND_PASSWORD"),
            start_tls=bool(config.get("LDAP_START_TLS")),
            ca_file=config.get("LDAP_CA_FILE"),
            timeout_seconds=int(config.get("LDAP_TIMEOUT_SECONDS") or 5),
            keep_local_passwords=bool(config.get("LDAP_KEEP_LOCAL_PASSWORDS")),
            new_people_unit=config.get("LDAP_NEW_PEOPLE_UNIT"),
            login_attribute=config.get("LDAP_LOGIN_ATTRIBUTE", "uid"),
            name_attribute=config.get("LDAP_NAME_ATTRIBUTE", "cn"),
        )
    )
