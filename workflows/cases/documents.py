"""Uploaded files: checked by content, stored content-addressed outside the engine state.

A file is what its bytes are, not what its name or first bytes claim: the type is guessed from the
leading bytes, then the whole file must read as that type (a PDF that pypdf opens with at least one
page, an image Pillow decodes). It is kept under its own name, cleaned, with that type's extension.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

import filetype
from PIL import Image
from pypdf import PdfReader
from sqlalchemy.orm import Session

from workflows.cases.access import visible_document
from workflows.cases.models import Document
from workflows.clock import Clock
from workflows.errors import FieldError, ValidationFailed, field_error

ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
EXTENSIONS = {"application/pdf": {".pdf"}, "image/jpeg": {".jpg", ".jpeg"}, "image/png": {".png"}}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}  # Pillow's names
MAX_BYTES = 20 * 1024 * 1024
NAME_LENGTH = 200
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,5}$")  # what a name's type suffix looks like (.html, .jpeg)


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


def _reads_as(mime: str, content: bytes) -> bool:
    """Whether the whole file is a document of this type, not only its first bytes."""
    try:
        if mime == "application/pdf":
            return len(PdfReader(BytesIO(content)).pages) > 0
        with Image.open(BytesIO(content), formats=[IMAGE_FORMATS[mime]]) as image:
            width, height = image.size
            if width * height > (Image.MAX_IMAGE_PIXELS or width * height):
                return False  # a decompression bomb: refused before it is decoded
            image.load()
        return True
    except Exception:  # a parser given untrusted bytes can fail in many ways; each means "not readable"
        return False


def sniff(content: bytes) -> str | None:
    """The type of a PDF, JPEG or PNG file by its content, or None for anything else."""
    kind = filetype.guess(content)
    mime = kind.mime if kind is not None and kind.mime in ALLOWED_TYPES else None
    return mime if mime is not None and _reads_as(mime, content) else None


def _checked(field: str, content: bytes, max_bytes: int) -> tuple[str | None, list[FieldError]]:
    if not content:
        return None, [field_error(field, "file_empty")]
    if len(content) > max_bytes:
        return None, [field_error(field, "file_too_large", "", max_mb=max_bytes // (1024 * 1024))]
    mime = sniff(content)
    return mime, [] if mime is not None else [field_error(field, "file_type")]


def file_errors(field: str, content: bytes, max_bytes: int = MAX_BYTES) -> list[FieldError]:
    """Why a file cannot be accepted for `field`: empty, too large, or not a readable PDF, JPEG or PNG."""
    return _checked(field, content, max_bytes)[1]


def stored_name(filename: str, mime: str) -> str:
    """The name a file is kept under: the sender's name without folders, control or invisible
    formatting characters (letters of any script stay as typed), ending in the extension of what
    the file is (report.html that is a PNG becomes report.png)."""
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C")).strip()
    suffix = _SUFFIX.search(name)
    kept = suffix is not None and suffix.group().lower() in EXTENSIONS[mime]
    extension = suffix.group() if suffix is not None and kept else ALLOWED_TYPES[mime]
    stem = (name[: suffix.start()] if suffix is not None else name).strip(" .")
    return f"{stem[: NAME_LENGTH - len(extension)] or 'document'}{extension}"


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
    mime, errors = _checked(field, content, max_bytes)
    if errors or mime is None:
        raise ValidationFailed(errors)
    digest = store.put(content)
    doc = Document(
        id=uuid.uuid4().hex,
        sha256=digest,
        filename=stored_name(filename, mime),
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
