"""What the process pages say in the owner's language: element kinds, compared fields and definition
events (diagram problems are said by `app.wording`)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.labels import role_label

KINDS = {
    "process": _l("Process"),
    "collaboration": _l("Process"),
    "participant": _l("Pool"),
    "lane": _l("Lane"),
    "startEvent": _l("Start event"),
    "endEvent": _l("End event"),
    "intermediateCatchEvent": _l("Intermediate event"),
    "intermediateThrowEvent": _l("Intermediate event"),
    "boundaryEvent": _l("Boundary event"),
    "userTask": _l("User task"),
    "serviceTask": _l("Service task"),
    "scriptTask": _l("Script task"),
    "manualTask": _l("Manual task"),
    "task": _l("Task"),
    "exclusiveGateway": _l("Exclusive gateway"),
    "parallelGateway": _l("Parallel gateway"),
    "inclusiveGateway": _l("Inclusive gateway"),
    "eventBasedGateway": _l("Event-based gateway"),
    "sequenceFlow": _l("Sequence flow"),
    "subProcess": _l("Subprocess"),
    "callActivity": _l("Call activity"),
    "rule": _l("Rule"),
    "input": _l("Input"),
    "output": _l("Output"),
}

FIELDS = {
    "kind": _l("Kind"),
    "name": _l("Name"),
    "role": _l("Role"),
    "condition": _l("Condition"),
    "timer": _l("Timer"),
    "script": _l("Script"),
    "pre_script": _l("Script before"),
    "post_script": _l("Script after"),
    "operator": _l("Service operator"),
    "result_variable": _l("Result variable"),
    "source": _l("From"),
    "target": _l("To"),
    "default": _l("Default flow"),
    "attached_to": _l("Attached to"),
    "cancel_activity": _l("Interrupts the task"),
    "property.form": _l("Form"),
    "property.due": _l("Due date"),
    "property.checks": _l("Checks"),
    "property.outcome": _l("Outcome"),
    "property.role": _l("Role"),
    "number": _l("Number"),
    "description": _l("Description"),
    "label": _l("Label"),
    "expression": _l("Expression"),
    "type": _l("Type"),
}


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def field_label(name: str) -> str:
    if name in FIELDS:
        return str(FIELDS[name])
    if name.startswith("property."):
        return _("Property %(name)s", name=name.removeprefix("property."))
    if name.startswith("parameter."):
        return _("Parameter %(name)s", name=name.removeprefix("parameter."))
    return name


def event_text(kind: str, data: dict[str, Any]) -> str:
    version = data.get("version", "")
    if kind == "definition_published":
        return _("Version %(version)s published", version=version)
    if kind == "definition_republished":
        return _(
            "Version %(from)s published again as version %(version)s",
            version=version,
            **{"from": data.get("from_version", "")},
        )
    if kind == "draft_saved":
        if data.get("imported"):
            return _("A .bpmn file was uploaded into the draft")
        if data.get("copied_from"):
            return _("Copied from %(source)s", source=data["copied_from"])
        return _("Draft saved")
    if kind == "draft_discarded":
        if data.get("reason") == "same_as_live":
            return _("Draft removed: it was the same as the live version")
        return _("Draft discarded")
    if kind == "definition_archived":
        return _("Archived: no new cases")
    if kind == "definition_unarchived":
        return _("Taken out of the archive: new cases can start")
    return kind


def role_options(roles: list[str]) -> list[dict[str, str]]:
    return [{"value": role, "label": role_label(role)} for role in roles]
