"""Blueprints, and what every page template can use: the header, labels, local dates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, g
from flask_login import current_user

from app import assets, i18n, labels, wording
from app.admin import bp as admin_bp
from app.auth import bp as auth_bp
from app.cases import bp as cases_bp
from app.imports import bp as imports_bp
from app.inbox import bp as inbox_bp
from app.incidents import bp as incidents_bp
from app.monitoring import bp as monitoring_bp
from app.notifications import bp as notifications_bp
from app.planning import bp as planning_bp
from app.processes import bp as processes_bp
from app.records import bp as records_bp
from app.registers import bp as registers_bp
from app.reports import bp as reports_bp
from app.state import clock, db, seats_today
from app.tasks import bp as tasks_bp
from workflows.cases.access import SCOPE_ROLES
from workflows.cases.inbox import count_open
from workflows.language import pick
from workflows.messaging.notices import unread_count
from workflows.org.authority import ADMINISTERING_ROLES

ORGANISATION_READERS = frozenset({"admin", "hr", "department_head", "institute_director"})


@dataclass(frozen=True)
class Header:
    name: str
    roles: list[str]
    open_tasks: int
    unread: int
    process_owner: bool = False
    incidents: bool = False  # process owners and administrators watch the failing cases
    monitoring: bool = False  # HR, the centre, the rector, administrators and heads watch periodicity
    organisation: bool = False  # administrators, HR and heads read the admin area
    registers: bool = False  # HR, the centre, the rector, administrators, directors and heads
    agreements: bool = False  # HR and the legal office keep the training agreements
    policy: bool = False  # HR and administrators edit the policy pages (retention periods)


MONITORING_ROLES = frozenset(
    {"hr", "competence_centre", "rector", "admin", "department_head", "institute_director"}
)


def localized(names: dict[str, str] | None) -> str:
    return pick(names, i18n.locale_code())


def _header() -> dict[str, Any]:
    if not current_user.is_authenticated:
        return {"header": None}
    session = db()
    roles: list[str] = []
    held = seats_today()
    for seat in held:
        text = labels.role_label(seat.role)
        if seat.unit_names:
            text += f", {localized(seat.unit_names)}"
        roles.append(text)
    if not roles:
        roles.append(labels.role_label("employee"))
    open_tasks: int | None = g.get("open_tasks")  # the inbox page counts them with its list
    if open_tasks is None:
        open_tasks = count_open(session, current_user.id, clock(), held)
    return {
        "header": Header(
            current_user.full_name,
            roles,
            open_tasks,
            unread_count(session, current_user.id),
            any(seat.role == "process_owner" for seat in held),
            any(seat.role in {"process_owner", "admin"} for seat in held),
            any(seat.role in MONITORING_ROLES for seat in held),
            any(seat.role in ORGANISATION_READERS for seat in held),
            any(seat.role in SCOPE_ROLES for seat in held),
            any(seat.role in {"hr", "legal"} for seat in held),
            any(seat.role in ADMINISTERING_ROLES for seat in held),
        )
    }


def init_app(app: Flask) -> None:
    blueprints = (
        assets.bp,
        auth_bp,
        inbox_bp,
        tasks_bp,
        cases_bp,
        notifications_bp,
        processes_bp,
        incidents_bp,
        monitoring_bp,
        records_bp,
        imports_bp,
        admin_bp,
        registers_bp,
        planning_bp,
        reports_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.context_processor(_header)
    app.jinja_env.globals.update(
        languages=i18n.LANGUAGES,
        locale_code=i18n.locale_code,
        role_label=labels.role_label,
        status_label=labels.status_label,
        incident_kind_label=labels.incident_kind_label,
        decision_label=labels.decision_label,
        event_label=labels.event_label,
        notice_label=wording.notice_text,
        localized=localized,
    )
    app.jinja_env.filters["day"] = i18n.format_day
    app.jinja_env.filters["moment"] = i18n.format_moment
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
