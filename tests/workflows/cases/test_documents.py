"""Uploads are what they claim: the whole file must read as a PDF, JPEG or PNG, and it is kept under
its own cleaned name with the extension of what it is. A refused upload stores nothing."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import Demo
from tests.workflows.flow import PDF
from workflows.cases.documents import FileStore, store_upload, stored_name
from workflows.cases.models import Document
from workflows.clock import FrozenClock
from workflows.errors import ValidationFailed


def image(kind: str, size: tuple[int, int] = (8, 8)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def no_pages() -> bytes:
    out = BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


PNG, JPEG = image("PNG"), image("JPEG")

# Files that only look like what they claim to be: (what it is, content)
PRETENDERS = [
    ("an HTML page that starts with %PDF", b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>"),
    ("the first half of a PDF", PDF[: len(PDF) // 2]),
    ("a PDF without a page", no_pages()),
    ("a PNG signature and nothing else", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ("a PNG cut short", PNG[: len(PNG) // 2]),
    ("a JPEG cut short", JPEG[:40]),
    ("a JPEG signature before HTML", b"\xff\xd8\xff\xe0<html></html>"),
]


def _documents(session: Session) -> int:
    return session.scalar(select(func.count(Document.id))) or 0


def _files(store: FileStore) -> list[Path]:
    return [p for p in store.root.rglob("*") if p.is_file()] if store.root.exists() else []


@pytest.mark.parametrize(("_what", "content"), PRETENDERS, ids=[p[0] for p in PRETENDERS])
def test_a_file_that_only_looks_like_a_document_is_refused_and_nothing_is_stored(
    _what: str, content: bytes, db: Session, store: FileStore, demo: Demo, clock: FrozenClock
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        store_upload(db, store, "certificate", "certificate.pdf", content, demo["teacher"], clock)
    assert [e.code for e in refused.value.errors] == ["file_type"]
    assert _documents(db) == 0
    assert _files(store) == []


def test_an_image_too_large_to_decode_is_refused_before_decoding(
    db: Session, store: FileStore, demo: Demo, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = image("PNG", (64, 64))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # as if 64x64 were a billion pixels
    with pytest.raises(ValidationFailed):
        store_upload(db, store, "certificate", "scan.png", bomb, demo["teacher"], clock)
    assert _files(store) == []


NAMES = [
    (PDF, "сертификат.pdf", "сертификат.pdf", "application/pdf"),
    (PNG, "report.html", "report.png", "image/png"),
    (JPEG, "фото.JPEG", "фото.JPEG", "image/jpeg"),
    (JPEG, "scan.png", "scan.jpg", "image/jpeg"),
    (PDF, "C:\\Users\\Айгүл\\Есеп. Қорытынды", "Есеп. Қорытынды.pdf", "application/pdf"),
    (PDF, "../../etc/passwd", "passwd.pdf", "application/pdf"),
    (PNG, "a\x00b\u202egnp.exe", "abgnp.png", "image/png"),  # NUL and a right-to-left override
    (PNG, "  .hidden. ", "hidden.png", "image/png"),
    (PDF, "", "document.pdf", "application/pdf"),
    (PDF, "я" * 400 + ".pdf", "я" * 196 + ".pdf", "application/pdf"),
]


@pytest.mark.parametrize(
    ("content", "sent_as", "kept_as", "mime"), NAMES, ids=[repr(n[1])[:40] for n in NAMES]
)
def test_a_document_is_kept_under_its_cleaned_name_with_the_extension_of_what_it_is(
    content: bytes,
    sent_as: str,
    kept_as: str,
    mime: str,
    db: Session,
    store: FileStore,
    demo: Demo,
    clock: FrozenClock,
) -> None:
    doc = store_upload(db, store, "certificate", sent_as, content, demo["teacher"], clock)
    assert (doc.filename, doc.content_type) == (kept_as, mime)
    assert store.get(doc.sha256) == content


def test_the_name_rules_leave_letters_of_any_script_alone() -> None:
    assert (
        stored_name("Біліктілік — сертификат №5.pdf", "application/pdf") == "Біліктілік — сертификат №5.pdf"
    )
    assert (
        stored_name("e\u0301te\u0301.png", "image/png") == "été.png"
    )  # composed, as typed on most keyboards
