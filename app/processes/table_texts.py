"""The texts dmn-js shows in the decision table editor (context menus, popups, the hit policy), for
its translate module: dmn-js speaks English, and the catalogues say these in Kazakh and Russian."""

from __future__ import annotations

from flask_babel import gettext

from workflows.wording import N_

TABLE_TEXTS = (
    N_("Add input"),
    N_("Add output"),
    N_("Add rule"),
    N_("Add rule above"),
    N_("Add rule below"),
    N_("Add input column left"),
    N_("Add input column right"),
    N_("Add output column left"),
    N_("Add output column right"),
    N_("Add cell description"),
    N_("Remove cell description"),
    N_("Remove rule"),
    N_("Remove input column"),
    N_("Remove output column"),
    N_("Copy rule"),
    N_("Cut rule"),
    N_("Paste rule above"),
    N_("Paste rule below"),
    N_("Move rule"),
    N_("Annotation"),
    N_("Annotations"),
    N_("Decision name"),
    N_("Hit policy"),
    N_("Hit policy:"),
    N_("Input"),
    N_("Output"),
    N_("Input label"),
    N_("Input expression"),
    N_("Input type"),
    N_("Input values"),
    N_("Output label"),
    N_("Output name"),
    N_("Output type"),
    N_("Output values"),
    N_("Expression"),
    N_("Expression language"),
    N_("Type"),
    N_("Value"),
    N_("Values"),
    N_("When"),
    N_("Then"),
    N_("And"),
    N_("Yes"),
    N_("No"),
    N_("Edit"),
    N_("View DRD"),
)


def table_texts() -> dict[str, str]:
    """dmn-js's English texts and their translation in the reader's language."""
    return {text: gettext(text) for text in TABLE_TEXTS}
