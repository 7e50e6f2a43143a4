"""The nonconformity journal's pages: the list with filters and exports, and working one entry."""

from __future__ import annotations

from datetime import date
from math import ceil
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from app.errors import on_invalid, refusals_go_to
from app.i18n import format_moment, locale_code
from app.registers import bp
from app.registers.columns import kept_filters, shown
from app.registers.files import FORMATS, export
from app.routing import database_id, page_number
from app.state import clock, db
from app.wording import field_error_text
from workflows.calendar import local_date
from workflows.errors import FieldError
from workflows.language import pick
from workflows.reports.journal import (
    FIELDS,
    JournalEntry,
    JournalFilter,
    close_entry,
    journal,
    journal_entry,
    journal_rows,
    owner_choices,
    reopen_entry,
    work_entry,
)
from workflows.reports.saved import saved_filters

JOURNAL_FILTER_ARGS = ("kind", "unit", "state", "from", "to")
# Where entries come from (issue 13): the diagrams' and the monitoring's codes, named.
KINDS = {
    "report_overdue": _l("Certificate and report not submitted in time"),
    "periodicity_not_met": _l("Periodicity not met"),
    "meeting_overdue": _l("Department meeting not held in time"),
    "plan_slipped": _l("Plan line slipped"),
    "low_effectiveness": _l("Low effectiveness at the meeting"),
    "quarterly_data_late": _l("Quarterly data late"),
    "plan_approved_late": _l("Annual plan approved after its deadline"),
}
COLUMNS = (
    _l("Entry"),
    _l("Recorded"),
    _l("Source"),
    _l("Employee"),
    _l("Unit"),
    _l("Case number"),
    _l("What happened"),
    _l("Analysis at the meeting"),
    _l("Minutes"),
    _l("Corrective action"),
    _l("Action owner"),
    _l("Action due"),
    _l("Re-check"),
    _l("Status"),
)


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def journal_filter(args: MultiDict[str, str], per_page: int) -> JournalFilter:
    return JournalFilter(
        kind=(args.get("kind") or "").strip()[:64] or None,
        unit_id=database_id(args.get("unit") or None),
        is_open={"open": True, "closed": False}.get(args.get("state") or ""),
        date_from=_day(args.get("from")),
        date_to=_day(args.get("to")),
        page=page_number(args.get("page"), per_page),
        per_page=per_page,
    )


def _cells(e: JournalEntry, locale: str) -> list[Any]:
    state = _("Closed") if e.closed_at else _("Open")
    return [
        e.id,
        format_moment(e.recorded_at),
        kind_label(e.kind),
        e.person_name or "",
        pick(e.unit_names, locale),
        e.business_key or "",
        e.note,
        e.analysis or "",
        e.minutes_ref or "",
        e.corrective_action or "",
        e.action_owner or "",
        e.action_due,
        e.recheck_note or "",
        state,
    ]


@bp.get("/journal")
@login_required
def journal_page() -> Response | str:
    session, locale = db(), locale_code()
    flt = journal_filter(request.args, current_app.config["PER_PAGE"])
    headers = [str(c) for c in COLUMNS]
    fmt = request.args.get("format")
    if fmt in FORMATS:
        rows = (_cells(e, locale) for e in journal_rows(session, current_user.id, clock(), flt))
        stem = f"nonconformities-{local_date(clock().now()).isoformat()}"
        return export(fmt, _("Nonconformity journal"), stem, headers, rows)
    page = journal(session, current_user.id, clock(), flt)
    return render_template(
        "registers/journal.html",
        page=page,
        pages=max(ceil(page.total / page.per_page), 1),
        filters=kept_filters(request.args, JOURNAL_FILTER_ARGS),
        entries=[(e, [shown(v) for v in _cells(e, locale)]) for e in page.entries],
        headers=headers,
        kinds=[(k, kind_label(k)) for k in page.kinds],
        units=[(u.id, u.names) for u in page.units],
        saved=saved_filters(session, current_user.id, "journal"),
        flt=flt,
    )


def _entry_page(entry_id: int, errors: list[FieldError] | None = None, typed: dict | None = None) -> str:
    session = db()
    entry, can_write = journal_entry(session, current_user.id, entry_id, clock())
    return render_template(
        "registers/entry.html",
        entry=entry,
        can_write=can_write,
        kind=kind_label(entry.kind),
        owners=owner_choices(session, entry_id) if can_write else [],
        errors={e.field: field_error_text(e) for e in errors or []},
        typed=typed or {},
    )


@bp.get("/journal/<id:entry_id>")
@login_required
def entry(entry_id: int) -> str:
    return _entry_page(entry_id)


@bp.post("/journal/<id:entry_id>/work")
@login_required
def entry_work(entry_id: int) -> BaseResponse:
    typed = {name: request.form[name] for name in FIELDS if name in request.form}
    on_invalid(lambda errors: _entry_page(entry_id, errors, typed))
    work_entry(db(), current_user.id, entry_id, typed, clock())
    flash(_("The journal entry is saved."), "success")
    return redirect(url_for("registers.entry", entry_id=entry_id), 303)


def _close_or_reopen(entry_id: int, close: bool) -> BaseResponse:
    back = url_for("registers.entry", entry_id=entry_id)
    refusals_go_to(back)
    change = close_entry if close else reopen_entry
    change(db(), current_user.id, entry_id, request.form.get("note") or "", clock())
    flash(_("The journal entry is closed.") if close else _("The journal entry is open again."), "success")
    return redirect(back, 303)


@bp.post("/journal/<id:entry_id>/close")
@login_required
def entry_close(entry_id: int) -> BaseResponse:
    return _close_or_reopen(entry_id, close=True)


@bp.post("/journal/<id:entry_id>/reopen")
@login_required
def entry_reopen(entry_id: int) -> BaseResponse:
    return _close_or_reopen(entry_id, close=False)
