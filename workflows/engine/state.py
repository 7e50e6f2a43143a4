"""Engine state as one JSON document per instance, without the spec (restored from the cache)."""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from workflows.engine.compaction import compact
from workflows.engine.definition import ParsedDefinition


class _WorkflowWithoutSpecs(BpmnWorkflowConverter):
    """The workflow as SpiffWorkflow's own converter writes it, less the specs: they are stored once
    per published version, and converting them only to drop them again was most of a dump."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


_SERIALIZER = BpmnWorkflowSerializer(
    BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, BpmnWorkflow: _WorkflowWithoutSpecs})
)
SERIALIZER_VERSION: str = _SERIALIZER.VERSION


def new_workflow(definition: ParsedDefinition) -> BpmnWorkflow:
    return BpmnWorkflow(definition.spec, definition.subprocess_specs)


def dump(workflow: BpmnWorkflow, compacted: bool = True) -> str:
    """The state as JSON, compacted (see workflows.engine.compaction) unless told otherwise."""
    # The spec is stored once per published version; copying it into every instance
    # doubled the document and slowed every load (the converter leaves it out).
    dct: dict[str, Any] = _SERIALIZER.to_dict(workflow)
    if compacted:
        dct = compact(dct, workflow)
    return json.dumps(dct, ensure_ascii=False, separators=(",", ":"))


def load(state: str, version: str, definition: ParsedDefinition) -> BpmnWorkflow:
    dct = json.loads(state)
    dct[BpmnWorkflowSerializer.VERSION_KEY] = version
    _SERIALIZER.migrate(dct)
    # Objects the registry does not know pass through restore unchanged: the cached specs.
    dct["spec"] = definition.spec
    dct["subprocess_specs"] = dict(definition.subprocess_specs)
    workflow: BpmnWorkflow = _SERIALIZER.from_dict(dct)
    return workflow
