"""Every message the app and the emails show has a Kazakh and a Russian translation, with the same
placeholders."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import ROOT
from workflows.language import CATALOGUES

# N_ marks the texts of workflows.wording: they are said in the app and in emails.
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _messages() -> set[str]:
    method_map = [
        ("app/**.py", "python"),
        ("workflows/**.py", "python"),
        ("app/**/templates/**.html", "jinja2"),
    ]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS, options_map={"app/**/templates/**.html": {}}
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("locale", ["kk", "ru"])
def test_every_message_is_translated(locale: str) -> None:
    with (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale=locale)
    translated = {m.id: m.string for m in catalog if m.id and m.string}
    missing = sorted(m for m in _messages() if m not in translated)
    assert missing == []
    wrong = [
        msgid
        for msgid, text in translated.items()
        if sorted(PLACEHOLDER.findall(str(msgid))) != sorted(PLACEHOLDER.findall(str(text)))
    ]
    assert wrong == []
