"""The sign-in and password policy, as configured (app/config.py POLICY)."""

from __future__ import annotations

from flask import current_app

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
