"""The roles people hold in org units: one list, used by the lanes of diagrams, seats and labels."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    EMPLOYEE = "employee"  # the applicant: a lane, never a seat
    DEPARTMENT_HEAD = "department_head"
    INSTITUTE_DIRECTOR = "institute_director"
    HR = "hr"
    COMPETENCE_CENTRE = "competence_centre"
    RECTOR = "rector"
    APPARATUS_HEAD = "apparatus_head"  # head of the management apparatus (000 §7.4)
    FINANCE = "finance"
    LEGAL = "legal"
    # The strategic development and international cooperation office: internships abroad (001 §8.1).
    INTERNATIONAL_OFFICE = "international_office"
    PROCESS_OWNER = "process_owner"
    ADMIN = "admin"


KNOWN_ROLES: tuple[str, ...] = tuple(role.value for role in Role)
EMPLOYEE = Role.EMPLOYEE
PROCESS_OWNER = Role.PROCESS_OWNER
# Roles that see every case at their unit and below.
OVERSIGHT_ROLES = frozenset({Role.HR, Role.COMPETENCE_CENTRE, Role.RECTOR, Role.ADMIN})
