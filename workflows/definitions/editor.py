"""What the browser editor needs beside the draft services: checking unsaved work, reading form
texts, the draft as a file, the shipped form library and the definition events of a process.

`drafts.py` owns drafts, publishing and comparing; this module never writes. Same rules as every
service: an explicit session, actor and clock, dataclasses out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.cases.models import Event, EventKind
from workflows.clock import Clock, today
from workflows.definitions import publishing
from workflows.definitions.draft_rows import require_owner
from workflows.definitions.drafts import BpmnExport, draft_problems
from workflows.definitions.expressions import OPERATORS
from workflows.definitions.models import DefinitionKind, ProcessDraft
from workflows.definitions.validation import form_schema_problem
from workflows.errors import DefinitionInvalid, NotFound, Problem, problem
from workflows.forms.checks import CHECKS
from workflows.forms.schema import load_forms
from workflows.json_text import MAX_DEPTH, Unreadable, UnreadableJson, read_json
from workflows.org.models import Person
from workflows.org.roles import KNOWN_ROLES, PROCESS_OWNER
from workflows.org.seats import has_role

# A form key names a file forms/<key>.json and a property value: keep it a plain identifier.
FORM_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
DEFINITION_EVENTS = (
    EventKind.DEFINITION_PUBLISHED,
    EventKind.DEFINITION_REPUBLISHED,
    EventKind.DRAFT_SAVED,
    EventKind.DRAFT_DISCARDED,
    EventKind.DEFINITION_ARCHIVED,
    EventKind.DEFINITION_UNARCHIVED,
)


@dataclass(frozen=True)
class DefinitionEvent:
    at: datetime
    kind: str
    actor: str | None  # None: done by the system (deploying the shipped diagrams)
    comment: str | None
    version: int | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Vocabulary:
    """The values the editor offers in its selects: what the engine and the validator know."""

    roles: list[str]
    checks: list[str]
    operators: list[str]


def is_process_owner(session: Session, person_id: int, clock: Clock) -> bool:
    return has_role(session, person_id, PROCESS_OWNER, today(clock))


def vocabulary() -> Vocabulary:
    return Vocabulary(
        roles=list(KNOWN_ROLES),
        checks=sorted(CHECKS),
        operators=sorted(OPERATORS),
    )


def form_library() -> dict[str, dict[str, Any]]:
    """The shipped forms (forms/*.json): a process owner may take one into a process."""
    return load_forms()


def _form_problem(key: str, text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    if not FORM_KEY.fullmatch(key):
        return None, [problem("form_key", **{"form": key})]
    try:
        schema = read_json(text)
    except UnreadableJson as exc:
        if exc.reason is Unreadable.SYNTAX:
            where = {"line": exc.line, "column": exc.column, "detail": exc.detail}
            return None, [problem("form_json", None, exc.line, **{"form": key, **where})]
        if exc.reason is Unreadable.DEPTH:
            return None, [problem("form_depth", form=key, depth=MAX_DEPTH)]
        return None, [problem("form_number", form=key)]
    if not isinstance(schema, dict):
        return None, [problem("form_not_object", **{"form": key})]
    return schema, []


def read_form(key: str, text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """One form's text as a schema, with what is wrong with it (JSON, then JSON Schema)."""
    schema, problems = _form_problem(key, text)
    if schema is None:
        return None, problems
    problem = form_schema_problem(key, schema)
    if problem is not None:
        problems.append(problem)
    return schema, problems


def _read_texts(texts: Any) -> tuple[dict[str, Any], list[Problem]]:
    if not isinstance(texts, dict):
        return {}, [problem("forms_json")]
    forms: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, text in texts.items():
        schema, found = _form_problem(str(key), text if isinstance(text, str) else "")
        problems.extend(found)
        if schema is not None:
            forms[str(key)] = schema
    return forms, problems


def read_forms(texts: Any) -> dict[str, Any]:
    """The editor's form texts as schemas; DefinitionInvalid when any is not a JSON object.

    Schema mistakes do not refuse: a draft is saved with them and the validator lists them.
    """
    forms, problems = _read_texts(texts)
    if problems:
        raise DefinitionInvalid(problems)
    return forms


def check_draft(
    session: Session,
    process_key: str,
    bpmn_xml: str,
    form_texts: Any,
    actor_id: int,
    clock: Clock,
) -> list[Problem]:
    """What publishing this diagram and these form texts would refuse, without saving anything.

    Form texts that are not even JSON objects are reported first, and alone: the rest is checked
    once they can be read.
    """
    require_owner(session, actor_id, clock)
    forms, problems = _read_texts(form_texts)
    return problems or draft_problems(process_key, bpmn_xml, forms)


def export_draft(session: Session, process_key: str, actor_id: int, clock: Clock) -> BpmnExport:
    """The draft's diagram as stored, for editing in another BPMN tool."""
    require_owner(session, actor_id, clock)
    draft = session.scalars(select(ProcessDraft).where(ProcessDraft.process_key == process_key)).first()
    if draft is None:
        raise NotFound(f"There is no draft of '{process_key}'", process_key=process_key)
    suffix = "dmn" if draft.kind is DefinitionKind.DECISION else "bpmn"
    return BpmnExport(
        filename=f"{process_key}_draft.{suffix}",
        content=draft.bpmn_xml.encode("utf-8"),
        content_hash=publishing.content_hash(draft.bpmn_xml, draft.forms),
    )


def definition_events(
    session: Session, process_key: str, actor_id: int, clock: Clock, limit: int = 15
) -> list[DefinitionEvent]:
    """The latest publications, republications and draft saves of a process, newest first."""
    require_owner(session, actor_id, clock)
    rows = session.execute(
        select(Event, Person.full_name)
        .outerjoin(Person, Person.id == Event.actor_id)
        .where(
            Event.process_key == process_key,
            Event.instance_id.is_(None),
            Event.kind.in_(DEFINITION_EVENTS),
        )
        .order_by(Event.id.desc())
        .limit(limit)
    ).all()
    found: list[DefinitionEvent] = []
    for event, name in rows:
        data = event.data or {}
        version = data.get("version")
        found.append(
            DefinitionEvent(
                at=event.at,
                kind=event.kind,
                actor=name,
                comment=event.comment,
                version=version if isinstance(version, int) else None,
                data=data,
            )
        )
    return found
