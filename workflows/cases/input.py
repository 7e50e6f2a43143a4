"""What a submission must pass before a step runs: the form's schema and named checks, and the
documents it names (the actor's own uploads, or files already on the case)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from workflows.cases.models import Document, HumanTask, ProcessInstance, TaskStatus
from workflows.definitions.versions import LoadedVersion
from workflows.errors import FieldError, ValidationFailed, field_error
from workflows.forms.checks import CheckContext, parse_checks, validate_submission
from workflows.forms.schema import document_fields


@dataclass(frozen=True)
class CaseRef:
    id: int
    business_key: str
    status: str
    open_tasks: list[int]


def validate_step_data(
    version: LoadedVersion, element_id: str, data: dict[str, Any], today: date, case: dict[str, Any]
) -> dict[str, Any]:
    """The form's schema and the step's named checks, against the case's data so far (`case`, with
    the policy the case started with; empty when applying, then the version's own policy counts)."""
    element = version.definition.info.elements[element_id]
    schema = version.forms[element.properties["form"]]
    policy = case.get("policy") if case else version.definition.info.policy()
    ctx = CheckContext(today=today, policy=policy or {}, case=case)
    errors = validate_submission(schema, parse_checks(element.properties.get("checks")), data, ctx)
    if errors:
        raise ValidationFailed(errors)
    return schema


def attach_documents(
    session: Session, schema: dict[str, Any], data: dict[str, Any], actor_id: int, instance_id: int | None
) -> list[Document]:
    """Documents named in a submission must exist and be the actor's own upload or already on this case."""
    found: list[Document] = []
    errors: list[FieldError] = []
    for name in document_fields(schema):
        doc_id = data.get(name)
        if not doc_id:
            continue
        doc = session.get(Document, doc_id)
        allowed = doc is not None and (
            doc.instance_id == instance_id if doc.instance_id is not None else doc.uploaded_by_id == actor_id
        )
        if not allowed:
            errors.append(field_error(name, "document"))
        else:
            found.append(doc)  # type: ignore[arg-type]
    if errors:
        raise ValidationFailed(errors)
    return found


def attach_to_case(
    session: Session, schema: dict[str, Any], data: dict[str, Any], actor_id: int, instance_id: int
) -> None:
    """As `attach_documents` checks them, the documents a step's submission names go onto its case,
    checked and attached by one statement (none when the form names no document)."""
    named = {name: data[name] for name in document_fields(schema) if data.get(name)}
    if not named:
        return
    attached = set(
        session.scalars(
            update(Document)
            .where(
                Document.id.in_(sorted(set(named.values()))),
                or_(
                    Document.instance_id == instance_id,
                    and_(Document.instance_id.is_(None), Document.uploaded_by_id == actor_id),
                ),
            )
            .values(instance_id=instance_id)
            .returning(Document.id)
            .execution_options(synchronize_session=False)
        )
    )
    errors = [field_error(name, "document") for name, doc_id in named.items() if doc_id not in attached]
    if errors:
        raise ValidationFailed(errors)


def case_ref(session: Session, instance: ProcessInstance) -> CaseRef:
    open_ids = session.scalars(
        select(HumanTask.id)
        .where(HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.OPEN)
        .order_by(HumanTask.id)
    ).all()
    return CaseRef(instance.id, instance.business_key, instance.status, list(open_ids))
