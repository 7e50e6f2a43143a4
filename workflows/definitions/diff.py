"""Reading diagrams as a process owner compares them: element snapshots, differences, foreign markup.

Pure functions over BPMN text (no database): the draft and version services call them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from workflows.definitions.reading import owner_of, process_node, read_document
from workflows.engine.definition import BPMN_NS, NS, SPIFF_NS, read_info
from workflows.errors import DefinitionInvalid

# Namespaces the product reads or that every BPMN file carries; anything else is a foreign extension.
ENGINE_NAMESPACES = frozenset(
    {
        BPMN_NS,
        SPIFF_NS,
        "http://www.omg.org/spec/BPMN/20100524/DI",
        "http://www.omg.org/spec/DD/20100524/DC",
        "http://www.omg.org/spec/DD/20100524/DI",
        "http://www.w3.org/2001/XMLSchema-instance",
        "http://www.w3.org/XML/1998/namespace",
        # Decision tables: DMN 1.1-1.3 and their diagram interchange.
        "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
        "http://www.omg.org/spec/DMN/20180521/MODEL/",
        "https://www.omg.org/spec/DMN/20191111/MODEL/",
        "http://www.omg.org/spec/DMN/20180521/DMNDI/",
        "https://www.omg.org/spec/DMN/20191111/DMNDI/",
        "http://www.omg.org/spec/DMN/20180521/DC/",
        "http://www.omg.org/spec/DMN/20180521/DI/",
    }
)
KNOWN_TOOLS = {
    "http://camunda.org/schema/1.0/bpmn": "Camunda 7",
    "http://camunda.org/schema/zeebe/1.0": "Camunda 8 (Zeebe)",
    "http://camunda.org/schema/modeler/1.0": "Camunda Modeler",
    "http://bpmn.io/schema/bpmn/biocolor/1.0": "bpmn-js colours",
    "http://bpmn.io/schema/dmn/biodi/2.0": "dmn-js layout",
    "http://www.omg.org/spec/BPMN/non-normative/color/1.0": "BPMN colours",
    "http://activiti.org/bpmn": "Activiti",
    "http://flowable.org/bpmn": "Flowable",
}


@dataclass(frozen=True)
class ForeignExtension:
    """Markup of another tool's namespace: kept byte for byte, ignored by the engine."""

    namespace: str
    prefix: str | None
    tool: str | None  # a readable name when the namespace is a well-known one
    elements: list[str]  # qualified names, e.g. camunda:properties
    attributes: list[str]  # qualified names, e.g. camunda:formKey
    element_ids: list[str]  # the BPMN elements carrying them, in document order


@dataclass(frozen=True)
class FieldChange:
    field: str  # kind, name, role, condition, timer, script, property.<name>, parameter.<id>, ...
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ElementDiff:
    element_id: str
    kind: str
    name: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True)
class Comparison:
    process_key: str
    a: str  # "3" or "draft"
    b: str
    added: list[ElementDiff]
    removed: list[ElementDiff]
    changed: list[ElementDiff]
    forms_added: list[str]
    forms_removed: list[str]
    forms_changed: list[str]

    @property
    def identical(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.forms_added
            or self.forms_removed
            or self.forms_changed
        )


def _text(node: etree._Element | None) -> str | None:
    if node is None:
        return None
    return (node.text or "").strip()


def _snapshot(bpmn_xml: str) -> dict[str, ElementDiff]:
    """Every element of the process with the fields a process owner changes, as texts."""
    root = read_document(bpmn_xml)
    info = read_info(root)
    process = process_node(root)
    # BPMN elements only: extension elements have ids of their own (an operator's id is its name).
    nodes = {
        n.get("id"): n
        for n in process.iter()
        if isinstance(n.tag, str) and n.tag.startswith("{" + BPMN_NS) and n.get("id")
    }
    found: dict[str, ElementDiff] = {}
    for element in info.elements.values():
        if element.kind.endswith("EventDefinition"):
            continue  # folded into its event's "timer" field
        node = nodes[element.id]
        fields: dict[str, str | None] = {"kind": element.kind, "name": element.name, "role": element.role}
        fields.update({f"property.{k}": v for k, v in element.properties.items()})
        fields["condition"] = _text(node.find("bpmn:conditionExpression", NS))
        for attribute, label in (
            ("sourceRef", "source"),
            ("targetRef", "target"),
            ("default", "default"),
            ("attachedToRef", "attached_to"),
            ("cancelActivity", "cancel_activity"),
        ):
            fields[label] = node.get(attribute)
        timers = [
            t
            for t in node.xpath("./bpmn:timerEventDefinition/*", namespaces=NS)
            if etree.QName(t).localname in {"timeDate", "timeDuration", "timeCycle"}
        ]
        fields["timer"] = "; ".join(f"{etree.QName(t).localname}: {_text(t)}" for t in timers) or None
        fields["script"] = _text(node.find("bpmn:script", NS))
        fields["pre_script"] = _text(node.find("bpmn:extensionElements/spiffworkflow:preScript", NS))
        fields["post_script"] = _text(node.find("bpmn:extensionElements/spiffworkflow:postScript", NS))
        operator = node.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS)
        if operator is not None:
            fields["operator"] = operator.get("id")
            fields["result_variable"] = operator.get("resultVariable")
            for parameter in operator.xpath(".//spiffworkflow:parameter", namespaces=NS):
                fields[f"parameter.{parameter.get('id')}"] = parameter.get("value")
        changes = [FieldChange(k, None, v) for k, v in sorted(fields.items()) if v is not None]
        found[element.id] = ElementDiff(element.id, element.kind, element.name, changes)
    for lane in process.xpath(".//bpmn:lane", namespaces=NS):
        lane_id = lane.get("id")
        name = (lane.get("name") or lane_id).strip()
        fields = {"kind": "lane", "name": name, "role": info.lanes.get(lane_id)}
        changes = [FieldChange(k, None, v) for k, v in sorted(fields.items()) if v is not None]
        found[lane_id] = ElementDiff(lane_id, "lane", name, changes)
    return found


