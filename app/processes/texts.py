"""What the process pages say in the owner's language: diagram problems by code, element kinds,
compared fields and definition events. Unknown codes fall back to the service's English text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.labels import role_label
from workflows.errors import Problem

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
}

EXPRESSION_KINDS = {
    "condition": _l("Condition"),
    "script": _l("Script"),
    "parameter": _l("Service parameter"),
    "due": _l("Due date"),
    "timeDate": _l("Timer (date)"),
    "timeDuration": _l("Timer (duration)"),
    "timeCycle": _l("Timer (cycle)"),
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


def _detail(problem: Problem) -> str:
    """The technical part of an English message (after the first colon), for codes that carry one."""
    detail = problem.params.get("detail")
    if isinstance(detail, str) and detail:
        return detail
    return problem.message.split(": ", 1)[1] if ": " in problem.message else problem.message


def _expression(p: Problem) -> str:
    what = EXPRESSION_KINDS.get(str(p.params.get("kind")), _l("Expression"))
    return _("%(what)s: %(detail)s", what=str(what), detail=_detail(p))


def _encoding(p: Problem) -> str:
    if "encoding" in p.params:
        return _(
            "The file declares the encoding %(encoding)s; save it as UTF-8.", encoding=p.params["encoding"]
        )
    return _("The file is not UTF-8 text; save it as UTF-8.")


def _role(p: Problem) -> str:
    return _("The lane names an unknown role “%(role)s”.", role=p.params.get("role", ""))


PROBLEMS: dict[str, Callable[[Problem], str]] = {
    "xml_syntax": lambda p: _("The file is not well-formed XML: %(detail)s", detail=_detail(p)),
    "too_large": lambda p: _("The diagram is larger than %(kib)s KiB.", kib=p.params.get("kib", "")),
    "encoding": _encoding,
    "doctype": lambda p: _(
        "The file declares a DOCTYPE (a DTD or entities), which diagrams may not contain."
    ),
    "not_bpmn": lambda p: _(
        "This is not a BPMN 2.0 diagram (the root element is <%(element)s>).",
        element=p.params.get("element", ""),
    ),
    "process_count": lambda p: _(
        "The file must hold exactly one executable process (found %(found)s).",
        found=p.params.get("found", ""),
    ),
    "process_key": lambda p: _(
        "The diagram's process id is “%(found)s”; it must stay “%(expected)s”.",
        found=p.params.get("found", ""),
        expected=p.params.get("expected", ""),
    ),
    "property_incomplete": lambda p: _("A property needs both a name and a value."),
    "no_start": lambda p: _("The process has no start event."),
    "duplicate_id": lambda p: _("The id is used by %(count)s elements.", count=p.params.get("count", "")),
    "id_is_operator": lambda p: _(
        "The id is also the name of a service operator (%(operator)s): rename it.",
        operator=p.params.get("operator", ""),
    ),
    "dangling_flow": lambda p: _(
        "The flow connects “%(missing)s”, which is not in the process.", missing=p.params.get("missing", "")
    ),
    "no_condition": lambda p: _("The flow leaves a gateway without a condition and is not its default flow."),
    "engine": lambda p: _("The workflow engine refused the diagram: %(detail)s", detail=p.message),
    "unknown_role": _role,
    "no_lane": lambda p: _("The user task is in no lane, so nobody gets it."),
    "no_form": lambda p: _("The user task names no form."),
    "missing_form": lambda p: _(
        "The form “%(form)s” does not exist in this process.", form=p.params.get("form", "")
    ),
    "unknown_check": lambda p: _("Unknown check “%(check)s”.", check=p.params.get("check", "")),
    "no_start_form": lambda p: _("The start event names no application form."),
    "unreachable": lambda p: _("The element cannot be reached from the start."),
    "form_schema": lambda p: _(
        "Form “%(form)s” is not a valid JSON Schema: %(detail)s",
        form=p.params.get("form", ""),
        detail=_detail(p),
    ),
    "form_json": lambda p: _(
        "Form “%(form)s” is not valid JSON (line %(line)s, column %(column)s): %(detail)s",
        form=p.params.get("form", ""),
        line=p.params.get("line", ""),
        column=p.params.get("column", ""),
        detail=p.params.get("detail", ""),
    ),
    "form_not_object": lambda p: _("Form “%(form)s” must be a JSON object.", form=p.params.get("form", "")),
    "form_key": lambda p: _(
        "“%(form)s” cannot be a form key: use small Latin letters, digits and _.",
        form=p.params.get("form", ""),
    ),
    "forms_json": lambda p: _("The forms are not JSON data."),
    "expression": _expression,
    "timer_empty": lambda p: _("The timer has no expression."),
    "timer_unquoted": lambda p: _('Write the value in quotes: "%(value)s".', value=p.params.get("value", "")),
    "timer_value": lambda p: _(
        "“%(value)s” is not a valid value for this timer.", value=p.params.get("value", "")
    ),
    "timer_not_text": lambda p: _("The timer gives a number, not a date-time or duration text."),
    "unknown_operator": lambda p: _(
        "Unknown service operator “%(operator)s”.", operator=p.params.get("operator", "")
    ),
}


def problem_text(problem: Problem) -> str:
    render = PROBLEMS.get(problem.code)
    if render is None:
        return problem.message
    try:
        return render(problem)
    except (KeyError, TypeError, ValueError):
        return problem.message


def problem_view(problem: Problem) -> dict[str, Any]:
    """A problem as the pages and the editor show it: translated, with the element it belongs to."""
    return {
        "code": problem.code,
        "element_id": problem.element_id,
        "line": problem.line,
        "text": problem_text(problem),
        "form": problem.params.get("form"),
    }


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
        return _("Draft saved")
    if kind == "draft_discarded":
        if data.get("reason") == "same_as_live":
            return _("Draft removed: it was the same as the live version")
        return _("Draft discarded")
    return kind


def role_options(roles: list[str]) -> list[dict[str, str]]:
    return [{"value": role, "label": role_label(role)} for role in roles]
