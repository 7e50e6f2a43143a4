"""An email's bytes are those the standard library's compat32 writing gives, whichever headers."""

from __future__ import annotations

from email import message_from_bytes
from email.header import decode_header, make_header
from email.mime.text import MIMEText
from email.policy import compat32

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.messaging.email import _WRITING, Mail

ASCII_HEADER = st.text(alphabet=st.sampled_from(list(" \t;,=<>@\"'()abcXYZ019.-_")), max_size=100)


@settings(max_examples=300, deadline=None)
@given(value=ASCII_HEADER, linesep=st.sampled_from(["\n", "\r\n"]))
def test_a_header_is_written_as_compat32_writes_it(value: str, linesep: str) -> None:
    message = MIMEText("Мәтін", "plain", "utf-8")
    message["To"] = value
    message["Message-ID"] = value
    expected = message.as_bytes(policy=compat32.clone(linesep=linesep))
    assert message.as_bytes(policy=_WRITING[linesep]) == expected


def test_a_whole_email_is_written_as_compat32_writes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    mail = Mail(
        "Біліктілік <noreply@demo.biliktilik.kz>",
        "a.very.long.address.of.a.department.head.who.has.one@faculty-of-pedagogy.demo.biliktilik.kz",
        "Жаңа тапсырма: Кафедра меңгерушісінің келісімі, өтінім 2026-0001",
        "<job-17@demo.biliktilik.kz>",
        "Құрметті Айгүл,\n\nЖаңа тапсырма.\n",
    )
    written = mail.as_bytes("\r\n")
    parsed = message_from_bytes(written)
    assert str(make_header(decode_header(parsed["Subject"]))) == mail.subject
    assert parsed["To"].replace("\r\n", "").strip() == mail.to  # too long for a line: folded
    payload = parsed.get_payload(decode=True)
    assert isinstance(payload, bytes) and payload.decode("utf-8") == mail.body
    # The same bytes as the library's own compat32 writes.
    monkeypatch.setitem(_WRITING, "\r\n", compat32.clone(linesep="\r\n"))
    assert mail.as_bytes("\r\n") == written
