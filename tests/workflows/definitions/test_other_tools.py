"""Diagrams made or edited in other BPMN tools (Camunda Modeler) upload, keep what the product does
not use, and come back out the same; every shipped diagram survives a round trip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import ROOT, Demo
from tests.workflows.definitions.diagrams import KEY, edited, events, one
from workflows.clock import FrozenClock
from workflows.definitions import browser, drafts, publishing
from workflows.definitions.draft_rows import EditToken
from workflows.definitions.models import ProcessDraft
from workflows.engine.definition import NS, read_info
from workflows.errors import DefinitionInvalid, NotFound

SHIPPED = sorted((ROOT / "bpmn").glob("*.bpmn"))
CORPUS = Path(__file__).parent / "corpus"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
MODELER = "http://camunda.org/schema/modeler/1.0"


def camunda_edit(xml: str) -> str:
    """The diagram as Camunda Modeler saves it after someone set a few Camunda-only options."""
    text = xml.replace(
        'targetNamespace="urn:biliktilik:bpmn">',
        f'targetNamespace="urn:biliktilik:bpmn" xmlns:camunda="{CAMUNDA}" xmlns:modeler="{MODELER}" '
        'exporter="Camunda Modeler" exporterVersion="5.20.0" modeler:executionPlatform="Camunda Platform">',
        1,
    )
    text = text.replace(
        '<bpmn:userTask id="endorse" name="Өтінішті келісу">',
        '<bpmn:userTask id="endorse" name="Өтінішті келісу" '
        'camunda:candidateGroups="heads" camunda:asyncBefore="true">',
        1,
    )
    marker = (
        '<spiffworkflow:property name="due" '
        'value="add_working_days(today(), policy[&quot;endorse_working_days&quot;])" />\n'
        "        </spiffworkflow:properties>\n"
    )
    assert text.count(marker) == 1
    return text.replace(
        marker,
        marker
        + '        <camunda:properties>\n          <camunda:property name="sla" value="P3D" />\n'
        + "        </camunda:properties>\n",
    )


def test_upload_keeps_and_reports_camunda_extensions(db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    v1 = publishing.latest_version(db, KEY)
    downloaded = drafts.export_version(db, KEY, 1, owner, clock)
    assert (downloaded.filename, downloaded.content) == (f"{KEY}_v1.bpmn", v1.bpmn_xml.encode("utf-8"))
    uploaded = camunda_edit(downloaded.content.decode("utf-8")).encode("utf-8")

    opened = browser.get_draft_or_latest(db, KEY, owner, clock)
    result = drafts.import_bpmn(db, KEY, "diagram.bpmn", uploaded, opened.token, owner, clock)
    assert result.draft.problems == []
    foreign = {f.namespace: f for f in result.foreign}
    assert set(foreign) == {CAMUNDA, MODELER}
    camunda = foreign[CAMUNDA]
    assert (camunda.prefix, camunda.tool) == ("camunda", "Camunda 7")
    assert camunda.elements == ["camunda:properties", "camunda:property"]
    assert camunda.attributes == ["camunda:asyncBefore", "camunda:candidateGroups"]
    assert camunda.element_ids == ["endorse"]
    assert foreign[MODELER].attributes == ["modeler:executionPlatform"]
    assert foreign[MODELER].element_ids == ["definitions_qualification_request"]
    (event,) = events(db, "draft_saved")
    assert event.data["imported"] is True and event.data["foreign_namespaces"] == [CAMUNDA, MODELER]

    # Stored byte for byte: in the draft, in the published version, in the next download.
    assert db.scalars(select(ProcessDraft)).one().bpmn_xml.encode("utf-8") == uploaded
    published = drafts.publish_draft(db, KEY, result.draft.token, "Edited in Camunda Modeler", owner, clock)
    assert published.version == 2
    assert drafts.export_version(db, KEY, 2, owner, clock).content == uploaded

    # The engine reads the same definition: only the ignored extensions differ.
    new = publishing.definition_of(publishing.latest_version(db, KEY)).info
    old = publishing.definition_of(v1).info
    assert _semantics(new) == _semantics(old)
    assert browser.compare_versions(db, KEY, 1, 2, owner, clock).identical


def _semantics(info: Any) -> tuple[Any, ...]:
    """A definition's meaning, without source line numbers."""
    elements = {k: (e.kind, e.name, e.properties, e.role) for k, e in info.elements.items()}
    return info.process_key, info.name, info.properties, info.lanes, elements


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_round_trip_of_every_shipped_diagram(path: Path, db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    key = read_info(etree.fromstring(path.read_bytes())).process_key
    live = publishing.latest_version(db, key)

    # Download and upload unchanged: the very same version, nothing new published.
    content = drafts.export_version(db, key, live.version, owner, clock).content
    opened = browser.get_draft_or_latest(db, key, owner, clock)
    imported = drafts.import_bpmn(db, key, "diagram.bpmn", content, opened.token, owner, clock)
    assert imported.foreign == [] and imported.draft.problems == []
    same = drafts.publish_draft(db, key, imported.draft.token, None, owner, clock)
    assert (same.unchanged, same.version, same.content_hash) == (True, live.version, live.content_hash)

    # Re-saved by another tool (different whitespace, quoting and a byte-order mark): an equivalent version.
    root = etree.fromstring(content)
    for node in root.iter():
        node.tail = None if node.tail is None or not node.tail.strip() else node.tail
    resaved = b"\xef\xbb\xbf" + etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    opened = browser.get_draft_or_latest(db, key, owner, clock)
    imported = drafts.import_bpmn(db, key, "diagram.bpmn", resaved, opened.token, owner, clock)
    assert imported.draft.problems == []
    other = drafts.publish_draft(db, key, imported.draft.token, "re-saved elsewhere", owner, clock)
    assert other.version == live.version + 1
    assert _semantics(publishing.definition_of(publishing.latest_version(db, key)).info) == _semantics(
        publishing.definition_of(live).info
    )
    assert browser.compare_versions(db, key, live.version, other.version, owner, clock).identical


def test_upload_a_new_process_from_camunda_modeler(db: Session, demo: Demo, clock: FrozenClock) -> None:
    owner = demo["owner"]
    content = (CORPUS / "camunda_seminar.bpmn").read_bytes()
    with pytest.raises(NotFound):
        browser.get_draft_or_latest(db, "seminar_request", owner, clock)
    result = drafts.import_bpmn(
        db, "seminar_request", "diagram.bpmn", content, EditToken(None, None), owner, clock
    )
    assert [(p.code, p.element_id) for p in result.draft.problems] == [
        ("unknown_role", "Lane_head"),
        ("no_form", "Activity_approve"),
        ("no_start_form", "StartEvent_1"),
    ]
    assert {f.tool for f in result.foreign} == {"Camunda 7", "Camunda Modeler"}
    listing = {d.process_key: d for d in browser.list_definitions(db, owner, clock)}["seminar_request"]
    assert listing.versions == [] and listing.latest is None
    assert (
        listing.draft is not None and listing.draft.problem_count == 3 and listing.draft.base_version is None
    )
    assert listing.name == "Семинарға қатысу"

    # Fixed in the browser editor: roles on the lanes, forms on the tasks; then it publishes as version 1.
    def fix(root: etree._Element) -> None:
        ns = {"bpmn": NS["bpmn"]}
        for lane, role in (("Lane_employee", "employee"), ("Lane_head", "department_head")):
            _add_property(one(root, f"//bpmn:lane[@id='{lane}']"), "role", role, ns)
        _add_property(one(root, "//bpmn:startEvent[@id='StartEvent_1']"), "form", "seminar", ns)
        _add_property(one(root, "//bpmn:userTask[@id='Activity_approve']"), "form", "seminar_approval", ns)

    simple = {"type": "object", "properties": {"decision": {"enum": ["approve", "reject"]}}}
    forms = {
        "seminar": {"type": "object", "properties": {"topic": {"type": "string"}}},
        "seminar_approval": simple,
    }
    fixed = drafts.save_draft(
        db, "seminar_request", edited(fix, content.decode("utf-8")), forms, result.draft.token, owner, clock
    )
    assert fixed.problems == []
    first = drafts.publish_draft(db, "seminar_request", fixed.token, "New process", owner, clock)
    assert (first.process_key, first.version) == ("seminar_request", 1)
    stored = publishing.latest_version(db, "seminar_request")
    assert 'camunda:candidateGroups="heads"' in stored.bpmn_xml and set(stored.forms) == set(forms)


def _add_property(node: etree._Element, name: str, value: str, ns: dict[str, str]) -> None:
    bpmn, spiff = ns["bpmn"], NS["spiffworkflow"]
    extensions = node.find("bpmn:extensionElements", ns)
    if extensions is None:
        extensions = etree.Element(f"{{{bpmn}}}extensionElements")
        node.insert(0, extensions)
    properties = extensions.find(f"{{{spiff}}}properties")
    if properties is None:
        properties = etree.SubElement(extensions, f"{{{spiff}}}properties", nsmap={"spiffworkflow": spiff})
    etree.SubElement(properties, f"{{{spiff}}}property", name=name, value=value)


def test_upload_must_be_utf8(db: Session, demo: Demo, clock: FrozenClock) -> None:
    opened = browser.get_draft_or_latest(db, KEY, demo["owner"], clock)
    utf16 = opened.bpmn_xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    with pytest.raises(DefinitionInvalid) as refused:
        drafts.import_bpmn(db, KEY, "diagram.bpmn", utf16, opened.token, demo["owner"], clock)
    assert [p.code for p in refused.value.problems] == ["encoding"]
    assert db.scalars(select(ProcessDraft)).all() == []
