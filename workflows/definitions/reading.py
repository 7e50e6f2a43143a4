"""Reading a diagram's XML as untrusted input: refusing what is not a UTF-8 BPMN document without a
DOCTYPE, finding the executable process, and naming the element a problem belongs to."""

from __future__ import annotations

import re

from lxml import etree

from workflows.engine.definition import BPMN_NS, MAX_BPMN_BYTES, NS, parse_xml
from workflows.errors import DefinitionInvalid, Problem, problem

__all__ = ["MAX_BPMN_BYTES", "localized", "namespace_problems", "owner_of", "process_node", "read_document"]

_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


def owner_of(node: etree._Element | None) -> str | None:
    """The id of the element a problem belongs to: the nearest BPMN element with an id.

    Event definitions are skipped: a timer's definition has an id of its own, but the diagram shows
    (and the process owner clicks) the event around it.
    """
    while node is not None and (
        node.get("id") is None
        or not str(node.tag).startswith("{" + BPMN_NS)
        or str(node.tag).endswith("EventDefinition")
    ):
        node = node.getparent()
    return node.get("id") if node is not None else None


def read_document(bpmn_xml: str | bytes) -> etree._Element:
    """The XML tree of a diagram; refuses (DefinitionInvalid) what is too large, not well-formed XML,
    declared in an encoding other than UTF-8, or carries a DOCTYPE."""
    head = (bpmn_xml.encode("utf-8") if isinstance(bpmn_xml, str) else bpmn_xml)[:200]
    declared = _XML_ENCODING.match(head)
    if declared and declared.group(1).decode("ascii").lower().replace("_", "-") not in {"utf-8", "utf8"}:
        # Text is stored and hashed as UTF-8; another declared encoding would be read back differently.
        raise DefinitionInvalid(
            [problem("encoding_declared", None, 1, **{"encoding": declared.group(1).decode("ascii")})]
        )
    root = parse_xml(bpmn_xml)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        # No BPMN tool writes one; entity declarations are only ever an expansion or file-reading attack.
        raise DefinitionInvalid([problem("doctype", None, 1)])
    return root


def namespace_problems(root: etree._Element) -> list[Problem]:
    tag = etree.QName(root)
    if tag.namespace == BPMN_NS and tag.localname == "definitions":
        return []
    return [
        problem(
            "not_bpmn",
            root.get("id"),
            root.sourceline,
            **{"namespace": tag.namespace or "", "element": tag.localname, "expected": BPMN_NS},
        )
    ]


def process_node(root: etree._Element) -> etree._Element:
    """The executable process element, chosen as `read_info` chooses it (which checked there is one)."""
    found = root.xpath("./bpmn:process[@isExecutable='true']", namespaces=NS) or root.xpath(
        "./bpmn:process", namespaces=NS
    )
    return found[0]


def localized(bpmn_xml: str, locale: str) -> str:
    """The diagram with each element's label in `locale`: its `name_<locale>` property, where it has
    one, replaces the name (the names written in the diagram are the Kazakh ones)."""
    root = read_document(bpmn_xml)
    changed = False
    for node in root.iter():
        if not isinstance(node.tag, str) or node.get("name") is None:
            continue
        found = node.xpath(
            "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property[@name=$name]/@value",
            namespaces=NS,
            name=f"name_{locale}",
        )
        if found and str(found[0]).strip():
            node.set("name", str(found[0]))
            changed = True
    if not changed:
        return bpmn_xml
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")
