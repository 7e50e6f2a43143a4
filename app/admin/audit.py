"""The audit log: who changed the organisation's data, and when."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from app.admin import bp
from app.admin.forms import FormReader
from app.routing import database_id, page_number
from app.state import clock, db
from workflows.calendar import local_date
from workflows.org.audit_log import SUBJECTS, AuditQuery, audit_log

PER_PAGE = 50


@bp.get("/admin/audit")
@login_required
def audit() -> str:
    args = request.args
    reader = FormReader(args)
    query = AuditQuery(
        subject=args.get("subject") if args.get("subject") in SUBJECTS else None,
        subject_id=database_id(args.get("subject_id")),
        actor=(args.get("actor") or "").strip()[:100],
        since=reader.day("since"),
        until=reader.day("until"),
        page=page_number(args.get("page"), PER_PAGE),
        per_page=PER_PAGE,
    )
    page = audit_log(db(), current_user.id, query, local_date(clock().now()))
    filters = {
        k: v
        for k, v in {
            "subject": query.subject,
            "subject_id": query.subject_id,
            "actor": query.actor,
            "since": query.since and query.since.isoformat(),
            "until": query.until and query.until.isoformat(),
        }.items()
        if v
    }
    return render_template(
        "admin/audit.html",
        page=page,
        query=query,
        subjects=SUBJECTS,
        filters=filters,
        bad_dates=reader.errors,
    )
