"""Changing one's password: the current one first, then a new one that is long enough and not one
of the commonest passwords (`common-passwords.txt`, see its licence file), typed twice.

A change ends every other session of the person; the session that made it gets the new session
generation and stays signed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy.orm import Session

from workflows.errors import FieldError, NotFound, ValidationFailed, field_error
from workflows.org.accounts import end_sessions, hash_password, verify_password
from workflows.org.models import Person

COMMON_PASSWORDS = Path(__file__).with_name("common-passwords.txt")


@dataclass(frozen=True)
class PasswordPolicy:
    min_length: int
    max_length: int


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text("utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip())


def _error(field: str, code: str, **params: int) -> FieldError:
    return field_error(field, code, "", **params)


def new_password_errors(new: str, repeated: str, policy: PasswordPolicy) -> list[FieldError]:
    """What is wrong with a new password typed as `new` and again as `repeated`."""
    errors: list[FieldError] = []
    if not new:
        errors.append(field_error("new_password", "required"))
    elif len(new) < policy.min_length:
        errors.append(field_error("new_password", "minLength", limit=policy.min_length))
    elif len(new) > policy.max_length:
        errors.append(field_error("new_password", "maxLength", limit=policy.max_length))
    elif new.strip().lower() in common_passwords():
        errors.append(_error("new_password", "password_common"))
    if not repeated:
        errors.append(field_error("repeat_password", "required"))
    elif new and repeated != new:
        errors.append(_error("repeat_password", "password_mismatch"))
    return errors


def change_password(
    session: Session, person_id: int, current: str, new: str, repeated: str, policy: PasswordPolicy
) -> int:
    """Set the person's new password after checking the current one; returns the session generation
    the asking session now needs (every other session of the person has ended)."""
    person = session.get(Person, person_id)
    if person is None or not person.is_active:
        raise NotFound("no such person", person_id=person_id)
    errors: list[FieldError] = []
    if not current:
        errors.append(field_error("current_password", "required"))
    elif len(current) > policy.max_length or not verify_password(person.password_hash, current):
        errors.append(_error("current_password", "password_wrong"))
    errors.extend(new_password_errors(new, repeated, policy))
    if not errors and person.must_change_password and new == current:
        errors.append(_error("new_password", "password_same"))
    if errors:
        raise ValidationFailed(errors)
    person.password_hash = hash_password(new)
    person.must_change_password = False  # a temporary password has been replaced
    session.flush()
    return end_sessions(session, person_id)
