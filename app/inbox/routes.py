"""What I can act on now: filtered, searched, a page at a time."""

from __future__ import annotations

from math import ceil

from flask import current_app, g, render_template, request
from flask_login import current_user, login_required

from app.i18n import locale_code
from app.inbox import bp
from app.labels import DUE_STATES
from app.routing import page_number
from app.state import clock, db, seats_today
from workflows.cases.inbox import InboxFilter, inbox
from workflows.definitions.catalog import published_processes


@bp.get("/")
@login_required
def index() -> str:
    args = request.args
    due = args.get("due") if args.get("due") in DUE_STATES else None
    flt = InboxFilter(
        process_key=args.get("process") or None,
        element_id=args.get("step") or None,
        due=due,
        search=(args.get("q") or "").strip()[:100] or None,
        page=page_number(args.get("page"), current_app.config["PER_PAGE"]),
        per_page=current_app.config["PER_PAGE"],
    )
    session = db()
    page = inbox(session, current_user.id, clock(), flt, seats_today())
    g.open_tasks = page.open_count  # the header's badge, read with the page
    locale = locale_code()
    processes = {p.process_key: p for p in published_processes(session)}
    steps: dict[str, str] = {}
    for process in processes.values():
        if flt.process_key in (None, process.process_key):
            steps.update({s.element_id: s.name(locale) for s in process.steps.values()})

    def step_name(process_key: str, element_id: str, fallback: str) -> str:
        process = processes.get(process_key)
        step = process.steps.get(element_id) if process else None
        return step.name(locale) if step else fallback

    def process_title(process_key: str) -> str:
        process = processes.get(process_key)
        return process.title(locale) if process else process_key

    filters = {
        k: v
        for k, v in {"process": flt.process_key, "step": flt.element_id, "due": due, "q": flt.search}.items()
        if v
    }
    return render_template(
        "inbox/index.html",
        page=page,
        pages=max(ceil(page.total / page.per_page), 1),
        filters=filters,
        processes=[(key, p.title(locale)) for key, p in processes.items()],
        steps=sorted(steps.items(), key=lambda item: item[1]),
        due_states=DUE_STATES,
        step_name=step_name,
        process_title=process_title,
        today=clock().now(),
    )