def diff_definitions(
    xml_a: str, forms_a: dict[str, Any], xml_b: str, forms_b: dict[str, Any]
) -> tuple[list[ElementDiff], list[ElementDiff], list[ElementDiff], list[str], list[str], list[str]]:
    """Added, removed and changed elements, then forms added, removed and changed, from a to b."""
    before, after = _snapshot(xml_a), _snapshot(xml_b)
    changed = []
    for element_id in sorted(set(before) & set(after)):
        old = {c.field: c.after for c in before[element_id].changes}
        new = {c.field: c.after for c in after[element_id].changes}
        diffs = [
            FieldChange(k, old.get(k), new.get(k))
            for k in sorted(set(old) | set(new))
            if old.get(k) != new.get(k)
        ]
        if diffs:
            element = after[element_id]
            changed.append(ElementDiff(element_id, element.kind, element.name, diffs))
    removed = [
        ElementDiff(e.element_id, e.kind, e.name, [FieldChange(c.field, c.after, None) for c in e.changes])
        for key, e in sorted(before.items())
        if key not in after
    ]
    added = [e for key, e in sorted(after.items()) if key not in before]

    def same(key: str) -> bool:
        return json.dumps(forms_a[key], sort_keys=True) == json.dumps(forms_b[key], sort_keys=True)

    return (
        added,
        removed,
        changed,
        sorted(set(forms_b) - set(forms_a)),
        sorted(set(forms_a) - set(forms_b)),
        sorted(k for k in set(forms_a) & set(forms_b) if not same(k)),
    )


def foreign_markup(bpmn_xml: str) -> list[ForeignExtension]:
    """The foreign extensions of a stored diagram; none when it is not even readable (a draft may not be)."""
    try:
        return foreign_extensions(bpmn_xml)
    except DefinitionInvalid:
        return []


def foreign_extensions(bpmn_xml: str | bytes) -> list[ForeignExtension]:
    """Elements and attributes in namespaces the engine does not read, grouped by namespace."""
    root = read_document(bpmn_xml)
    groups: dict[str, dict[str, Any]] = {}

    def group(namespace: str, prefix: str | None) -> dict[str, Any]:
        return groups.setdefault(
            namespace, {"prefix": prefix, "elements": {}, "attributes": {}, "element_ids": {}}
        )

    def qualified(prefix: str | None, localname: str) -> str:
        return f"{prefix}:{localname}" if prefix else localname

    for node in root.iter():
        if not isinstance(node.tag, str):
            continue  # comments and processing instructions
        tag = etree.QName(node)
        if (tag.namespace or "") not in ENGINE_NAMESPACES:
            entry = group(tag.namespace or "", node.prefix)
            entry["elements"][qualified(node.prefix, tag.localname)] = None
            entry["element_ids"][owner_of(node) or ""] = None
        for name in node.attrib:
            attribute = etree.QName(name)
            if attribute.namespace is None or attribute.namespace in ENGINE_NAMESPACES:
                continue  # unqualified attributes belong to their element
            prefix = next((p for p, uri in node.nsmap.items() if uri == attribute.namespace), None)
            entry = group(attribute.namespace, prefix)
            entry["attributes"][qualified(prefix, attribute.localname)] = None
            entry["element_ids"][owner_of(node) or ""] = None
    return [
        ForeignExtension(
            namespace=namespace,
            prefix=entry["prefix"],
            tool=KNOWN_TOOLS.get(namespace),
            elements=sorted(entry["elements"]),
            attributes=sorted(entry["attributes"]),
            element_ids=[i for i in entry["element_ids"] if i],
        )
        for namespace, entry in sorted(groups.items())
    ]
