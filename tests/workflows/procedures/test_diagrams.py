"""Each shipped procedure passes the publishing checks and cites the seed for its steps."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.conftest import ROOT
from workflows.definitions.validation import validate
from workflows.engine.definition import NS
from workflows.forms.schema import load_forms

PROCEDURES = ["kaznrtu_training", "kafu_external", "kafu_internal"]


@pytest.mark.parametrize("key", PROCEDURES)
def test_the_diagram_passes_the_publishing_checks(key: str) -> None:
    xml = (ROOT / "bpmn" / f"{key}.bpmn").read_text("utf-8")
    parsed, problems = validate(xml, load_forms())
    assert problems == [] and parsed is not None
    assert parsed.info.titles().keys() == {"kk", "ru", "en"}
    assert parsed.info.descriptions().keys() == {"kk", "ru", "en"}
    root = etree.fromstring(xml.encode("utf-8"))
    for task in root.xpath("//bpmn:userTask", namespaces=NS):
        docs = task.xpath("./bpmn:documentation/text()", namespaces=NS)
        assert docs and "§" in docs[0], task.get("id")  # every step says which seed section it implements
