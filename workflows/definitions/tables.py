"""Decision tables as definitions: telling DMN from BPMN, every check a table passes before it is
published (naming the rule and column of a bad cell), and comparing two tables rule by rule.

A table whose decision the product consults (the periodicity policy) must also keep the inputs
and outputs the product reads, and yield outputs of the right kind for sample facts.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

from lxml import etree

from workflows.definitions.diff import ElementDiff, FieldChange
from workflows.definitions.models import DefinitionKind
from workflows.definitions.reading import read_document
from workflows.engine.decisions import DMN_NAMESPACES, Column, ParsedDecision, cell_expression, parse_decision
from workflows.errors import DecisionFailed, DefinitionInvalid, Problem, problem
from workflows.records import requirements
from workflows.sandbox import check_expression


@dataclass(frozen=True)
class Contract:
    """What the product reads from a decision: its hit policy, inputs, outputs, and sample facts."""

    hit_policy: str
    inputs: tuple[str, ...]
    outputs: dict[str, str]
    samples: dict[str, dict[str, Any]]

    def output_problem(self, name: str, value: Any) -> str | None:
        return requirements.output_problem(name, value) if name in self.outputs else None


CONTRACTS = {
    requirements.POLICY_KEY: Contract(
        "COLLECT",
        requirements.INPUTS,
        requirements.OUTPUTS,
        {name: facts.as_data() for name, facts in requirements.SAMPLES.items()},
    )
}


def kind_of(xml: str | bytes) -> DefinitionKind:
    """A DMN document is a decision; anything else is read (and checked) as a process diagram."""
    root = read_document(xml)
    return (
        DefinitionKind.DECISION if etree.QName(root).namespace in DMN_NAMESPACES else DefinitionKind.PROCESS
    )


def _decision_attribute(xml: str, attribute: str) -> str | None:
    try:
        root = read_document(xml)
    except DefinitionInvalid:
        return None
    found = root.xpath(f"./*[local-name()='decision']/@{attribute}")
    return str(found[0]).strip() if found else None


def decision_key(xml: str) -> str | None:
    """The decision id of a DMN file, or None when it has none or is not readable."""
    return _decision_attribute(xml, "id")


def decision_name(xml: str) -> str | None:
    return _decision_attribute(xml, "name")


def _cell_problem(rule: int, rule_id: str, column: Column, detail: str) -> Problem:
    return problem("decision_cell", rule_id, None, rule=rule, column=column.label, detail=detail)


def _input_problems(table: ParsedDecision) -> list[Problem]:
    problems = [problem("decision_input", c.id, None, column=c.label) for c in table.inputs if not c.name]
    for rule in table.rules:
        for column, cell in zip(table.inputs, rule.inputs, strict=False):
            expression = cell_expression(column, cell) if column.name else None
            if expression is None:
                continue
            for reason in check_expression(expression):
                problems.append(_cell_problem(rule.number, rule.id, column, reason))
    return problems


def _literal(text: str) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None


def _output_problems(table: ParsedDecision, contract: Contract | None) -> list[Problem]:
    problems: list[Problem] = []
    for rule in table.rules:
        for column, cell in zip(table.outputs, rule.outputs, strict=False):
            if not cell:
                if contract is not None and column.name in contract.outputs:
                    problems.append(
                        problem("decision_cell_empty", rule.id, None, rule=rule.number, column=column.label)
                    )
                continue
            reasons = check_expression(cell)
            problems.extend(_cell_problem(rule.number, rule.id, column, reason) for reason in reasons)
            known, value = _literal(cell)
            wrong = (
                contract.output_problem(column.name, value) if contract and known and not reasons else None
            )
            if wrong is not None:
                problems.append(_type_problem(rule.number, rule.id, column, cell, wrong))
    return problems


def _type_problem(rule: int, rule_id: str, column: Column, value: str, expected: str) -> Problem:
    return problem(
        "decision_cell_type", rule_id, None, rule=rule, column=column.label, value=value, expected=expected
    )


def _contract_problems(table: ParsedDecision, contract: Contract) -> list[Problem]:
    problems: list[Problem] = []
    if table.hit_policy != contract.hit_policy:
        problems.append(
            problem(
                "decision_hit_policy", table.key, None, policy=table.hit_policy, expected=contract.hit_policy
            )
        )
    read = {c.name for c in table.inputs}
    problems += [
        problem("decision_input_missing", column=name) for name in contract.inputs if name not in read
    ]
    written = {c.name for c in table.outputs}
    problems += [
        problem("decision_output_missing", column=name) for name in contract.outputs if name not in written
    ]
    return problems


def _sample_problems(table: ParsedDecision, contract: Contract) -> list[Problem]:
    """Run the sample facts through the table: outputs computed by expressions are checked here."""
    problems: list[Problem] = []
    for sample, facts in contract.samples.items():
        try:
            decided = table.decide(facts)
        except DecisionFailed as exc:
            problems.append(problem("decision_sample", None, None, sample=sample, detail=str(exc)))
            continue
        for number, outputs in decided:
            rule = table.rules[number - 1]
            for column in table.outputs:
                wrong = contract.output_problem(column.name, outputs.get(column.name))
                if wrong is not None:
                    value = repr(outputs.get(column.name))
                    problems.append(_type_problem(number, rule.id, column, value, wrong))
    return _unique(problems)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    kept = []
    for found in problems:
        if found.message not in seen:
            seen.add(found.message)
            kept.append(found)
    return kept


def validate_decision(
    dmn_xml: str, expected_key: str | None = None
) -> tuple[ParsedDecision | None, list[Problem]]:
    """Every problem of a decision table, the parsed table if none: the engine's parser, then each
    cell compiled in the sandbox, the contract of a decision the product reads, and sample facts."""
    try:
        table = parse_decision(dmn_xml)
    except DefinitionInvalid as exc:
        return None, exc.problems
    problems: list[Problem] = []
    if expected_key is not None and table.key != expected_key:
        problems.append(problem("decision_key", table.key, None, expected=expected_key, found=table.key))
    if not table.rules:
        problems.append(problem("decision_no_rules", table.key))
    contract = CONTRACTS.get(table.key)
    if contract is not None:
        problems += _contract_problems(table, contract)
    problems += _input_problems(table) + _output_problems(table, contract)
    if contract is not None and not problems:
        problems = _sample_problems(table, contract)
    return (table if not problems else None), problems


def _rule_snapshot(table: ParsedDecision) -> dict[str, ElementDiff]:
    found: dict[str, ElementDiff] = {}
    for column in table.inputs + table.outputs:
        kind = "input" if column in table.inputs else "output"
        fields = {"label": column.label, "expression" if kind == "input" else "name": column.name}
        fields["type"] = column.type_ref
        changes = [FieldChange(k, None, v) for k, v in fields.items() if v]
        found[column.id] = ElementDiff(column.id, kind, column.label, changes)
    for rule in table.rules:
        fields = {"number": str(rule.number), "description": rule.description}
        cells = zip(table.inputs + table.outputs, rule.inputs + rule.outputs, strict=False)
        fields.update({column.label: cell for column, cell in cells})
        changes = [FieldChange(k, None, v) for k, v in fields.items() if v]
        found[rule.id] = ElementDiff(rule.id, "rule", rule.description or f"#{rule.number}", changes)
    return found


def diff_decisions(xml_a: str, xml_b: str) -> tuple[list[ElementDiff], list[ElementDiff], list[ElementDiff]]:
    """Rules and columns added, removed and changed from a to b (a rule is known by its id)."""
    before, after = _rule_snapshot(parse_decision(xml_a)), _rule_snapshot(parse_decision(xml_b))
    changed = []
    for key in [k for k in after if k in before]:
        old = {c.field: c.after for c in before[key].changes}
        new = {c.field: c.after for c in after[key].changes}
        fields = list(dict.fromkeys([*old, *new]))
        diffs = [FieldChange(f, old.get(f), new.get(f)) for f in fields if old.get(f) != new.get(f)]
        if diffs:
            changed.append(ElementDiff(key, after[key].kind, after[key].name, diffs))
    removed = [
        ElementDiff(e.element_id, e.kind, e.name, [FieldChange(c.field, c.after, None) for c in e.changes])
        for key, e in before.items()
        if key not in after
    ]
    added = [e for key, e in after.items() if key not in before]
    return added, removed, changed
