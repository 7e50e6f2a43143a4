"""What both editors' scripts are given: the document, the edit token, its problems and the URLs of
the check, save and publish requests (the diagram editor adds forms and its vocabulary)."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_wtf.csrf import generate_csrf

from app.i18n import locale_code
from app.wording import problem_view
from workflows.definitions.browser import Editable


def editor_data(key: str, editable: Editable) -> dict[str, Any]:
    return {
        "processKey": key,
        "locale": locale_code(),
        "csrf": generate_csrf(),
        "xml": editable.bpmn_xml,
        "token": str(editable.token),
        "problems": [problem_view(p) for p in editable.problems],
        "urls": {
            "save": url_for("processes.save", key=key),
            "check": url_for("processes.check", key=key),
            "publish": url_for("processes.publish", key=key),
            "process": url_for("processes.show", key=key),
            "compare": url_for("processes.compare", key=key, b="draft"),
        },
    }
