"""The kinds of definition: plain values the web app may use too (the models module is rows)."""

from __future__ import annotations

from enum import StrEnum


class DefinitionKind(StrEnum):
    """What a definition is: a BPMN process people run, or a DMN decision table the product consults."""

    PROCESS = "process"
    DECISION = "decision"
