"""Copying a process into a new one: the owner's start for their own variant of a procedure.

The copy is a draft of a new process key (the diagram's process id renamed, its title the one the
owner gives), with the source's forms; nothing is published until the owner publishes it.
"""

from __future__ import annotations

from lxml import etree
from sqlalchemy.orm import Session

from workflows.clock import Clock
from workflows.definitions.draft_rows import PROCESS_KEY, EditToken, find_draft, latest_row, require_owner
from workflows.definitions.drafts import DraftSaved, save_draft
from workflows.definitions.models import DefinitionKind
from workflows.definitions.reading import read_document
from workflows.engine.definition import NS, SPIFF_NS
from workflows.errors import NotAllowedNow, NotFound

_TITLES = ("title_kk", "title_ru", "title_en")


def _set_title(process: etree._Element, title: str) -> None:
    process.set("name", title)
    holder = process.find("bpmn:extensionElements/spiffworkflow:properties", NS)
    if holder is None:
        return
    for prop in holder.findall("spiffworkflow:property", NS):
        if prop.get("name") in (*_TITLES, "name_ru", "name_en"):
            prop.set("value", title)
    present = {p.get("name") for p in holder.findall("spiffworkflow:property", NS)}
    for name in _TITLES:
        if name not in present:
            etree.SubElement(holder, f"{{{SPIFF_NS}}}property", name=name, value=title)


def renamed(bpmn_xml: str, source_key: str, new_key: str, title: str) -> str:
    """The diagram as the process `new_key`, titled `title` in every language until translated."""
    root = read_document(bpmn_xml)
    for process in root.xpath("./bpmn:process[@id=$key]", namespaces=NS, key=source_key):
        process.set("id", new_key)
        _set_title(process, title)
    for participant in root.xpath(".//bpmn:participant[@processRef=$key]", namespaces=NS, key=source_key):
        participant.set("processRef", new_key)
        participant.set("name", title)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def copy_process(
    session: Session, source_key: str, new_key: str, title: str, actor_id: int, clock: Clock
) -> DraftSaved:
    """A draft of `new_key` made from the live version of `source_key`."""
    require_owner(session, actor_id, clock)
    source = latest_row(session, source_key)
    if source is None or source.kind != DefinitionKind.PROCESS:
        raise NotFound(f"No published process '{source_key}'", process_key=source_key)
    new_key, title = new_key.strip(), " ".join(title.split())
    if not PROCESS_KEY.fullmatch(new_key) or not title:
        raise NotAllowedNow("copy_key_invalid", "Not a process key, or no title", process_key=new_key)
    if latest_row(session, new_key) is not None or find_draft(session, new_key) is not None:
        raise NotAllowedNow("copy_key_taken", "The key is taken", process_key=new_key)
    xml = renamed(source.bpmn_xml, source_key, new_key, title)
    empty = EditToken(None, None)
    return save_draft(
        session, new_key, xml, dict(source.forms), empty, actor_id, clock, copied_from=source_key
    )
