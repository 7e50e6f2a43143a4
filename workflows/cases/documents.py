"""Uploaded files: checked by content, stored content-addressed outside the engine state."""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import filetype
from sqlalchemy.orm import Session

from workflows.cases.access import visible_document
from workflows.cases.models import Document
from workflows.clock import Clock
from workflows.errors import FieldError, ValidationFailed, field_error

ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class FileStore:
    """Bytes under root/ab/cdef...; the same content is stored once."""

    root: Path

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:]

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        target = self.path(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(f".{uuid.uuid4().hex}.part")
            partial.write_bytes(content)
            os.replace(partial, target)  # never a half-written file under the final name
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()


def sniff(content: bytes) -> str | None:
    kind = filetype.guess(content)
    return kind.mime if kind is not None and kind.mime in ALLOWED_TYPES else None


def file_errors(field: str, content: bytes, max_bytes: int = MAX_BYTES) -> list[FieldError]:
    """Why a file cannot be accepted for `field`: empty, too large, or not a PDF, JPEG or PNG."""
    if not content:
        return [field_error(field, "file_empty")]
    if len(content) > max_bytes:
        return [field_error(field, "file_too_large", "", max_mb=max_bytes // (1024 * 1024))]
    if sniff(content) is None:
        return [field_error(field, "file_type")]
    return []


def store_upload(
    session: Session,
    store: FileStore,
    field: str,
    filename: str,
    content: bytes,
    actor_id: int,
    clock: Clock,
    max_bytes: int = MAX_BYTES,
) -> Document:
    """Accept PDF, JPEG or PNG by what the bytes are, not the name; refuse anything else, storing nothing."""
    errors = file_errors(field, content, max_bytes)
    if errors:
        raise ValidationFailed(errors)
    mime = sniff(content)
    assert mime is not None  # file_errors refused anything else
    digest = store.put(content)
    safe_name = Path(filename.replace("\\", "/")).name[:200] or f"document{ALLOWED_TYPES[mime]}"
    doc = Document(
        id=uuid.uuid4().hex,
        sha256=digest,
        filename=safe_name,
        content_type=mime,
        size=len(content),
        uploaded_by_id=actor_id,
        uploaded_at=clock.now(),
    )
    session.add(doc)
    session.flush()
    return doc


@dataclass(frozen=True)
class DocumentFile:
    filename: str
    content_type: str
    content: bytes


def document_file(
    session: Session, store: FileStore, person_id: int, document_id: str, on: date
) -> DocumentFile:
    """The bytes of a document the person may see (NotFound otherwise, whether or not it exists)."""
    doc = visible_document(session, person_id, document_id, on)
    return DocumentFile(doc.filename, doc.content_type, store.get(doc.sha256))
