"""Turning BPMN text into cached engine specs plus the product metadata read from extension elements."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from workflows.errors import DefinitionInvalid, Problem, problem
from workflows.language import pick

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
MAX_BPMN_BYTES = 2 * 1024 * 1024
Parsed = TypeVar("Parsed")
# Who may start a process when its diagram does not say (the `starters` process property).
DEFAULT_STARTERS = ("employee",)
# `starters="none"`: nobody starts the process from the "new application" page.
NOBODY_STARTS = "none"

# Hardened: no DTDs, no entity expansion, no network; a diagram is untrusted input.
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
)


@dataclass(frozen=True)
class Element:
    id: str
    kind: str  # the BPMN tag without namespace: userTask, startEvent, ...
    name: str
    properties: dict[str, str]
    role: str | None  # the role of the lane it sits in
    line: int | None = None


@dataclass(frozen=True)
class DefinitionInfo:
    process_key: str
    name: str
    properties: dict[str, str]
    elements: dict[str, Element]
    lanes: dict[str, str]  # lane id -> role
    documentation: str = ""  # the process's bpmn:documentation: what it is for, in the diagram's words

    def policy(self) -> dict[str, Any]:
        """Process properties that are numbers: the policy copied into each instance at start."""
        values: dict[str, Any] = {}
        for key, raw in self.properties.items():
            if key.startswith(("title_", "description_")):
                continue
            try:
                values[key] = int(raw)
            except ValueError:
                try:
                    values[key] = float(raw)
                except ValueError:
                    values[key] = raw
        return values

    def title(self, locale: str) -> str:
        return pick(self.titles(), locale, self.name)

    def starters(self) -> tuple[str, ...]:
        """The roles the `starters` property names (comma-separated), or the default when it names none."""
        raw = self.properties.get("starters") or ""
        if raw.strip() == NOBODY_STARTS:  # the product starts it (a campaign, a journal entry, a refund)
            return ()
        roles = tuple(dict.fromkeys(r.strip() for r in raw.split(",") if r.strip()))
        return roles or DEFAULT_STARTERS

    def descriptions(self) -> dict[str, str]:
        """What the process is for: its documentation (Kazakh), translated by description_<locale>."""
        props = self.properties
        found = {k.removeprefix("description_"): v for k, v in props.items() if k.startswith("description_")}
        if self.documentation:
            found.setdefault("kk", self.documentation)
        return {k: v for k, v in found.items() if v}

    def titles(self) -> dict[str, str]:
        """The title_<locale> process properties, by locale."""
        props = self.properties
        return {k.removeprefix("title_"): v for k, v in props.items() if k.startswith("title_") and v}

    @property
    def start_event(self) -> Element:
        starts = [e for e in self.elements.values() if e.kind == "startEvent"]
        return starts[0]

    def user_tasks(self) -> list[Element]:
        return [e for e in self.elements.values() if e.kind == "userTask"]


@dataclass(frozen=True)
class ParsedDefinition:
    info: DefinitionInfo
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]


def _properties(node: etree._Element) -> dict[str, str]:
    props: dict[str, str] = {}
    for prop in node.xpath(
        "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS
    ):
        name = prop.get("name")
        if name is None or prop.get("value") is None:
            raise DefinitionInvalid([problem("property_incomplete", node.get("id"), prop.sourceline)])
        props[name] = prop.get("value")
    return props


def parse_xml(bpmn_xml: str | bytes) -> etree._Element:
    raw = bpmn_xml.encode("utf-8") if isinstance(bpmn_xml, str) else bpmn_xml
    if len(raw) > MAX_BPMN_BYTES:
        raise DefinitionInvalid([problem("too_large", **{"kib": MAX_BPMN_BYTES // 1024})])
    try:
        return etree.fromstring(raw, _XML_PARSER)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise DefinitionInvalid([problem("xml_syntax", None, line, detail=exc.msg)]) from exc


def read_info(root: etree._Element) -> DefinitionInfo:
    processes = root.xpath("./bpmn:process[@isExecutable='true']", namespaces=NS) or root.xpath(
        "./bpmn:process", namespaces=NS
    )
    if len(processes) != 1:
        raise DefinitionInvalid([problem("process_count", **{"found": len(processes)})])
    process = processes[0]
    lanes: dict[str, str] = {}
    role_of: dict[str, str] = {}
    for lane in process.xpath(".//bpmn:lane", namespaces=NS):
        role = _properties(lane).get("role") or (lane.get("name") or "").strip()
        lanes[lane.get("id")] = role
        for ref in lane.xpath("./bpmn:flowNodeRef", namespaces=NS):
            role_of[(ref.text or "").strip()] = role
    elements: dict[str, Element] = {}
    for node in process.iter():
        if not isinstance(node.tag, str) or not node.tag.startswith("{" + BPMN_NS):
            continue
        element_id = node.get("id")
        if element_id is None:
            continue
        kind = etree.QName(node).localname
        if kind in {"lane", "laneSet", "extensionElements"}:
            continue
        elements[element_id] = Element(
            id=element_id,
            kind=kind,
            name=(node.get("name") or element_id).strip(),
            properties=_properties(node),
            role=role_of.get(element_id),
            line=node.sourceline,
        )
    return DefinitionInfo(
        process_key=process.get("id"),
        name=process.get("name") or process.get("id"),
        properties=_properties(process),
        elements=elements,
        lanes=lanes,
        documentation=" ".join(
            (doc.text or "").strip() for doc in process.xpath("./bpmn:documentation", namespaces=NS)
        ).strip(),
    )


def _engine_problem(exc: Exception) -> Problem:
    if isinstance(exc, ValidationException):
        element_id = getattr(exc, "id", None) or None
        line = getattr(exc, "line_number", None) or None
        return problem(
            "engine", element_id, line if isinstance(line, int) else None, detail=str(exc).split("\n")[0]
        )
    if isinstance(exc, KeyError):
        return problem("engine", detail=f"a required attribute is missing: {exc.args[0]!r}")
    return problem("engine", detail=str(exc) or exc.__class__.__name__)


def parse(bpmn_xml: str | bytes) -> ParsedDefinition:
    """Parse and structurally check one diagram; raises DefinitionInvalid with what is wrong."""
    root = parse_xml(bpmn_xml)
    info = read_info(root)
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        parser.add_bpmn_xml(etree.ElementTree(root), filename=f"{info.process_key}.bpmn")
        spec = parser.get_spec(info.process_key)
        subprocess_specs = parser.get_subprocess_specs(info.process_key)
    except (SpiffWorkflowException, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise DefinitionInvalid([_engine_problem(exc)]) from exc
    return ParsedDefinition(info=info, spec=spec, subprocess_specs=subprocess_specs)


class ContentCache(Generic[Parsed]):
    """Parsed texts by content hash: a published version is parsed once per process."""

    def __init__(self, parse_text: Callable[[str], Parsed]) -> None:
        self._parse = parse_text
        self._items: dict[str, Parsed] = {}
        self._lock = threading.Lock()

    def get(self, content_hash: str, text: str) -> Parsed:
        found = self._items.get(content_hash)
        if found is not None:
            return found
        parsed = self._parse(text)
        with self._lock:
            return self._items.setdefault(content_hash, parsed)


DEFINITIONS: ContentCache[ParsedDefinition] = ContentCache(parse)
